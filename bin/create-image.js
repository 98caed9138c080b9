#!/usr/bin/env node
// Thin shim over the bundled ESM dist. A lone `--help` is answered from the text the build wrote
// (dist/help.txt, commander's own output), so the most common first command costs about as much as
// starting node; everything else loads the CLI.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const wide = !process.stdout.isTTY || (process.stdout.columns ?? 80) >= 80;
let help;
if (args.length === 1 && (args[0] === '--help' || args[0] === '-h') && wide) {
  try {
    help = readFileSync(new URL('../dist/help.txt', import.meta.url), 'utf8');
  } catch {
    // not built with help.txt: fall through to the CLI
  }
}
if (help !== undefined) {
  process.stdout.write(help);
} else {
  const { run } = await import('../dist/cli.js');
  process.exitCode = await run(process.argv);
}
