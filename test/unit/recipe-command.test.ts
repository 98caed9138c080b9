// `recipe new` / `recipe test` in-process, `requires`, and `extends` across sources.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import { recipeNew, recipeTest } from '../../src/cli/recipe-command.js';
import { schemaRef } from '../../src/recipes/scaffold.js';
import { checkRequires } from '../../src/recipes/requires.js';
import { builtinSource, findRecipe } from '../../src/recipes/load.js';
import { packageRoot } from '../../src/recipes/paths.js';
import { setStdout } from '../../src/cli/output.js';

let tmp: string;
let stdout: string;
let stderr: string;
let restoreStdout: (text: string) => void;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ci-recipe-'));
  stdout = '';
  stderr = '';
  restoreStdout = setStdout((s) => void (stdout += s));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
});
afterEach(() => {
  setStdout(restoreStdout);
  vi.restoreAllMocks();
  rmSync(tmp, { recursive: true, force: true });
});

describe('recipe new', () => {
  it('scaffolds a recipe that passes recipe test on every family it claims', async () => {
    await recipeNew('hello-web', { dir: tmp });
    const dir = join(tmp, 'hello-web');
    const manifest = JSON.parse(readFileSync(join(dir, 'recipe.json'), 'utf8'));
    expect(manifest.name).toBe('hello-web');
    expect(manifest.$schema).toMatch(/^https:\/\/unpkg\.com\/create-image@[\d.]+\/recipes\.schema\.json$/);
    expect(existsSync(join(dir, 'test/answers.json'))).toBe(true);
    expect(statSync(join(dir, 'Dockerfile.eta')).isFile()).toBe(true);
    stdout = '';
    await recipeTest(dir, {});
    for (const f of manifest.bases.families) expect(stdout).toMatch(new RegExp(`ok +${f} +defaults`));
    expect(stdout).toMatch(/ok +debian +answers \(test\/answers\.json\)/);
  }, 60_000);

  it('points $schema at this repo by a relative path when authored inside it', () => {
    const inside = join(packageRoot(), 'recipes', 'some-new');
    expect(schemaRef(inside, '0.1.0')).toBe('../../recipes.schema.json');
  });

  it('refuses a bad name or a non-empty folder (exit 2)', async () => {
    await expect(recipeNew('Bad_Name', { dir: tmp })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^name: "Bad_Name" is not a recipe name/) });
    mkdirSync(join(tmp, 'x'));
    writeFileSync(join(tmp, 'x', 'keep'), '');
    await expect(recipeNew('x', { dir: tmp })).rejects.toMatchObject({ exitCode: 2 });
    expect(readFileSync(join(tmp, 'x', 'keep'), 'utf8')).toBe('');
  });
});

describe('recipe test findings', () => {
  it('fails with rendered file:line and the template it came from', async () => {
    await recipeNew('bad', { dir: tmp });
    const dir = join(tmp, 'bad');
    const df = readFileSync(join(dir, 'Dockerfile.eta'), 'utf8').replace(/^CMD .*$/m, 'CMD sh -c "cat /etc/greeting"');
    writeFileSync(join(dir, 'Dockerfile.eta'), df);
    await expect(recipeTest(dir, { family: 'debian' })).rejects.toMatchObject({ exitCode: 1 });
    expect(stderr).toMatch(/debian defaults: \S+\/debian-defaults\/Dockerfile:\d+ DL3025 error: .* \[rendered from \S+\/bad\/Dockerfile\.eta\]/);
  });

  it('names the template file and line of a template error', async () => {
    await recipeNew('broken', { dir: tmp });
    const dir = join(tmp, 'broken');
    writeFileSync(join(dir, 'greeting.txt.eta'), 'line one\n<%= it.nope.deeper %>\n');
    await expect(recipeTest(dir, { family: 'debian' })).rejects.toMatchObject({ exitCode: 1 });
    expect(stderr).toContain(join(dir, 'greeting.txt.eta'));
  });

  it('rejects --family the recipe does not claim (exit 2)', async () => {
    await recipeNew('fam', { dir: tmp });
    const m = JSON.parse(readFileSync(join(tmp, 'fam', 'recipe.json'), 'utf8'));
    m.bases.families = ['debian'];
    m.bases.images = { debian: 'debian:bookworm-slim' };
    writeFileSync(join(tmp, 'fam', 'recipe.json'), JSON.stringify(m));
    await expect(recipeTest(join(tmp, 'fam'), { family: 'alpine' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--family: fam does not claim alpine') });
  });
});

describe('versions and extends', () => {
  it('refuses a recipe that needs a newer create-image, naming recipe.json:line', async () => {
    await recipeNew('future', { dir: tmp });
    const file = join(tmp, 'future', 'recipe.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"requires": "[^"]*"/, '"requires": ">=99.0.0"'));
    const r = findRecipe('future', [{ dir: tmp, label: tmp }]);
    expect(() => checkRequires(r, '0.1.0')).toThrow(/recipe\.json:\d+: recipe future 0\.1\.0 requires create-image >=99\.0\.0; this is 0\.1\.0/);
    expect(() => checkRequires(r, '99.1.0')).not.toThrow();
  });

  it('a recipe in another source extends a built-in, overriding a file and a question', async () => {
    const dir = join(tmp, 'company', 'web');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'recipe.json'),
      JSON.stringify({
        name: 'web',
        description: 'custom with our defaults',
        version: '2.0.0',
        extends: 'custom',
        questions: [{ name: 'app', type: 'string', message: 'App dir', default: 'srv' }],
        files: [{ template: 'index.html.eta', path: 'site/index.html', when: { question: 'http', equals: true } }],
      }),
    );
    writeFileSync(join(dir, 'index.html.eta'), '<p>company page for <%= it.h.html(it.imageName ?? "x") %></p>\n');
    const recipe = findRecipe('web', [{ dir: join(tmp, 'company'), label: 'company' }, builtinSource()]);
    expect(recipe.parents).toEqual([join(builtinSource().dir, 'custom')]);
    expect(recipe.manifest.questions!.find((q) => q.name === 'app')!.default).toBe('srv');
    const answers = await resolveAnswers(recipe, { services: ['nginx'], ports: ['8080'] }, { interactive: false });
    expect(answers.set.app).toBe('srv');
    const plan = renderPlan(recipe, answers, '0.1.0');
    expect(plan.files.find((f) => f.path === 'site/index.html')!.content).toContain('company page');
    // Files the child does not override come from the built-in.
    expect(plan.files.find((f) => f.path === 'config/nginx.conf')).toBeDefined();
    expect(plan.files.find((f) => f.path === 'Dockerfile')!.content).toMatch(/^COPY (--chown=\S+ )?srv\/ \/srv\/app\/$/m);
  });
});
