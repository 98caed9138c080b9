// What an extending recipe takes from the recipes it extends: a template it names (or inherits in
// `files`) and does not ship itself is read from the nearest parent that has it.
import { join } from 'node:path';
import type { Recipe } from '../core/types.js';

export interface InheritedTemplate {
  template: string;
  /** The parent folder it is read from. */
  from: string;
}

/** The templates of `recipe`'s files that come from a parent's folder, in manifest order. */
export function inheritedTemplates(recipe: Recipe): InheritedTemplate[] {
  if (!recipe.parents?.length) return [];
  const out: InheritedTemplate[] = [];
  const seen = new Set<string>();
  for (const f of recipe.manifest.files) {
    if (seen.has(f.template)) continue;
    seen.add(f.template);
    const folder = recipe.files.folderOf(f.template);
    if (folder && folder !== recipe.dir) out.push({ template: f.template, from: join(folder, f.template) });
  }
  return out;
}

/** Lines saying what an extending recipe takes from its parents (none for a recipe that extends nothing). */
export function describeInherited(recipe: Recipe): string[] {
  if (!recipe.parents?.length) return [];
  const inherited = inheritedTemplates(recipe);
  const lines = [`extends ${recipe.manifest.extends} (${recipe.parents.join(' <- ')})`];
  if (!inherited.length) lines.push("  every template is the recipe's own");
  for (const t of inherited) lines.push(`  ${t.template} inherited from ${t.from}`);
  return lines;
}
