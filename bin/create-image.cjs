#!/usr/bin/env node
'use strict';
// Thin shim over the bundled dist/cli.cjs. Two things keep a start close to bare node's:
// - A lone `--help` is answered from dist/help.txt (commander's own output, written by the build).
// - The bundle is compiled with a V8 code cache kept in $XDG_CACHE_HOME/create-image/v8 (default
//   ~/.cache/...): parsing and compiling the JavaScript is most of what a run costs, and the cache
//   skips it from the second run on (what node 22's module.enableCompileCache does; node 20 has no
//   such thing). No cache, an unwritable dir or a rejected cache only means compiling as usual.
//   CREATE_IMAGE_NO_CODE_CACHE=1 turns it off.
// CommonJS on purpose: an ES module bin would start node's ES module loader on every run.
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const args = process.argv.slice(2);
// process.stdout's stream is made only when a terminal's width must be known: making it costs a few ms
const wide = () => !require('node:tty').isatty(1) || (process.stdout.columns ?? 80) >= 80;
let help;
if (args.length === 1 && (args[0] === '--help' || args[0] === '-h') && wide()) {
  try {
    help = fs.readFileSync(path.join(dist, 'help.txt'), 'utf8');
  } catch {
    // not built with help.txt: fall through to the CLI
  }
}
if (help !== undefined) {
  writeOut(help);
} else {
  loadWithCodeCache(path.join(dist, 'cli.cjs'))
    .run(process.argv)
    .then((code) => {
      process.exitCode = code;
    });
}

/** `text` to standard output by its descriptor (no stream to make); a reader that has gone ends the run quietly. */
function writeOut(text) {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length; ) {
    try {
      done += fs.writeSync(1, bytes, done);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EPIPE') return;
      throw e;
    }
  }
}

/** require(file), compiled through vm.Script with cached data that is written back at exit when missing or stale. */
function loadWithCodeCache(file) {
  // this module's own class: require('node:module') would also load node's ES module loader
  const Module = module.constructor;
  const cacheFile = process.env.CREATE_IMAGE_NO_CODE_CACHE ? undefined : codeCacheFile(file);
  let cached;
  try {
    if (cacheFile) cached = fs.readFileSync(cacheFile);
  } catch {
    // first run, or the cache was removed
  }
  const vm = require('node:vm');
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: cached });
  // a real module in require's cache, so the lazy bundle's require('./cli.cjs') gets this very instance
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  Module._cache[file] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  if (cacheFile && (!cached || script.cachedDataRejected)) {
    // At exit, when the functions this run used have been compiled too and go into the cache; and
    // only from a generation, the run that matters, so the cache holds what a generation compiles
    // (from `--version` alone it would hold little, and be kept).
    process.once('exit', () => {
      if (!mod.exports.ranGeneration?.()) return;
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        pruneCodeCache(path.dirname(cacheFile), path.basename(cacheFile).split('-')[0]);
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // a read-only or full cache dir: next time compiles again
      }
    });
  }
  return mod.exports;
}

// Every install location (each npx cache entry, each project) writes its own cache file: keep the
// most recently written few, so the folder stays bounded however many copies have run.
const CODE_CACHE_KEEP = 4;

/** Before writing: drop this location's earlier files, then all but the newest KEEP - 1 of the rest. */
function pruneCodeCache(dir, locationPrefix) {
  const files = [];
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (name.startsWith(`${locationPrefix}-`) || !name.endsWith('.bin')) {
      // this location's stale file, or a temp file a crashed or concurrent writer left (its rename then fails, harmlessly)
      fs.rmSync(p, { force: true });
      continue;
    }
    try {
      files.push({ p, t: fs.statSync(p).mtimeMs });
    } catch {
      // removed meanwhile
    }
  }
  files.sort((a, b) => b.t - a.t);
  for (const f of files.slice(CODE_CACHE_KEEP - 1)) fs.rmSync(f.p, { force: true });
}

/** <cache>/v8/<hash of the bundle path>-<its size and mtime>-<node version and arch>.bin */
function codeCacheFile(file) {
  let st;
  try {
    st = fs.statSync(file);
  } catch {
    return undefined;
  }
  // the cache root rule of src/recipes/cache.ts (cacheRoot), which this shim cannot import
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(process.env.HOME || require('node:os').homedir(), '.cache');
  const id = `${fnv(file)}-${st.size}-${Math.round(st.mtimeMs)}-${process.version}-${process.arch}`;
  return path.join(base, 'create-image', 'v8', `${id}.bin`);
}

function fnv(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
