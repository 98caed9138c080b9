// A built-in recipe for unit tests: loaded once, rendered from raw answers without prompting.
import { join } from 'node:path';
import { resolveAnswers, type RawAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import type { Plan } from '../../src/core/types.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';

/** `defaults` go under every render's answers (e.g. an image name). */
export function builtinRecipe(name: string, defaults: RawAnswers = {}) {
  const recipe = loadRecipeDir(join(builtinRecipesDir(), name));
  const render = async (raw: RawAnswers = {}): Promise<Plan> =>
    renderPlan(recipe, await resolveAnswers(recipe, { ...defaults, ...raw }, { interactive: false }), '0.0.0-test');
  return { recipe, render };
}

/** A rendered file's content, or undefined when the plan has no such file. */
export const fileIn = (plan: Plan, path: string): string | undefined => plan.files.find((f) => f.path === path)?.content;

/** A rendered file's content; throws, listing what was rendered, when the plan has no such file. */
export function requireFile(plan: Plan, path: string): string {
  const f = plan.files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} not rendered; got ${plan.files.map((x) => x.path).join(', ')}`);
  return f.content;
}
