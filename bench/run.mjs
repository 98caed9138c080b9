// `npm run bench`: measures whole processes, in one run, on this machine.
//
// 1. Start-up: `node -e 0`, `create-image --help`, and a full non-interactive render of every
//    built-in recipe into an empty dir (median wall time, ratio to bare node). Its targets, and the
//    20,000-file detection's of part 3, are in bench/bench.json. Timed without NODE_EXTRA_CA_CERTS
//    (dropped from the environment of every timed process), as users run: it slows bare node too and
//    so would flatter every ratio.
// 2. Images (needs a container engine; skipped with a note otherwise): for every recipe with a
//    bench/seed/<recipe>/bench.json, the recipe's image and the seed's own approach
//    (bench/seed/<recipe>/Dockerfile) built on the same base: image size, bytes over the base,
//    cold build time (--no-cache), and rebuild time after a one-line app edit. A bench.json may add:
//      targets.addedRatio  the recipe adds at most this share of the bytes the seed-style image adds
//      start               time from `docker run` to the first HTTP 200 on start.port start.path, recipe
//                          and seed-style image side by side (median of start.runs interleaved runs);
//                          targets.startRatio bounds recipe/seed
//      variants            [{ name, args }]: the recipe again with these answers added (e.g. each
//                          supervisor choice), each reported with its size (and held to addedRatio)
//
// 3. Apps (bench/apps.mjs): the app recipe on each app fixture against a docker-init-style Dockerfile,
//    and detection + render of a 20,000-file project.
//
// Options: --runs N (start-up samples, default 15), --startup-only, --images-only, --apps-only,
// --no-apps, --recipe NAME (repeatable), --app FIXTURE (repeatable), --json FILE (write the results).
// Exit code 1 when a target is missed.
import { execFileSync, spawnSync } from 'node:child_process';
import http from 'node:http';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { appsBench } from './apps.mjs';
import { ROOT, startupBench, TARGETS } from './startup.mjs';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    'startup-only': { type: 'boolean', default: false },
    'images-only': { type: 'boolean', default: false },
    'apps-only': { type: 'boolean', default: false },
    'no-apps': { type: 'boolean', default: false },
    app: { type: 'string', multiple: true },
    recipe: { type: 'string', multiple: true },
    json: { type: 'string' },
  },
});

const BIN = path.join(ROOT, 'bin/create-image.cjs');
const DOCKER = process.env.CREATE_IMAGE_DOCKER ?? 'docker';
const CA = process.env.SSL_CERT_FILE && existsSync(process.env.SSL_CERT_FILE) ? process.env.SSL_CERT_FILE : '/etc/ssl/certs/ca-certificates.crt';
const builtins = readdirSync(path.join(ROOT, 'recipes'))
  .filter((n) => !n.startsWith('_') && existsSync(path.join(ROOT, 'recipes', n, 'recipe.json')))
  .filter((n) => !opt.recipe || opt.recipe.includes(n));
