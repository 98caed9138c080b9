// Bundles src/ into dist/ (two CommonJS bundles, see below) and writes dist/help.txt.
// Outputs are written atomically (temp file + rename) and stale files removed later, so a process
// running dist/ while a rebuild happens never sees a missing or half-written file.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate as generateTypes, OUT as TYPES } from './gen-types.mjs';
import { generate as generateValidator, OUT as VALIDATOR } from './gen-validator.mjs';
import { generate as generateWasm, OUT as WASM } from './gen-wasm.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

// the manifest validator and the manifest's types are generated from recipes.schema.json, the SHA-256
// module from its WebAssembly text; refresh them before bundling
for (const [file, code] of [[VALIDATOR, generateValidator()], [TYPES, await generateTypes()], [WASM, await generateWasm()]]) {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {}
  if (old !== code) writeFileSync(file, code);
}

// Built-ins the main bundle's modules import but a render does not use, required on first use instead:
// commander's node:child_process (only to spawn executable subcommands, which create-image has none
// of; it pulls in net, dgram and streams, ~10 ms of every start), and node:module, whose createRequire
// loads rarely needed packages (it brings node's ES module loader). Each stand-in has the real
// module's keys as getters, so both require() and named imports reach the real one when used.
const LAZY_BUILTINS = { child_process: /[\\/]commander[\\/]/, module: /./ };
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(node:)?(${Object.keys(LAZY_BUILTINS).join('|')})$`) }, (args) => {
      const name = args.path.replace(/^node:/, '');
      // (the stand-in's own require is the real module)
      return args.namespace !== 'lazy-builtins' && LAZY_BUILTINS[name].test(args.importer) ? { path: name, namespace: 'lazy-builtins' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtins' }, async (args) => ({
      contents: `for (const key of ${JSON.stringify(Object.keys(await import(`node:${args.path}`)).filter((k) => k !== 'default'))}) Object.defineProperty(exports, key, { enumerable: true, get: () => require('node:${args.path}')[key] });`,
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

// Every built-in template compiled ahead (see src/core/precompiled-templates.ts): a module in that
// one's place holding each compiled function under the sha256 of its template's text. Files a recipe
// copies as they are (`copy`) are not templates.
async function precompiledTemplates() {
  const { compiledSource } = await load('src/core/render.ts');
  const copied = new Set();
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'recipe.json') {
        for (const f of JSON.parse(readFileSync(p, 'utf8')).files ?? []) if (f.copy) copied.add(join(dir, f.template));
      } else files.push(p);
    }
  };
  walk(join(root, 'recipes'));
  const entries = new Map();
  for (const file of files) {
    if (copied.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    let body;
    try {
      body = compiledSource(text);
      new Function('it', 'options', body); // what eta would refuse is left to it, to report at run time
    } catch {
      continue;
    }
    entries.set(createHash('sha256').update(text).digest('hex'), body);
  }
  const fns = [...entries].map(([hash, body]) => `[${JSON.stringify(hash)}, function (it, options) {\n${body}\n}]`);
  return `export const precompiled = new Map([\n${fns.join(',\n')}\n]);\n`;
}
const aheadOfTime = (contents) => ({
  name: 'precompiled-templates',
  setup(b) {
    b.onResolve({ filter: /precompiled-templates\.js$/ }, (args) => (srcKey(args.importer) === 'src/core/render.ts' ? { path: 'precompiled-templates', namespace: 'precompiled-templates' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'precompiled-templates' }, () => ({ contents, loader: 'js' }));
  },
});

// Bundles one src module for use by this script.
async function load(entry) {
  const out = await build({ absWorkingDir: root, entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'warning' });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

// Two CommonJS bundles, loaded by bin/create-image.cjs with a V8 code cache (see there):
//   dist/cli.cjs            everything a plain non-interactive generation needs;
//   dist/lazy-<hash>.cjs    the rest (src/cli/lazy.ts: prompts, builds, lint, pipelines, other
//                           subcommands), required on first use.
// The lazy bundle must not carry its own copies of modules the main one has (two CreateImageError
// classes, two caches): its imports of those resolve to the main bundle's instances, which
// dist/cli.cjs exports as `__shared`, keyed by source path.
const minify = !process.env.NO_MINIFY;
// `npm pack` / `npm publish` run this as prepack (the script itself, not through `npm run`, so the
// event name reaches it): the package ships no source maps, which were most of its size.
const packing = process.env.npm_lifecycle_event === 'prepack';
const VALIDATED = JSON.stringify((await validatedManifests()).join(' '));
const PRECOMPILED = await precompiledTemplates();
const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify,
  sourcemap: packing ? false : 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  // import() becomes require(): a dynamic import would start node's ES module loader (~3% of a start)
  supported: { 'dynamic-import': false },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // (a string, not an array: it is inlined where used)
  define: { 'import.meta.url': '__importMetaUrl', __VALIDATED_MANIFESTS__: VALIDATED },
  write: false,
};
const srcKey = (abs) => relative(root, abs).split('\\').join('/');
const lazyBoundary = (target) => ({
  name: 'lazy-boundary',
  setup(b) {
    b.onResolve({ filter: /^\.\/lazy\.js$/ }, () => ({ path: `./${target}`, external: true }));
  },
});
// The manifest validator (ajv's standalone code, a third of what the main bundle would be) only
// runs for manifests the build has not validated: user recipes, whose sources load the lazy bundle
// anyway, or an edited built-in. The main bundle takes it from the lazy one, required on first use.
const validatorFromLazy = (target) => ({
  name: 'validator-from-lazy',
  setup(b) {
    b.onResolve({ filter: /manifest-validator\.generated\.js$/ }, (args) =>
      srcKey(args.importer) === 'src/core/manifest.ts' ? { path: target, namespace: 'validator-from-lazy' } : undefined,
    );
    b.onResolve({ filter: /.*/, namespace: 'validator-from-lazy' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'validator-from-lazy' }, (args) => ({
      contents: `Object.defineProperty(exports, 'validate', { enumerable: true, get: () => require(${JSON.stringify(`./${args.path}`)}).validateManifestSchema });`,
      loader: 'js',
    }));
  },
});

// 1. Which src modules the main bundle holds.
const probe = await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.cjs', metafile: true, plugins: [lazyBuiltins, lazyBoundary('lazy.cjs'), validatorFromLazy('lazy.cjs'), aheadOfTime(PRECOMPILED)] });
const shared = Object.keys(probe.metafile.inputs)
  .filter((p) => p.startsWith('src/') && /\.(ts|js)$/.test(p))
  .sort();

// 2. The lazy bundle, importing those from the main one.
const fromMain = {
  name: 'from-main-bundle',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(join(root, 'src'))) return undefined;
      const abs = resolve(dirname(args.importer), args.path);
      const key = [abs.replace(/\.js$/, '.ts'), abs].map(srcKey).find((k) => shared.includes(k));
      return key && args.importer !== join(root, key) ? { path: key, namespace: 'from-main-bundle' } : undefined;
    });
    b.onResolve({ filter: /^\.\/cli\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'from-main-bundle' }, (args) => ({ contents: `module.exports = require('./cli.cjs').__shared[${JSON.stringify(args.path)}];`, loader: 'js' }));
  },
};
const lazyOut = await build({ ...common, entryPoints: ['src/cli/lazy.ts'], outfile: 'dist/lazy.cjs', plugins: [fromMain] });
const lazyCode = lazyOut.outputFiles.find((f) => f.path.endsWith('.cjs'));
// a content-addressed name: a process started from an earlier build keeps requiring its own lazy half
const lazyName = `lazy-${createHash('sha256').update(lazyCode.contents).digest('hex').slice(0, 10)}.cjs`;

// 3. The main bundle, exporting its src modules for the lazy one.
const entry = [
  "export { run, ranGeneration } from './src/cli/main.ts';",
  ...shared.map((k, i) => `import * as m${i} from './${k}';`),
  `export const __shared = { ${shared.map((k, i) => `${JSON.stringify(k)}: m${i}`).join(', ')} };`,
].join('\n');
const mainOut = await build({ ...common, stdin: { contents: entry, resolveDir: root, sourcefile: 'cli-entry.js', loader: 'js' }, outfile: 'dist/cli.cjs', plugins: [lazyBuiltins, lazyBoundary(lazyName), validatorFromLazy(lazyName), aheadOfTime(PRECOMPILED)] });

const keep = new Set();
const outputs = [
  ...lazyOut.outputFiles.map((f) => ({ path: f.path.replace(/lazy\.cjs(\.map)?$/, (_m, ext) => lazyName + (ext ?? '')), contents: renamedMapUrl(f) })),
  // the entry last: a new cli.cjs must never require a lazy half that is not there yet
  ...mainOut.outputFiles.map((f) => ({ path: f.path, contents: f.contents })),
];
function renamedMapUrl(f) {
  // keep the lazy bundle's sourceMappingURL pointing at its renamed map
  return f.path.endsWith('.cjs') ? Buffer.from(f.text.replace(/sourceMappingURL=lazy\.cjs\.map/, `sourceMappingURL=${lazyName}.map`)) : f.contents;
}
for (const f of outputs) {
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
    if (e.isDirectory()) {
      sweep(p);
      if (readdirSync(p).length === 0) rmSync(p, { recursive: true }); // a dir earlier builds used
    } else if (!keep.has(p) && Date.now() - statSync(p).mtimeMs > STALE_MS) rmSync(p, { force: true });
  }
}
// Earlier builds' files go once they are old: a process started from the previous build may still
// require its lazy half for a while. Packing takes only this build's files.
const STALE_MS = packing ? 0 : 30 * 60_000;
sweep(outdir);
// The bin answers a lone --help from this file; it is commander's output at 80 columns.
const { execFileSync } = await import('node:child_process');
const helpText = execFileSync(
  process.execPath,
  ['-e', `require(${JSON.stringify(join(outdir, 'cli.cjs'))}).run(['node', 'create-image', '--help']).then((c) => { process.exitCode = c; });`],
  { env: { ...process.env, COLUMNS: '80', NO_COLOR: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
writeFileSync(join(outdir, 'help.txt'), helpText);
keep.add(join(outdir, 'help.txt'));
console.log(`built ${relative(root, outdir)}/ (${keep.size} files)`);
