// External recipe sources, in search order: --recipes, CREATE_IMAGE_RECIPES (comma-separated), the
// project config, the user config. Each is resolved to a local folder by its provider (git and npm via
// the cache); no template runs here.
import type { Config } from './config.js';
import { resolveSpec, type ResolvedSource } from './providers/index.js';
import { formatSpec, parseSpec, type SourceSpec } from './spec.js';

/** Every configured source spec in search order, each with where it was named (for error lines). */
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

