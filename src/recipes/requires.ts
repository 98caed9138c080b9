// A recipe's `requires`: the create-image versions it renders with.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RecipeError } from '../core/errors.js';
import { lineOfPath } from '../core/json-position.js';
import type { Recipe } from '../core/types.js';
import { MANIFEST, readManifest } from './load.js';

/** Throws when the recipe (or one it extends) needs a newer create-image than `toolVersion`. */
export function checkRequires(recipe: Recipe, toolVersion: string): void {
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
