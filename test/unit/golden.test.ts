// Golden tests: every built-in recipe on every base family it supports renders to the files under
// test/golden/<case>/ (update with `npx vitest run test/unit/golden.test.ts -u` and review the diff),
// and everything rendered passes shellcheck and the Dockerfile lint.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { GOLDEN, GOLDEN_VERSION as VERSION, goldenCases } from '../helpers/golden-cases.js';

const all = goldenCases();

describe('golden renders', () => {
  it('covers every built-in recipe', () => {
    expect(new Set(all.map((c) => c.recipe)).size).toBeGreaterThanOrEqual(1);
    expect(all.map((c) => c.recipe)).toContain('custom');
  });

  for (const c of all) {
    it(`${c.id}: renders as recorded and lints clean`, async () => {
      const answers = await resolveAnswers(c.recipeObj, c.raw, { interactive: false });
      expect(answers.family).toBe(c.family);
      const plan = renderPlan(c.recipeObj, answers, VERSION);
      for (const f of plan.files) {
        await expect(f.content, f.path).toMatchFileSnapshot(path.join(GOLDEN, c.id, f.path));
      }
      // modes matter (entrypoints must be executable): record them too
      const modes = plan.files.map((f) => `${f.mode.toString(8)} ${f.path}`).sort().join('\n');
      await expect(`${modes}\n`).toMatchFileSnapshot(path.join(GOLDEN, c.id, '.modes'));
      expect(await lintPlanFiles(plan.files)).toEqual([]);
    });
  }
});
