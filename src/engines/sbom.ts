// What a built image holds, read for its SBOM: the OS package database out of the image (a throw-away
// container runs `cat`, or `rpm -qa`, in place of the image's entrypoint) and the lockfiles of the build
// context that the Dockerfile copies in. The folder is untrusted input: regular files only, bounded size.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { apkPackages, dpkgPackages, LOCKFILES, lockfileKind, parseOsRelease, RPM_QUERY_FORMAT, rpmPackages, type SbomPackage } from '../core/sbom.js';
import { argsAfterFlags, parseDockerfile } from '../lint/dockerfile-parse.js';
import { exec, type Builder } from './builder.js';
import { noteEngine, ownLabels } from './containers.js';
import { runtimeOf } from './smoke.js';

export interface ImagePackages {
  os: Record<string, string>;
  /** Which database was read; none for an image without one (scratch, distroless without status.d). */
  database: 'dpkg' | 'apk' | 'rpm' | 'none';
  packages: SbomPackage[];
}

async function cat(b: Builder, imageId: string, file: string): Promise<string | undefined> {
  const r = await exec(b, ['run', '--rm', ...ownLabels(), '--network', 'none', '--user', '0', '--entrypoint', 'cat', imageId, file]);
  return r.exitCode === 0 ? r.stdout : undefined;
}

export async function imagePackages(builder: Builder, imageId: string): Promise<ImagePackages> {
  const b = await runtimeOf(builder);
  noteEngine(b);
  const os = parseOsRelease((await cat(b, imageId, '/etc/os-release')) ?? (await cat(b, imageId, '/usr/lib/os-release')) ?? '');
  const dpkg = await cat(b, imageId, '/var/lib/dpkg/status');
  if (dpkg !== undefined) return { os, database: 'dpkg', packages: dpkgPackages(dpkg, os) };
  const apk = await cat(b, imageId, '/lib/apk/db/installed');
  if (apk !== undefined) return { os, database: 'apk', packages: apkPackages(apk, os) };
  const rpm = await exec(b, ['run', '--rm', ...ownLabels(), '--network', 'none', '--user', '0', '--entrypoint', 'rpm', imageId, '-qa', '--queryformat', RPM_QUERY_FORMAT]);
  if (rpm.exitCode === 0) return { os, database: 'rpm', packages: rpmPackages(rpm.stdout, os) };
  return { os, database: 'none', packages: [] };
}

const SKIP = new Set(['node_modules', '.git', 'vendor', '.create-image', '.venv', 'venv', 'target']);
const MAX_BYTES = 20 * 1024 * 1024;

/** Lockfiles in the build context (4 folders deep at most), relative posix paths. */
function contextLockfiles(dir: string, rel = '', depth = 0, found: string[] = []): string[] {
  if (depth > 4) return found;
  let entries;
  try {
    entries = readdirSync(join(dir, rel), { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && !SKIP.has(e.name)) contextLockfiles(dir, p, depth + 1, found);
    else if (e.isFile() && lockfileKind(p)) found.push(p);
  }
  return found.sort();
}

/** A COPY/ADD source (context-relative, maybe a glob) covers `file` when it is the file, a folder above it, or matches it. */
function covers(source: string, file: string): boolean {
  const s = posix.normalize(source.replace(/^\.?\//, '')).replace(/\/$/, '');
  if (s === '.' || s === '' || s === file || file.startsWith(`${s}/`)) return true;
  if (!/[*?[]/.test(s)) return false;
  const re = new RegExp(`^${s.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(/|$)`);
  return re.test(file);
}

/** The lockfiles the Dockerfile copies from the context (COPY/ADD without --from), with their packages. */
export function copiedLockfilePackages(dir: string, dockerfile: string): { files: string[]; packages: SbomPackage[]; unreadable: string[] } {
  const sources: string[] = [];
  for (const ins of parseDockerfile(dockerfile).instructions) {
    if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || /--from[= ]/.test(ins.args)) continue;
    const args = argsAfterFlags(ins).trim();
    const list = args.startsWith('[') ? ((): string[] => { try { return JSON.parse(args) as string[]; } catch { return []; } })() : args.split(/\s+/);
    sources.push(...list.slice(0, -1));
  }
  const files: string[] = [];
  const packages: SbomPackage[] = [];
  const unreadable: string[] = [];
  for (const file of contextLockfiles(dir)) {
    if (!sources.some((s) => covers(s, file))) continue;
    const st = lstatSync(join(dir, file));
    if (!st.isFile() || st.size > MAX_BYTES) {
      unreadable.push(file);
      continue;
    }
    try {
      for (const p of LOCKFILES[lockfileKind(file)!]!(readFileSync(join(dir, file), 'utf8'))) packages.push({ ...p, from: file });
      files.push(file);
    } catch {
      unreadable.push(file);
    }
  }
  return { files, packages, unreadable };
}
