// The recipe sources a command searches: the external ones (./external.ts) in their order, then the
// built-ins. Kept apart from the providers so that a run with built-ins only loads none of them.
import { join, sep } from 'node:path';
import type { Option, Prompter } from '../core/answers.js';
import type { Recipe } from '../core/types.js';
import { loadConfig, type Config } from './config.js';
import type { externalSources } from './external.js';
import { builtinSource, listRecipeNames, loadRecipeDir, readManifest } from './load.js';
import type { ResolvedSource } from './providers/provider.js';
import type { ensureTrusted } from './trust.js';

export type { ResolvedSource } from './providers/provider.js';

export interface Sources {
  list: ResolvedSource[];
  /** Recipe picker entries, first source wins on a name clash. */
  choices: Option[];
  config: Config;
}

export const builtin = (): ResolvedSource => ({ ...builtinSource(), kind: 'builtin' });

/**
 * The sources a command in `cwd` searches. `external` loads the code that resolves configured sources
 * (git, npm): it is asked for only when a source beyond the built-ins is configured.
 */
export async function loadSources(
  flags: { recipes?: string[]; refresh?: boolean },
  opts: { cwd?: string; warn: (s: string) => void; external: () => Promise<typeof externalSources> },
): Promise<Sources> {
  const config = loadConfig(opts.cwd ?? process.cwd());
  const external = hasExternalSources(flags, config) ? await (await opts.external())(flags, config, opts.warn) : [];
  return sourcesFrom(external, config);
}

/** Before rendering: the remote sources whose templates will run must be trusted (`trust` loads recipes/trust.ts). */
export async function ensureRecipeTrusted(
  recipe: Recipe,
  sources: Sources,
  opts: { trust?: boolean; interactive: boolean; prompter?: Prompter; notice: (s: string) => void; warn: (s: string) => void; trustCode: () => Promise<typeof ensureTrusted> },
): Promise<void> {
  for (const w of sources.config.warnings) opts.warn(w);
  const shadowed = shadowedBuiltin(recipe);
  if (shadowed) opts.notice(shadowed);
  const used = remoteSourcesOf(recipe, sources.list);
  if (!used.length) return;
  await (await opts.trustCode())(used, {
    ...(opts.trust ? { trust: true } : {}),
    interactive: opts.interactive,
    ...(opts.prompter ? { prompter: opts.prompter } : {}),
    trusted: sources.config.trusted,
    notice: opts.notice,
  });
}

/**
 * A recipe folder named by path (`validate`, `recipe test`): its `extends` is looked up beside it first,
 * then in the same sources as generation (--recipes, CREATE_IMAGE_RECIPES, the configs, the built-ins).
 */
export function loadRecipeFolder(dir: string, sources: Sources): Recipe {
  return loadRecipeDir(dir, undefined, sources.list);
}

/** A recipe that is not the built-in of its name, though a built-in has that name: said, never silent. */
export function shadowedBuiltin(recipe: Recipe): string | undefined {
  const name = recipe.manifest.name;
  if (recipe.source === 'builtin' || !listRecipeNames(builtin().dir).includes(name)) return undefined;
  return `recipe "${name}" comes from ${recipe.source}, not the built-in "${name}"`;
}

/** Whether anything beyond the built-ins is configured: only then is the code that resolves sources needed. */
export function hasExternalSources(flags: { recipes?: string[] }, config: Config, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(flags.recipes?.length || env.CREATE_IMAGE_RECIPES || config.recipes.length);
}

/** The sources to search: the given ones, then the built-ins. */
export function sourcesFrom(external: ResolvedSource[], config: Config): Sources {
  const list = [...external, builtin()];
  let choices: Option[] | undefined;
  // The picker list reads every manifest: only build it when someone looks (a prompt, `list`, an
  // error message), not on every `--recipe x` run.
  return {
    list,
    config,
    get choices() {
      return (choices ??= recipeChoices(list));
    },
  };
}

function recipeChoices(list: ResolvedSource[]): Option[] {
  const seen = new Set<string>();
  const choices: Option[] = [];
  for (const src of list) {
    for (const name of listRecipeNames(src.dir)) {
      if (seen.has(name)) continue;
      seen.add(name);
      let hint = src.label === 'builtin' ? '' : src.label;
      try {
        hint = `${readManifest(join(src.dir, name)).description}${hint ? ` (${hint})` : ''}`;
      } catch {
        hint = `invalid recipe${hint ? ` (${hint})` : ''}`;
      }
      choices.push({ value: name, hint });
    }
  }
  return choices;
}

/** The remote sources whose templates rendering `recipe` runs (its own and those of the recipes it extends): they need trust. */
export function remoteSourcesOf(recipe: Recipe, sources: ResolvedSource[]): ResolvedSource[] {
  const dirs = [recipe.dir, ...(recipe.parents ?? [])];
  return sources.filter((s) => (s.kind === 'git' || s.kind === 'npm' || s.namedBy !== undefined) && dirs.some((d) => d === s.dir || d.startsWith(s.dir.endsWith(sep) ? s.dir : s.dir + sep)));
}
