// Every command with a corpus of bad input, run in this process through the CLI's error boundary:
// each ends in a clear error (non-zero exit, no stack trace, no "unexpected error"), and with --json
// in exactly one JSON document saying `ok: false`. Nothing is left written by a refused generation.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { program } from '../../src/cli/main.js';
import { answerOf, badCases, saying } from '../helpers/bad-inputs.js';
import { crashIn, runCli } from '../helpers/cli-inprocess.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ci-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const commands = program().commands.map((c) => c.name());
const cases = badCases(dir, commands);

describe('bad input to every command', () => {
  it.each(cases.map((c) => [c.name, c.args, c.says] as const))('%s', async (_name, args, says) => {
    const r = await runCli(args);
    const all = r.stdout + r.stderr;
    expect(crashIn(all), all).toBeUndefined();
    expect([1, 2], all).toContain(r.exitCode);
    expect(r.stderr.trim(), 'says what is wrong').not.toBe('');
    if (says) expect(answerOf(r)).toEqual(saying(says));
    expect(existsSync(path.join(dir, 'target')), 'nothing written').toBe(false);

    const j = await runCli([...args, '--json']);
    expect(crashIn(j.stdout + j.stderr), j.stdout + j.stderr).toBeUndefined();
    const doc = JSON.parse(j.stdout) as { ok: boolean; exitCode?: number; error?: { code: string; message: string; flag: string | null } };
    expect(doc.ok, j.stdout).toBe(false);
    if (doc.error) {
      expect(doc.exitCode).toBe(j.exitCode);
      expect(doc.error.message).not.toBe('');
    }
  });

  it('covers every command', () => {
    for (const c of commands.filter((x) => x !== 'help')) expect(cases.some((k) => k.args[0] === c), c).toBe(true);
  });
});
