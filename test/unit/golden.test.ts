// Golden tests: every built-in recipe on every base family it supports renders to the files under
// test/golden/<case>/ (update with `npx vitest run test/unit/golden.test.ts -u` and review the diff),
// and everything rendered passes shellcheck and the Dockerfile lint.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { GOLDEN, GOLDEN_VERSION as VERSION, goldenCases } from '../helpers/golden-cases.js';

const all = goldenCases();
const RECIPES = path.resolve(import.meta.dirname, '../../recipes');

/** Files under `dir` (dotfiles too), as paths relative to it with `/`; [] when there is no `dir`. */
const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
        .sort()
    : [];

/** The folders of `dir` two levels down (`recipe/case`). */
const caseDirs = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((r) => readdirSync(path.join(dir, r.name), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${r.name}/${d.name}`))
    .sort();

// `-u` may record golden files that are not there yet; without it a missing one is a failure (out
// of CI, toMatchFileSnapshot would write it silently). vitest has no public flag for the mode.
const updating = (): boolean => (expect.getState().snapshotState as unknown as { _updateSnapshot?: string })._updateSnapshot === 'all';

/** Sorted `a` minus `b`. */
const minus = (a: Iterable<string>, b: Iterable<string>): string[] => {
  const drop = new Set(b);
  return [...new Set(a)].filter((x) => !drop.has(x)).sort();
};

describe('golden renders', () => {
  it('covers every built-in recipe on every family its manifest claims', () => {
    // Read the recipes folder here, not through the listing the cases come from.
    const manifests = new Map<string, { bases?: { families?: string[] }; extends?: string }>();
    for (const d of readdirSync(RECIPES, { withFileTypes: true })) {
      const file = path.join(RECIPES, d.name, 'recipe.json');
      if (d.isDirectory() && existsSync(file)) manifests.set(d.name, JSON.parse(readFileSync(file, 'utf8')));
    }
    const families = (name: string, seen: string[] = []): string[] => {
      const m = manifests.get(name);
      if (!m || seen.includes(name)) return [];
      return m.bases?.families ?? (m.extends ? families(m.extends, [...seen, name]) : []);
    };
    const expected = [...manifests.keys()].flatMap((name) => families(name).map((f) => `${name}/${f}`));
    const covered = all.map((c) => `${c.recipe}/${c.family}`);
    expect(expected.length).toBeGreaterThan(0);
    expect({ missing: minus(expected, covered), unexpected: minus(covered, expected) }).toEqual({ missing: [], unexpected: [] });
  });

  it('has a golden folder for each case and none for a case that is gone', () => {
    const ids = all.map((c) => c.id);
    const dirs = caseDirs(GOLDEN);
    expect(minus(dirs, ids), 'stale folders under test/golden: delete them').toEqual([]);
    if (!updating()) expect(minus(ids, dirs), 'cases with no folder under test/golden: record them with -u and review').toEqual([]);
  });

  for (const c of all) {
    it(`${c.id}: renders as recorded and lints clean`, async () => {
      const recorded = filesUnder(path.join(GOLDEN, c.id));
      const answers = await resolveAnswers(c.recipeObj, c.raw, { interactive: false });
      expect(answers.family).toBe(c.family);
      const plan = renderPlan(c.recipeObj, answers, VERSION);
      // Checked before the snapshots, which would write a missing file.
      const rendered = [...plan.files.map((f) => f.path), '.modes'];
      expect(minus(recorded, rendered), `golden files of ${c.id} that are no longer rendered: delete them`).toEqual([]);
      if (!updating()) expect(minus(rendered, recorded), `rendered files of ${c.id} with no golden file: record them with -u and review`).toEqual([]);
      for (const f of plan.files) {
        await expect(f.content, f.path).toMatchFileSnapshot(path.join(GOLDEN, c.id, f.path));
      }
      // modes matter (entrypoints must be executable): record them too
      const modes = plan.files.map((f) => `${f.mode.toString(8)} ${f.path}`).sort().join('\n');
      await expect(`${modes}\n`).toMatchFileSnapshot(path.join(GOLDEN, c.id, '.modes'));
      expect(await lintPlanFiles(plan.files)).toEqual([]);
    });
  }
});
