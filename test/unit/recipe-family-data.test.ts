// Per-family data: templates take package names from the manifest's `packages`, other per-family values
// from `byFamily`, and OS conventions from `it.os`, instead of branching on the family themselves.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { validateManifest } from '../../src/core/manifest.js';
import { builtinRecipe, requireFile } from '../helpers/recipe.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'family-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function templatesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? templatesUnder(p) : p.endsWith('.eta') ? [p] : [];
  });
}

/** A recipe of one template in a temp folder. */
function tempRecipe(name: string, extra: Record<string, unknown>, template: string) {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name,
    description: 'test',
    version: '1.0.0',
    bases: { families: ['debian', 'alpine'], default: 'debian:bookworm-slim', images: { debian: 'debian:bookworm-slim', alpine: 'alpine:3.20' } },
    files: [{ template: 'out.eta', path: 'out.txt' }],
    ...extra,
  };
  writeFileSync(path.join(dir, 'recipe.json'), JSON.stringify(manifest));
  writeFileSync(path.join(dir, 'out.eta'), template);
  const recipe = loadRecipeDir(dir);
  return async (base: string) => renderPlan(recipe, await resolveAnswers(recipe, { imageName: 'x', base }, { interactive: false }), '0.0.0-test');
}

describe('per-family data', () => {
  it('built-in templates do not branch on it.family (they read packages, byFamily and it.os)', () => {
    const uses = templatesUnder(builtinRecipesDir()).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${path.relative(builtinRecipesDir(), file)}:${i + 1}`, line }))
        .filter(({ line }) => /\bit\.family\b/.test(line)),
    );
    // the README names the family as text; nothing decides on it
    expect(uses.map((u) => u.where)).toEqual(['_partials/readme.eta:6']);
  });

  it('packages: the set for the image family, empty for a family the set does not name', async () => {
    const render = tempRecipe('pk', { packages: { db: { debian: ['default-mysql-client'] } } }, '<%= JSON.stringify(it.packages.db) %>\n');
    expect(requireFile(await render('debian:bookworm-slim'), 'out.txt')).toBe('["default-mysql-client"]\n');
    expect(requireFile(await render('alpine:3.20'), 'out.txt')).toBe('[]\n');
  });

  it('byFamily: the value for the image family; reading one the family lacks names the recipe, value and family', async () => {
    const render = tempRecipe('bf', { byFamily: { home: { debian: '/usr/share/x' } } }, '<%= it.byFamily.home %>\n');
    expect(requireFile(await render('debian:bookworm-slim'), 'out.txt')).toBe('/usr/share/x\n');
    await expect(render('alpine:3.20')).rejects.toThrow(/recipe bf has no byFamily\.home for the alpine family/);
  });

  it('the schema takes package names, not shell text, and per-family values only for known families', () => {
    const base = { name: 'x', description: 'd', version: '1.0.0', bases: { families: ['debian'], default: 'debian:bookworm-slim' }, files: [{ template: 'a', path: 'a' }] };
    expect(validateManifest({ ...base, packages: { db: { debian: ['mysql-client', 'libfoo=1.2-3', '/tmp/x.deb'] } } })).toEqual([]);
    expect(validateManifest({ ...base, packages: { db: { debian: ['a; rm -rf /'] } } })).not.toEqual([]);
    expect(validateManifest({ ...base, packages: { db: { debain: ['a'] } } })).not.toEqual([]);
    expect(validateManifest({ ...base, byFamily: { 'not-a-name': { debian: 'x' } } })).not.toEqual([]);
    expect(validateManifest({ ...base, byFamily: { v: { rhel: { nested: true } } } })).not.toEqual([]);
  });

  it('tomcat reads its packages, paths and descriptor version from the manifest', async () => {
    const tomcat = builtinRecipe('tomcat', { imageName: 't' });
    const rhel = await tomcat.render({ base: 'almalinux:9', set: { defaultWebapps: true } });
    expect(requireFile(rhel, 'Dockerfile')).toMatch(/ tomcat tomcat-webapps tomcat-docs-webapp;/);
    expect(requireFile(rhel, 'Dockerfile')).toContain('ln -s /var/lib/tomcat/webapps/docs /usr/local/tomcat/webapps/docs');
    expect(requireFile(rhel, 'config/web.xml')).toContain('version="4.0"');
    const debian = await tomcat.render({ base: 'debian:bookworm-slim' });
    expect(requireFile(debian, 'Dockerfile')).toContain('CATALINA_HOME=/usr/share/tomcat10');
    expect(requireFile(debian, 'sample/WEB-INF/web.xml')).toContain('jakartaee');
  });
});
