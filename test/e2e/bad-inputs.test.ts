// A sample of the bad-input corpus (test/helpers/bad-inputs.ts) through the built bin, as a user runs
// it: one clear error and exit 1 or 2, never a stack trace; with --json one JSON document. The whole
// corpus runs in process in test/unit/bad-inputs.test.ts.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerOf, badCases, saying } from '../helpers/bad-inputs.js';
import { crashIn } from '../helpers/cli-inprocess.js';
import { cli, tempDir } from '../helpers/engine.js';

const SAMPLE = ['unknown flag', 'mistyped command', 'generate: target under a file', 'generate: target in /proc', 'generate: tz typo', 'generate: name with a command', 'generate: answers wrong types', 'validate: missing', 'update: record with wrong types', 'recipe new: dir is a file', 'ci recipes: a file', 'help for no such command', 'help for a mistyped command', 'list: bad git source'];

describe('bad input through the built bin', async () => {
  const dir = await tempDir();
  const cases = badCases(dir, ['list', 'info', 'validate', 'build', 'update', 'recipe', 'ci']).filter((c) => SAMPLE.includes(c.name));
  it('samples the corpus', () => expect(cases.map((c) => c.name).sort()).toEqual([...SAMPLE].sort()));

  it.each(cases.map((c) => [c.name, c.args, c.says] as const))('%s', async (_name, args, says) => {
    const r = await cli(args, { env: { CI: '1' } });
    expect(crashIn(r.stdout + r.stderr), r.stderr).toBeUndefined();
    expect([1, 2], r.stderr).toContain(r.exitCode);
    if (says) expect(answerOf(r)).toEqual(saying(says));
    for (const line of r.stderr.trim().split('\n')) expect(line).toMatch(/^(create-image: |error: )/);
    const j = await cli([...args, '--json'], { env: { CI: '1' } });
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ ok: false, exitCode: j.exitCode });
    expect(readdirSync(dir)).not.toContain('target');
  });
});
