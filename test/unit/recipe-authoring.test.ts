// What a recipe author meets: extends that composes (added packages, dropped questions, inherited templates
// stated), validate and recipe test resolving extends from other sources, the name rule of `recipe new`,
// `when` facts, end-of-support warnings, stamp-aware merges and the crontab escaper.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { crontabCommand } from '../../src/core/escape.js';
import { BASE_IMAGES, BASE_RELEASES, endOfSupportWarning } from '../../src/core/families.js';
import { matchesWhen, whenFacts } from '../../src/core/facts.js';
import { RECIPE_NAME } from '../../src/core/manifest.js';
import { renderPlan } from '../../src/core/render.js';
import { info, validate } from '../../src/cli/inspect.js';
import { recipeNew, recipeTest } from '../../src/cli/recipe-command.js';
import { builtinSource, findRecipe } from '../../src/recipes/load.js';
import { carryStamps, merge3 } from '../../src/update/merge.js';
import { parseSpec } from '../../src/recipes/spec.js';
import { ensureTrusted } from '../../src/recipes/trust.js';
import { setStdout } from '../../src/cli/output.js';

let tmp: string;
let stdout: string;
let stderr: string;
let restoreStdout: (text: string) => void;
const env0 = { ...process.env };
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ci-authoring-'));
  stdout = '';
  stderr = '';
  restoreStdout = setStdout((s) => void (stdout += s));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  // no user config or recipe sources from the machine running the tests
  process.env.XDG_CONFIG_HOME = join(tmp, 'config');
  delete process.env.CREATE_IMAGE_RECIPES;
});
afterEach(() => {
  setStdout(restoreStdout);
  vi.restoreAllMocks();
  process.env = { ...env0 };
  rmSync(tmp, { recursive: true, force: true });
});

/** A company source with static-site (extends custom) and a team source with docs-site (extends static-site). */
function twoSources() {
  const company = join(tmp, 'company');
  const team = join(tmp, 'team');
  mkdirSync(join(company, 'static-site'), { recursive: true });
  mkdirSync(join(team, 'docs-site'), { recursive: true });
  writeFileSync(
    join(company, 'static-site', 'recipe.json'),
    JSON.stringify({
      name: 'static-site',
      description: 'nginx static site',
      version: '1.0.0',
      extends: 'custom',
      ask: ['base', 'tz'],
      defaults: { services: ['nginx'], ports: ['8080'] },
      addPackages: { debian: ['openssl'], alpine: ['openssl'] },
      dropQuestions: ['command'],
    }),
  );
  writeFileSync(
    join(team, 'docs-site', 'recipe.json'),
    JSON.stringify({ name: 'docs-site', description: 'our docs', version: '0.1.0', extends: 'static-site', addPackages: { debian: ['jq'] }, files: [{ template: 'index.html.eta', path: 'site/index.html' }] }),
  );
  writeFileSync(join(team, 'docs-site', 'index.html.eta'), '<p>docs</p>\n');
  return { company, team };
}

