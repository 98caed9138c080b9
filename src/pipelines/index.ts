// CI pipelines and compose files generated beside a recipe's output. Pure: (plan, recipe, answers)
// -> extra planned files, written through the same plan/write path (and no-overwrite rules) as the rest.
import { UsageError } from '../core/errors.js';
import { clashingExtra, withExtras, type RecordedExtras } from '../core/record.js';
import { smokeChecks } from '../core/smoke.js';
import type { Answers, Plan, PlannedFile, Recipe } from '../core/types.js';
import { composeFiles } from './compose.js';
import { GITHUB_FILE, githubWorkflow } from './github.js';
import { GITLAB_FILE, gitlabPipeline } from './gitlab.js';
import { SMOKE_SCRIPT, smokeScript } from './smoke.js';

export interface ExtraOptions {
  ci?: 'gitlab' | 'github';
  compose: boolean;
  /** create-image's version, for the generated-by comments. */
  toolVersion?: string;
}

export function extraFiles(plan: Plan, recipe: Recipe, answers: Answers, opts: ExtraOptions): PlannedFile[] {
  const files: PlannedFile[] = [];
  const toolVersion = opts.toolVersion ?? '';
  // The checks CI runs are those `--build` verifies with: the recipe's sample check only while it applies.
  const checks = smokeChecks(recipe.manifest, answers);
  const ciOpts = { caCerts: answers.caCerts.map((c) => `certs/${c.name}`), toolVersion, checks };
  if (opts.ci) {
    files.push({ path: SMOKE_SCRIPT, content: smokeScript(recipe, answers.imageName, checks), mode: 0o755 });
    if (opts.ci === 'gitlab') files.push({ path: GITLAB_FILE, content: gitlabPipeline(recipe, answers.imageName, ciOpts), mode: 0o644 });
    else files.push({ path: GITHUB_FILE, content: githubWorkflow(recipe, answers.imageName, ciOpts), mode: 0o644 });
  }
  if (opts.compose) for (const f of composeFiles(plan, recipe, toolVersion)) files.push({ ...f, mode: 0o644 });
  return files;
}

/**
 * The plan's files with the --compose/--ci files `which` names joined and recorded (generation and
 * `update` alike), so they go through the same dry-run, diff, merge and no-overwrite rules; one the
 * recipe itself writes is a usage error.
 */
export function joinExtras(plan: Plan, recipe: Recipe, answers: Answers, which: RecordedExtras, toolVersion: string): PlannedFile[] {
  if (!which.compose && !which.ci) return plan.files;
  const extras = extraFiles(plan, recipe, answers, { ...(which.ci ? { ci: which.ci } : {}), compose: !!which.compose, toolVersion });
  const clash = clashingExtra(plan.files, extras);
  if (clash) throw new UsageError([{ path: clash.startsWith('compose') ? '--compose' : '--ci', message: `the recipe already writes ${clash}` }]);
  return withExtras(plan.files, extras, which);
}
