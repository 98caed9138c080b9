// The golden cases: every built-in recipe on every base family it supports (custom in a few compositions).
// Shared by the golden test (rendering from src/) and the built bin's check (test/e2e/dist-render.test.ts).
import path from 'node:path';
import type { RawAnswers } from '../../src/core/answers.js';
import type { Family, Recipe } from '../../src/core/types.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { builtinSource, listRecipeNames, loadRecipeDir } from '../../src/recipes/load.js';
import { rawAnswersFrom } from '../../src/core/raw-answers.js';
import { appAnswers, detectApps } from '../../src/detect/detect.js';
import { snapshotDir } from '../../src/edges/project-snapshot.js';
import { readdirSync } from 'node:fs';

/** The app fixtures (test/fixtures/apps): the app recipe is rendered with each one's detected answers. */
export const APP_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/apps');

function appVariants(): Array<{ id: string; raw: RawAnswers; app: AppFixture }> {
  return readdirSync(APP_FIXTURES).sort().flatMap((fixture) => {
    const apps = detectApps(snapshotDir(path.join(APP_FIXTURES, fixture)));
    return apps.map((app) => ({
      id: apps.length > 1 ? `${fixture}-${path.basename(app.dir)}` : fixture,
      raw: rawAnswersFrom([{ values: { ...appAnswers(app, undefined, GOLDEN_DAY).values, recipe: undefined }, path: (k) => `detected ${k}` }]),
      app: { fixture: path.join(APP_FIXTURES, fixture), dir: app.dir, several: apps.length > 1 },
    }));
  });
}

export const GOLDEN = path.resolve(import.meta.dirname, '../golden');
export const GOLDEN_VERSION = '0.0.0-golden';
/** The day the golden files are rendered on (dated choices such as node's LTS line depend on it); the built bin's check runs with CREATE_IMAGE_TODAY set to it. */
export const GOLDEN_DAY = '2026-12-07';

/** An app case's project: its answers come from detection, as when create-image runs in that folder. */
export interface AppFixture {
  fixture: string;
  dir: string;
  several: boolean;
}

export interface GoldenCase {
  id: string;
  app?: AppFixture;
  recipe: string;
  family: Family;
  raw: RawAnswers;
  recipeObj: Recipe;
}

// A fixed, non-default composition for the custom recipe, so the golden files show the parts.
const CUSTOM_VARIANTS: Array<{ id: string; raw: RawAnswers }> = [
  { id: 'defaults', raw: {} },
  { id: 'node-nginx', raw: { runtime: 'node', tz: 'Asia/Shanghai', locale: 'zh_CN.UTF-8', services: ['nginx'], ports: ['8080'], env: { GREETING: 'hello "world" $(id) `x`' } } },
  { id: 'supervisord', raw: { runtime: 'python', services: ['nginx', 'redis', 'cron'], supervisor: 'supervisord', ports: ['8080', '6379'] } },
  { id: 'watchdog-php', raw: { runtime: 'php', services: ['nginx', 'php-fpm'], supervisor: 'watchdog', ports: ['8080'] } },
  { id: 'apache-php', raw: { services: ['apache', 'php-fpm'], ports: ['8080'] } },
];

// The novnc recipe: the gateway alone, and the desktop under each supervisor (one with the seed's CJK locale).
const NOVNC_VARIANTS: Array<{ id: string; raw: RawAnswers }> = [
  { id: 'defaults', raw: {} },
  { id: 'desktop-supervisord', raw: { set: { desktop: true }, supervisor: 'supervisord', tz: 'Asia/Shanghai', locale: 'zh_CN.UTF-8' } },
  { id: 'desktop-watchdog', raw: { set: { desktop: true }, supervisor: 'watchdog' } },
];

export function goldenCases(): GoldenCase[] {
  const out: GoldenCase[] = [];
  for (const name of listRecipeNames(builtinRecipesDir())) {
    const recipe = loadRecipeDir(path.join(builtinRecipesDir(), name), builtinSource());
    for (const family of recipe.manifest.bases.families) {
      const image = recipe.manifest.bases.images?.[family];
      const base: Partial<RawAnswers> = image ? { base: image } : { family };
      const variants: Array<{ id: string; raw: RawAnswers; app?: AppFixture }> = name === 'custom' ? CUSTOM_VARIANTS : name === 'novnc' ? NOVNC_VARIANTS : name === 'app' ? appVariants() : [{ id: 'defaults', raw: {} }];
      for (const v of variants) {
        out.push({ id: name === 'app' ? `app/${v.id}` : `${name}/${family}${v.id === 'defaults' ? '' : `-${v.id}`}`, recipe: name, family, raw: { imageName: name, ...base, ...v.raw }, recipeObj: recipe, ...(v.app ? { app: v.app } : {}) });
      }
    }
  }
  return out;
}

