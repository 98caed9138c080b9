// `lock`: base images pinned by digest. Pure: the image references a FROM names, where their registry is,
// the Dockerfile with `name:tag@sha256:...` lines, and the lock file's shape. Resolving a digest (the
// registry's API or the engine) is src/engines/registry-digest.ts; the flow is src/update/lock.ts.
import { UsageError } from './errors.js';
import { STATE_DIR } from './record.js';

/** The lock file, beside base.json: one entry per image and tag the Dockerfiles name. */
export const LOCK_FILE = `${STATE_DIR}/lock.json`;

export interface ImageRef {
  /** As the FROM names it, without the digest: `debian:trixie-slim`, `127.0.0.1:5000/e2e/base:1`. */
  name: string;
  /** The registry host as docker names it (`docker.io` for Docker Hub). */
  registry: string;
  /** The repository in the registry's API: `library/debian`. */
  repository: string;
  tag: string;
  digest?: string;
}

export interface LockEntry {
  image: string;
  tag: string;
  digest: string;
  /** Where the digest came from: the registry's API, or the engine's copy of the image (RepoDigests). */
  source: 'registry' | 'engine';
  resolvedAt: string;
}

export interface LockFile {
  lockVersion: 1;
  images: LockEntry[];
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** A reference as the engines read it: a first component with a dot or a port (or localhost) is a registry. */
export function parseImageRef(ref: string): ImageRef | undefined {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const [path, tag] = colon > slash ? [rest.slice(0, colon), rest.slice(colon + 1)] : [rest, 'latest'];
  if (!path || !/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  const parts = path.split('/');
  const first = parts[0]!;
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  const repoParts = hasRegistry ? parts.slice(1) : parts;
  if (!repoParts.length || repoParts.some((p) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return undefined;
  const repository = registry === 'docker.io' && repoParts.length === 1 ? `library/${repoParts[0]}` : repoParts.join('/');
  return { name: colon > slash ? rest : `${rest}:latest`, registry, repository, tag, ...(digest ? { digest } : {}) };
}

/** The key an image has in the lock: its name with the tag. */
export const lockKey = (r: Pick<ImageRef, 'name'>): string => r.name;

export interface FromLine {
  /** 0-based line index in the text. */
  index: number;
  /** The image argument as written. */
  image: string;
  ref: ImageRef;
}

/**
 * The FROM lines that name an image: not a stage named earlier, not `scratch`, not one built from an
 * ARG (`FROM ${BASE}` cannot be pinned in the text).
 */
export function fromLines(text: string): FromLine[] {
  const stages = new Set<string>();
  const found: FromLine[] = [];
  text.split('\n').forEach((line, index) => {
    const m = /^\s*FROM\s+(.*)$/i.exec(line);
    if (!m) return;
    const words = m[1]!.trim().split(/\s+/).filter((w) => !w.startsWith('--'));
    const [image, as, stage] = words;
    if (image && !stages.has(image.toLowerCase()) && image.toLowerCase() !== 'scratch' && !image.includes('$')) {
      const ref = parseImageRef(image);
      if (ref) found.push({ index, image, ref });
    }
    if (as?.toLowerCase() === 'as' && stage) stages.add(stage.toLowerCase());
  });
  return found;
}

/**
 * The text with every FROM that names an image in `digests` (by lock key) as `name:tag@digest`; an
 * image not in it keeps its tag alone (a digest written earlier is dropped: it was for another lock).
 */
export function pinnedText(text: string, digests: ReadonlyMap<string, string>): string {
  const lines = text.split('\n');
  for (const f of fromLines(text)) {
    const digest = digests.get(lockKey(f.ref));
    const written = f.image.includes('@') ? f.image.slice(0, f.image.indexOf('@')) : f.image;
    const next = digest ? `${written}@${digest}` : written;
    if (next !== f.image) lines[f.index] = replaceWord(lines[f.index]!, f.image, next);
  }
  return lines.join('\n');
}

/**
 * The text with the digests `digests` holds taken off again: what the render was before `lock` pinned
 * it. A digest the lock does not hold (written by hand) stays, as an edit of the user's.
 */
export function unpinnedText(text: string, digests: ReadonlyMap<string, string>): string {
  const lines = text.split('\n');
  for (const f of fromLines(text)) {
    if (f.ref.digest === undefined || digests.get(lockKey(f.ref)) !== f.ref.digest) continue;
    lines[f.index] = replaceWord(lines[f.index]!, f.image, f.image.slice(0, f.image.indexOf('@')));
  }
  return lines.join('\n');
}

/** `line` with the first whole-word `from` after the FROM keyword replaced. */
function replaceWord(line: string, from: string, to: string): string {
  const start = line.search(/FROM\s/i) + 4;
  const head = line.slice(0, start);
  const tail = line.slice(start);
  const at = tail.split(/(\s+)/);
  const i = at.indexOf(from);
  if (i < 0) return line;
  at[i] = to;
  return head + at.join('');
}

export const lockText = (lock: LockFile): string => `${JSON.stringify(lock, null, 2)}\n`;

/** A lock file read back; one that is not ours is a usage error naming it. */
export function parseLock(text: string): LockFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError([{ path: LOCK_FILE, message: `is not valid JSON (${(e as Error).message}); run create-image lock again` }]);
  }
  const lock = data as Partial<LockFile>;
  const ok = lock?.lockVersion === 1 && Array.isArray(lock.images) && lock.images.every((e) => typeof e?.image === 'string' && typeof e.tag === 'string' && typeof e.digest === 'string' && DIGEST.test(e.digest));
  if (!ok) throw new UsageError([{ path: LOCK_FILE, message: 'is not a lock file of this version (lockVersion 1, images of image, tag, digest); run create-image lock again' }]);
  return lock as LockFile;
}

/** A lock's digests by lock key (`image:tag`). */
export const lockDigests = (lock: LockFile): Map<string, string> => new Map(lock.images.map((e) => [`${e.image}:${e.tag}`, e.digest]));
