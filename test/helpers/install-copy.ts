// A copy of the built package where an installer would put it (a project's node_modules, an npx cache
// entry), without running npm: the files package.json's `files` names, dist without source maps.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './engine.js';

/** Copies the package to `<dir>/node_modules/create-image`; returns the copy's bin. */
export function installCopy(dir: string): string {
  const pkg = path.join(dir, 'node_modules', 'create-image');
  mkdirSync(path.join(pkg, 'dist'), { recursive: true });
  for (const f of ['bin', 'recipes', 'recipes.schema.json', 'package.json']) cpSync(path.join(ROOT, f), path.join(pkg, f), { recursive: true });
  for (const f of readdirSync(path.join(ROOT, 'dist')).filter((n) => !n.endsWith('.map'))) cpSync(path.join(ROOT, 'dist', f), path.join(pkg, 'dist', f));
  return path.join(pkg, 'bin', 'create-image.cjs');
}
