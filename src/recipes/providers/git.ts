// Git recipe sources: shallow checkouts of one ref in the cache, keyed by URL and ref, reused offline.
// A repository's recipes are at its root, or in recipes/ (see recipesFolder), or in the spec's subdir.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import fse from 'fs-extra';
import semver from 'semver';
import { ToolError, UsageError } from '../../core/errors.js';
import { cacheKey, cacheRoot } from '../cache.js';
import { recipesFolder } from '../load.js';
import { formatSpec, type SourceSpec } from '../spec.js';
import type { ResolvedSource, SourceProvider } from './provider.js';

export interface GitCheckout {
  /** The work tree (repository root). */
  dir: string;
  commit: string;
  /** Fetched during this call (first use, or --refresh). */
  fresh: boolean;
}

// Never ask for credentials on a terminal in the middle of a generation; never run a pager.
const gitEnv = () => ({ ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_ASKPASS: process.env.GIT_ASKPASS ?? '' });

async function git(args: string[], cwd?: string): Promise<string> {
  const r = await execa('git', args, { ...(cwd ? { cwd } : {}), env: gitEnv(), reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) {
    // git's first fatal line says what went wrong; the lines after it are advice ("...and the repository exists.")
    const lines = String(r.stderr || r.message).split('\n').filter((l) => l.trim());
    const why = lines.find((l) => /^(fatal|error): /.test(l)) ?? lines.pop() ?? 'failed';
    const words = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '-c');
    throw new ToolError(`git ${words[0] ?? ''} failed: ${why.replace(/^(fatal|error): /, '')}`);
  }
  return String(r.stdout).trim();
}

export const gitCacheDir = (url: string, ref: string | undefined) => join(cacheRoot(), 'git', cacheKey(url, ref ?? ''));

/** Fetches exactly `ref` (branch, tag or commit; default the remote HEAD) at depth 1 into a new dir. */
async function fetchInto(dir: string, url: string, ref: string | undefined): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await git(['init', '-q', dir]);
  await git(['-c', 'protocol.version=2', 'fetch', '-q', '--depth', '1', '--no-tags', url, ref ?? 'HEAD'], dir);
  await git(['-c', 'advice.detachedHead=false', 'checkout', '-q', '--detach', 'FETCH_HEAD'], dir);
}

/**
 * A checkout of `url` at `ref`. An existing cache entry is used as is unless `refresh`; when a refresh
 * fails (offline) and a cache entry exists, it is used with a warning.
 */
export async function gitCheckout(url: string, ref: string | undefined, opts: { refresh?: boolean; warn?: (s: string) => void } = {}): Promise<GitCheckout> {
  const dir = gitCacheDir(url, ref);
  const cached = existsSync(join(dir, '.git'));
  if (cached && !opts.refresh) return { dir, commit: await git(['rev-parse', 'HEAD'], dir), fresh: false };
  const tmp = `${dir}.tmp-${process.pid}`;
  try {
    await fse.ensureDir(dirname(dir));
    await fetchInto(tmp, url, ref);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!cached) throw new ToolError(`cannot fetch recipes from ${url}${ref ? ` at ${ref}` : ''}: ${(e as Error).message}`);
    opts.warn?.(`cannot refresh ${url}${ref ? `#${ref}` : ''} (${(e as Error).message}); using the cached copy`);
    return { dir, commit: await git(['rev-parse', 'HEAD'], dir), fresh: false };
  }
  await fse.move(tmp, dir, { overwrite: true });
  return { dir, commit: await git(['rev-parse', 'HEAD'], dir), fresh: true };
}

/** Tags of a remote: name -> commit (annotated tags peeled). */
export async function gitRemoteTags(url: string): Promise<Map<string, string>> {
  const out = await git(['ls-remote', '--tags', url]);
  const tags = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]{40,64})\trefs\/tags\/(.+?)(\^\{\})?$/.exec(line.trim());
    if (!m) continue;
    if (m[3] || !tags.has(m[2]!)) tags.set(m[2]!, m[1]!);
  }
  return tags;
}

/** The newest release tag (v1.2.3 or 1.2.3; pre-releases ignored), or undefined when there is none. */
export async function gitLatestTag(url: string): Promise<string | undefined> {
  return newestSemverTag([...(await gitRemoteTags(url)).keys()]);
}

export function newestSemverTag(tags: string[]): string | undefined {
  const releases = tags.map((t) => ({ t, v: semver.valid(semver.clean(t, { loose: false }) ?? '') })).filter((x): x is { t: string; v: string } => !!x.v && !semver.prerelease(x.v));
  releases.sort((a, b) => semver.rcompare(a.v, b.v));
  return releases[0]?.t;
}

export const isSemverTag = (ref: string | undefined) => !!ref && !!semver.valid(semver.clean(ref) ?? '');

type GitSpec = Extract<SourceSpec, { kind: 'git' }>;

function sourceAt(spec: GitSpec, co: GitCheckout, flag: string): ResolvedSource {
  const label = formatSpec(spec);
  const dir = spec.subdir ? join(co.dir, spec.subdir) : recipesFolder(co.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError([{ path: flag, message: `${label}: the repository has no folder "${spec.subdir}" at ${co.commit.slice(0, 12)}` }]);
  return { kind: 'git', dir, label, commit: co.commit, spec, trustKey: gitProvider.trustKey(spec)!, fresh: co.fresh };
}

export const gitProvider: SourceProvider<GitSpec> = {
  resolve: async (spec, opts) => sourceAt(spec, await gitCheckout(spec.url, spec.ref, opts), opts.flag ?? '--recipes'),
  async newest(spec, opts) {
    if (spec.ref && !isSemverTag(spec.ref)) return { spec, refresh: true }; // a branch: its newest commit
    const latest = await gitLatestTag(spec.url);
    if (!latest) return { spec, refresh: true };
    const newer = !spec.ref || semver.gt(semver.clean(latest)!, semver.clean(spec.ref)!);
    return { spec: newer ? { ...spec, ref: latest } : spec, refresh: opts.refresh };
  },
  at: async (spec, commit, opts) => sourceAt(spec, await gitCheckout(spec.url, commit, opts), opts.flag ?? '--recipes'),
  trustKey: (spec) => spec.url.replace(/\/+$/, ''),
};