describe('extends composes', () => {
  it('adds packages per family (adding up along the chain) and drops inherited questions', async () => {
    const { company, team } = twoSources();
    const recipe = findRecipe('docs-site', [{ dir: team, label: team }, { dir: company, label: company }, builtinSource()]);
    expect(recipe.manifest.addPackages).toEqual({ debian: ['openssl', 'jq'], alpine: ['openssl'] });
    expect((recipe.manifest.questions ?? []).map((q) => q.name)).not.toContain('command');
    expect(recipe.fixedAnswers).toEqual({ command: '' });
    await expect(resolveAnswers(recipe, { set: { command: 'x' } }, { interactive: false })).rejects.toThrow(/--set command: recipe docs-site has no question "command"/);
    const answers = await resolveAnswers(recipe, {}, { interactive: false });
    const df = renderPlan(recipe, answers, '0.1.0').files.find((f) => f.path === 'Dockerfile')!.content;
    expect(df).toMatch(/apt-get install -y --no-install-recommends [^;]*\bnginx\b[^;]*\bopenssl jq\b/);
    const alpine = await resolveAnswers(recipe, { base: 'alpine' }, { interactive: false });
    const adf = renderPlan(recipe, alpine, '0.1.0').files.find((f) => f.path === 'Dockerfile')!.content;
    expect(adf).toMatch(/apk add --no-cache [^;]*\bopenssl\b/);
    expect(adf).not.toMatch(/\bjq\b/);
  });

  it('refuses dropping a question no parent has, and dropQuestions without extends', () => {
    const dir = join(tmp, 'src', 'x');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ name: 'x', description: 'd', version: '1.0.0', extends: 'custom', dropQuestions: ['nope'] }));
    expect(() => findRecipe('x', [{ dir: join(tmp, 'src'), label: 'src' }, builtinSource()])).toThrow(/recipe\.json:\d+: dropQuestions: "nope" is not a question of the recipes it extends/);
    writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ name: 'x', description: 'd', version: '1.0.0', bases: { families: ['debian'], default: 'debian:bookworm-slim' }, files: [{ template: 'Dockerfile.eta', path: 'Dockerfile' }], dropQuestions: ['a'] }));
    expect(() => findRecipe('x', [{ dir: join(tmp, 'src'), label: 'src' }, builtinSource()])).toThrow(/dropQuestions: only for a recipe that extends another/);
  });

  it('validate and recipe test resolve extends from --recipes and say which templates are inherited', async () => {
    const { company, team } = twoSources();
    // without the company source the parent is not found, and the message says where it looked
    await expect(validate(join(team, 'docs-site'), {})).rejects.toMatchObject({ exitCode: 1 });
    expect(stderr).toMatch(/extends "static-site", which no recipe source has \(searched: .*builtin; add the source that has it with --recipes\)/);
    stderr = '';
    await validate(join(team, 'docs-site'), { recipes: [company] });
    expect(stdout).toMatch(/^extends static-site \(\S+static-site <- \S+custom\)$/m);
    expect(stdout).toMatch(/^ {2}Dockerfile\.eta inherited from \S+\/recipes\/custom\/Dockerfile\.eta$/m);
    expect(stdout).not.toMatch(/index\.html\.eta inherited/);
    expect(stdout).toMatch(/docs-site: ok \(debian, ubuntu, alpine, rhel\)/);
    stdout = '';
    process.env.CREATE_IMAGE_RECIPES = company;
    await recipeTest(join(team, 'docs-site'), { family: 'debian' });
    expect(stdout).toMatch(/nginx\.conf\.eta inherited from/);
    expect(stdout).toMatch(/ok +debian +defaults/);
  }, 60_000);

  it('validate --json lists the inherited templates', async () => {
    const { company, team } = twoSources();
    await validate(join(team, 'docs-site'), { recipes: [company], json: true });
    const doc = JSON.parse(stdout);
    expect(doc.ok).toBe(true);
    expect(doc.inherited.map((t: { template: string }) => t.template)).toContain('Dockerfile.eta');
  }, 60_000);
});

describe('recipe new and the name rule', () => {
  it('refuses a name the manifest pattern refuses, with the same rule', async () => {
    expect(RECIPE_NAME.source).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '../../recipes.schema.json'), 'utf8')).properties.name.pattern);
    await expect(recipeNew('9lives', { dir: tmp })).rejects.toMatchObject({ exitCode: 2, message: 'name: "9lives" is not a recipe name: lowercase letters, digits and dashes, starting with a letter' });
    await recipeNew('lives9', { dir: tmp });
    stdout = '';
    await validate(join(tmp, 'lives9'), {});
    expect(stdout).toMatch(/lives9: ok/);
  }, 60_000);

  it('recipe test does not point at an empty folder when nothing rendered', async () => {
    await recipeNew('broken', { dir: tmp });
    writeFileSync(join(tmp, 'broken', 'greeting.txt.eta'), 'a\n<% if (true) { %>\n');
    await expect(recipeTest(join(tmp, 'broken'), { family: 'debian' })).rejects.toMatchObject({ exitCode: 1 });
    expect(stderr).toMatch(/greeting\.txt\.eta:2:14: "\{" opened here is never closed/);
    expect(stdout).not.toContain('renders kept in');
  });
});

