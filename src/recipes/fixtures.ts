// What `recipe test` renders: the defaults, and one case per answers file in the recipe's test/ folder,
// on each base family the recipe claims.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FIXTURE_KEYS } from '../core/answer-table.js';
import type { RawAnswers } from '../core/answers.js';
import { CreateImageError, UsageError } from '../core/errors.js';
import { rawAnswersFrom } from '../core/raw-answers.js';
import type { Family, Recipe } from '../core/types.js';
import { familyOf } from '../core/validate.js';

export interface TestCase {
  name: string;
  raw: RawAnswers;
  file?: string;
}

/** The defaults, then one case per answers file in the recipe's test/ folder. */
export function testCases(dir: string): TestCase[] {
  const cases: TestCase[] = [{ name: 'defaults', raw: {} }];
  const tdir = join(dir, 'test');
  if (!existsSync(tdir)) return cases;
  for (const f of readdirSync(tdir).filter((n) => /\.(json|ya?ml)$/.test(n)).sort()) {
    const file = join(tdir, f);
    let data: Record<string, unknown>;
    try {
      data = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new CreateImageError(`${file}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new CreateImageError(`${file}: expected a mapping of answers`);
    let raw: RawAnswers;
    try {
      raw = rawAnswersFrom([{ values: data, path: (k) => `${file}: ${k}`, keys: FIXTURE_KEYS }]);
    } catch (e) {
      // a broken fixture is a finding about the recipe (exit 1), not a usage error
      if (e instanceof UsageError) throw new CreateImageError(e.message);
      throw e;
    }
    cases.push({ name: f.replace(/\.(json|ya?ml)$/, ''), raw, file });
  }
  return cases;
}

/** The pinned image a recipe names for a family, if any. */
export function baseFor(recipe: Recipe, family: Family): string | undefined {
  const b = recipe.manifest.bases;
  return b.images?.[family] ?? (familyOf(b.default) === family ? b.default : undefined);
}

