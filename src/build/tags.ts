// Image names and tags: the default tag for a target dir, and the docker reference grammar
// (distribution/reference) that `-t` and `docker push` accept.
import path from 'node:path';

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

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const COMPONENT_RE = new RegExp(`^${COMPONENT}$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);

/** Longest repository name a registry must accept. */
const MAX_NAME = 255;
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

export interface ImageRef {
  /** Registry host[:port] as written, or undefined for Docker Hub (implicit). */
  domain?: string;
  /** Repository path without domain, e.g. `library/nginx` is written by users as `nginx`. */
  path: string;
  tag?: string;
  digest?: string;
}

/** Parse a reference like `reg.example:5000/team/app:1.2@sha256:...`; undefined when invalid. */
export function parseImageRef(ref: string): ImageRef | undefined {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) return undefined;
  }
  if (rest.length === 0 || rest.length > MAX_NAME) return undefined;
  const parts = rest.split('/');
  let domain: string | undefined;
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    if (!DOMAIN_RE.test(first)) return undefined;
    domain = first;
    parts.shift();
  }
  if (parts.length === 0 || !parts.every((p) => COMPONENT_RE.test(p))) return undefined;
  return { domain, path: parts.join('/'), tag, digest };
}

/** Why `ref` is not a usable `-t` value, or undefined when it is. */
export function validateTag(ref: string): string | undefined {
  if (ref.includes('@')) return `"${ref}" has a digest; a tag is NAME[:TAG], e.g. registry.example.com/team/app:1.0`;
  if (parseImageRef(ref) === undefined) {
    return `"${ref}" is not a valid image tag: use lowercase letters, digits and . _ - in the name (NAME[:TAG], e.g. registry.example.com/team/app:1.0)`;
  }
  return undefined;
}

/** The registry a reference is pushed to: its domain, or `docker.io` for Docker Hub names. */
export function registryOf(ref: string): string {
  return parseImageRef(ref)?.domain ?? 'docker.io';
}

/** The reference without tag or digest (`reg:5000/app:1` -> `reg:5000/app`). */
export function repositoryOf(ref: string): string {
  const r = parseImageRef(ref);
  if (!r) return ref;
  return r.domain ? `${r.domain}/${r.path}` : r.path;
}
