// Reading recipes from disk: a recipe is a folder with recipe.json and templates; a source is a folder of recipes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RecipeError, UsageError } from '../core/errors.js';
import { lineOfJsonError, lineOfPath } from '../core/json-position.js';
import { validateManifest } from '../core/manifest.js';
import { sha256 } from '../core/hash.js';
import { didYouMean } from '../core/suggest.js';
import type { Family, Manifest, Recipe, RecipeFiles } from '../core/types.js';
import { builtinRecipesDir } from './paths.js';
import { BASE_IMAGES } from '../core/families.js';

export const MANIFEST = 'recipe.json';

/** A folder of recipes searched by name, with the label shown to users ("builtin", a path, a git URL). */
export interface RecipeSource {
  dir: string;
  label: string;
  commit?: string;
}

export const builtinSource = (): RecipeSource => ({ dir: builtinRecipesDir(), label: 'builtin' });

// Built-in manifests are validated when the bundle is built: scripts/build.mjs defines the hashes of
// those that passed, and a manifest with exactly that text skips the schema check at run time (a large
// share of a render's start-up). Any other text, an edited or external manifest, is validated here.
declare const __VALIDATED_MANIFESTS__: string | undefined;
const prevalidated = new Set<string>(typeof __VALIDATED_MANIFESTS__ === 'undefined' ? [] : __VALIDATED_MANIFESTS__.split(' ').filter(Boolean));

export function readManifest(dir: string): Manifest {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) throw new RecipeError(`no ${MANIFEST} in ${dir}`, file);
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RecipeError(`invalid JSON: ${(e as Error).message}`, file, lineOfJsonError(text, (e as Error).message));
  }
  const issues = prevalidated.size && prevalidated.has(sha256(text)) ? [] : validateManifest(data);
  if (issues.length) {
    const lines = issues.map((i) => {
      const line = lineOfPath(text, i.path);
      return `${file}${line ? `:${line}` : ''}: ${i.path}: ${i.message}`;
    });
    const first = issues[0]!;
    const err = new RecipeError(`${first.path}: ${first.message}`, file, lineOfPath(text, first.path));
    err.message = lines.join('\n');
    throw err;
  }
  return data as Manifest;
}

/** Recipe names in a source folder (subfolders with a recipe.json; `_partials` and dot-dirs skipped). */
export function listRecipeNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('_') && !n.startsWith('.'))
    .filter((n) => existsSync(join(dir, n, MANIFEST)))
    .sort();
}

/** A repository's or package's recipes: its own subfolders with recipe.json, else those of its recipes/ folder. */
export function recipesFolder(dir: string): string {
  if (listRecipeNames(dir).length === 0 && existsSync(join(dir, 'recipes'))) return join(dir, 'recipes');
  return dir;
}

/** Finds `name` in the sources (first wins) and loads it, resolving `extends`. */
/** The recipe `name` from the first source that has it; `path` names where the name was given in the error. */
export function findRecipe(name: string, sources: RecipeSource[], path = '--recipe'): Recipe {
  for (const src of sources) {
    const dir = join(src.dir, name);
    if (existsSync(join(dir, MANIFEST))) return loadRecipeDir(dir, src, sources);
  }
  const known = [...new Set(sources.flatMap((s) => listRecipeNames(s.dir)))];
  const near = didYouMean(name, known);
  throw new UsageError([{ path, message: `unknown recipe "${name}"${near ? ` (${near})` : ''}; available: ${known.join(', ')}` }]);
}

