// The base of the next three-way merge: exactly what the recipe rendered, kept in
// <dir>/.create-image/base.json at generation and after every update. `update` merges
// (base -> the user's files) with (base -> the new render). Tool-owned: users never edit it.
// One file rather than a copy of the tree: creating files is most of a render's I/O.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RECORD_FILE, sha256 } from '../core/render.js';
import type { PlannedFile } from '../core/types.js';

export const STATE_DIR = '.create-image';
export const BASE_FILE = join(STATE_DIR, 'base.json');
/** Where earlier builds kept the base, as a tree: still read, replaced at the next save. */
const LEGACY_BASE_DIR = join(STATE_DIR, 'base');

/** Recipe output recorded in the plan's .create-image.json (extras such as --ci/--compose files are not). */
export function recipeFiles(files: PlannedFile[]): PlannedFile[] {
  const rec = files.find((f) => f.path === RECORD_FILE);
  if (!rec) return files;
  const hashes = (JSON.parse(rec.content) as { files?: Record<string, string> }).files ?? {};
  return files.filter((f) => f.path in hashes);
}

/** Replaces the stored base with `files` (temp file, then rename). */
export function saveBase(target: string, files: PlannedFile[]): void {
  const file = join(target, BASE_FILE);
  const base = Object.fromEntries(recipeFiles(files).filter((f) => f.path !== RECORD_FILE).map((f) => [f.path, f.content]));
  mkdirSync(join(target, STATE_DIR), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify({ files: base }, null, 1)}\n`);
  renameSync(tmp, file);
  const legacy = join(target, LEGACY_BASE_DIR);
  if (existsSync(legacy)) rmSync(legacy, { recursive: true, force: true });
}

/** The stored base, keeping only files whose hash matches the record (a tampered copy is no base). */
export function readBase(target: string, recorded: Record<string, string>): Map<string, string> | undefined {
  const stored = readStored(target);
  if (!stored) return undefined;
  const out = new Map<string, string>();
  for (const [path, text] of stored) if (recorded[path] === undefined || recorded[path] === sha256(text)) out.set(path, text);
  return out;
}

function readStored(target: string): Array<[string, string]> | undefined {
  const file = join(target, BASE_FILE);
  if (existsSync(file)) {
    try {
      const files = (JSON.parse(readFileSync(file, 'utf8')) as { files?: Record<string, unknown> }).files ?? {};
      return Object.entries(files).filter((e): e is [string, string] => typeof e[1] === 'string');
    } catch {
      return undefined; // unreadable: no base, as if it were missing
    }
  }
  const dir = join(target, LEGACY_BASE_DIR);
  if (!existsSync(dir)) return undefined;
  const out: Array<[string, string]> = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push([relative(dir, p).split('\\').join('/'), readFileSync(p, 'utf8')]);
    }
  };
  walk(dir);
  return out;
}