describe('when facts', () => {
  it('tz, locale, ports and supervisor can be tested, as documented', () => {
    const facts = whenFacts({ set: {}, services: ['nginx'], supervisor: 'supervisord', runtime: { name: 'none', version: '' }, family: 'debian', base: 'debian:bookworm-slim', tz: 'Asia/Shanghai', locale: 'zh_CN.UTF-8', ports: [{ from: 8080, to: 8080, proto: 'tcp' }, { from: 53, to: 53, proto: 'udp' }, { from: 21100, to: 21110, proto: 'tcp' }] });
    expect(matchesWhen({ question: 'tz', equals: 'Asia/Shanghai' }, facts)).toBe(true);
    expect(matchesWhen({ question: 'locale', not: 'C.UTF-8' }, facts)).toBe(true);
    expect(matchesWhen({ question: 'ports', equals: '8080' }, facts)).toBe(true);
    expect(matchesWhen({ question: 'ports', equals: '53/udp' }, facts)).toBe(true);
    expect(matchesWhen({ question: 'ports', equals: '21100-21110' }, facts)).toBe(true);
    expect(matchesWhen({ question: 'ports', equals: '443' }, facts)).toBe(false);
    const docs = readFileSync(join(import.meta.dirname, '../../docs/recipes.md'), 'utf8');
    for (const f of ['services', 'process', 'http', 'runtime', 'family', 'base', 'tz', 'locale', 'ports', 'supervisor']) expect(docs).toContain(`| \`${f}\` |`);
  });
});

describe('info', () => {
  it('shows the default ports and common defaults, and --json carries pattern and patternHint', async () => {
    await info('go', {});
    expect(stdout).toMatch(/^ {2}ports: {4}8080$/m);
    expect(stdout).toMatch(/^ {2}defaults: runtime none, tz UTC, locale C\.UTF-8, services none$/m);
    stdout = '';
    await info('custom', { json: true });
    const app = JSON.parse(stdout).questions.find((q: { name: string }) => q.name === 'app');
    expect(app.pattern).toBeTruthy();
    expect(app.patternHint).toBe('a relative path inside the target dir, e.g. app');
  });

  it('says which services a recipe runs of its own, and when', async () => {
    stdout = '';
    await info('app', {});
    expect(stdout).toMatch(/^ {2}services: nginx \+ php-fpm of its own when stack is php; no others$/m);
    stdout = '';
    await info('app', { json: true });
    expect(JSON.parse(stdout).ownServices).toEqual({ services: ['nginx', 'php-fpm'], when: { question: 'stack', equals: 'php' } });
    stdout = '';
    await info('go', {});
    expect(stdout).not.toMatch(/^ {2}services:/m);
  });
});

describe('base images and their end of support', () => {
  it('every family default is a known release supported today', () => {
    for (const [family, image] of Object.entries(BASE_IMAGES)) {
      const r = BASE_RELEASES[family as keyof typeof BASE_RELEASES].find((x) => image === x.image || image.startsWith(`${x.image}-`));
      expect(r, image).toBeDefined();
      expect(endOfSupportWarning(image, new Date().toISOString().slice(0, 10))).toBeUndefined();
    }
  });
  it('warns in one line for a release past its end of support, variants included', () => {
    expect(endOfSupportWarning('alpine:3.20', '2026-12-01')).toBe(`base image alpine:3.20 is past its end of support (2026-04-01): no more security updates; use a supported release such as ${BASE_IMAGES.alpine} (--base ${BASE_IMAGES.alpine})`);
    expect(endOfSupportWarning('alpine:3.21.3', '2026-12-01')).toMatch(/past its end of support \(2026-11-01\)/);
    expect(endOfSupportWarning('docker.io/library/debian:bullseye-slim', '2026-12-01')).toMatch(/^base image docker\.io\/library\/debian:bullseye-slim is past/);
    expect(endOfSupportWarning('alpine:3.21', '2026-10-31')).toBeUndefined();
    expect(endOfSupportWarning('ghcr.io/acme/base:1', '2099-01-01')).toBeUndefined();
  });
});

