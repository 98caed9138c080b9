// Bundles src/ into dist/ as ESM. Code splitting keeps what `--help` does not need in lazily loaded chunks.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Some CommonJS dependencies call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __cir } from 'node:module'; const require = __cir(import.meta.url);" },
  logLevel: 'warning',
});
