// Render refuses the output paths validation refuses, for a manifest that skipped validation.
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { RecipeError } from '../../src/core/errors.js';
import { renderPlan } from '../../src/core/render.js';
import { builtinRecipe } from '../helpers/recipe.js';

describe('render output paths', () => {
  it.each(['.create-image.json', '.create-image/base.json', '.git/hooks/post-checkout', 'site/.git/config', 'a/../.create-image.json'])('refuses %s', async (path) => {
    const { recipe } = builtinRecipe('custom');
    const bad = { ...recipe, manifest: { ...recipe.manifest, files: [...recipe.manifest.files!, { template: 'Dockerfile.eta', path }] } };
    const answers = await resolveAnswers(bad, { imageName: 'x' }, { interactive: false });
    const err = (() => {
      try {
        renderPlan(bad, answers, '0.0.0-test');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RecipeError);
    expect((err as Error).message).toMatch(/create-image's own|inside a \.git folder/);
  });

  it('still writes its own record', async () => {
    const plan = await builtinRecipe('custom', { imageName: 'x' }).render();
    expect(plan.files.map((f) => f.path)).toContain('.create-image.json');
  });
});
