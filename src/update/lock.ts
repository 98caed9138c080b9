// `lock`: every FROM image of a generated folder's Dockerfiles pinned by digest, and the lock file
// (.create-image/lock.json) that `update` re-applies. Digests come from the registry's API, else from the
// engine's copy of the image; nothing is written unless every image resolved.
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../core/errors.js';
import { fromLines, lockDigests, lockKey, pinnedText, type ImageRef, type LockEntry, type LockFile } from '../core/lock.js';
import type { RecordFile } from '../core/record.js';
import { readLock, saveLock } from '../edges/record-store.js';
import { inspectTarget, writeFiles } from '../edges/write.js';
import { detectBuilder, type Builder } from '../engines/builder.js';
import { engineDigest, registryDigest } from '../engines/registry-digest.js';
import { isDockerfile } from './check.js';

export interface LockedImage extends LockEntry {
  /** Where the image is named: `Dockerfile:3`. */
  at: string[];
  /** Taken from the existing lock rather than resolved again. */
  kept: boolean;
}

export interface LockResult {
  images: LockedImage[];
  /** Dockerfiles whose FROM lines changed. */
  written: string[];
}

export interface LockOptions {
  /** Resolve every image again; otherwise an image already in the lock keeps its digest. */
  refresh: boolean;
  /** The engine asked for a digest when the registry cannot answer (undefined: none can be had). */
  engine: () => Promise<Builder | undefined>;
  env?: NodeJS.ProcessEnv;
  now?: () => string;
}

/** The engine asked for local copies: the one builds use; none when nothing is installed. */
export async function lockEngine(): Promise<Builder | undefined> {
  try {
    return await detectBuilder();
  } catch {
    return undefined;
  }
}

/** The generated Dockerfiles as they are now, by path. */
function dockerfiles(dir: string, rec: RecordFile): Array<{ path: string; text: string }> {
  return Object.keys(rec.files)
    .filter(isDockerfile)
    .sort()
    .filter((p) => existsSync(join(dir, p)) && lstatSync(join(dir, p)).isFile())
    .map((path) => ({ path, text: readFileSync(join(dir, path), 'utf8') }));
}

/** The image's digest: the registry's, else the engine's; one line naming image and registry when neither has it. */
async function resolveDigest(ref: ImageRef, opts: LockOptions): Promise<{ digest: string; source: LockEntry['source'] }> {
  const answer = await registryDigest(ref, opts.env ? { env: opts.env } : {});
  if (answer.ok) return { digest: answer.digest, source: 'registry' };
  const engine = await opts.engine();
  const local = engine ? await engineDigest(engine, ref) : undefined;
  if (local) return { digest: local, source: 'engine' };
  const why = answer.reachable ? answer.reason : `${answer.reason}, and ${engine ? `the engine (${engine.bin}) has no copy of it pulled from there` : 'no engine to ask for a local copy'}`;
  throw new ToolError(`cannot lock ${ref.name}: registry ${ref.registry} ${why}`);
}

/** Pins the folder's FROM images and writes the lock; an image already locked is kept unless `refresh`. */
export async function lockDir(dir: string, rec: RecordFile, opts: LockOptions): Promise<LockResult> {
  const before = readLock(dir);
  const known = new Map((before?.images ?? []).map((e) => [`${e.image}:${e.tag}`, e]));
  const files = dockerfiles(dir, rec);
  const wanted = new Map<string, { ref: ImageRef; at: string[] }>();
  for (const f of files) {
    for (const line of fromLines(f.text)) {
      const key = lockKey(line.ref);
      const w = wanted.get(key) ?? { ref: line.ref, at: [] };
      w.at.push(`${f.path}:${line.index + 1}`);
      wanted.set(key, w);
    }
  }
  const now = opts.now ?? (() => new Date().toISOString());
  const images: LockedImage[] = [];
  for (const [key, { ref, at }] of wanted) {
    const old = known.get(key);
    const image = ref.name.slice(0, ref.name.length - ref.tag.length - 1);
    if (old && !opts.refresh) images.push({ ...old, at, kept: true });
    else images.push({ image, tag: ref.tag, ...(await resolveDigest(ref, opts)), resolvedAt: now(), at, kept: false });
  }
  const lock: LockFile = { lockVersion: 1, images: images.map(({ image, tag, digest, source, resolvedAt }) => ({ image, tag, digest, source, resolvedAt })) };
  const digests = lockDigests(lock);
  const changed = files.map((f) => ({ path: f.path, content: pinnedText(f.text, digests), before: f.text })).filter((f) => f.content !== f.before);
  if (changed.length) {
    const mode = (p: string) => lstatSync(join(dir, p)).mode & 0o777;
    writeFiles(dir, inspectTarget(dir, changed.map((f) => ({ path: f.path, content: f.content, mode: mode(f.path) }))), () => 'overwrite');
  }
  saveLock(dir, lock);
  return { images, written: changed.map((f) => f.path) };
}

/**
 * A render with the lock applied to its Dockerfiles: `update` merges against pinned texts on both sides
 * (the previous render and the new one), so a locked FROM is no edit of the user's and a tag the recipe
 * moved replaces it cleanly (its digest is resolved after the merge).
 */
export function pinnedRender<T extends { path: string; content: string }>(files: T[], lock: LockFile): T[] {
  const digests = lockDigests(lock);
  return files.map((f) => (isDockerfile(f.path) ? { ...f, content: pinnedText(f.content, digests) } : f));
}

export function pinnedBase(base: Map<string, string>, lock: LockFile): Map<string, string> {
  const digests = lockDigests(lock);
  return new Map([...base].map(([p, text]) => [p, isDockerfile(p) ? pinnedText(text, digests) : text]));
}
