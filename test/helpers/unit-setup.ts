// Global set-up of the unit project, so that `npm ci` then `npm run test:unit` works on a fresh clone:
// - dist/: some unit tests run the built bin (bin/create-image.cjs loads dist/), so dist/ is built here
//   when it is missing or older than what it is built from. `npm test` builds first and finds it fresh;
//   a fresh clone builds it once (a few seconds). A stale dist/ would test yesterday's code.
// - shellcheck: the unit tests hold every generated shell script to it (golden renders, hostile values,
//   the answer-space property, pipelines, `recipe test`), a promise of the product. It is a Debian
//   package, not an npm one: missing, the run stops here with one line saying how to get it, rather
//   than failing 140 tests one by one or passing without the check.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What dist/ is built from (scripts/build.mjs bundles src/ with the locked packages and the recipes). */
const INPUTS = ['src', 'recipes', 'recipes.schema.json', 'scripts/build.mjs', 'scripts/gen-types.mjs', 'scripts/gen-validator.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** The newest modification time under `p` (a file or a folder), 0 when it does not exist. */
function newest(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs; // a removed file changes its folder's time
  for (const name of readdirSync(p)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

/** Why dist/ must be built, or undefined when it is up to date. */
export function distStale(): string | undefined {
  // cli.cjs is the build's last bundle written (after the lazy half it requires), help.txt its last file;
  // earlier builds' lazy halves stay a while and say nothing about this one
  let built: number;
  try {
    built = Math.min(...['cli.cjs', 'help.txt'].map((n) => statSync(path.join(ROOT, 'dist', n)).mtimeMs));
  } catch {
    return 'dist/ is missing';
  }
  const changed = INPUTS.find((p) => newest(path.join(ROOT, p)) > built);
  return changed ? `${changed} changed since dist/ was built` : undefined;
}

export default function setup(): void {
  const sc = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' });
  if (sc.error || sc.status !== 0) {
    throw new Error('shellcheck is not installed: the unit tests lint every generated shell script with it; install it with `apt-get install shellcheck` (or `brew install shellcheck`), or run `bash scripts/ci/test-tools.sh` as root');
  }
  const why = distStale();
  if (!why) return;
  process.stderr.write(`unit: ${why}: npm run build\n`);
  const start = Date.now();
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '').trim();
    throw new Error(`npm run build failed; the unit tests that run the built bin need dist/${stderr ? `:\n${stderr}` : ''}`);
  }
  process.stderr.write(`unit: built dist/ in ${((Date.now() - start) / 1000).toFixed(1)}s\n`);
}
