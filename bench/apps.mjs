// `npm run bench` for the app recipe: per app fixture (test/fixtures/apps), the image create-image
// generates by detection and a Dockerfile in the style docker init writes for that stack
// (bench/apps/<stack>/Dockerfile), built on the same base: image size, cold build (--no-cache) and
// rebuild after a one-line source edit. Then detection + render of a generated 20,000-file project
// (with node_modules and .git) against bare `node -e 0`.
// Targets: image <= 0.7x the docker-init-style bytes; rebuild <= 0.1x the cold build; detection +
// render within `target` times bare node (bench/bench.json's detectRender).
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Fixture, its comparison Dockerfile, the file a one-line edit goes to, and the comment syntax. */
const APPS = [
  { fixture: 'node-npm', compare: 'node', edit: 'app.js', line: '// edit', ca: true },
  { fixture: 'node-ts', compare: 'node-build', edit: 'src/server.ts', line: '// edit', ca: true },
  { fixture: 'spa', compare: 'spa', edit: 'src/main.js', line: '// edit', ca: true },
  { fixture: 'go-cmd', compare: 'go', edit: 'cmd/server/main.go', line: '// edit' },
  { fixture: 'python-stdlib', compare: 'python', edit: 'app.py', line: '# edit' },
  { fixture: 'php-site', compare: 'php', edit: 'index.php', line: '<?php // edit' },
  { fixture: 'static-site', compare: 'static', edit: 'index.html', line: '<!-- edit -->' },
];

export function appsBench({ root, bin, docker, ca, only, runs = 15, target = 2 }) {
  const results = { images: [], detect: undefined };
  let missed = 0;
  const run = (args, opts = {}) => execFileSync(docker, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...opts }).trim();
  const size = (ref) => Number(run(['image', 'inspect', '--format', '{{.Size}}', ref]));
  const build = (dir, tag, extra = []) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(docker, ['build', '-q', '-t', tag, ...extra, dir], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    if (r.status !== 0) throw new Error(`docker build ${dir} failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const mb = (b) => (b / 1e6).toFixed(1);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-bench-apps-'));
  try {
    const engine = spawnSync(docker, ['info'], { stdio: 'ignore' }).status === 0;
    if (!engine) console.log(`\napps: images skipped (no container engine answers \`${docker} info\`)`);
    else console.log('\napps (create-image by detection vs a docker-init-style Dockerfile on the same base; cold = --no-cache, rebuild = after a one-line edit)');
    for (const app of engine ? APPS.filter((a) => !only || only.includes(a.fixture)) : []) {
      const tags = [];
      try {
        const ours = path.join(tmp, `${app.fixture}-ours`);
        cpSync(path.join(root, 'test/fixtures/apps', app.fixture), ours, { recursive: true });
        execFileSync(process.execPath, [bin, ours, '--yes', ...(app.ca ? ['--ca-cert', ca] : [])], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: '1' } });
        const theirs = path.join(tmp, `${app.fixture}-theirs`);
        cpSync(path.join(root, 'test/fixtures/apps', app.fixture), theirs, { recursive: true });
        cpSync(path.join(root, 'bench/apps', app.compare, 'Dockerfile'), path.join(theirs, 'Dockerfile'));
        mkdirSync(path.join(theirs, 'certs'), { recursive: true });
        cpSync(ca, path.join(theirs, 'certs/ca.crt'));
        const row = { fixture: app.fixture };
        for (const [who, dir] of [['ours', ours], ['theirs', theirs]]) {
          const tag = `create-image-bench/app-${app.fixture}:${who}-${process.pid}`;
          tags.push(tag);
          const cold = build(dir, tag, ['--no-cache']);
          const bytes = size(tag);
          appendFileSync(path.join(dir, app.edit), `\n${app.line} ${Date.now()}\n`);
          const rebuild = build(dir, tag);
          row[who] = { MB: +mb(bytes), coldS: +cold.toFixed(1), rebuildS: +rebuild.toFixed(1) };
        }
        row.checks = [
          { what: 'image <= 0.7x the docker-init-style image', ok: row.ours.MB <= row.theirs.MB * 0.7, value: `${row.ours.MB} MB vs ${row.theirs.MB} MB (${(row.ours.MB / row.theirs.MB).toFixed(2)}x)` },
          { what: 'rebuild <= 0.1x the cold build', ok: row.ours.rebuildS <= row.ours.coldS * 0.1, value: `${row.ours.rebuildS}s vs ${row.ours.coldS}s (${(row.ours.rebuildS / row.ours.coldS).toFixed(2)}x)` },
        ];
        results.images.push(row);
        console.log(`  ${app.fixture}`);
        console.log(`    create-image: ${row.ours.MB} MB, cold ${row.ours.coldS}s, rebuild ${row.ours.rebuildS}s`);
        console.log(`    docker-init:  ${row.theirs.MB} MB, cold ${row.theirs.coldS}s, rebuild ${row.theirs.rebuildS}s`);
        for (const c of row.checks) {
          if (!c.ok) missed++;
          console.log(`    ${c.ok ? 'ok    ' : 'MISSED'} ${c.what}: ${c.value}`);
        }
      } catch (e) {
        missed++;
        results.images.push({ fixture: app.fixture, error: e.message.split('\n').slice(0, 8).join('\n') });
        console.log(`  ${app.fixture}: FAILED ${e.message.split('\n').slice(0, 8).join('\n')}`);
      } finally {
        for (const t of tags) spawnSync(docker, ['image', 'rm', '-f', t], { stdio: 'ignore' });
      }
    }

    // Detection + render in a 20,000-file project: node_modules and .git hold nearly all of it.
    const big = path.join(tmp, 'big-project');
    cpSync(path.join(root, 'test/fixtures/apps/node-npm'), big, { recursive: true });
    let files = 0;
    for (let i = 0; files < 20_000; i++) {
      for (const top of [`node_modules/pkg-${i}/lib`, `.git/objects/${String(i).padStart(2, '0')}`, `src/module-${i % 40}`]) {
        const d = path.join(big, top);
        mkdirSync(d, { recursive: true });
        const count = top.startsWith('src') ? 2 : 60;
        for (let j = 0; j < count && files < 20_000; j++, files++) writeFileSync(path.join(d, `f${i}-${j}.js`), 'module.exports = 1;\n');
      }
    }
    // as users run: without NODE_EXTRA_CA_CERTS, which slows bare node too and would flatter the ratio
    const { NODE_EXTRA_CA_CERTS: _, ...inherited } = process.env;
    const env = { ...inherited, CI: '1', NO_COLOR: '1', XDG_CACHE_HOME: path.join(tmp, 'cache') };
    const time = (argv) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], env, cwd: big });
      if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const cases = [{ name: 'node -e 0', argv: ['-e', '0'] }, { name: 'detect + render (20,000 files)', argv: [bin, '--yes', '--dry-run'] }];
    for (const c of cases) time(c.argv); // warm-up: the code cache is written
    const samples = cases.map(() => []);
    for (let i = 0; i < runs; i++) cases.forEach((c, k) => samples[k].push(time(c.argv)));
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [bare, ours] = samples.map(med);
    const ok = ours <= bare * target;
    if (!ok) missed++;
    results.detect = { files, bareMs: +bare.toFixed(1), ms: +ours.toFixed(1), ratio: +(ours / bare).toFixed(2) };
    console.log(`  detect + render of a ${files}-file project: ${ours.toFixed(1)} ms vs node -e 0 ${bare.toFixed(1)} ms: ${(ours / bare).toFixed(2)}x  target <= ${target}x ${ok ? 'ok' : 'MISSED'}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { results, missed };
}
