// Where the package's own files live, whether running from src/ (tests) or the bundled dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'recipes.schema.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('create-image: cannot find the package root (recipes.schema.json)');
    dir = up;
  }
  return (root = dir);
}

export const builtinRecipesDir = (): string => join(packageRoot(), 'recipes');
