// Which recipe sources a command searches: --recipes, CREATE_IMAGE_RECIPES, config files, then the built-ins.
// Remote sources are fetched here (no template runs); trust is checked before rendering (ensureRecipeTrusted).
import { join, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { Option, Prompter } from '../core/answers.js';
import { RecipeError } from '../core/errors.js';
import { lineOfPath } from '../core/json-position.js';
import type { Recipe } from '../core/types.js';
import { loadConfig, type Config } from '../recipes/config.js';
import { builtinSource, findRecipe, listRecipeNames, MANIFEST, readManifest } from '../recipes/load.js';
import type { ResolvedSource } from '../recipes/sources.js';
import { VERSION } from './main.js';
import { out } from './output.js';
import { readFileSync } from 'node:fs';

export interface Sources {
  list: ResolvedSource[];
  /** Recipe picker entries, first source wins on a name clash. */
  choices: Option[];
  config: Config;
}

export interface SourceFlags {
  recipes?: string[];
  trust?: boolean;
  refresh?: boolean;
}

export async function recipeSources(flags: SourceFlags, _interactive: boolean, opts: { cwd?: string } = {}): Promise<Sources> {
  const config = loadConfig(opts.cwd ?? process.cwd());
  const extra =
    flags.recipes?.length || process.env.CREATE_IMAGE_RECIPES || config.recipes.length
      ? await (await import('./lazy.js')).externalSources(flags, config, out.warn)
      : [];
  return sourcesFrom([...extra, { ...builtinSource(), kind: 'builtin' }], config);
}

export function sourcesFrom(list: ResolvedSource[], config: Config): Sources {
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

/** Throws when the recipe (or one it extends) needs a newer create-image than this one. */
export function checkRequires(recipe: Recipe, toolVersion: string = VERSION): void {
  for (const dir of [recipe.dir, ...(recipe.parents ?? [])]) {
    const file = join(dir, MANIFEST);
    // the recipe's own manifest is already loaded (its `requires` is never inherited)
    const m = dir === recipe.dir && !recipe.parents?.length ? recipe.manifest : readManifest(dir);
    const range = m.requires;
    if (!range) continue;
    const ok = satisfiesSimple(toolVersion, range) ?? satisfiesSemver(toolVersion, range, file);
    if (!ok) {
      const line = lineOfPath(readFileSync(file, 'utf8'), 'requires');
      throw new RecipeError(`recipe ${m.name} ${m.version} requires create-image ${range}; this is ${toolVersion}: upgrade (npx create-image@latest)`, file, line);
    }
  }
}

/** `>=1.2.3` (the form recipes use) without loading semver; undefined for anything else. */
function satisfiesSimple(version: string, range: string): boolean | undefined {
  const r = /^\s*>=\s*v?(\d+)\.(\d+)\.(\d+)\s*$/.exec(range);
  const v = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!r || !v) return undefined;
  for (let i = 1; i <= 3; i++) {
    if (Number(v[i]) !== Number(r[i])) return Number(v[i]) > Number(r[i]);
  }
  return true;
}

function satisfiesSemver(version: string, range: string, file: string): boolean {
  const semver = createRequire(import.meta.url)('semver') as typeof import('semver');
  if (!semver.validRange(range)) throw new RecipeError(`requires: "${range}" is not a semver range (e.g. ">=0.2.0")`, file, lineOfPath(readFileSync(file, 'utf8'), 'requires'));
  return semver.satisfies(version, range, { includePrerelease: true });
}

export async function resolveRecipe(name: string, sources: Sources, _flags: SourceFlags, _interactive: boolean): Promise<Recipe> {
  const recipe = findRecipe(name, sources.list);
  checkRequires(recipe);
  return recipe;
}

/** The sources whose templates rendering `recipe` runs: its own and those of the recipes it extends. */
export function sourcesOf(recipe: Recipe, sources: ResolvedSource[]): ResolvedSource[] {
  const dirs = [recipe.dir, ...(recipe.parents ?? [])];
  return sources.filter((s) => dirs.some((d) => d === s.dir || d.startsWith(s.dir.endsWith(sep) ? s.dir : s.dir + sep)));
}

/** Before rendering: a remote source must be trusted (see recipes/trust.ts). */
export async function ensureRecipeTrusted(recipe: Recipe, sources: Sources, flags: SourceFlags, interactive: boolean, prompter?: Prompter): Promise<void> {
  const used = sourcesOf(recipe, sources.list).filter((s) => s.kind === 'git' || s.kind === 'npm');
  if (!used.length) return;
  const { ensureTrusted } = await import('./lazy.js');
  await ensureTrusted(used, {
    ...(flags.trust ? { trust: true } : {}),
    interactive,
    ...(prompter ? { prompter } : {}),
    trusted: sources.config.trusted,
    notice: (s) => process.stderr.write(`create-image: ${s}\n`),
  });
}
