// A project's runtime pin against the releases there are: pins some release meets pass; a pin none meets
// (engines >=99, go 1.99, .ruby-version 99.9.9, composer php >=99) stops a generation with exit 2 and one
// line naming the file and the releases there are.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appAnswers, detectApps, impossiblePin } from '../../src/detect/detect.js';
import { snapshotDir } from '../../src/edges/project-snapshot.js';
import { nodeLts } from '../../src/core/releases.js';
import { runCli } from '../helpers/cli-inprocess.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-pins-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function folder(files: Record<string, string>): string {
  const dir = path.join(tmp, String(n++));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}
const pinOf = (files: Record<string, string>) => {
  const apps = detectApps(snapshotDir(folder(files)));
  expect(apps).toHaveLength(1);
  return impossiblePin(apps[0]!);
};
const nodeApp = (engines: string) => ({ 'package.json': JSON.stringify({ name: 'x', engines: { node: engines }, scripts: { start: 'node app.js' } }), 'app.js': '' });

describe('runtime pins against the releases there are', () => {
  it('pins some release meets pass', () => {
    for (const engines of ['>=20', '^22.18.0 || >=24.12.0', '^22.18.0', '24.x', '>=18 <27', '20.19.0']) expect(pinOf(nodeApp(engines)), engines).toBeUndefined();
    expect(pinOf({ '.nvmrc': 'v22.11.0\n', 'package.json': '{"name":"x","main":"app.js"}', 'app.js': '' })).toBeUndefined();
    expect(pinOf({ 'go.mod': 'module x\n\ngo 1.24\n', 'main.go': 'package main\n' })).toBeUndefined();
    expect(pinOf({ 'requirements.txt': 'flask\n', 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.9,<4"\n', 'app.py': '' })).toBeUndefined();
    expect(pinOf({ 'Gemfile': 'source "https://rubygems.org"\n', '.ruby-version': '3.3.5\n', 'config.ru': '' })).toBeUndefined();
    expect(pinOf({ 'composer.json': '{"require":{"php":"^8.2"}}', 'index.php': '' })).toBeUndefined();
  });

  it('pins no release meets are named with their file and what there is', () => {
    expect(pinOf(nodeApp('>=99'))).toEqual({ file: 'package.json', message: expect.stringMatching(/^node >=99 \(package\.json engines: >=99\) matches no node release; there are 26, .*, 18$/) });
    expect(pinOf({ 'go.mod': 'module x\n\ngo 1.99\n', 'main.go': 'package main\n' })?.message).toMatch(/^go >=1\.99 \(go\.mod go directive\) matches no go release; there are 1\.27, /);
    expect(pinOf({ 'Gemfile': 'source "https://rubygems.org"\n', '.ruby-version': '99.9.9\n', 'config.ru': '' })?.file).toBe('.ruby-version');
    expect(pinOf({ 'composer.json': '{"require":{"php":">=99"}}', 'index.php': '' })).toEqual({ file: 'composer.json', message: expect.stringMatching(/^php >=99 \(composer\.json require\.php: >=99\) matches no php release; there are 8\.5, /) });
    // contradictory: no version is both
    expect(pinOf(nodeApp('>=24 <22'))?.file).toBe('package.json');
  });

  it('a generation stops with exit 2 and one line, writing nothing', async () => {
    const dir = folder(nodeApp('>=99'));
    const r = await runCli([dir, '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/package\.json: node >=99 .* matches no node release; there are 26, 25, 24/);
    expect(readdirSync(dir).sort()).toEqual(['app.js', 'package.json']);
  });
});

describe("what a project's dependencies need of node", () => {
  const viteEngines = '^20.19.0 || >=22.12.0';
  const lock = (name: string, version: string, engines?: string) =>
    JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { name: 'x' }, [`node_modules/${name}`]: { version, ...(engines ? { engines: { node: engines } } : {}) } } });
  const spa = (extra: Record<string, string>, pkg: Record<string, unknown> = {}) => ({
    'package.json': JSON.stringify({ name: 'x', scripts: { build: 'vite build' }, devDependencies: { vite: '^8.0.0' }, ...pkg }),
    'index.html': '<!doctype html>',
    ...extra,
  });
  const detect = (files: Record<string, string>) => detectApps(snapshotDir(folder(files)))[0]!;

  it('reads engines from package-lock.json and pnpm-lock.yaml, the release from yarn.lock with the table, the declared range without a lockfile', () => {
    expect(detect(spa({ 'package-lock.json': lock('vite', '8.3.4', viteEngines) })).runtime?.needs).toEqual([{ spec: viteEngines, who: 'vite 8.3.4', source: 'package-lock.json engines', evidence: 'vite 8.3.4, package-lock.json engines' }]);
    // a lock whose engines differ from the table's: the lock wins
    expect(detect(spa({ 'package-lock.json': lock('vite', '8.3.4', '>=22.99.0') })).runtime?.needs?.[0]?.spec).toBe('>=22.99.0');
    const pnpm = `lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    devDependencies:\n      vite:\n        specifier: ^8.0.0\n        version: 8.3.4\n\npackages:\n\n  '@vitejs/plugin-react@5.0.0':\n    resolution: {integrity: sha512-x}\n    engines: {node: '>=99'}\n\n  vite@8.3.4:\n    resolution: {integrity: sha512-y}\n    engines: {node: ${viteEngines}}\n    hasBin: true\n`;
    expect(detect(spa({ 'pnpm-lock.yaml': pnpm })).runtime?.needs).toEqual([{ spec: viteEngines, who: 'vite 8.3.4', source: 'pnpm-lock.yaml engines', evidence: 'vite 8.3.4, pnpm-lock.yaml engines' }]);
    const yarn = `# yarn lockfile v1\n\n"@vitejs/plugin-react@^5.0.0":\n  version "5.0.0"\n\nvite@^6.0.0, vite@^6.1.0:\n  version "6.3.1"\n`;
    expect(detect(spa({ 'yarn.lock': yarn })).runtime?.needs).toEqual([{ spec: '^18.0.0 || ^20.0.0 || >=22.0.0', who: 'vite 6.3.1', source: 'yarn.lock; engines of its 6.x releases', evidence: 'vite 6.3.1, yarn.lock; engines of its 6.x releases' }]);
    expect(detect(spa({})).runtime?.needs).toEqual([{ spec: viteEngines, who: 'vite ^8.0.0', source: 'engines of its 8.x releases', evidence: 'vite ^8.0.0, engines of its 8.x releases' }]);
    // evidence shows it
    expect(detect(spa({})).facts).toContainEqual({ key: 'needs', value: `node ${viteEngines}`, evidence: 'vite ^8.0.0, engines of its 8.x releases' });
    // an unknown major or a package not in the table adds nothing
    expect(detect(spa({}, { devDependencies: { vite: '^99.0.0', lodash: '^4' } })).runtime?.needs).toBeUndefined();
  });

  it('a pin below what a dependency needs stops with the file, the dependency and a line that meets both', () => {
    const app = detect(spa({ '.nvmrc': '18\n', 'package-lock.json': lock('vite', '8.3.4', viteEngines) }));
    expect(impossiblePin(app, '2026-12-07')).toEqual({ file: '.nvmrc', message: `node 18 (.nvmrc) is below node ${viteEngines}, which vite 8.3.4 needs (package-lock.json engines): pin a version that meets both (22 does)` });
    // a pin some line of which meets the dependency passes
    expect(impossiblePin(detect(spa({ '.nvmrc': '20\n' })), '2026-12-07')).toBeUndefined();
    expect(impossiblePin(detect(spa({}, { engines: { node: '>=18' } })), '2026-12-07')).toBeUndefined();
  });

  it('the base: a pin that meets the dependencies is kept; an old Debian is held to them too', () => {
    const day = '2026-12-07';
    // engines >=18 with vite 8: node's active LTS line, which meets both
    expect(appAnswers(detect(spa({}, { engines: { node: '>=18' } })), undefined, day).values.base).toBe(`node:${nodeLts(day).major}-trixie-slim`);
    // Debian bookworm packages node 18: vite 8 is named as what it does not meet
    const bookworm = appAnswers(detect(spa({})), 'debian:bookworm-slim', day);
    expect(bookworm.notes.join('\n')).toMatch(/node \^20\.19\.0 \|\| >=22\.12\.0 \(vite \^8\.0\.0, engines of its 8\.x releases\) is not met by debian:bookworm-slim, which packages node 18\.19/);
  });
});
