// Where fetched recipe sources live: $XDG_CACHE_HOME/create-image (default ~/.cache/create-image).
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache'), 'create-image');
}

/** A short stable directory name for a key (URL and ref, or a package spec). */
export const cacheKey = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 20);
