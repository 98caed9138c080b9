// Image names and tags: the default tag for a target dir, and helpers over the one reference grammar
// (distribution/reference) in core/validate.ts that `-t` and `docker push` accept.
import path from 'node:path';
import { checkTag, parseImageRef } from '../core/validate.js';

/**
 * Default tag policy: `<sanitised-dir-name>:latest`.
 *
 * Why `latest`: the default build is a local one, and `latest` is what the builders themselves
 * assume for a bare name — `docker build -t NAME`, `docker run NAME` and `docker push NAME` all mean
 * `NAME:latest`. So the next-step commands we print (`docker run ... NAME:latest`) work exactly as a
 * person would type them, and rebuilding replaces the previous local image instead of piling up
 * `:dev`/`:0.1.0` tags that nothing refers to. A version tag is a release decision that only the user
 * can make: anything meant for a registry gets an explicit `--tag registry/name:version`.
 * (`latest` is only wrong as something to *depend on*, which is why recipes pin their *base* images.)
 */
export const DEFAULT_TAG = 'latest';

/** Keep names derived from dir names short enough to be read and typed. */
const MAX_DERIVED = 64;

/** A lowercase, registry-safe repository name (one path component) from a dir name or path. */
export function imageNameFromDir(dirName: string): string {
  const base = path.basename(path.resolve(dirName));
  let name = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // é -> e
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    // a separator is `.`, `_`, `__` or a run of `-`; anything else (`..`, `._`, `___`) becomes `-`
    .replace(/[._-]{2,}/g, (run) => (/^-+$/.test(run) || run === '__' ? run : '-'))
    .replace(/^[._-]+|[._-]+$/g, '');
  if (name.length > MAX_DERIVED) name = name.slice(0, MAX_DERIVED).replace(/[._-]+$/, '');
  return name === '' ? 'app' : name;
}

/** `<sanitised-dir-name>:latest` — see DEFAULT_TAG for why `latest`. */
export function defaultTag(dirName: string): string {
  return `${imageNameFromDir(dirName)}:${DEFAULT_TAG}`;
}

/** Why `ref` is not a usable `-t` value, or undefined when it is (the one grammar: core/validate.ts). */
export function validateTag(ref: string): string | undefined {
  return checkTag(ref);
}

/** The registry a reference is pushed to: its domain, or `docker.io` for Docker Hub names. */
export function registryOf(ref: string): string {
  return parseImageRef(ref)?.registry ?? 'docker.io';
}

/** The reference without tag or digest (`reg:5000/app:1` -> `reg:5000/app`). */
export function repositoryOf(ref: string): string {
  const r = parseImageRef(ref);
  if (!r) return ref;
  return r.registry ? `${r.registry}/${r.repository}` : r.repository;
}
