// Which recipe sources a command searches: --recipes, config files, CREATE_IMAGE_RECIPES, then the built-ins.
import type { Option } from '../core/answers.js';
import type { Recipe } from '../core/types.js';
import { builtinSource, findRecipe, listRecipeNames, readManifest, type RecipeSource } from '../recipes/load.js';
import { join } from 'node:path';

export interface Sources {
  list: RecipeSource[];
  /** Recipe picker entries, first source wins on a name clash. */
  choices: Option[];
}

export interface SourceFlags {
  recipes?: string[];
  trust?: boolean;
  refresh?: boolean;
}

export async function recipeSources(flags: SourceFlags, interactive: boolean): Promise<Sources> {
  const extra = flags.recipes?.length || process.env.CREATE_IMAGE_RECIPES ? await (await import('../recipes/sources.js')).externalSources(flags, interactive) : [];
  const list = [...extra, builtinSource()];
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
  return { list, choices };
}

export async function resolveRecipe(name: string, sources: Sources, _flags: SourceFlags, _interactive: boolean): Promise<Recipe> {
  return findRecipe(name, sources.list);
}
