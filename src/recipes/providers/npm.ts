// npm recipe sources: `npm pack <spec>` (scripts never run) into the cache, then unpacked.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import fse from 'fs-extra';
import { ToolError } from '../../core/errors.js';
import { cacheKey, cacheRoot } from '../cache.js';
import { recipesFolder } from '../load.js';
import { formatSpec, npmName, type SourceSpec } from '../spec.js';
import type { SourceProvider } from './provider.js';

export interface NpmCheckout {
  /** The unpacked package root. */
  dir: string;
  /** `name@version` as packed. */
  resolved: string;
  fresh: boolean;
}

const npmCacheDir = (pkg: string) => join(cacheRoot(), 'npm', cacheKey(pkg));

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await execa(cmd, args, { cwd, reject: false, stdin: 'ignore', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  if (r.exitCode !== 0) {
    const why = String(r.stderr || r.message).split('\n').filter((l) => l.trim() && !/^npm (notice|warn)/i.test(l)).slice(-2).join(' ');
    throw new ToolError(`${cmd} ${args[0]} failed: ${why || `exit ${r.exitCode}`}`);
  }
  return String(r.stdout);
}

function readResolved(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  return `${pkg.name ?? 'package'}@${pkg.version ?? '0.0.0'}`;
}

export async function npmCheckout(pkg: string, opts: { refresh?: boolean; warn?: (s: string) => void } = {}): Promise<NpmCheckout> {
  const dir = npmCacheDir(pkg);
  const cached = existsSync(join(dir, 'package.json'));
  if (cached && !opts.refresh) return { dir, resolved: readResolved(dir), fresh: false };
  const tmp = `${dir}.tmp-${process.pid}`;
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const out = await run('npm', ['pack', pkg, '--json', '--ignore-scripts', '--pack-destination', tmp], tmp);
    const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
    const tarball = join(tmp, info[0]!.filename.replace(/^@/, '').replace(/\//g, '-'));
    const file = existsSync(tarball) ? tarball : join(tmp, info[0]!.filename);
    await run('tar', ['-xzf', file, '-C', tmp], tmp);
    rmSync(file, { force: true });
    if (!existsSync(join(tmp, 'package', 'package.json'))) throw new ToolError(`${pkg}: the packed tarball has no package/package.json`);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!cached) throw new ToolError(`cannot fetch recipes from npm package ${pkg}: ${(e as Error).message}`);
    opts.warn?.(`cannot refresh npm:${pkg} (${(e as Error).message}); using the cached copy`);
    return { dir, resolved: readResolved(dir), fresh: false };
  }
  await fse.move(join(tmp, 'package'), dir, { overwrite: true });
  rmSync(tmp, { recursive: true, force: true });
  return { dir, resolved: readResolved(dir), fresh: true };
}

/** The newest published version of a registry package, or undefined for file:/URL specs. */
export async function npmLatestVersion(pkg: string): Promise<string | undefined> {
  const name = npmName(pkg);
  if (name.includes(':')) return undefined;
  const out = await run('npm', ['view', name, 'version', '--json'], process.cwd());
  const v = JSON.parse(out) as string | string[];
  return Array.isArray(v) ? v.at(-1) : v;
}

type NpmSpec = Extract<SourceSpec, { kind: 'npm' }>;

export const npmProvider: SourceProvider<NpmSpec> = {
  async resolve(spec, opts) {
    const co = await npmCheckout(spec.pkg, opts);
    return { kind: 'npm', dir: recipesFolder(co.dir), label: formatSpec(spec), commit: co.resolved, spec, trustKey: npmProvider.trustKey(spec)!, fresh: co.fresh };
  },
  async newest(spec) {
    const latest = await npmLatestVersion(spec.pkg).catch(() => undefined);
    return { spec: latest ? { kind: 'npm', pkg: `${npmName(spec.pkg)}@${latest}` } : spec, refresh: true };
  },
  // an earlier version is not fetched again: without the stored base, changed files merge two ways
  at: async () => undefined,
  trustKey: (spec) => npmName(spec.pkg),
};
