// compose.yaml and the CI files written with --compose/--ci follow the answers through `update`: the
// record names them, update re-renders them for the new answers and merges the user's edits three ways.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-update-extras-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');
const record = (dir: string) => JSON.parse(read(dir, '.create-image.json')) as { extras?: object; files: Record<string, string> };

describe('update and the --compose/--ci files', () => {
  it('are recorded, re-rendered for a new port, and an edit elsewhere in them survives', async () => {
    const dir = path.join(tmp, 'web');
    const gen = await runCli([dir, '--recipe', 'custom', '--service', 'nginx', '--port', '8080', '--compose', '--ci', 'github', '--yes']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    expect(record(dir).extras).toEqual({ compose: true, ci: 'github' });
    expect(Object.keys(record(dir).files)).toEqual(expect.arrayContaining(['compose.yaml', 'ci/smoke-test.sh', '.github/workflows/image.yml']));
    expect(read(dir, 'compose.yaml')).toContain('"8080:8080"');
    writeFileSync(path.join(dir, 'compose.yaml'), `# ours: keep this line\n${read(dir, 'compose.yaml')}`);

    const u = await runCli(['update', dir, '--port', '9090']);
    expect(u.exitCode, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/^ {2}merged {3}compose\.yaml$/m);
    const compose = read(dir, 'compose.yaml');
    expect(compose).toContain('"9090:9090"');
    expect(compose).not.toContain('8080');
    expect(compose.split('\n')[0]).toBe('# ours: keep this line');
    expect(record(dir).extras).toEqual({ compose: true, ci: 'github' });
    // `check` sees an edit of them as of any generated file
    writeFileSync(path.join(dir, 'ci/smoke-test.sh'), `${read(dir, 'ci/smoke-test.sh')}# edited\n`);
    const c = await runCli(['check', dir, '--json']);
    expect(JSON.parse(c.stdout).files).toContainEqual(expect.objectContaining({ path: 'ci/smoke-test.sh', state: 'edited' }));
  });

  it('update --compose writes compose.yaml for a dir generated without it, and keeps it from then on', async () => {
    const dir = path.join(tmp, 'plain');
    expect((await runCli([dir, '--recipe', 'custom', '--service', 'nginx', '--port', '8080', '--yes'])).exitCode).toBe(0);
    expect(record(dir).extras).toBeUndefined();
    const u = await runCli(['update', dir, '--compose']);
    expect(u.exitCode, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/^ {2}create {3}compose\.yaml$/m);
    expect(record(dir).extras).toEqual({ compose: true });
    const again = await runCli(['update', dir, '--port', '8081']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(read(dir, 'compose.yaml')).toContain('"8081:8081"');
  });

  it('regenerating with --force and without --compose keeps the recorded compose.yaml current', async () => {
    const dir = path.join(tmp, 'regen');
    expect((await runCli([dir, '--recipe', 'custom', '--service', 'nginx', '--port', '8080', '--compose', '--yes'])).exitCode).toBe(0);
    const again = await runCli([dir, '--recipe', 'custom', '--service', 'nginx', '--port', '9191', '--yes', '--force']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(read(dir, 'compose.yaml')).toContain('"9191:9191"');
    expect(record(dir).extras).toEqual({ compose: true });
  });

  it('a compose.yaml the record does not name is left as it is, with a notice saying how to keep it current', async () => {
    const dir = path.join(tmp, 'old');
    expect((await runCli([dir, '--recipe', 'custom', '--service', 'nginx', '--port', '8080', '--yes'])).exitCode).toBe(0);
    writeFileSync(path.join(dir, 'compose.yaml'), 'services: {}\n');
    const u = await runCli(['update', dir, '--port', '9090']);
    expect(u.exitCode, u.stderr).toBe(0);
    expect(u.stderr).toContain('compose.yaml: not kept current (the record does not name it); --compose or --ci <system> re-renders and merges it');
    expect(read(dir, 'compose.yaml')).toBe('services: {}\n');
  });
});
