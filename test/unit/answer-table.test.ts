// The answer table is the one definition of every answer: what is made from it must agree with it, and a
// wizard reports a bad given value, a bad --ci or a bad build flag before it asks anything.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { GenerateFlags } from '../../src/cli/flags.js';
import { generate } from '../../src/cli/generate.js';
import { program } from '../../src/cli/main.js';
import { ANSWER_FILE_KEYS, ANSWER_TABLE, flagName, FIXTURE_KEYS, ownerOfEnv, summaryRows } from '../../src/core/answer-table.js';
import type { AnswerEntry } from '../../src/core/answer-types.js';
import { resolveAnswers, type Prompter, type RawAnswers } from '../../src/core/answers.js';
import { UsageError } from '../../src/core/errors.js';
import { questionLabel } from '../../src/core/questions.js';
import { builtinRecipe } from '../helpers/recipe.js';

const TABLE = ANSWER_TABLE as readonly AnswerEntry[];
const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../recipes.schema.json'), 'utf8'));

describe('the answer table', () => {
  it('every entry is a flag of a generation; update takes exactly the entries with an update rule', () => {
    const prog = program();
    const longs = (cmd: { options: readonly { long?: string }[] }) => cmd.options.map((o) => o.long);
    for (const e of TABLE) expect(longs(prog), e.key).toContain(flagName(e));
    const update = prog.commands.find((c) => c.name() === 'update')!;
    for (const e of TABLE) expect(longs(update).includes(flagName(e)), e.key).toBe(e.update !== undefined);
  });

  it("its common answers are the schema's common questions, and a recipe may default each of them", () => {
    const common = TABLE.filter((e) => e.common && e.key !== 'family').map((e) => e.key);
    expect([...common].sort()).toEqual([...schema.$defs.commonQuestion.enum].sort());
    const defaults = Object.keys(schema.properties.defaults.properties);
    for (const key of defaults) expect(common).toContain(key);
  });

  it('the raw answers type is made from the table: every answer by its key, nothing else', () => {
    const all: RawAnswers = { imageName: 'x', base: 'debian', family: 'debian', runtime: 'node', tz: 'UTC', locale: 'C.UTF-8', services: [], supervisor: 'watchdog', ports: ['80'], env: {}, set: {}, secrets: [], caCerts: [], caInFinal: true, from: {} };
    // @ts-expect-error no entry has this key (checked by the type check of `npm test`)
    const wrong: RawAnswers = { nosuch: 1 };
    expect(Object.keys(all).filter((k) => k !== 'from').sort()).toEqual(TABLE.filter((e) => !e.byCaller).map((e) => e.key).sort());
    expect(wrong).toBeDefined();
  });

  it('answers files take every field, fixtures those update changes', () => {
    expect(ANSWER_FILE_KEYS).toEqual(TABLE.map((e) => e.file));
    expect([...FIXTURE_KEYS].sort()).toEqual(TABLE.filter((e) => e.update).map((e) => e.file).sort());
  });

  it('an environment variable an answer sets is refused from --env, naming that answer', async () => {
    expect(ownerOfEnv('TZ')).toBe('--tz');
    expect(ownerOfEnv('LC_ALL')).toBe('--locale');
    expect(ownerOfEnv('APP_MODE')).toBeUndefined();
    const { recipe } = builtinRecipe('custom');
    await expect(resolveAnswers(recipe, { env: ['TZ=Asia/Tokyo'] }, { interactive: false })).rejects.toThrow(/--env TZ: is set by --tz .*use --tz Asia\/Tokyo instead/);
  });

  it('a misspelt name gets a did-you-mean, with what is accepted', async () => {
    const custom = builtinRecipe('custom').recipe;
    await expect(resolveAnswers(custom, { services: ['ngnix'] }, { interactive: false })).rejects.toThrow(/--service: unknown service "ngnix" \(did you mean nginx\?\); accepted: nginx, /);
    await expect(resolveAnswers(custom, { runtime: 'pyhton' }, { interactive: false })).rejects.toThrow(/--runtime: unknown runtime "pyhton" \(did you mean python\?\)/);
    await expect(resolveAnswers(builtinRecipe('app').recipe, { set: { stak: 'node' } }, { interactive: false })).rejects.toThrow(/--set stak: recipe app has no question "stak" \(did you mean stack\?\)/);
  });

  it('a number question refuses an empty answer whether typed or given', async () => {
    const { recipe } = builtinRecipe('custom');
    const withNumber = { ...recipe, manifest: { ...recipe.manifest, ask: [], questions: [{ name: 'workers', type: 'number' as const, message: 'Workers', default: 2 }] } };
    await expect(resolveAnswers(withNumber, { set: { workers: '' } }, { interactive: false })).rejects.toThrow(/--set workers: must be a number, not ""/);
    let check: ((v: string) => string | undefined) | undefined;
    const prompter = {
      text: async (o: { validate?: (v: string) => string | undefined }) => {
        check = o.validate;
        return '3';
      },
    } as unknown as Prompter;
    const a = await resolveAnswers(withNumber, {}, { interactive: true, prompter });
    expect(a.set.workers).toBe(3);
    expect(check!('')).toBe('enter a number');
    expect(check!('4')).toBeUndefined();
  });

  it("every built-in recipe's questions have a short summary label", () => {
    for (const name of ['app', 'custom', 'gitlab', 'go', 'hexo-apache', 'lnmp', 'novnc', 'tomcat', 'vsftpd']) {
      for (const q of builtinRecipe(name).recipe.manifest.questions ?? []) expect(questionLabel(q).length, `${name} ${q.name}: ${questionLabel(q)}`).toBeLessThanOrEqual(34);
    }
  });

  it('the summary names answers by their labels and leaves out empty ones', async () => {
    const { recipe } = builtinRecipe('app');
    const a = await resolveAnswers(recipe, { set: { stack: 'node', pm: 'pnpm' } }, { interactive: false });
    const rows = new Map(summaryRows(a, recipe));
    expect(rows.get('Package manager')).toBe('pnpm');
    expect(rows.get('Timezone')).toBe('UTC');
    for (const internal of ['pm', 'pmVersion', 'serve', 'health', 'ignore', 'app', 'build']) expect(rows.has(internal), internal).toBe(false);
    for (const [label, value] of rows) expect(value, label).not.toBe('');
  });
});

