// External recipe sources (dirs, git, npm). Placeholder: only local dirs for now.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { RecipeSource } from './load.js';

export async function externalSources(flags: { recipes?: string[] }, _interactive: boolean): Promise<RecipeSource[]> {
  const specs = [...(flags.recipes ?? []), ...(process.env.CREATE_IMAGE_RECIPES?.split(',').filter(Boolean) ?? [])];
  return specs.map((s) => {
    const dir = resolve(s);
    if (!existsSync(dir)) throw new UsageError([{ path: '--recipes', message: `${s}: not a directory (git and npm sources are not available in this build yet)` }]);
    return { dir, label: dir };
  });
}
