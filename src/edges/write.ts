// Writing a plan to disk, all or nothing: every file is first written to a temp file beside its destination,
// then renamed into place; if anything fails, renamed files are put back and temp files removed.
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ConflictError, SystemError, UsageError } from '../core/errors.js';
import type { PlannedFile } from '../core/types.js';

export type FileStatus = 'new' | 'same' | 'changed';

export interface FileState {
  file: PlannedFile;
  status: FileStatus;
  /** Current content when the file exists. */
  current?: string;
}

/**
 * Why `target` cannot be the folder to write into, or undefined: it is a file, or a file stands where
 * one of the folders leading to it would have to be created.
 */
export function targetDirError(target: string): string | undefined {
  const root = resolve(target);
  let up = root;
  while (!existsSync(up)) up = dirname(up);
  // the kernel's file systems hold no user files, and creating folders in /proc spins (mkdir says ENOENT for ever)
  if (/^\/(proc|sys)(\/|$)/.test(realpathSync(up))) return `${target} is in ${realpathSync(up).split('/')[1] === 'proc' ? '/proc' : '/sys'}, a kernel file system: name a folder on disk`;
  if (existsSync(root)) return statSync(root).isDirectory() ? undefined : `${target} is a file, not a folder: name a folder (new or existing)`;
  return statSync(up).isDirectory() ? undefined : `${target} cannot be created: ${up} is a file, not a folder`;
}

/** Compares the plan with what is on disk. Identical files are not conflicts. */
export function inspectTarget(target: string, files: PlannedFile[]): FileState[] {
  const bad = targetDirError(target);
  if (bad) throw new UsageError([{ path: 'target-dir', message: bad }]);
  // A target that does not exist yet holds nothing: no per-file look-ups (each a syscall or more).
  const root = resolve(target);
  if (!existsSync(root)) {
    return files.map((file) => {
      inside(root, file.path);
      return { file, status: 'new' as const };
    });
  }
  return files.map((file) => {
    const dest = destination(target, file.path);
    // a file where the recipe needs a folder (`conf` a file, `conf/nginx.conf` planned)
    for (let dir = dirname(dest); dir.startsWith(root + sep); dir = dirname(dir)) {
      if (existsSync(dir) && !statSync(dir).isDirectory()) {
        throw new UsageError([{ path: 'target-dir', message: `${relative(root, dir)} is a file in the target, but the recipe writes ${file.path} inside a folder of that name` }]);
      }
    }
    if (!existsSync(dest)) return { file, status: 'new' as const };
    if (lstatSync(dest).isDirectory()) throw new UsageError([{ path: 'target-dir', message: `${file.path} is a directory in the target, but the recipe writes a file there` }]);
    const current = readFileSync(dest, 'utf8');
    return { file, status: current === file.content ? ('same' as const) : ('changed' as const), current };
  });
}

export function unifiedDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: 3 });
}

/**
 * Refuses paths that leave the target, and paths through any link inside it: a link to a folder the
 * target does not own (`ci -> .git`) would put the files there, out of the user's sight.
 */
