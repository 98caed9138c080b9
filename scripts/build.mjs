// Bundles src/ into dist/ as ESM. Code splitting keeps what `--help` does not need in lazily loaded chunks.
// Outputs are written atomically (temp file + rename) and stale chunks removed afterwards, so a
// process running dist/ while a rebuild happens never sees a missing or half-written file.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
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

// commander requires node:child_process at load time only to spawn executable subcommands, which
// create-image has none of; that require pulls in net, dgram and streams (~10 ms of every start).
// Give commander a stand-in that loads the real module on first use instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

// Built-in manifests that pass validation now need not be validated again at every run (see
// src/recipes/load.ts): their sha256 goes into the bundle.
async function validatedManifests() {
  const { validateManifest } = await load('src/core/manifest.ts');
  const hashes = [];
  for (const name of readdirSync(join(root, 'recipes'))) {
    let text;
    try {
      text = readFileSync(join(root, 'recipes', name, 'recipe.json'), 'utf8');
    } catch {
      continue;
    }
    let data;
    try {
      data = JSON.parse(text);
    } catch {
      continue; // left for the run-time check to report with its line
    }
    if (validateManifest(data).length === 0) hashes.push(createHash('sha256').update(text).digest('hex'));
  }
  return hashes;
}

// Bundles one src module for use by this script.
async function load(entry) {
  const out = await build({ absWorkingDir: root, entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'warning' });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

// `import { readFileSync } from 'node:fs'` in an ES module makes node build an ES facade of the
// builtin, which reads every export, lazy getters included: fs.promises and fs.ReadStream load the
// promises and streams machinery (~4 ms of every start). Bundled code gets the builtins as CommonJS
// modules instead, whose properties esbuild reads only where they are used.
const builtinsWithoutFacade = {
  name: 'builtins-without-facade',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule?.(${JSON.stringify(args.path)}) ?? require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

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
  plugins: [lazyChildProcess, builtinsWithoutFacade],
  // (a string, not an array: esbuild would give an array its own chunk, one more file to load)
  define: { __VALIDATED_MANIFESTS__: JSON.stringify((await validatedManifests()).join(' ')) },
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
