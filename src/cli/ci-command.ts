// `create-image ci recipes [dir] [--ci gitlab|github]`: a pipeline that tests every recipe of a
// company recipe repo in parallel jobs. The file goes through the same write path as generated files:
// an existing, different pipeline is kept unless --force.
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { inspectTarget, writeFiles } from '../edges/write.js';
import { GITHUB_RECIPES_FILE, GITLAB_RECIPES_FILE, githubRecipesWorkflow, gitlabRecipesPipeline } from '../pipelines/recipes.js';
import { parseCi } from '../pipelines/systems.js';
import { listRecipeNames, recipesFolder } from '../recipes/load.js';
import type { CiRecipesFlags } from './flags.js';
import { out, printDryRunFiles } from './output.js';
import { VERSION } from './version.js';

/** Recipe folders of a repo, relative to it (the rule sources use: its own, else those of recipes/). */
export function findRecipeDirs(repo: string): string[] {
  const folder = recipesFolder(repo);
  return listRecipeNames(folder).map((n) => relative(repo, join(folder, n)).split('\\').join('/'));
}

export async function ciRecipes(dirArg: string, flags: CiRecipesFlags): Promise<void> {
  const ci = parseCi(flags.ci ?? 'gitlab')!;
  const repo = resolve(dirArg);
  if (!existsSync(repo) || !statSync(repo).isDirectory()) throw new UsageError([{ path: 'dir', message: `${dirArg} is not a directory` }]);
  const dirs = findRecipeDirs(repo);
  if (!dirs.length) throw new UsageError([{ path: 'dir', message: `no recipe folders (with recipe.json) in ${dirArg} or ${join(dirArg, 'recipes')}` }]);
  const file =
    ci === 'gitlab'
      ? { path: GITLAB_RECIPES_FILE, content: gitlabRecipesPipeline({ dirs, toolVersion: VERSION }), mode: 0o644 }
      : { path: GITHUB_RECIPES_FILE, content: githubRecipesWorkflow({ dirs, toolVersion: VERSION }), mode: 0o644 };
  const states = inspectTarget(repo, [file]);
  if (flags.dryRun) {
    if (flags.json) out.json({ dryRun: true, target: repo, recipes: dirs, files: states.map((s) => ({ path: s.file.path, status: s.status })) });
    else printDryRunFiles(repo, states);
    return;
  }
  const result = writeFiles(repo, states, flags.force ? () => 'overwrite' : undefined);
  if (flags.json) out.json({ target: repo, recipes: dirs, ...result });
  else {
    out.line(`${result.written.length ? 'Wrote' : 'Unchanged:'} ${file.path}: ${dirs.length} recipe${dirs.length === 1 ? '' : 's'} tested in parallel (${dirs.join(', ')}).`);
  }
}
