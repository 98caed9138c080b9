// `check`: how a generated folder stands against its recipe, without changing it. Three findings: a newer
// recipe version (the recorded source resolved again, as `update` would), the generated files edited
// or removed since the last render (their hash against the record's), and FROM images whose release
// has a newer one in the dated release table. The command (src/cli/check-command.ts) prints them.
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { newerBase, type BaseUpdate } from '../core/base-updates.js';
import { UsageError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { lockDigests, unpinnedText, type LockFile } from '../core/lock.js';
import { readLock } from '../edges/record-store.js';
import { RECORD_FILE, type RecordFile } from '../core/record.js';
import { argsAfterFlags, parseDockerfile } from '../lint/dockerfile-parse.js';
import { isNewer, updateTarget } from './update.js';

export interface CheckReport {
  recipe: { name: string; current: string; latest: string; source: string; newer: boolean };
  /** Generated files that differ from the last render (`edited`) or are gone (`missing`), sorted by path. */
  files: Array<{ path: string; state: 'edited' | 'missing' }>;
  /** FROM images with a newer release, per Dockerfile (path) and line. */
  bases: Array<BaseUpdate & { file: string; line: number }>;
  /** A newer recipe or a newer base release: what `update` (or a changed --base) would bring. */
  updateAvailable: boolean;
}

/** Generated Dockerfiles: the recorded files named like one (Dockerfile, Containerfile, *.Dockerfile). */
export const isDockerfile = (path: string): boolean => /^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|Containerfile)$/i.test(basename(path));

/**
 * The record's files as they are now: edited (another hash) or missing. A Dockerfile pinned by `lock`
 * is compared without the lock's digests: pinning is not an edit.
 */
export function editedFiles(dir: string, rec: RecordFile, lock?: LockFile): CheckReport['files'] {
  const digests = lock ? lockDigests(lock) : undefined;
  const same = (path: string, text: string, hash: string) => sha256(text) === hash || (digests !== undefined && isDockerfile(path) && sha256(unpinnedText(text, digests)) === hash);
  const files: CheckReport['files'] = [];
  if (typeof rec.files !== 'object' || Array.isArray(rec.files)) throw new UsageError([{ path: `${RECORD_FILE} files`, message: 'is not an object of file hashes; regenerate the dir' }]);
  for (const [path, hash] of Object.entries(rec.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (path === RECORD_FILE) continue;
    const file = join(dir, path);
    if (!existsSync(file) || !lstatSync(file).isFile()) files.push({ path, state: 'missing' });
    else if (!same(path, readFileSync(file, 'utf8'), hash)) files.push({ path, state: 'edited' });
  }
  return files;
}

/** The FROM images of a Dockerfile's text, with their lines; a stage named earlier is no image. */
export function fromImages(text: string): Array<{ image: string; line: number }> {
  const stages = new Set<string>();
  const images: Array<{ image: string; line: number }> = [];
  for (const ins of parseDockerfile(text).instructions) {
    if (ins.keyword !== 'FROM') continue;
    const [image, as, name] = argsAfterFlags(ins).trim().split(/\s+/);
    if (image && !stages.has(image.toLowerCase())) images.push({ image, line: ins.line });
    if (as?.toLowerCase() === 'as' && name) stages.add(name.toLowerCase());
  }
  return images;
}

/** The base updates of the folder's Dockerfiles as they are now (a FROM the user changed counts as changed). */
export function baseUpdates(dir: string, rec: RecordFile, day: string): CheckReport['bases'] {
  const bases: CheckReport['bases'] = [];
  for (const path of Object.keys(rec.files).filter(isDockerfile).sort()) {
    const file = join(dir, path);
    if (!existsSync(file) || !lstatSync(file).isFile()) continue;
    for (const { image, line } of fromImages(readFileSync(file, 'utf8'))) {
      const u = newerBase(image, day);
      if (u) bases.push({ ...u, file: path, line });
    }
  }
  return bases;
}

export async function checkDir(dir: string, rec: RecordFile, opts: { recipes?: string[]; refresh?: boolean; trust?: boolean; warn: (s: string) => void; day: string }): Promise<CheckReport> {
  const { src, recipe } = await updateTarget(rec, { ...opts, dir });
  const newer = isNewer(recipe, rec);
  const files = editedFiles(dir, rec, readLock(dir));
  const bases = baseUpdates(dir, rec, opts.day);
  return {
    recipe: { name: rec.recipe.name, current: rec.recipe.version, latest: recipe.manifest.version, source: src.label, newer },
    files,
    bases,
    updateAvailable: newer || bases.length > 0,
  };
}
