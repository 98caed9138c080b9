// The bounded walker detection reads a project folder through: a snapshot of its file names and a lazy,
// size-capped reader. It never follows a link out of the folder, never reads a file over 1 MB, and does
// not descend into dependency, VCS or virtualenv folders (they are listed as `dir/` so a provider can
// still see that they exist), so a 20,000-file tree with node_modules and .git is a few directory reads.
import { closeSync, fstatSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Snapshot } from '../detect/types.js';

/** Folders never walked: dependencies, VCS data, caches and build output of tools. */
const SKIP = new Set(['node_modules', '.git', '.hg', '.svn', 'vendor', '.venv', 'venv', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.cache', '.next', '.nuxt', '.gradle', '.idea', '.create-image', 'target', 'bower_components']);
export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_DEPTH = 6;
const MAX_ENTRIES = 50_000;

export function snapshotDir(root: string): Snapshot {
  const realRoot = realpathSync(root);
  const paths: string[] = [];
  let entries = 0;
  const walk = (abs: string, rel: string, depth: number): void => {
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

  const cache = new Map<string, string | undefined>();
  const text = (rel: string): string | undefined => {
    if (cache.has(rel)) return cache.get(rel);
    const value = readCapped(realRoot, rel);
    cache.set(rel, value);
    return value;
  };
  return { paths, text };
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

function readCapped(realRoot: string, rel: string): string | undefined {
  if (rel.split('/').includes('..') || rel.startsWith('/')) return undefined;
  try {
    const real = realpathSync(join(realRoot, rel));
    if (!real.startsWith(realRoot + sep)) return undefined;
    const fd = openSync(real, 'r');
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
      const buf = Buffer.alloc(st.size);
      let off = 0;
      while (off < st.size) {
        const n = readSync(fd, buf, off, st.size - off, off);
        if (n === 0) break;
        off += n;
      }
      return buf.subarray(0, off).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
