// `create-image ci recipes [dir] [--ci gitlab|github]`: a pipeline that tests every recipe of a
// company recipe repo in parallel jobs. The file goes through the same write path as generated files:
// an existing, different pipeline is kept unless --force.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { inspectTarget, unifiedDiff, writeFiles } from '../edges/write.js';
import { GITHUB_RECIPES_FILE, GITLAB_RECIPES_FILE, githubRecipesWorkflow, gitlabRecipesPipeline } from '../pipelines/recipes.js';
import { listRecipeNames } from '../recipes/load.js';
import { parseCi } from './extras.js';
import { VERSION } from './main.js';
import { out } from './output.js';

export interface CiRecipesFlags {
  ci?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** Recipe folders of a repo, relative to it: its own subfolders with recipe.json, else those of recipes/. */
export function findRecipeDirs(repo: string): string[] {
  const top = listRecipeNames(repo);
  if (top.length) return top;
  return listRecipeNames(join(repo, 'recipes')).map((n) => `recipes/${n}`);
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
    else {
      out.line(`Dry run: nothing written to ${repo}`);
      for (const s of states) out.line(`  ${s.status === 'new' ? 'create' : s.status === 'same' ? 'same  ' : 'change'} ${s.file.path}`);
      for (const s of states.filter((x) => x.status === 'changed')) out.line(unifiedDiff(s.file.path, s.current ?? '', s.file.content));
    }
    return;
  }
  const result = writeFiles(repo, states, flags.force ? () => 'overwrite' : undefined);
  if (flags.json) out.json({ target: repo, recipes: dirs, ...result });
  else {
    out.line(`${result.written.length ? 'Wrote' : 'Unchanged:'} ${file.path}: ${dirs.length} recipe${dirs.length === 1 ? '' : 's'} tested in parallel (${dirs.join(', ')}).`);
  }
}
