// Base images with a newer release: a FROM's tag looked up in the dated release table and compared with
// the newest release of the same repository there. Pure: `check` reads the Dockerfiles, this says.
import { BASE_RELEASES, baseRelease, type BaseRelease } from './families.js';
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

const repository = (image: string): string => image.split(':')[0]!;

/**
 * The newer release for `image`, or undefined when it is the newest the table knows, unknown to it, or
 * built from a variable. The newest release is the one supported the longest (names and numbers of one
 * release, debian:trixie and debian:13, share a date: the first listed is taken).
 */
export function newerBase(image: string): BaseUpdate | undefined {
  if (image.includes('$')) return undefined;
  const current = baseRelease(image);
  if (!current) return undefined;
  const family = Object.values(releaseTable()).find((list) => list.includes(current));
  const same = (family ?? []).filter((r) => repository(r.image) === repository(current.image));
  const newest = same.reduce<BaseRelease | undefined>((best, r) => (!best || r.endOfSupport > best.endOfSupport ? r : best), undefined);
  if (!newest || newest.endOfSupport <= current.endOfSupport) return undefined;
  const ref = image.replace(/@sha256:[0-9a-f]+$/, '');
  const at = ref.lastIndexOf(current.image.split(':')[1]!);
  const variant = at >= 0 ? ref.slice(at + current.image.split(':')[1]!.length) : '';
  const prefix = ref.slice(0, ref.length - ref.replace(/^(docker\.io\/)?(library\/)?/, '').length);
  return { image, release: current.image, endOfSupport: current.endOfSupport, newest: newest.image, newestEndOfSupport: newest.endOfSupport, suggested: `${prefix}${newest.image}${/^-/.test(variant) ? variant : ''}` };
}
