// Whole-process timings, interleaved so machine noise hits every command alike.
// Exported for bench/run.mjs; run alone: node bench/startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/create-image.cjs');
/** Ratios to bare node that a run must stay within (bench/bench.json). */
export const TARGETS = JSON.parse(readFileSync(path.join(ROOT, 'bench/bench.json'), 'utf8')).targets;

function time(argv, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Median wall time of `node -e 0`, `create-image --help` and a render of each recipe; ratios to bare node.
 * Renders run with the V8 code cache the bin keeps (in a temp dir here; the unmeasured first round
 * writes it), as every run after a user's first does; one more row shows the first recipe without it.
 */
export function startupBench(recipes, runs = 15) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-bench-'));
  // NODE_EXTRA_CA_CERTS makes every node start parse that bundle (tens of ms, bare node's too), which
  // would shrink every ratio: the rows are timed as users run, without it
  const { NODE_EXTRA_CA_CERTS: _, ...inherited } = process.env;
  const env = { ...inherited, CI: '1', NO_COLOR: '1', XDG_CACHE_HOME: path.join(tmp, 'cache') };
  const render = (r, suffix = '') => (i) => [BIN, path.join(tmp, `${r.name}${suffix}-${i}`), '--recipe', r.name, '--yes', ...(r.args ?? [])];
  const cases = [
    { name: 'node -e 0', argv: () => ['-e', '0'] },
    { name: 'create-image --help', argv: () => [BIN, '--help'], target: TARGETS.help },
    ...recipes.map((r) => ({ name: `render ${r.name}`, argv: render(r), target: TARGETS.render })),
    ...recipes.slice(0, 1).map((r) => ({ name: `render ${r.name}, no code cache`, argv: render(r, '-cold'), env: { ...env, CREATE_IMAGE_NO_CODE_CACHE: '1' } })),
  ];
  const samples = new Map(cases.map((c) => [c.name, []]));
  try {
    for (const c of cases) time(c.argv('warm'), c.env ?? env); // page cache and code cache, not measured
    for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name).push(time(c.argv(i), c.env ?? env));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return cases.map((c) => {
    const ms = median(samples.get(c.name));
    const ratio = ms / median(samples.get(c.base ?? 'node -e 0'));
    return { name: c.name, ms: +ms.toFixed(1), ratio: +ratio.toFixed(2), target: c.target, ok: c.target === undefined || ratio <= c.target };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = startupBench([{ name: 'custom' }], Number(process.argv[2] ?? 15));
  for (const r of rows) console.log(`${r.name.padEnd(40)} ${String(r.ms).padStart(7)} ms  ${r.ratio.toFixed(2)}x${r.target ? ` (target ${r.target}x) ${r.ok ? 'ok' : 'MISSED'}` : ''}`);
}
