// CI pipelines and compose files generated beside a recipe's output. Placeholder until issue 4 lands.
import { UsageError } from '../core/errors.js';
import type { Answers, Plan, PlannedFile, Recipe } from '../core/types.js';

export function extraFiles(_plan: Plan, _recipe: Recipe, _answers: Answers, opts: { ci?: 'gitlab' | 'github'; compose: boolean }): PlannedFile[] {
  throw new UsageError([{ path: opts.ci ? '--ci' : '--compose', message: 'is not available in this build yet' }]);
}
