// Trust decisions through the Prompter seam: config, --trust, an interactive yes (remembered) or no.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/core/answers.js';
import type { ResolvedSource } from '../../src/recipes/sources.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { ensureTrusted } from '../../src/recipes/trust.js';
import { runCli } from '../helpers/cli-inprocess.js';

const src: ResolvedSource = { kind: 'git', dir: '/x', label: 'https://git.example.com/r.git#v1.0.0', commit: 'abc123', trustKey: 'https://git.example.com/r.git', fresh: true };
let tmp: string;
const env0 = process.env.XDG_CACHE_HOME;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ci-trust-'));
  process.env.XDG_CACHE_HOME = tmp;
});
afterEach(() => {
  if (env0 === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = env0;
  rmSync(tmp, { recursive: true, force: true });
});

function prompter(answer: boolean, asked: string[]): Prompter {
  const no = () => Promise.reject(new Error('unexpected prompt'));
  return { confirm: async (o) => (asked.push(o.message), answer), text: no, select: no, multiselect: no, autocomplete: no };
}

describe('ensureTrusted', () => {
  it('prints where the recipes come from and the commit, then refuses without a TTY', async () => {
    const notes: string[] = [];
    await expect(ensureTrusted([src], { interactive: false, trusted: [], notice: (s) => notes.push(s) })).rejects.toMatchObject({ exitCode: 2 });
    expect(notes).toEqual(['recipes from https://git.example.com/r.git#v1.0.0 (commit abc123)']);
  });

  it('accepts --trust or a config entry; local sources need nothing', async () => {
    const notes: string[] = [];
    const notice = (s: string) => notes.push(s);
    await expect(ensureTrusted([src], { trust: true, interactive: false, trusted: [], notice })).resolves.toBeUndefined();
    await expect(ensureTrusted([src], { interactive: false, trusted: ['https://git.example.com/r.git'], notice })).resolves.toBeUndefined();
    await expect(ensureTrusted([src], { interactive: false, trusted: ['https://git.example.com/*'], notice })).resolves.toBeUndefined();
    // an entry for another repository is no trust for this one
    await expect(ensureTrusted([src], { interactive: false, trusted: ['https://git.example.com/other.git'], notice: () => {} })).rejects.toMatchObject({ exitCode: 2 });
    await expect(ensureTrusted([{ kind: 'dir', dir: '/d', label: '/d' }], { interactive: false, trusted: [], notice })).resolves.toBeUndefined();
    // a fresh fetch says where the recipes come from even when trusted; a local folder says nothing
    expect(notes).toEqual(Array(3).fill('recipes from https://git.example.com/r.git#v1.0.0 (commit abc123)'));
    // --trust is for this run: a later run in a terminal still asks
    const asked: string[] = [];
    await ensureTrusted([src], { interactive: true, prompter: prompter(true, asked), trusted: [], notice: () => {} });
    expect(asked).toHaveLength(1);
  });

  it('asks once in a terminal and remembers a yes; a no cancels (exit 130)', async () => {
    const asked: string[] = [];
    await ensureTrusted([src], { interactive: true, prompter: prompter(true, asked), trusted: [], notice: () => {} });
    await ensureTrusted([src], { interactive: true, prompter: prompter(true, asked), trusted: [], notice: () => {} });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/https:\/\/git\.example\.com\/r\.git run code on this machine/);
    const other = { ...src, trustKey: 'https://git.example.com/other.git' };
    await expect(ensureTrusted([other], { interactive: true, prompter: prompter(false, []), trusted: [], notice: () => {} })).rejects.toMatchObject({ exitCode: 130 });
  });
});

describe('recipe folders a project names are its code', () => {
  const env1 = process.env.XDG_CONFIG_HOME;
  beforeEach(() => {
    process.env.XDG_CONFIG_HOME = join(tmp, 'config');
  });
  afterEach(() => {
    if (env1 === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = env1;
  });
  /** A project whose config names ./r, holding a recipe whose template writes a file when it runs. */
  const evilProject = () => {
    const dir = join(tmp, 'p');
    cpSync(join(builtinRecipesDir(), 'custom'), join(dir, 'r/evil'), { recursive: true });
    const recipeJson = join(dir, 'r/evil/recipe.json');
    writeFileSync(recipeJson, readFileSync(recipeJson, 'utf8').replace('"name": "custom"', '"name": "evil"'));
    const df = join(dir, 'r/evil/Dockerfile.eta');
    writeFileSync(df, `<% process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(join(dir, 'PWNED'))}, 'x') %>\n${readFileSync(df, 'utf8')}`);
    writeFileSync(join(dir, 'create-image.config.json'), JSON.stringify({ recipes: ['./r'] }));
    return dir;
  };

  it("a folder named by the project's own config runs only with --trust, announced", async () => {
    const dir = evilProject();
    const r = await runCli(['out', '--recipe', 'evil', '--yes'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`recipes from ${join(dir, 'r')} (named by ${join(dir, 'create-image.config.json')})`);
    expect(r.stderr).toMatch(/--trust: recipes from .* are not trusted/);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    const t = await runCli(['out', '--recipe', 'evil', '--yes', '--trust'], { cwd: dir });
    expect(t.exitCode, t.stderr).toBe(0);
    expect(existsSync(join(dir, 'PWNED'))).toBe(true);
  });

  it('the same folder named by the user (--recipes) is the user’s choice', async () => {
    const dir = evilProject();
    const r = await runCli(['out', '--recipe', 'evil', '--yes', '--recipes', './r'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it("a record's source outside the project is refused; a bare name is not fetched without --trust; a folder inside needs trust", async () => {
    const dir = evilProject();
    const out = join(dir, 'out');
    expect((await runCli([out, '--recipe', 'custom', '--yes'])).exitCode).toBe(0);
    const record = join(out, '.create-image.json');
    const rec = JSON.parse(readFileSync(record, 'utf8')) as { recipe: { source: string; name: string } };
    const withSource = (source: string, name = rec.recipe.name) => writeFileSync(record, JSON.stringify({ ...rec, recipe: { ...rec.recipe, source, name } }));

    withSource('/proc/self/cwd/r');
    let r = await runCli(['update', out], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('.create-image.json recipe.source: /proc/self/cwd/r is outside the project folder');

    withSource('evilr');
    r = await runCli(['update', out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('"evilr" is a bare name, which records never write (they write npm:NAME); it is fetched from the npm registry only with --trust');

    cpSync(join(dir, 'r'), join(out, 'r'), { recursive: true });
    withSource('r', 'evil');
    r = await runCli(['update', out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('(named by .create-image.json recipe.source)');
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  });
});
