// Optional extra files a generation can add on top of the recipe's: CI pipelines (--ci) and compose.yaml (--compose).
// They join the plan, so they go through the same dry-run, diff and no-overwrite rules as every other file.
import { UsageError } from '../core/errors.js';
import type { Answers, Plan, Recipe } from '../core/types.js';
import type { GenerateFlags } from './main.js';
import { VERSION } from './main.js';

export const CI_SYSTEMS = ['gitlab', 'github'] as const;
export type CiSystem = (typeof CI_SYSTEMS)[number];

export function parseCi(value: string | undefined, flag = '--ci'): CiSystem | undefined {
  if (value === undefined) return undefined;
  if (!(CI_SYSTEMS as readonly string[]).includes(value)) throw new UsageError([{ path: flag, message: `must be one of ${CI_SYSTEMS.join(', ')} (got "${value}")` }]);
  return value as CiSystem;
}

export async function addExtras(plan: Plan, recipe: Recipe, answers: Answers, flags: GenerateFlags): Promise<void> {
  const ci = parseCi(flags.ci);
  if (!ci && !flags.compose) return;
  const { extraFiles } = await import('./lazy.js');
  for (const f of extraFiles(plan, recipe, answers, { ...(ci ? { ci } : {}), compose: !!flags.compose, toolVersion: VERSION })) {
    const i = plan.files.findIndex((x) => x.path === f.path);
    if (i >= 0) throw new UsageError([{ path: flags.compose && f.path.startsWith('compose') ? '--compose' : '--ci', message: `the recipe already writes ${f.path}` }]);
    plan.files.push(f);
  }
}
