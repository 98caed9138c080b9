// The base of the next three-way merge: a copy of exactly what the recipe rendered, kept in
// <dir>/.create-image/base/ at generation and after every update. `update` merges
// (base -> the user's files) with (base -> the new render). Tool-owned: users never edit it.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { RECORD_FILE, sha256 } from '../core/render.js';
import type { PlannedFile } from '../core/types.js';

export const STATE_DIR = '.create-image';
export const BASE_DIR = join(STATE_DIR, 'base');

/** Recipe output recorded in the plan's .create-image.json (extras such as --ci/--compose files are not). */
export function recipeFiles(files: PlannedFile[]): PlannedFile[] {
  const rec = files.find((f) => f.path === RECORD_FILE);
  if (!rec) return files;
  const hashes = (JSON.parse(rec.content) as { files?: Record<string, string> }).files ?? {};
  return files.filter((f) => f.path in hashes);
}

/** Replaces the stored base with `files` (atomically enough: a new dir renamed over the old one). */
export function saveBase(target: string, files: PlannedFile[]): void {
  const dir = join(target, BASE_DIR);
  const tmp = `${dir}.tmp-${process.pid}`;
  // (existence checks first: the first generation has nothing to remove, and a recursive rm is not free)
  if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
  const made = new Set<string>();
  for (const f of recipeFiles(files)) {
    if (f.path === RECORD_FILE) continue;
    const dest = join(tmp, f.path);
    const parent = dirname(dest);
    if (!made.has(parent)) mkdirSync(parent, { recursive: true });
    made.add(parent);
    writeFileSync(dest, f.content);
  }
  mkdirSync(tmp, { recursive: true });
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/** The stored base, keeping only files whose hash matches the record (a tampered copy is no base). */
export function readBase(target: string, recorded: Record<string, string>): Map<string, string> | undefined {
  const dir = join(target, BASE_DIR);
  if (!existsSync(dir)) return undefined;
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const rel = relative(dir, p).split('\\').join('/');
        const text = readFileSync(p, 'utf8');
        if (recorded[rel] === undefined || recorded[rel] === sha256(text)) out.set(rel, text);
      }
    }
  };
  walk(dir);
  return out;
}
