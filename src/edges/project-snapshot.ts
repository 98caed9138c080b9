// The bounded walker detection reads a project folder through: a snapshot of its file names and a lazy,
// size-capped reader. It never follows a link out of the folder, never reads a file over 1 MB, and does
// not descend into dependency, VCS or virtualenv folders (they are listed as `dir/` so a provider can
// still see that they exist), so a 20,000-file tree with node_modules and .git is a few directory reads.
// Only regular files are opened, and without blocking: a FIFO, socket or device named package.json is a
// problem to report, never a read that hangs. The walk stops after MAX_WALK_MS however big the tree.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Snapshot } from '../detect/types.js';
import { kindOf, readBounded } from './bounded-read.js';

/** Folders never walked: dependencies, VCS data, caches and build output of tools. */
const SKIP = new Set(['node_modules', '.git', '.hg', '.svn', 'vendor', '.venv', 'venv', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.cache', '.next', '.nuxt', '.gradle', '.idea', '.create-image', 'target', 'bower_components']);
export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_DEPTH = 6;
const MAX_ENTRIES = 50_000;
const MAX_WALK_MS = 1000;

export function snapshotDir(root: string): Snapshot {
  const realRoot = realpathSync(root);
  const paths: string[] = [];
  let entries = 0;
  const deadline = Date.now() + MAX_WALK_MS;
  const walk = (abs: string, rel: string, depth: number): void => {
    if (Date.now() > deadline) return;
    let list;
    try {
      list = readdirSync(abs, { withFileTypes: true });
    } catch {
      return; // unreadable: as if empty
    }
    // A virtualenv under any name holds pyvenv.cfg: its packages are not the project's code.
    if (rel && list.some((d) => d.name === 'pyvenv.cfg')) {
      paths.push(`${rel}/`);
      return;
    }
    for (const d of list) {
      if (++entries > MAX_ENTRIES) return;
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (SKIP.has(d.name) || depth >= MAX_DEPTH) paths.push(`${r}/`);
        else walk(join(abs, d.name), r, depth + 1);
      } else if (d.isFile()) {
        paths.push(r);
      } else if (d.isSymbolicLink() && insideRoot(join(abs, d.name), realRoot) === 'file') {
        // a link to a file inside the folder counts; links to folders are not walked (no loops)
        paths.push(r);
      }
    }
  };
  walk(realRoot, '', 0);
  paths.sort();

  const cache = new Map<string, Read>();
  const read = (rel: string): Read => {
    let r = cache.get(rel);
    if (!r) cache.set(rel, (r = readCapped(realRoot, rel)));
    return r;
  };
  return { paths, text: (rel) => read(rel).text, problem: (rel) => read(rel).problem };
}

/** A file's text, or why there is none for a file that is there (absent files have neither). */
interface Read {
  text?: string;
  problem?: string;
}

/** 'file' or 'dir' when the link resolves inside the root, else undefined. */
function insideRoot(abs: string, realRoot: string): 'file' | 'dir' | undefined {
  try {
    const real = realpathSync(abs);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
    const fd = openSync(real, 'r');
    try {
      return fstatSync(fd).isDirectory() ? 'dir' : 'file';
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function readCapped(realRoot: string, rel: string): Read {
  if (rel.split('/').includes('..') || rel.startsWith('/')) return {};
  let real: string;
  try {
    real = realpathSync(join(realRoot, rel));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // a dangling link or a link loop is there but cannot be read; an absent file is simply absent
    return code === 'ENOENT' && !isLink(join(realRoot, rel)) ? {} : { problem: `cannot be read (${code === 'ELOOP' ? 'a link loop' : (code ?? 'error')})` };
  }
  if (!real.startsWith(realRoot + sep)) return { problem: 'is a link out of the project folder, not read' };
  try {
    // a special file is not even opened (opening some devices does something)
    const st = lstatSync(real);
    if (!st.isFile()) return { problem: `is ${kindOf(st)}, not a regular file: not read` };
  } catch (e) {
    return { problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const r = readBounded(real, MAX_FILE_BYTES, constants.O_NOFOLLOW);
  return r.problem === undefined ? { text: r.text } : { problem: `${r.problem}: not read` };
}

function isLink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}
