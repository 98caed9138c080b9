import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/hash.js';
import { recipeFiles } from '../../src/core/record.js';
import { readBase, saveBase } from '../../src/edges/record-store.js';
import { merge3, planMerge } from '../../src/update/merge.js';

const base = 'FROM debian:bookworm-slim\nRUN a\nRUN b\nUSER app\nCMD ["x"]\n';

describe('merge3', () => {
  it('combines a user edit and a recipe change in different places', () => {
    const yours = base.replace('RUN b\n', 'RUN b\nLABEL team="pay"\n');
    const theirs = base.replace('CMD ["x"]', 'CMD ["y"]');
    const r = merge3(yours, base, theirs);
    expect(r.conflicts).toBe(0);
    expect(r.text).toBe('FROM debian:bookworm-slim\nRUN a\nRUN b\nLABEL team="pay"\nUSER app\nCMD ["y"]\n');
  });

  it('writes both sides with markers when they change the same lines; the user text survives', () => {
    const yours = base.replace('CMD ["x"]', 'CMD ["mine"]');
    const theirs = base.replace('CMD ["x"]', 'CMD ["recipe"]');
    const r = merge3(yours, base, theirs, { theirs: 'recipe (a 1.1.0)' });
    expect(r.conflicts).toBe(1);
    expect(r.text).toContain('<<<<<<< yours\nCMD ["mine"]\n||||||| base\nCMD ["x"]\n=======\nCMD ["recipe"]\n>>>>>>> recipe (a 1.1.0)\n');
    expect(r.text.startsWith('FROM debian:bookworm-slim\nRUN a\n')).toBe(true);
  });

  it('keeps markers on their own lines when a side lacks the final newline', () => {
    const r = merge3('a\nmine', 'a\nold\n', 'a\nnew\n');
    expect(r.conflicts).toBe(1);
    expect(r.text.split('\n')).toContain('mine');
    expect(r.text.split('\n')).toContain('=======');
  });

  it('takes the identical change once', () => {
    const same = base.replace('RUN a', 'RUN c');
    expect(merge3(same, base, same)).toEqual({ text: same, conflicts: 0 });
  });
});

describe('planMerge', () => {
  const files: Record<string, { base?: string; user?: string; next?: string }> = {
    'untouched.txt': { base: 'v1\n', user: 'v1\n', next: 'v2\n' },
    'edited.txt': { base: 'a\nb\nc\n', user: 'A\nb\nc\n', next: 'a\nb\nC\n' },
    'new.txt': { next: 'hello\n' },
    'gone-clean.txt': { base: 'x\n', user: 'x\n' },
    'gone-edited.txt': { base: 'x\n', user: 'x\nmine\n' },
    'deleted-by-user.txt': { base: 'x\n', next: 'y\n' },
    'users-own.txt': { user: 'mine\n' },
    'no-base.txt': { user: 'mine\n', next: 'recipe\n' },
  };
  const actions = planMerge(Object.keys(files), (p) => files[p]!);
  const by = (p: string) => actions.find((a) => a.path === p);

  it('applies recipe changes, merges edits, adds new files', () => {
    expect(by('untouched.txt')).toMatchObject({ action: 'write', content: 'v2\n', why: 'recipe' });
    expect(by('edited.txt')).toMatchObject({ action: 'write', content: 'A\nb\nC\n', why: 'merged' });
    expect(by('new.txt')).toMatchObject({ action: 'write', content: 'hello\n', why: 'new' });
  });

  it('never drops what the user wrote or deleted', () => {
    expect(by('gone-clean.txt')).toMatchObject({ action: 'delete' });
    expect(by('gone-edited.txt')).toMatchObject({ action: 'keep' });
    expect(by('deleted-by-user.txt')).toMatchObject({ action: 'keep' });
    expect(by('users-own.txt')).toBeUndefined();
    const nb = by('no-base.txt');
    expect(nb).toMatchObject({ action: 'write', why: 'conflict' });
    expect(nb && nb.action === 'write' && nb.content).toContain('mine\n');
  });
});

describe('stored base', () => {
  it('keeps only recipe files, and ignores a copy whose hash no longer matches the record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-base-'));
    try {
      const rec = { files: { Dockerfile: sha256('FROM x\n'), 'a/b.sh': sha256('#!/bin/sh\n') } };
      const files = [
        { path: 'Dockerfile', content: 'FROM x\n', mode: 0o644 },
        { path: 'a/b.sh', content: '#!/bin/sh\n', mode: 0o755 },
        { path: 'compose.yaml', content: 'services: {}\n', mode: 0o644 },
        { path: '.create-image.json', content: JSON.stringify(rec), mode: 0o644 },
      ];
      expect(recipeFiles(files).map((f) => f.path)).toEqual(['Dockerfile', 'a/b.sh']);
      saveBase(dir, files);
      const stored = JSON.parse(readFileSync(join(dir, '.create-image/base.json'), 'utf8')).files;
      expect(Object.keys(stored)).toEqual(['Dockerfile', 'a/b.sh']);
      expect(stored['a/b.sh']).toBe('#!/bin/sh\n');
      writeFileSync(join(dir, '.create-image/base.json'), JSON.stringify({ files: { ...stored, Dockerfile: 'tampered\n' } }));
      const b = readBase(dir, rec.files)!;
      expect([...b.keys()]).toEqual(['a/b.sh']);
      // an unreadable base is no base
      writeFileSync(join(dir, '.create-image/base.json'), '{ not json');
      expect(readBase(dir, rec.files)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a base kept as a tree by earlier builds, and replaces it with base.json at the next save', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-base-'));
    try {
      const rec = { files: { Dockerfile: sha256('FROM x\n'), 'a/b.sh': sha256('#!/bin/sh\n') } };
      mkdirSync(join(dir, '.create-image/base/a'), { recursive: true });
      writeFileSync(join(dir, '.create-image/base/Dockerfile'), 'FROM x\n');
      writeFileSync(join(dir, '.create-image/base/a/b.sh'), '#!/bin/sh\n');
      expect(Object.fromEntries(readBase(dir, rec.files)!)).toEqual({ Dockerfile: 'FROM x\n', 'a/b.sh': '#!/bin/sh\n' });
      saveBase(dir, [{ path: 'Dockerfile', content: 'FROM y\n', mode: 0o644 }]);
      expect(existsSync(join(dir, '.create-image/base'))).toBe(false);
      expect(Object.fromEntries(readBase(dir, {})!)).toEqual({ Dockerfile: 'FROM y\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