describe('a wizard stops on bad input before its first question', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const later = () => import('../../src/cli/lazy.js');

  /** Runs an interactive generation that no one answers: it must fail without showing a prompt. */
  async function failsUnasked(f: Partial<GenerateFlags>): Promise<UsageError> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ci-table-'));
    dirs.push(dir);
    let screen = '';
    const output = new Writable({
      write(chunk, _enc, cb) {
        screen += chunk.toString();
        cb();
      },
    });
    const err = await generate(path.join(dir, 'img'), f as GenerateFlags, later, { input: new PassThrough(), output, interactive: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    // clack draws an open question with ◆
    expect(screen).not.toContain('◆');
    return err as UsageError;
  }

  it('a time zone that does not exist (the recipe asks the base first)', async () => {
    expect((await failsUnasked({ recipe: 'custom', tz: 'Europe/Berln' })).message).toMatch(/^--tz: "Europe\/Berln" is not a known time zone: did you mean Europe\/Berlin/);
  });

  it('before the target dir is asked for', async () => {
    const err = await generate(undefined, { recipe: 'custom', tz: 'Europe/Berln' } as GenerateFlags, later, { input: new PassThrough(), output: new Writable({ write: (_c, _e, cb) => cb() }), interactive: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/^--tz: "Europe\/Berln" is not a known time zone: did you mean Europe\/Berlin/);
  });

  it('a --set the recipe has no question for', async () => {
    expect((await failsUnasked({ recipe: 'custom', set: ['nosuch=1'] })).message).toMatch(/^--set nosuch: recipe custom has no question "nosuch"/);
  });

  it('a question the wizard will ask is not refused as missing when another is given', async () => {
    const { recipe } = builtinRecipe('custom');
    const asking = { ...recipe, manifest: { ...recipe.manifest, ask: [], questions: [{ name: 'a', type: 'string' as const, message: 'A' }, { name: 'b', type: 'string' as const, message: 'B', required: true }] } };
    await expect(resolveAnswers(asking, { set: { a: 'x' } }, { interactive: false, givenOnly: true })).resolves.toBeDefined();
    await expect(resolveAnswers(asking, { set: { a: 'x' } }, { interactive: false })).rejects.toThrow(/--set b: required \(B\)/);
  });

  it('a bad --ci, even without a recipe yet', async () => {
    expect((await failsUnasked({ ci: 'jenkins' })).message).toMatch(/^--ci: must be one of gitlab, github/);
  });

  it('a build flag without --build', async () => {
    expect((await failsUnasked({ push: true })).message).toMatch(/^--push: only applies with --build/);
  });

  it('a port that is no port', async () => {
    expect((await failsUnasked({ recipe: 'custom', port: ['http'] })).message).toMatch(/^--port: /);
  });

  it('an answers file that is not there, even without a recipe yet', async () => {
    expect((await failsUnasked({ answers: '/nonexistent/answers.yaml' })).message).toMatch(/^--answers: \/nonexistent\/answers.yaml does not exist/);
  });
});
