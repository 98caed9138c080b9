// Base images with a newer release: a FROM's tag looked up in the dated release table and compared with
// the newest release of the same repository there. Pure: `check` reads the Dockerfiles, this says.
import { BASE_RELEASES, type BaseRelease } from './families.js';
import { newerRelease } from './releases.js';
import type { Family } from './types.js';

/** The dated release table; the one place this module reads it, so moving the table is one line here. */
export const releaseTable = (): Readonly<Record<Family, readonly BaseRelease[]>> => BASE_RELEASES;

export interface BaseUpdate {
  /** The image as the FROM names it. */
  image: string;
  /** The table's release it matched, e.g. debian:bookworm. */
  release: string;
  endOfSupport: string;
  /** The newest release of the same repository, e.g. debian:trixie. */
  newest: string;
  newestEndOfSupport: string;
  /** The FROM with the newer release and the same variant, e.g. debian:trixie-slim. */
  suggested: string;
}

/**
 * The newer release for `image` on `day` (the choice is newerRelease's), or undefined when it is the
 * newest supported release the table knows, unknown to it, or built from a variable. The suggestion
 * keeps the registry prefix the FROM wrote.
 */
export function newerBase(image: string, day: string): BaseUpdate | undefined {
  if (image.includes('$')) return undefined;
  const n = newerRelease(image, day);
  if (!n) return undefined;
  const ref = image.replace(/@sha256:[0-9a-f]+$/, '');
  const prefix = ref.slice(0, ref.length - ref.replace(/^(docker\.io\/)?(library\/)?/, '').length);
  return { image, release: n.current.image, endOfSupport: n.current.endOfSupport, newest: n.newest.image, newestEndOfSupport: n.newest.endOfSupport, suggested: `${prefix}${n.suggested}` };
}
