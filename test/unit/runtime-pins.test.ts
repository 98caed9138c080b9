// A project's runtime pin against the releases there are: pins some release meets pass; a pin none meets
// (engines >=99, go 1.99, .ruby-version 99.9.9, composer php >=99) stops a generation with exit 2 and one
// line naming the file and the releases there are.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectApps, impossiblePin } from '../../src/detect/detect.js';
import { snapshotDir } from '../../src/edges/project-snapshot.js';
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