/** Loads the recipe in `dir`; `extends` is looked up in the same source first, then the other sources. */
export function loadRecipeDir(dir: string, src: RecipeSource = { dir: resolve(dir, '..'), label: resolve(dir) }, sources: RecipeSource[] = [builtinSource()]): Recipe {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError([{ path: 'recipe', message: `${dir} is not a directory` }]);
  const own = readManifest(dir);
  const recipe: Recipe = { manifest: own, dir: resolve(dir), source: src.label, ...(src.commit ? { commit: src.commit } : {}), files: recipeFiles([resolve(dir)]) };
  if (!own.extends) return { ...recipe, manifest: withBaseImages(own) };
  const seen = new Set([own.name]);
  let manifest = own;
  const parents: string[] = [];
  // Dropped questions: their defaults stand as fixed answers (the parents' templates may read them).
  const fixed: Record<string, unknown> = {};
  const manifestLine = (field: string) => lineOfPath(readFileSync(join(dir, MANIFEST), 'utf8'), field);
  let parentName: string | undefined = own.extends;
  while (parentName) {
    if (seen.has(parentName)) throw new RecipeError(`extends cycle through "${parentName}"`, join(dir, MANIFEST));
    seen.add(parentName);
    const parentDir: string | undefined = [src, ...sources].map((s) => join(s.dir, parentName!)).find((d) => existsSync(join(d, MANIFEST)));
    if (!parentDir) {
      const searched = [src, ...sources].map((s) => s.label).join(', ');
      throw new RecipeError(`extends "${parentName}", which no recipe source has (searched: ${searched}; add the source that has it with --recipes)`, join(dir, MANIFEST), manifestLine('extends'));
    }
    const parent = readManifest(parentDir);
    for (const q of parent.questions ?? []) if (manifest.dropQuestions?.includes(q.name) && !(q.name in fixed)) fixed[q.name] = q.default;
    manifest = mergeManifests(parent, manifest);
    parents.push(resolve(parentDir));
    parentName = parent.extends;
  }
  const unknownDrop = (manifest.dropQuestions ?? []).find((n) => !(n in fixed));
  if (unknownDrop) throw new RecipeError(`dropQuestions: "${unknownDrop}" is not a question of the recipes it extends`, join(dir, MANIFEST), manifestLine('dropQuestions'));
  return {
    ...recipe,
    manifest: withBaseImages({ ...manifest, extends: own.extends }),
    parents,
    files: recipeFiles([recipe.dir, ...parents]),
    ...(Object.keys(fixed).length ? { fixedAnswers: fixed } : {}),
  };
}

/** `bases.images` completed from the tool's table for every claimed family the manifest names no image for. */
function withBaseImages(m: Manifest): Manifest {
  const images = { ...m.bases.images };
  for (const family of m.bases.families) images[family] ??= BASE_IMAGES[family];
  return { ...m, bases: { ...m.bases, images } };
}

/** Shared partials (recipes/_partials/NAME.eta), included as `@NAME` by any recipe; each read once, when first used. */
const partials = new Map<string, string | undefined>();
function sharedPartial(name: string): string | undefined {
  if (!partials.has(name)) {
    const file = join(builtinRecipesDir(), '_partials', `${name.slice(1)}.eta`);
    partials.set(name, /^@[\w-]+$/.test(name) && existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  }
  return partials.get(name);
}

/** How the renderer reads a recipe: its own folder first, then the folders of the recipes it extends. */
function recipeFiles(folders: string[]): RecipeFiles {
  return {
    folderOf: (template) => folders.find((dir) => existsSync(join(dir, template))),
    read: (folder, template) => readFileSync(join(folder, template), 'utf8'),
    partial: sharedPartial,
  };
}

/** Child fields win; lists keyed by name/path are merged so a child can override one question or file. */
export function mergeManifests(parent: Manifest, child: Manifest): Manifest {
  const byKey = <T>(a: T[] | undefined, b: T[] | undefined, key: (t: T) => string): T[] => {
    const out = new Map<string, T>();
    for (const t of a ?? []) out.set(key(t), t);
    for (const t of b ?? []) out.set(key(t), t);
    return [...out.values()];
  };
  const drop = new Set(child.dropQuestions ?? []);
  const drops = [...new Set([...(parent.dropQuestions ?? []), ...drop])];
  const addPackages: NonNullable<Manifest['addPackages']> = { ...parent.addPackages };
  for (const [family, pkgs] of Object.entries(child.addPackages ?? {}) as [Family, string[]][]) addPackages[family] = [...new Set([...(addPackages[family] ?? []), ...pkgs])];
  return {
    ...parent,
    ...child,
    bases: child.bases ?? parent.bases,
    defaults: { ...parent.defaults, ...child.defaults },
    questions: byKey(
      (parent.questions ?? []).filter((q) => !drop.has(q.name)),
      child.questions,
      (q) => q.name,
    ),
    ...(drops.length ? { dropQuestions: drops } : {}),
    ...(Object.keys(addPackages).length ? { addPackages } : {}),
    env: byKey(parent.env, child.env, (e) => e.name),
    files: byKey(parent.files, child.files, (f) => f.path),
    ports: child.ports ?? parent.ports,
    volumes: child.volumes ?? parent.volumes,
    notes: [...(parent.notes ?? []), ...(child.notes ?? [])],
  };
}