describe('update merges version stamps specially', () => {
  const render = (v: string) => `# Generated by create-image 0.1.0 from recipe web@${v}.\nFROM x\n\nLABEL a="1" \\\n      io.create-image.recipe="web@${v}"\n\nCMD ["run"]\n`;
  it('a LABEL added next to the stamp merges cleanly; the stamps take the new versions', () => {
    const base = render('1.0.0');
    const yours = base.replace('io.create-image.recipe="web@1.0.0"\n', 'io.create-image.recipe="web@1.0.0"\nLABEL team="payments"\n');
    const theirs = render('1.1.0').replace('CMD ["run"]', 'CMD ["run", "--fast"]');
    const r = merge3(yours, base, theirs);
    expect(r.conflicts).toBe(0);
    expect(r.text).toBe(theirs.replace('io.create-image.recipe="web@1.1.0"\n', 'io.create-image.recipe="web@1.1.0"\nLABEL team="payments"\n'));
  });
  it('leaves a stamp the user edited by hand to the ordinary merge', () => {
    const base = render('1.0.0');
    const yours = base.replace('web@1.0.0"', 'web@1.0.0-patched"');
    const carried = carryStamps(yours, base, render('1.1.0')).yours;
    expect(carried).toContain('io.create-image.recipe="web@1.0.0-patched"');
    expect(carried).toContain('# Generated by create-image 0.1.0 from recipe web@1.1.0.');
  });
});

describe('crontab escaper', () => {
  it('escapes % for vixie cron and cronie, keeps it for busybox, refuses a line break', () => {
    expect(crontabCommand("date +'%Y-%m-%d' >> /tmp/d")).toBe("date +'\\%Y-\\%m-\\%d' >> /tmp/d");
    expect(crontabCommand('echo 50%', { percent: false })).toBe('echo 50%');
    expect(() => crontabCommand('a\nb')).toThrow(/a crontab entry is one line/);
  });
});

describe('sources and trust messages', () => {
  it('a folder with a #ref points at file://', () => {
    mkdirSync(join(tmp, 'repo'));
    expect(() => parseSpec('./repo#v1.0.0', tmp)).toThrow(`--recipes: ./repo#v1.0.0: no such directory; a folder has no refs: for a tag or branch of the git repository in it, use file://${join(tmp, 'repo')}#v1.0.0`);
  });
  it('the trust error names the user config under $XDG_CONFIG_HOME, and "recipes from" is said even when trusted by config', async () => {
    const notices: string[] = [];
    const src = { kind: 'git' as const, dir: tmp, label: 'https://git.example.com/r.git#v1', commit: 'abc', trustKey: 'https://git.example.com/r.git', fresh: false, spec: { kind: 'git' as const, url: 'https://git.example.com/r.git' } };
    await expect(ensureTrusted([src], { interactive: false, trusted: [], notice: (s) => notices.push(s) })).rejects.toThrow(`to "trusted" in ${join(tmp, 'config', 'create-image', 'config.json')}`);
    notices.length = 0;
    await ensureTrusted([src], { interactive: false, trusted: ['https://git.example.com/r.git'], notice: (s) => notices.push(s) });
    expect(notices).toEqual(['recipes from https://git.example.com/r.git#v1 (commit abc)']);
  });
});
