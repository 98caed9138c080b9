// Everything a plain, non-interactive generation does not need, behind one import boundary that only
// main.ts names (`later`). The build makes this module the second bundle (dist/lazy-<hash>.cjs, see
// scripts/build.mjs), so a render loads one bundle and none of this: the prompts, builds, lint,
// pipelines, YAML, remote recipe sources and the other subcommands. One boundary, not one per feature:
// every boundary is a file node resolves and loads; loading any of this loads all of it, which costs an
// interactive session, a build or `list` a few milliseconds.
export { clackPrompter, clackUI } from '../edges/prompts.js';
export { buildCommand, buildGenerated, checkBuildFlags } from './build-command.js';
export { checkCommand } from './check-command.js';
export { ciRecipes } from './ci-command.js';
export { detect } from './detect-command.js';
export { info, list, validate } from './inspect.js';
export { lockCommand } from './lock-command.js';
export { recipeNew, recipeTest } from './recipe-command.js';
export { updateCommand } from './update-command.js';
export { joinExtras } from '../pipelines/index.js';
export { externalSources } from '../recipes/external.js';
export { ensureTrusted } from '../recipes/trust.js';
export { parse as parseYaml } from 'yaml';
// the main bundle's manifest validator (see scripts/build.mjs): only manifests not validated at build time need it
export { validate as validateManifestSchema } from '../core/manifest-validator.generated.js';
export { removeOwnContainers } from '../engines/containers.js';
