// The CI systems create-image writes pipelines for (--ci). Apart from the generators so that checking
// the flag loads none of them.
import { UsageError } from '../core/errors.js';

export const CI_SYSTEMS = ['gitlab', 'github'] as const;
export type CiSystem = (typeof CI_SYSTEMS)[number];

export function parseCi(value: string | undefined, flag = '--ci'): CiSystem | undefined {
  if (value === undefined) return undefined;
  if (!(CI_SYSTEMS as readonly string[]).includes(value)) throw new UsageError([{ path: flag, message: `must be one of ${CI_SYSTEMS.join(', ')} (got "${value}")` }]);
  return value as CiSystem;
}
