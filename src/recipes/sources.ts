// External recipe sources (dirs, git, npm): from --recipes, CREATE_IMAGE_RECIPES and config files,
// resolved to local folders (git and npm sources via the cache) and searched before the built-ins.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Config } from './config.js';
import { gitCheckout } from './git.js';
import { listRecipeNames, type RecipeSource } from './load.js';
import { npmCheckout, npmRecipesDir } from './npm.js';
import { formatSpec, parseSpec, trustKey, type SourceSpec } from './spec.js';

export interface ResolvedSource extends RecipeSource {
  kind: 'builtin' | 'dir' | 'git' | 'npm';
  spec?: SourceSpec;
  /** Repository URL or package name trust is granted to (remote sources only). */
  trustKey?: string;
  /** Fetched in this run rather than taken from the cache. */
  fresh?: boolean;
}

export interface ResolveOptions {
  refresh?: boolean;
  warn?: (s: string) => void;
  /** Names the origin of the spec in errors. */
  flag?: string;
}

/** A checkout's recipes: at its root, or in `recipes/` when the root has none. */
function recipesRoot(dir: string): string {
  if (listRecipeNames(dir).length === 0 && existsSync(join(dir, 'recipes'))) return join(dir, 'recipes');
  return dir;
}

export async function resolveSpec(spec: SourceSpec, opts: ResolveOptions = {}): Promise<ResolvedSource> {
  const label = formatSpec(spec);
  const flag = opts.flag ?? '--recipes';
  switch (spec.kind) {
    case 'dir':
      return { kind: 'dir', dir: spec.dir, label, spec };
    case 'git': {
      const co = await gitCheckout(spec.url, spec.ref, opts);
      const dir = spec.subdir ? join(co.dir, spec.subdir) : recipesRoot(co.dir);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError([{ path: flag, message: `${label}: the repository has no folder "${spec.subdir}" at ${co.commit.slice(0, 12)}` }]);
      return { kind: 'git', dir, label, commit: co.commit, spec, trustKey: trustKey(spec)!, fresh: co.fresh };
    }
    case 'npm': {
      const co = await npmCheckout(spec.pkg, opts);
      return { kind: 'npm', dir: npmRecipesDir(co.dir), label, commit: co.resolved, spec, trustKey: trustKey(spec)!, fresh: co.fresh };
    }
  }
}

/** Every configured source in search order: --recipes, CREATE_IMAGE_RECIPES (comma-separated), project config, user config. */
export function sourceSpecs(flags: { recipes?: string[] }, config: Config, env: NodeJS.ProcessEnv = process.env): { spec: SourceSpec; flag: string }[] {
  const out: { spec: SourceSpec; flag: string }[] = [];
  for (const s of flags.recipes ?? []) out.push({ spec: parseSpec(s, process.cwd(), '--recipes'), flag: '--recipes' });
  for (const s of (env.CREATE_IMAGE_RECIPES ?? '').split(/[,\n]/).map((x) => x.trim()).filter(Boolean)) {
    out.push({ spec: parseSpec(s, process.cwd(), 'CREATE_IMAGE_RECIPES'), flag: 'CREATE_IMAGE_RECIPES' });
  }
  for (const r of config.recipes) out.push({ spec: parseSpec(r.spec, r.baseDir, `${r.from}: recipes`), flag: `${r.from}: recipes` });
  const seen = new Set<string>();
  return out.filter((x) => {
    const k = formatSpec(x.spec);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export async function externalSources(flags: { recipes?: string[]; refresh?: boolean }, config: Config, warn: (s: string) => void): Promise<ResolvedSource[]> {
  const list: ResolvedSource[] = [];
  for (const { spec, flag } of sourceSpecs(flags, config)) list.push(await resolveSpec(spec, { refresh: !!flags.refresh, warn, flag }));
  return list;
}
