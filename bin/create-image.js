#!/usr/bin/env node
// Thin shim: everything lives in the bundled ESM dist, loaded in one go for a fast start.
import { run } from '../dist/cli.js';

process.exitCode = await run(process.argv);
