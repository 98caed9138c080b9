// Golden tests: every built-in recipe on every base family it supports renders to the files under
// test/golden/<case>/ (update with `npx vitest run test/unit/golden.test.ts -u` and review the diff),
// and everything rendered passes shellcheck and the Dockerfile lint.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers, type RawAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import type { Family, Recipe } from '../../src/core/types.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { builtinSource, listRecipeNames, loadRecipeDir } from '../../src/recipes/load.js';

const VERSION = '0.0.0-golden';
const GOLDEN = path.resolve(import.meta.dirname, '../golden');

interface Case {
  id: string;
  recipe: string;
  family: Family;
  raw: RawAnswers;
}

// A fixed, non-default composition for the custom recipe, so the golden files show the parts.
const CUSTOM_VARIANTS: Array<{ id: string; raw: RawAnswers }> = [
  { id: 'defaults', raw: {} },
  { id: 'node-nginx', raw: { runtime: 'node', tz: 'Asia/Shanghai', locale: 'zh_CN.UTF-8', services: ['nginx'], ports: ['8080'], env: { GREETING: 'hello "world" $(id) `x`' } } },
  { id: 'supervisord', raw: { runtime: 'python', services: ['nginx', 'redis', 'cron'], supervisor: 'supervisord', ports: ['8080', '6379'] } },
  { id: 'watchdog-php', raw: { runtime: 'php', services: ['nginx', 'php-fpm'], supervisor: 'watchdog', ports: ['8080'] } },
];

async function cases(): Promise<Array<Case & { recipeObj: Recipe }>> {
  const out: Array<Case & { recipeObj: Recipe }> = [];
  for (const name of listRecipeNames(builtinRecipesDir())) {
    const recipe = loadRecipeDir(path.join(builtinRecipesDir(), name), builtinSource());
    for (const family of recipe.manifest.bases.families) {
      const image = recipe.manifest.bases.images?.[family];
      const base: Partial<RawAnswers> = image ? { base: image } : { family };
      const variants = name === 'custom' ? CUSTOM_VARIANTS : [{ id: 'defaults', raw: {} }];
      for (const v of variants) {
        out.push({ id: `${name}/${family}${v.id === 'defaults' ? '' : `-${v.id}`}`, recipe: name, family, raw: { imageName: name, ...base, ...v.raw }, recipeObj: recipe });
      }
    }
  }
  return out;
}

const all = await cases();

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
