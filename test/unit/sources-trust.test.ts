// Trust decisions through the Prompter seam: config, --trust, an interactive yes (remembered) or no.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/core/answers.js';
import type { ResolvedSource } from '../../src/recipes/sources.js';
import { ensureTrusted } from '../../src/recipes/trust.js';

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
