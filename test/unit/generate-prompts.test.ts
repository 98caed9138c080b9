// The interactive flow through real @clack/prompts, driven over its input/output streams.
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../src/cli/generate.js';
import type { GenerateFlags } from '../../src/cli/flags.js';
import { CancelledError } from '../../src/core/errors.js';

const KEY = { enter: '\r', down: '\u001b[B', space: ' ', ctrlC: '\u0003' };

/** A fake terminal: collects what clack prints, lets the test answer each prompt once it shows. */
function terminal() {
  const input = new PassThrough();
  let screen = '';
  const output = new Writable({
    write(chunk, _enc, cb) {
      screen += chunk.toString();
      cb();
    },
  });
  // how many times each awaited text has been consumed: a prompt shown twice is answered twice
  const used = new Map<string, number>();
  /** Wait for the next showing of `text`, then type `keys`. */
  async function answer(text: string, ...keys: string[]) {
    const deadline = Date.now() + 5000;
    const want = (used.get(text) ?? 0) + 1;
    for (;;) {
      // eslint-disable-next-line no-control-regex
      const plain = screen.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
      if (plain.split(text).length - 1 >= want) break;
      if (Date.now() > deadline) throw new Error(`prompt "${text}" never appeared; screen:\n${plain.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    used.set(text, want);
    for (const k of keys) {
      input.write(k);
      await new Promise((r) => setTimeout(r, 15));
    }
  }
  return { input, output, answer, screen: () => screen };
}

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ci-prompts-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const flags = (f: Partial<GenerateFlags> = {}): GenerateFlags => ({ ...f }) as GenerateFlags;
// what main.ts hands a generation: the lazy bundle's modules (here, from the sources)
const later = () => import('../../src/cli/lazy.js');

describe('interactive generation', () => {
  it('asks every question, shows a summary, confirms, then writes', async () => {
    const target = path.join(tmp(), 'img');
    const t = terminal();
    const done = generate(target, flags(), later, { input: t.input, output: t.output, interactive: true });
    await t.answer('Recipe', KEY.enter); // custom is the initial choice
    await t.answer('Base image', KEY.enter); // debian:bookworm-slim
    await t.answer('Language runtime', KEY.enter); // none
    await t.answer('Timezone', ...'Asia/Shang'.split(''), KEY.enter);
    await t.answer('Locale', KEY.enter); // C.UTF-8
    await t.answer('Services', KEY.space, KEY.enter); // the first: nginx
    await t.answer('Ports to expose', KEY.enter); // default from nginx
    await t.answer('Subdirectory', KEY.enter);
    await t.answer('Write these files?', KEY.enter);
    await done;
    const record = JSON.parse(readFileSync(path.join(target, '.create-image.json'), 'utf8'));
    expect(record.answers.tz).toBe('Asia/Shanghai');
    expect(record.answers.services).toEqual(['nginx']);
    expect(record.answers.ports.length).toBeGreaterThan(0);
    expect(readFileSync(path.join(target, 'Dockerfile'), 'utf8')).toContain('Asia/Shanghai');
    expect(t.screen()).toContain('Summary');
  });

  it('a misspelt time zone is corrected where it is typed: did-you-mean options, never a crash', async () => {
    const target = path.join(tmp(), 'img');
    const t = terminal();
    const done = generate(target, flags({ recipe: 'custom', base: 'debian', runtime: 'none', locale: 'C.UTF-8', service: [], port: [], set: ['app=', 'command='] }), later, {
      input: t.input,
      output: t.output,
      interactive: true,
    });
    // nothing near: Enter is refused at the prompt with the same message the flag gets
    await t.answer('Timezone', ...'Qqqqqq/Zzzzzz'.split(''), KEY.enter);
    await t.answer('is not a known time zone');
    // erase it, then the typo: the nearest zone is offered, and Enter takes it
    await t.answer('Search:', ...Array(13).fill('\u007f'), ...'Asia/Shangai'.split(''));
    await t.answer('did you mean this?', KEY.enter);
    await t.answer('Write these files?', KEY.enter);
    await done;
    expect(JSON.parse(readFileSync(path.join(target, '.create-image.json'), 'utf8')).answers.tz).toBe('Asia/Shanghai');
  });

  it('a runtime version the base cannot provide is refused at its prompt, naming no flag', async () => {
    const target = path.join(tmp(), 'img');
    const t = terminal();
    const done = generate(target, flags({ recipe: 'custom', base: 'debian', tz: 'UTC', locale: 'C.UTF-8', service: [], port: [], set: ['app=', 'command='] }), later, {
      input: t.input,
      output: t.output,
      interactive: true,
    });
    await t.answer('Language runtime', KEY.down, KEY.enter); // node
    await t.answer('node version', ...'22'.split(''), KEY.enter);
    await t.answer('is not what debian:trixie-slim packages (20.19)');
    expect(t.screen()).not.toContain('--runtime');
    await t.answer('node version', '\u007f', '\u007f', KEY.enter); // empty: the packaged one
    await t.answer('Write these files?', KEY.enter);
    await done;
    expect(JSON.parse(readFileSync(path.join(target, '.create-image.json'), 'utf8')).answers.runtime).toEqual({ name: 'node', version: '' });
  });

  it('Ctrl-C at a prompt cancels and writes nothing', async () => {
    const target = path.join(tmp(), 'img');
    const t = terminal();
    const done = generate(target, flags({ recipe: 'custom' }), later, { input: t.input, output: t.output, interactive: true }).catch((e: unknown) => e);
    await t.answer('Base image', KEY.enter);
    await t.answer('Language runtime', KEY.ctrlC);
    expect(await done).toBeInstanceOf(CancelledError);
    expect(existsSync(target)).toBe(false);
  });

  it('declining the summary writes nothing', async () => {
    const target = path.join(tmp(), 'img');
    const t = terminal();
    const done = generate(target, flags({ recipe: 'custom', base: 'debian', runtime: 'none', tz: 'UTC', locale: 'C.UTF-8', service: [], port: [], set: ['app=', 'command='] }), later, {
      input: t.input,
      output: t.output,
      interactive: true,
    }).catch((e: unknown) => e);
    await t.answer('Write these files?', KEY.down, KEY.enter);
    expect(await done).toBeInstanceOf(CancelledError);
    expect(existsSync(target)).toBe(false);
  });

  it('flags answer their questions: only the rest is asked', async () => {
    const target = path.join(tmp(), 'img');
    const t = terminal();
    const done = generate(target, flags({ recipe: 'custom', base: 'debian', runtime: 'none', tz: 'Europe/Berlin', locale: 'de_DE.UTF-8', service: ['redis'], port: ['6379'] }), later, {
      input: t.input,
      output: t.output,
      interactive: true,
    });
    await t.answer('Subdirectory', KEY.enter);
    await t.answer('Write these files?', KEY.enter);
    await done;
    const plain = t.screen();
    // not asked (a prompt's line starts with its state mark), only summed up by label
    expect(plain).not.toMatch(/[◆◇] {2}Base image/);
    expect(plain).not.toMatch(/[◆◇] {2}Timezone/);
    expect(plain).toMatch(/│ {2}Timezone +Europe\/Berlin/);
    expect(plain).toMatch(/│ {2}Services +redis/);
    // an empty answer (the app folder, the environment) is no row
    expect(plain).not.toMatch(/│ {2}(Subdirectory|Environment|app|command) /);
    expect(JSON.parse(readFileSync(path.join(target, '.create-image.json'), 'utf8')).answers.locale).toBe('de_DE.UTF-8');
  });

  it('an existing file that differs: keep mine, after looking at the diff', async () => {
    const target = tmp();
    writeFileSync(path.join(target, 'Dockerfile'), 'FROM scratch\n# mine\n');
    writeFileSync(path.join(target, 'notes.txt'), 'unrelated\n');
    const t = terminal();
    const done = generate(target, flags({ recipe: 'custom', base: 'debian', runtime: 'none', tz: 'UTC', locale: 'C.UTF-8', service: [], port: [], set: ['app=', 'command='] }), later, {
      input: t.input,
      output: t.output,
      interactive: true,
    });
    await t.answer('Write these files?', KEY.enter);
    await t.answer('Dockerfile exists and differs', KEY.down, KEY.down, KEY.enter); // show diff
    await t.answer('-# mine', ...[]);
    await t.answer('Dockerfile exists and differs', KEY.enter); // keep mine
    await done;
    expect(readFileSync(path.join(target, 'Dockerfile'), 'utf8')).toBe('FROM scratch\n# mine\n');
    expect(readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('unrelated\n');
    expect(readdirSync(target)).toContain('docker-entrypoint.sh');
  });
});
