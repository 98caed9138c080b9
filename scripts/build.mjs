// Bundles src/ into dist/ as ESM. Code splitting keeps what `--help` does not need in lazily loaded chunks.
// Outputs are written atomically (temp file + rename) and stale chunks removed afterwards, so a
// process running dist/ while a rebuild happens never sees a missing or half-written file.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate as generateValidator, OUT as VALIDATOR } from './gen-validator.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

// the manifest validator is compiled from recipes.schema.json; refresh it before bundling
{
  const code = generateValidator();
  let old = '';
  try {
    old = readFileSync(VALIDATOR, 'utf8');
  } catch {}
  if (old !== code) writeFileSync(VALIDATOR, code);
}

const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: !process.env.NO_SPLIT,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: !process.env.NO_MINIFY,
  sourcemap: 'linked',
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Some CommonJS dependencies call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __cir } from 'node:module'; const require = __cir(import.meta.url);" },
  logLevel: 'warning',
  write: false,
});

const keep = new Set();
// chunks first, entry last: a new cli.js must never import a chunk that is not there yet
const files = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('cli.js')) - Number(b.path.endsWith('cli.js')));
for (const f of files) {
  keep.add(f.path);
  mkdirSync(dirname(f.path), { recursive: true });
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}

function sweep(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sweep(p);
    else if (!keep.has(p) && Date.now() - statSync(p).mtimeMs > STALE_MS) rmSync(p, { force: true });
  }
}
// Stale chunks of earlier builds go once they are old: a process started from the previous build
// may still import one of its lazy chunks for a while.
const STALE_MS = 30 * 60_000;
sweep(outdir);
// The bin answers a lone --help from this file; it is commander's output at 80 columns.
const { execFileSync } = await import('node:child_process');
const helpText = execFileSync(
  process.execPath,
  ['--input-type=module', '-e', `const { run } = await import(${JSON.stringify(join(outdir, 'cli.js'))}); process.exitCode = await run(['node', 'create-image', '--help']);`],
  { env: { ...process.env, COLUMNS: '80', NO_COLOR: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
writeFileSync(join(outdir, 'help.txt'), helpText);
keep.add(join(outdir, 'help.txt'));
console.log(`built ${relative(root, outdir)}/ (${keep.size} files)`);