export function destination(target: string, rel: string): string {
  const root = resolve(target);
  const dest = inside(root, rel);
  // nothing exists under a target that does not exist yet: no link to follow
  if (!existsSync(root)) return dest;
  for (let dir = dirname(dest); dir.startsWith(root + sep); dir = dirname(dir)) {
    let link = false;
    try {
      link = lstatSync(dir).isSymbolicLink();
    } catch {
      continue; // not there yet: it will be made as a folder
    }
    if (link) throw new UsageError([{ path: 'target-dir', message: `${relative(root, dir)} is a link in the target dir; refusing to write ${rel} through it (make it a folder, or remove it)` }]);
  }
  if (existsSync(dest) || isLink(dest)) {
    if (lstatSync(dest).isSymbolicLink()) throw new UsageError([{ path: 'target-dir', message: `${rel} is a link in the target dir; refusing to read or replace it (remove it, or put the file itself there)` }]);
  }
  let dir = dirname(dest);
  while (!existsSync(dir)) dir = dirname(dir);
  const realRoot = existsSync(root) ? realpathSync(root) : root;
  const realDir = realpathSync(dir);
  if (realDir !== realRoot && !realDir.startsWith(realRoot + sep) && dir.startsWith(root)) {
    throw new UsageError([{ path: 'target-dir', message: `${relative(root, dir)} is a link out of the target dir; refusing to write ${rel} through it` }]);
  }
  return dest;
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function inside(root: string, rel: string): string {
  const dest = resolve(root, rel);
  if (!dest.startsWith(root + sep)) throw new UsageError([{ path: 'recipe', message: `output ${rel} would leave the target dir` }]);
  return dest;
}

export interface WriteResult {
  written: string[];
  skipped: string[];
  unchanged: string[];
}

/**
 * Writes `files` into `target`. `decide` says what to do with a file whose content differs on disk;
 * without it, any such file is a ConflictError and nothing is written.
 */
export function writeFiles(target: string, states: FileState[], decide?: (s: FileState) => 'overwrite' | 'skip', instead?: string): WriteResult {
  const changed = states.filter((s) => s.status === 'changed');
  if (changed.length && !decide) throw new ConflictError(changed.map((s) => s.file.path), instead);
  const toWrite = states.filter((s) => s.status === 'new' || (s.status === 'changed' && decide!(s) === 'overwrite'));
  const result: WriteResult = {
    written: toWrite.map((s) => s.file.path),
    skipped: changed.filter((s) => !toWrite.includes(s)).map((s) => s.file.path),
    unchanged: states.filter((s) => s.status === 'same').map((s) => s.file.path),
  };

  const tag = `.create-image-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  // Into a target that does not exist yet nothing can conflict, be backed up or be a link: the
  // destinations are checked before anything is created, and then not looked up again.
  const root = resolve(target);
  const fresh = !existsSync(root);
  const dests = toWrite.map((s) => (fresh ? inside(root, s.file.path) : destination(target, s.file.path)));
  const createdDirs: string[] = [];
  const knownDirs = new Set<string>();
  const staged: { tmp: string; dest: string; backup?: string }[] = [];
  const placed: { dest: string; backup?: string }[] = [];
  try {
    for (const [i, s] of toWrite.entries()) {
      const dest = dests[i]!;
      mkdirp(dirname(dest), createdDirs, knownDirs);
      const tmp = `${dest}${tag}.tmp`;
      writeFileSync(tmp, s.file.content, { mode: s.file.mode });
      chmodSync(tmp, s.file.mode); // the umask must not strip the exec bit of scripts
      staged.push({ tmp, dest });
    }
    for (const st of staged) {
      let backup: string | undefined;
      if (!fresh && existsSync(st.dest)) {
        backup = `${st.dest}${tag}.bak`;
        renameSync(st.dest, backup);
      }
      placed.push({ dest: st.dest, ...(backup ? { backup } : {}) });
      renameSync(st.tmp, st.dest);
    }
  } catch (e) {
    for (const p of placed.reverse()) {
      rmSync(p.dest, { force: true });
      if (p.backup) renameSync(p.backup, p.dest);
    }
    for (const st of staged) rmSync(st.tmp, { force: true });
    for (const d of createdDirs.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        /* not empty: leave it */
      }
    }
    // The file system said no (read-only, no space, no permission, /proc): one line, nothing left behind.
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && err.syscall) throw new SystemError(`cannot write to ${target}: ${err.code === 'ENOENT' ? `${err.path ?? target} cannot be created here` : (err.message.split(', ')[0] ?? err.code)} (nothing was written)`);
    throw e;
  }
  for (const p of placed) if (p.backup) rmSync(p.backup, { force: true });
  return result;
}

function mkdirp(dir: string, created: string[], known: Set<string>): void {
  if (known.has(dir)) return;
  if (!existsSync(dir)) {
    mkdirp(dirname(dir), created, known);
    mkdirSync(dir);
    created.push(dir);
  }
  known.add(dir);
}

