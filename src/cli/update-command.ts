// Placeholder until the feature lands: fails loudly rather than pretending.
import { UsageError } from '../core/errors.js';

const missing = (what: string) => {
  throw new UsageError([{ path: what, message: 'is not available in this build yet' }]);
};
export async function updateCommand(_dir: string, _flags: unknown): Promise<void> {
  missing('update');
}
