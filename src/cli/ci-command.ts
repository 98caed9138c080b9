// Placeholder until the feature lands: fails loudly rather than pretending.
import { UsageError } from '../core/errors.js';

const missing = (what: string) => {
  throw new UsageError([{ path: what, message: 'is not available in this build yet' }]);
};
export async function ciRecipes(_d: string, _flags: unknown): Promise<void> {
  missing('ci recipes');
}
