// Where fetched recipe sources live: $XDG_CACHE_HOME/create-image (default ~/.cache/create-image).
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { sha256 } from '../core/hash.js';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache'), 'create-image');
}

/** A short stable directory name for a key (URL and ref, or a package spec). */
export const cacheKey = (...parts: string[]) => sha256(parts.join('\0')).slice(0, 20);
