// Optional extra files a generation can add on top of the recipe's: CI pipelines (--ci) and compose.yaml (--compose).
import type { Answers, Plan, Recipe } from '../core/types.js';
import type { GenerateFlags } from './main.js';

export async function addExtras(plan: Plan, recipe: Recipe, answers: Answers, flags: GenerateFlags): Promise<void> {
  if (!flags.ci && !flags.compose) return;
  const { extraFiles } = await import('../pipelines/index.js');
  for (const f of extraFiles(plan, recipe, answers, { ...(flags.ci ? { ci: flags.ci as 'gitlab' | 'github' } : {}), compose: !!flags.compose })) {
    plan.files.push(f);
  }
}
