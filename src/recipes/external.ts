// External recipe sources, in search order: --recipes, CREATE_IMAGE_RECIPES (comma-separated), the
// project config, the user config. Each is resolved to a local folder by its provider (git and npm via
// the cache); no template runs here.
import type { Config } from './config.js';
import { resolveSpec, type ResolvedSource } from './providers/index.js';
import { formatSpec, parseSpec, type SourceSpec } from './spec.js';

/** Every configured source spec in search order, each with where it was named (for error lines). */
export function sourceSpecs(flags: { recipes?: string[] }, config: Config, env: NodeJS.ProcessEnv = process.env): { spec: SourceSpec; flag: string; project?: boolean }[] {
  const out: { spec: SourceSpec; flag: string; project?: boolean }[] = [];
  for (const s of flags.recipes ?? []) out.push({ spec: parseSpec(s, process.cwd(), '--recipes'), flag: '--recipes' });
  for (const s of (env.CREATE_IMAGE_RECIPES ?? '').split(/[,\n]/).map((x) => x.trim()).filter(Boolean)) {
    out.push({ spec: parseSpec(s, process.cwd(), 'CREATE_IMAGE_RECIPES'), flag: 'CREATE_IMAGE_RECIPES' });
  }
  for (const r of config.recipes) out.push({ spec: parseSpec(r.spec, r.baseDir, `${r.from}: recipes`), flag: `${r.from}: recipes`, ...(r.project ? { project: true } : {}) });
  // a source the user names too (a flag, the environment, the user's config) is the user's, not the project's
  const users = new Set(out.filter((x) => !x.project).map((x) => formatSpec(x.spec)));
  const seen = new Set<string>();
  return out
    .filter((x) => {
      const k = formatSpec(x.spec);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map((x) => (x.project && users.has(formatSpec(x.spec)) ? { spec: x.spec, flag: x.flag } : x));
}

export async function externalSources(flags: { recipes?: string[]; refresh?: boolean }, config: Config, warn: (s: string) => void): Promise<ResolvedSource[]> {
  const list: ResolvedSource[] = [];
  for (const { spec, flag, project } of sourceSpecs(flags, config)) {
    const src = await resolveSpec(spec, { refresh: !!flags.refresh, warn, flag });
    // a folder a project's config names is the project's code: trusted as a remote source is
    list.push(project && src.kind === 'dir' ? { ...src, namedBy: flag.replace(/: recipes$/, ''), trustKey: src.dir } : src);
  }
  return list;
}

