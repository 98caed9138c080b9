// Everything a plain, non-interactive generation does not need, behind one import boundary:
// `const lazy = await import('./lazy.js')`. One boundary, not one per feature: the bundler splits code
// shared across boundaries into a file per combination of them, and node pays for every file at every
// start (a render loaded 17 files with per-feature boundaries, 2 with this one). Loading any of it
// loads all of it; that costs an interactive session, a build or `list` a few milliseconds.
export { clackPrompter, clackUI } from '../edges/prompts.js';
export { buildCommand, buildGenerated, checkBuildFlags } from './build-command.js';
export { ciRecipes } from './ci-command.js';
export { info, list, validate } from './inspect.js';
export { recipeNew, recipeTest } from './recipe-command.js';
export { updateCommand } from './update-command.js';
export { extraFiles } from '../pipelines/index.js';
export { externalSources } from '../recipes/sources.js';
export { ensureTrusted } from '../recipes/trust.js';
export { parse as parseYaml } from 'yaml';
