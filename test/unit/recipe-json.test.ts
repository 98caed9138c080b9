// `recipe new --json` and `recipe test --json`: one JSON document on stdout, problems in it (not on
// stderr), and exit 1 with no second document when the recipe has problems.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-recipe-json-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('recipe new and recipe test with --json', () => {
  it('new: the folder, its files and the next steps; test: each render; a broken template: ok false, exit 1', async () => {
    const made = await runCli(['recipe', 'new', 'web', '--dir', tmp, '--json']);
    expect(made.exitCode, made.stderr).toBe(0);
    const doc = JSON.parse(made.stdout);
    expect(doc).toMatchObject({ ok: true, recipe: 'web', dir: path.join(tmp, 'web') });
    expect(doc.files).toContain('recipe.json');
    expect(doc.next[0]).toMatch(/^create-image recipe test \S*web$/);

    const dir = path.join(tmp, 'web');
    const ok = await runCli(['recipe', 'test', dir, '--family', 'debian', '--json']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const passed = JSON.parse(ok.stdout);
    expect(passed).toMatchObject({ ok: true, recipe: 'web', problems: [] });
    expect(passed.renders).toEqual([
      { family: 'debian', case: 'defaults', files: expect.any(Number), lintClean: true },
      { family: 'debian', case: 'answers', answersFile: 'test/answers.json', files: expect.any(Number), lintClean: true },
    ]);

    appendFileSync(path.join(dir, 'Dockerfile.eta'), '<%= it.nosuch.field %>\n');
    const bad = await runCli(['recipe', 'test', dir, '--family', 'debian', '--json']);
    expect(bad.exitCode).toBe(1);
    const failed = JSON.parse(bad.stdout);
    expect(failed.ok).toBe(false);
    expect(failed.problems.length).toBeGreaterThan(0);
    expect(failed.problems[0]).toMatch(/^debian defaults: .*Dockerfile\.eta/);
    expect(bad.stderr).not.toContain('debian defaults:');
  });
});
