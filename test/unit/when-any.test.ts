// A manifest condition may be `any` of several: the app recipe's history fallback applies to a front end
// built by node (serve is static) and to a plain static site (stack is static).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWhen, matchesWhen } from '../../src/core/facts.js';
import { validateManifest } from '../../src/core/manifest.js';
import { resolveAnswers } from '../../src/core/answers.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import type { When } from '../../src/core/types.js';

const either: When = { any: [{ question: 'serve', equals: 'static' }, { question: 'stack', equals: 'static' }] };

describe('when: any', () => {
  it('holds when one of its conditions does, and says so in words', () => {
    expect(matchesWhen(either, { stack: 'node', serve: 'static' })).toBe(true);
    expect(matchesWhen(either, { stack: 'static' })).toBe(true);
    expect(matchesWhen(either, { stack: 'node', serve: 'server' })).toBe(false);
    expect(matchesWhen(either, { stack: 'python' })).toBe(false);
    expect(describeWhen(either)).toBe('serve is static or stack is static');
  });

  it('a manifest checks each condition inside, and refuses an any mixed with a question or a condition with neither', () => {
    const app = loadRecipeDir(path.join(builtinRecipesDir(), 'app')).manifest;
    const ok = validateManifest(app);
    expect(ok).toEqual([]);
    const bad = { ...app, env: [
      { name: 'A', when: { any: [{ question: 'stack', equals: 'go' }, { question: 'nada', equals: 1 }] } },
      { name: 'B', when: { question: 'stack', any: [{ question: 'stack', equals: 'go' }] } },
      { name: 'C', when: { equals: 'go' } },
    ] };
    expect(validateManifest(bad)).toEqual([
      { path: 'env[0].when.any[1].question', message: 'names no question of this recipe ("nada")' },
      { path: 'env[1].when.any', message: 'stands alone: put question, equals, in and not in its conditions' },
      { path: 'env[2].when.question', message: 'is required (the question or fact the condition tests), unless the condition is an any' },
    ]);
  });

  it('the app recipe asks the fallback of a static site and of a built front end, of nothing else', async () => {
    const recipe = loadRecipeDir(path.join(builtinRecipesDir(), 'app'));
    const site = await resolveAnswers(recipe, { imageName: 'x', set: { stack: 'static', fallback: 'index.html' } }, { interactive: false });
    expect(site.set.fallback).toBe('index.html');
    await expect(resolveAnswers(recipe, { imageName: 'x', set: { stack: 'python', fallback: 'index.html' } }, { interactive: false })).rejects.toThrow(/--set fallback: not used with these answers .*it applies only when serve is static or stack is static/);
  });
});