const seedConf = (name) => {
  const f = path.join(ROOT, 'bench/seed', name, 'bench.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
};

const results = { machine: { node: process.version, cpus: os.cpus().length, date: new Date().toISOString() }, startup: [], images: [] };
let missed = 0;

// ---------------------------------------------------------------------------------------------
if (!opt['images-only'] && !opt['apps-only']) {
  console.log(`start-up (median of ${opt.runs} runs each, interleaved)`);
  // recipes that need answers beyond --yes get them from their bench.json (without the build)
  // app renders for a folder that is not there yet: its stack is named (node, the most common)
  const own = { app: ['--set', 'stack=node'] };
  const recipes = builtins.map((name) => ({ name, args: (seedConf(name)?.args ?? own[name] ?? []).filter((a) => a !== '--build') }));
  results.startup = startupBench(recipes, Number(opt.runs));
  for (const r of results.startup) {
    if (!r.ok) missed++;
    console.log(`  ${r.name.padEnd(40)} ${String(r.ms).padStart(7)} ms  ${r.ratio.toFixed(2)}x${r.target ? `  target <= ${r.target}x ${r.ok ? 'ok' : 'MISSED'}` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
function docker(args, opts = {}) {
  return execFileSync(DOCKER, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...opts }).trim();
}

function timedBuild(dir, tag, extra = []) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(DOCKER, ['build', '-q', '-t', tag, ...extra, dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`docker build ${dir} failed:\n${(r.stderr || r.stdout).slice(-3000)}`);
  return secs;
}

const size = (ref) => Number(docker(['image', 'inspect', '--format', '{{.Size}}', ref]));
const mb = (b) => (b / 1e6).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Generates the recipe with `extra` answers into `dir` (the CLI as a user runs it). */
function generate(name, conf, dir, extra = []) {
  const args = [BIN, dir, '--recipe', name, '--yes', ...(conf.args ?? []).filter((a) => a !== '--build'), ...extra, ...(conf.needsCa ? ['--ca-cert', CA] : [])];
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: '1' } });
}

/** 200 from GET http://127.0.0.1:port/path, else false (never throws). */
function answers200(port, urlPath) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Milliseconds from `docker run` to the first HTTP 200 (polled every 20 ms); the container is removed after. */
async function firstAnswerMs(image, start) {
  const t0 = performance.now();
  const id = docker(['run', '-d', '-p', `127.0.0.1::${start.port}`, image]);
  try {
    const port = Number(docker(['port', id, `${start.port}/tcp`]).split('\n')[0].split(':').pop());
    while (!(await answers200(port, start.path ?? '/'))) {
      if (performance.now() - t0 > 120_000) throw new Error(`${image} gave no HTTP 200 on ${start.path ?? '/'} within 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return performance.now() - t0;
  } finally {
    spawnSync(DOCKER, ['rm', '-f', '-v', id], { stdio: 'ignore' });
  }
}

async function imageBench(name, conf, tmp) {
  const base = conf.base ?? 'debian:bookworm-slim';
  const baseSize = size(base);
  const row = { recipe: name, base, baseMB: +mb(baseSize) };

  // the recipe, generated by the CLI
  const gen = path.join(tmp, `${name}-recipe`);
  generate(name, conf, gen);
  const tag = `create-image-bench/${name}:recipe-${process.pid}`; // per run: two benches on one engine do not collide
  const cold = timedBuild(gen, tag, ['--no-cache']);
  const bytes = size(tag);
  appendFileSync(path.join(gen, conf.appEdit.generated), `${conf.appEdit.line}\n`);
  const rebuild = timedBuild(gen, tag);
  Object.assign(row, { recipeMB: +mb(bytes), recipeAddedMB: +mb(bytes - baseSize), recipeColdS: +cold.toFixed(1), recipeRebuildS: +rebuild.toFixed(1) });

  // the seed's approach on the same base
  const seedDir = path.join(tmp, `${name}-seed`);
  cpSync(path.join(ROOT, 'bench/seed', name), seedDir, { recursive: true });
  if (conf.needsCa) {
    // the seed Dockerfiles expect the CA bundle (for npm) in their context, as <caDir>/ca.crt
    const caDir = path.join(seedDir, conf.caDir ?? 'certs');
    mkdirSync(caDir, { recursive: true });
    cpSync(CA, path.join(caDir, 'ca.crt'));
  }
  const seedTag = `create-image-bench/${name}:seed-${process.pid}`;
  const seedCold = timedBuild(seedDir, seedTag, ['--no-cache']);
  const seedBytes = size(seedTag);
  appendFileSync(path.join(seedDir, conf.appEdit.seed), `${conf.appEdit.line}\n`);
  const seedRebuild = timedBuild(seedDir, seedTag);
  Object.assign(row, { seedMB: +mb(seedBytes), seedAddedMB: +mb(seedBytes - baseSize), seedColdS: +seedCold.toFixed(1), seedRebuildS: +seedRebuild.toFixed(1) });

  // targets
  const checks = [];
  checks.push({ what: 'rebuild after an app edit <= 1/4 of the cold build', ok: rebuild <= cold / 4, value: `${rebuild.toFixed(1)}s vs ${cold.toFixed(1)}s` });
  const ratio = conf.targets?.addedRatio;
  if (ratio !== undefined) {
    const [added, seedAdded] = [bytes - baseSize, seedBytes - baseSize];
    checks.push({ what: `adds <= ${ratio}x of what the seed-style image adds`, ok: added <= seedAdded * ratio, value: `${mb(added)} MB vs ${mb(seedAdded)} MB (${(added / seedAdded).toFixed(2)}x)` });
  }
  for (const v of conf.variants ?? []) {
    const dir = path.join(tmp, `${name}-${v.name}`);
    generate(name, conf, dir, v.args);
    const vTag = `create-image-bench/${name}:${v.name}-${process.pid}`;
    timedBuild(dir, vTag);
    const added = size(vTag) - baseSize;
    spawnSync(DOCKER, ['image', 'rm', '-f', vTag], { stdio: 'ignore' });
    (row.variants ??= []).push({ name: v.name, addedMB: +mb(added) });
    const value = `${mb(added)} MB vs ${mb(seedBytes - baseSize)} MB (${(added / (seedBytes - baseSize)).toFixed(2)}x)`;
    checks.push(ratio !== undefined ? { what: `${v.name}: adds <= ${ratio}x of what the seed-style image adds`, ok: added <= (seedBytes - baseSize) * ratio, value } : { what: `${v.name}: adds`, ok: true, value });
  }
  if (conf.start) {
    // interleaved, so a busy machine slows both alike
    const runs = conf.start.runs ?? 7;
    const [mine, theirs] = [[], []];
    for (let i = 0; i < runs; i++) {
      mine.push(await firstAnswerMs(tag, conf.start));
      theirs.push(await firstAnswerMs(seedTag, conf.start));
    }
    const [m, t] = [median(mine), median(theirs)];
    Object.assign(row, { recipeStartMs: Math.round(m), seedStartMs: Math.round(t) });
    const value = `${(m / 1000).toFixed(2)}s vs ${(t / 1000).toFixed(2)}s (${(m / t).toFixed(2)}x, median of ${runs})`;
    const target = conf.targets?.startRatio;
    checks.push(target !== undefined ? { what: `first HTTP 200 after docker run <= ${target}x of the seed-style image's`, ok: m <= t * target, value } : { what: 'first HTTP 200 after docker run', ok: true, value });
  }
  if (name === 'hexo-apache') {
    checks.push({ what: "adds <= 1/3 of what the seed's single-stage image adds", ok: bytes - baseSize <= (seedBytes - baseSize) / 3, value: `${mb(bytes - baseSize)} MB vs ${mb(seedBytes - baseSize)} MB` });
  }
  if (name === 'go') {
    // the stripped binary, read out of the image
    const id = docker(['create', tag]);
    try {
      // the binary is what the image runs: first word of its ENTRYPOINT (or CMD)
      const cfg = JSON.parse(docker(['image', 'inspect', '--format', '{{json .Config}}', tag]));
      const bin = conf.binary ?? (cfg.Entrypoint?.[0] || cfg.Cmd?.[0]);
      const out = path.join(tmp, 'go-binary');
      docker(['cp', `${id}:${bin}`, out]);
      const binBytes = readFileSync(out).length;
      row.goBinaryMB = +mb(binBytes);
      checks.push({ what: 'image within 1.1x of its stripped binary', ok: bytes <= binBytes * 1.1, value: `${mb(bytes)} MB vs ${mb(binBytes)} MB` });
    } finally {
      docker(['rm', id]);
    }
  }
  row.checks = checks;
  for (const t of [tag, seedTag]) spawnSync(DOCKER, ['image', 'rm', '-f', t], { stdio: 'ignore' });
  return row;
}

if (!opt['startup-only'] && !opt['apps-only']) {
  const engine = spawnSync(DOCKER, ['info'], { stdio: 'ignore' }).status === 0;
  const benched = builtins.filter((n) => seedConf(n));
  if (!engine) {
    console.log(`\nimages: skipped (no container engine answers \`${DOCKER} info\`; run scripts/ci/setup-engine.sh and make-base-images.sh)`);
  } else {
    console.log(`\nimages (cold = --no-cache; rebuild = after a one-line app edit)`);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-bench-img-'));
    try {
      for (const name of benched) {
        let row;
        try {
          row = await imageBench(name, seedConf(name), tmp);
        } catch (e) {
          row = { recipe: name, error: e.message.split('\n').slice(0, 12).join('\n') };
          missed++;
        }
        results.images.push(row);
        if (row.error) {
          console.log(`  ${name}: FAILED ${row.error}`);
          continue;
        }
        console.log(`  ${name} on ${row.base} (${row.baseMB} MB)`);
        // an image smaller than the base is not built on it (go's runs FROM scratch): no "added" figure
        const added = (v) => (v < 0 ? 'not on the base' : `+${v} MB`);
        console.log(`    recipe: ${row.recipeMB} MB (${added(row.recipeAddedMB)}), cold ${row.recipeColdS}s, rebuild ${row.recipeRebuildS}s`);
        console.log(`    seed:   ${row.seedMB} MB (${added(row.seedAddedMB)}), cold ${row.seedColdS}s, rebuild ${row.seedRebuildS}s`);
        for (const c of row.checks) {
          if (!c.ok) missed++;
          console.log(`    ${c.ok ? 'ok    ' : 'MISSED'} ${c.what}: ${c.value}`);
        }
      }
      const skipped = builtins.filter((n) => !seedConf(n));
      if (skipped.length) console.log(`  not benched (no bench/seed/<recipe>/bench.json): ${skipped.join(', ')}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

if (!opt['startup-only'] && !opt['images-only'] && !opt['no-apps']) {
  const apps = appsBench({ root: ROOT, bin: BIN, docker: DOCKER, ca: CA, only: opt.app, runs: Number(opt.runs), target: TARGETS.detectRender });
  results.apps = apps.results;
  missed += apps.missed;
}

if (opt.json) writeFileSync(opt.json, `${JSON.stringify(results, null, 2)}\n`);
if (missed) {
  console.log(`\n${missed} target(s) missed`);
  process.exitCode = 1;
}
