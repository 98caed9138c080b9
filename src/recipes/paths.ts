// Where the package's own files live, whether running from src/ (tests) or the bundled dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SystemError } from '../core/errors.js';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'recipes.schema.json'))) {
    const up = dirname(dir);
    // an installation missing its own files (a partial copy of dist/): a line, not a stack
    if (up === dir) throw new SystemError(`the installation is incomplete: no recipes.schema.json in ${dirname(fileURLToPath(import.meta.url))} or above it; reinstall create-image`);
    dir = up;
  }
  return (root = dir);
}

export const builtinRecipesDir = (): string => join(packageRoot(), 'recipes');
