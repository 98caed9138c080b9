// Parsing a recipe source spec: a local dir, a git URL[#ref][:subdir], or an npm package.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, posix, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

export type SourceSpec =
  | { kind: 'dir'; dir: string }
  | { kind: 'git'; url: string; ref?: string; subdir?: string }
  | { kind: 'npm'; pkg: string };

const NPM_NAME = /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*(@[^\s/]+)?$/i;
const GIT_URL = /^(https?|ssh|git|file):\/\//i;
const SCP_LIKE = /^[\w.-]+@[\w.-]+:(?!\/\/)/;

/** The forms a source takes, for error lines. */
const ACCEPTED = 'a directory of recipes, a git URL (https://, ssh://, git://, file:// or user@host:path)[#ref][:subdir], or an npm package (name, npm:spec or a .tgz)';

/** `flag` names where the spec came from, for error lines (--recipes, CREATE_IMAGE_RECIPES, a config file). */
export function parseSpec(raw: string, baseDir: string = process.cwd(), flag = '--recipes'): SourceSpec {
  const s = raw.trim();
  const bad = (message: string) => new UsageError([{ path: flag, message: `${raw}: ${message}` }]);
  if (!s) throw bad('empty source');
  if (s.startsWith('npm:')) {
    const pkg = s.slice(4);
    if (!pkg) throw bad('npm: needs a package, e.g. npm:@acme/recipes or npm:@acme/recipes@2');
    return { kind: 'npm', pkg };
  }
  const gitish = s.startsWith('git+') || GIT_URL.test(s) || SCP_LIKE.test(s) || /\.git(#|$)/.test(s);
  if (gitish) {
    const hash = s.indexOf('#');
    let url = hash < 0 ? s : s.slice(0, hash);
    if (url.startsWith('git+')) url = url.slice(4);
    // `git+` claims a git URL; what follows must be one, not words git would try as a path
    if (!GIT_URL.test(url) && !SCP_LIKE.test(url) && !/\.git$/.test(url)) throw bad(`"${url}" is not a git URL; accepted: ${ACCEPTED}`);
    let ref: string | undefined;
    let subdir: string | undefined;
    if (hash >= 0) {
      const frag = s.slice(hash + 1);
      const colon = frag.indexOf(':');
      ref = (colon < 0 ? frag : frag.slice(0, colon)) || undefined;
      subdir = colon < 0 ? undefined : frag.slice(colon + 1) || undefined;
    }
    if (ref && !/^[\w./-]+$/.test(ref)) throw bad(`ref "${ref}" is not a valid branch, tag or commit name`);
    if (subdir) {
      const norm = posix.normalize(subdir);
      if (norm.startsWith('/') || norm === '..' || norm.startsWith('../')) throw bad(`subdir "${subdir}" must be a relative path inside the repository`);
      subdir = norm.replace(/\/+$/, '');
    }
    return { kind: 'git', url, ...(ref ? { ref } : {}), ...(subdir && subdir !== '.' ? { subdir } : {}) };
  }
  const path = s.startsWith('~/') ? resolve(homedir(), s.slice(2)) : resolve(baseDir, s);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) return { kind: 'dir', dir: path };
    if (/\.(tgz|tar\.gz)$/.test(path)) return { kind: 'npm', pkg: `file:${path}` };
    throw bad(`is a file; accepted: ${ACCEPTED}`);
  }
  if (/^[.~/]/.test(s) || isAbsolute(s)) {
    // `./repo#v1.0.0`: a folder is read as it is; a ref of a git repository on disk needs a file:// URL.
    const hash = s.indexOf('#');
    const before = hash > 0 ? (s.startsWith('~/') ? resolve(homedir(), s.slice(2, hash)) : resolve(baseDir, s.slice(0, hash))) : undefined;
    if (before && existsSync(before)) throw bad(`no such directory; a folder has no refs: for a tag or branch of the git repository in it, use file://${before}${s.slice(hash)}`);
    throw bad('no such directory');
  }
  if (NPM_NAME.test(s)) return { kind: 'npm', pkg: s };
  throw bad(`not a directory, git URL or npm package name; accepted: ${ACCEPTED}`);
}

/** The canonical text of a spec: what .create-image.json records and `update` parses again. */
export function formatSpec(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'dir':
      return spec.dir;
    case 'npm':
      return `npm:${spec.pkg}`;
    case 'git':
      return `${spec.url}${spec.ref || spec.subdir ? `#${spec.ref ?? ''}` : ''}${spec.subdir ? `:${spec.subdir}` : ''}`;
  }
}

/** `@scope/name@^2` -> `@scope/name`; `file:...` stays as is. */
export function npmName(pkg: string): string {
  if (/^(file|https?|git\+?[a-z]*):/.test(pkg)) return pkg;
  const at = pkg.indexOf('@', 1);
  return at < 0 ? pkg : pkg.slice(0, at);
}
