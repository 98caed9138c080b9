// The .dockerignore every built-in recipe writes is the shared one (plus the recipe's own patterns), so
// what keeps secrets out of the build context cannot be lost in a copy.
import { describe, expect, it } from 'vitest';
import { validateManifest } from '../../src/core/manifest.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { listRecipeNames } from '../../src/recipes/load.js';
import { builtinRecipe, requireFile } from '../helpers/recipe.js';

const SHARED = ['**/node_modules', '**/.env', '**/.env.*', 'secrets/', '.create-image.json', '.create-image/'];

describe('.dockerignore', () => {
  for (const name of listRecipeNames(builtinRecipesDir())) {
    it(`${name}: the shared patterns, then the recipe's own`, async () => {
      const { recipe, render } = builtinRecipe(name, { imageName: 'x' });
      // app's patterns depend on its answers (the stack, the project's .gitignore): its template includes the shared partial first
      if (name !== 'app') expect(recipe.manifest.files.map((f) => f.path), 'renders no .dockerignore of its own').not.toContain('.dockerignore');
      const lines = requireFile(await render(), '.dockerignore').trimEnd().split('\n');
      expect(lines).toEqual(expect.arrayContaining(SHARED));
      const own = recipe.manifest.dockerignore;
      if (own) expect(lines.slice(-own.patterns.length - (own.comment ? 1 : 0))).toEqual([...(own.comment ? [`# ${own.comment}`] : []), ...own.patterns]);
    });
  }

  it('go and hexo-apache add their build outputs', async () => {
    expect(requireFile(await builtinRecipe('go', { imageName: 'x' }).render(), '.dockerignore')).toMatch(/^secrets\/\n[\s\S]*# Go build output and editor files\n\*\*\/\*\.test\n/m);
    expect(requireFile(await builtinRecipe('hexo-apache', { imageName: 'x' }).render(), '.dockerignore')).toMatch(/^\.create-image\/\n[\s\S]*\n\*\*\/public\n/m);
  });

  it("app adds the stack's build output, keys and credentials, then the project's .gitignore without its exceptions", async () => {
    const text = requireFile(await builtinRecipe('app', { imageName: 'x', set: { stack: 'python', ignore: 'instance **/*.sqlite3 **/.env' } }).render(), '.dockerignore');
    expect(text.split('\n').slice(0, SHARED.length + 6)).toEqual(expect.arrayContaining(SHARED));
    expect(text).toMatch(/^# python build output and caches; keys and registry credentials; CI and compose files\n\*\*\/__pycache__\n[\s\S]*^\*\*\/\.npmrc\n\*\*\/\.pypirc\n\*\*\/\*\.pem\n/m);
    // CI and compose files are no input of the image
    for (const p of ['.github', '.gitlab-ci.yml', 'compose.yaml', 'docker-compose.yml']) expect(text.split('\n')).toContain(p);
    // the project's own patterns last, those the shared ones already hold not repeated
    expect(text).toMatch(/# From the project's \.gitignore\ninstance\n\*\*\/\*\.sqlite3\n$/);
  });

  it('the manifest field takes plain patterns: no exceptions (!) that could bring secrets back, no comments or line breaks', () => {
    const base = { name: 'x', description: 'd', version: '1.0.0', bases: { families: ['debian'], default: 'debian:bookworm-slim' }, files: [{ template: 'a', path: 'a' }] };
    expect(validateManifest({ ...base, dockerignore: { comment: 'build output', patterns: ['**/*.test', 'dist/'] } })).toEqual([]);
    for (const bad of ['!secrets/', '# x', 'a\nsecrets/', ' lead']) {
      expect(validateManifest({ ...base, dockerignore: { patterns: [bad] } }), JSON.stringify(bad)).not.toEqual([]);
    }
    expect(validateManifest({ ...base, dockerignore: { comment: 'two\nlines', patterns: ['x'] } })).not.toEqual([]);
    expect(validateManifest({ ...base, dockerignore: { patterns: [] } })).not.toEqual([]);
  });
});
