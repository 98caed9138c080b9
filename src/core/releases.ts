// One dated table of what create-image offers: base image releases with their end of support, the runtime
// lines it picks (node LTS), and the versions of the tools the templates install (uv, poetry, pnpm).
// Data, not code: a new release or a moved date is one line here. Warnings compare these dates with the
// day a run sees (src/edges/clock.ts), so a test can fix that day.
import type { Family } from './types.js';

/** A release of a family's base image and the last day its distribution supports it (security updates). */
export interface BaseRelease {
  /** The image's repository and release tag; variants (`-slim`, `3.22.1`, `@sha256:...`) match it too. */
  image: string;
  /** YYYY-MM-DD: end of security support (Debian: LTS; Ubuntu: standard support; Alpine: main repository). */
  endOfSupport: string;
  /** YYYY-MM-DD it was released, for a release added here near its release day: not suggested before it. */
  released?: string;
}

/**
 * The releases create-image knows per family, newest first, from each distribution's published schedule.
 * Aliases of one release (debian:13 and debian:trixie) are listed side by side with the same date.
 */
export const BASE_RELEASES: Readonly<Record<Family, readonly BaseRelease[]>> = {
  debian: [
    { image: 'debian:trixie', endOfSupport: '2030-06-30' },
    { image: 'debian:13', endOfSupport: '2030-06-30' },
    { image: 'debian:bookworm', endOfSupport: '2028-06-30' },
    { image: 'debian:12', endOfSupport: '2028-06-30' },
    { image: 'debian:bullseye', endOfSupport: '2026-08-31' },
    { image: 'debian:11', endOfSupport: '2026-08-31' },
    { image: 'debian:buster', endOfSupport: '2024-06-30' },
    { image: 'debian:10', endOfSupport: '2024-06-30' },
    { image: 'debian:stretch', endOfSupport: '2022-06-30' },
    { image: 'debian:9', endOfSupport: '2022-06-30' },
  ],
  ubuntu: [
    { image: 'ubuntu:26.04', endOfSupport: '2031-05-31', released: '2026-04-23' },
    { image: 'ubuntu:24.04', endOfSupport: '2029-05-31' },
    { image: 'ubuntu:noble', endOfSupport: '2029-05-31' },
    { image: 'ubuntu:22.04', endOfSupport: '2027-06-01' },
    { image: 'ubuntu:jammy', endOfSupport: '2027-06-01' },
    { image: 'ubuntu:20.04', endOfSupport: '2025-05-31' },
    { image: 'ubuntu:focal', endOfSupport: '2025-05-31' },
    { image: 'ubuntu:18.04', endOfSupport: '2023-05-31' },
    { image: 'ubuntu:bionic', endOfSupport: '2023-05-31' },
    { image: 'ubuntu:16.04', endOfSupport: '2021-04-30' },
  ],
  alpine: [
    { image: 'alpine:3.24', endOfSupport: '2028-05-01', released: '2026-06-09' },
    { image: 'alpine:3.23', endOfSupport: '2027-11-01' },
    { image: 'alpine:3.22', endOfSupport: '2027-05-01' },
    { image: 'alpine:3.21', endOfSupport: '2026-11-01' },
    { image: 'alpine:3.20', endOfSupport: '2026-04-01' },
    { image: 'alpine:3.19', endOfSupport: '2025-11-01' },
    { image: 'alpine:3.18', endOfSupport: '2025-05-09' },
  ],
  rhel: [
    { image: 'almalinux:10', endOfSupport: '2035-05-31' },
    { image: 'almalinux:9', endOfSupport: '2032-05-31' },
    { image: 'almalinux:8', endOfSupport: '2029-03-01' },
    { image: 'rockylinux:10', endOfSupport: '2035-05-31' },
    { image: 'rockylinux:9', endOfSupport: '2032-05-31' },
    { image: 'rockylinux:8', endOfSupport: '2029-05-31' },
    { image: 'centos:8', endOfSupport: '2021-12-31' },
    { image: 'centos:7', endOfSupport: '2024-06-30' },
    // Fedora's end of life is four weeks after the release two on: for 44, Fedora 46's planned April 2027 release
    { image: 'fedora:44', endOfSupport: '2027-05-19', released: '2026-04-28' },
    { image: 'fedora:43', endOfSupport: '2026-12-09' },
    { image: 'fedora:42', endOfSupport: '2026-05-13' },
    { image: 'fedora:41', endOfSupport: '2025-12-15' },
    { image: 'fedora:40', endOfSupport: '2025-05-13' },
    { image: 'fedora:39', endOfSupport: '2024-11-26' },
    { image: 'fedora:38', endOfSupport: '2024-05-21' },
  ],
};

/** The pinned image of each family a recipe gets when its manifest names none for it (`bases.images`): a supported release. */
export const BASE_IMAGES: Readonly<Record<Family, string>> = { debian: 'debian:trixie-slim', ubuntu: 'ubuntu:24.04', alpine: 'alpine:3.22', rhel: 'almalinux:9' };

/** The image's reference without registry prefix and digest: `docker.io/library/debian:12-slim@sha256:..` is `debian:12-slim`. */
const bareRef = (image: string): string => image.replace(/^(docker\.io\/)?(library\/)?/, '').replace(/@sha256:[0-9a-f]+$/, '');

/** The known release `image` is (docker.io/library/ and variants such as -slim or a patch release allowed), if any. */
export function baseRelease(image: string): BaseRelease | undefined {
  const ref = bareRef(image);
  for (const list of Object.values(BASE_RELEASES)) {
    for (const r of list) if (ref === r.image || (ref.startsWith(r.image) && /^[-.]/.test(ref.slice(r.image.length)))) return r;
  }
  return undefined;
}

const familyOf = (r: BaseRelease): Family => (Object.keys(BASE_RELEASES) as Family[]).find((f) => BASE_RELEASES[f].includes(r))!;

export interface NewerRelease {
  /** The table's release `image` is. */
  current: BaseRelease;
  /** The newest release of the same repository supported on the day. */
  newest: BaseRelease;
  /** `newest` spelt the way `image` is: its variant suffix kept (`debian:bookworm-slim` gives `debian:trixie-slim`). */
  suggested: string;
}

/**
 * The newest release of the same distribution (the same repository: debian, ubuntu, fedora...) that is
 * newer than `image`'s, released and supported on `day`, named the same way (a number stays a number: debian:12
 * gives debian:13); undefined when `image` is unknown or already the newest.
 */
export function newerRelease(image: string, day: string): NewerRelease | undefined {
  const r = baseRelease(image);
  if (!r) return undefined;
  const list = BASE_RELEASES[familyOf(r)];
  const repo = r.image.split(':')[0]!;
  const numeric = /:\d/.test(r.image);
  const sameKind = list.filter((x) => x.image.split(':')[0] === repo && /:\d/.test(x.image) === numeric && x.endOfSupport >= day && (x.released ?? '') <= day);
  const newest = sameKind.reduce<BaseRelease | undefined>((best, x) => (!best || x.endOfSupport > best.endOfSupport ? x : best), undefined);
  if (!newest || newest.endOfSupport <= r.endOfSupport) return undefined;
  const suffix = bareRef(image).slice(r.image.length);
  // a patch release (alpine:3.21.3) names no newer variant: the newer release alone
  return { current: r, newest, suggested: /^-/.test(suffix) ? `${newest.image}${suffix}` : newest.image };
}

/** One line when `image` is a release past its end of support on `day`, naming a supported one of its family. */
export function endOfSupportWarning(image: string, day: string): string | undefined {
  const r = baseRelease(image);
  if (!r || r.endOfSupport >= day) return undefined;
  const family = familyOf(r);
  return `base image ${image} is past its end of support (${r.endOfSupport}): no more security updates; use a supported release such as ${BASE_IMAGES[family]} (--base ${BASE_IMAGES[family]})`;
}

/** A Node.js release line: its LTS start (even majors) and end of life, from the Node.js release schedule. */
export interface NodeLine {
  major: number;
  /** YYYY-MM-DD it became LTS; undefined for an odd (never LTS) line. */
  lts?: string;
  endOfLife: string;
}

/** Node.js lines, newest first. */
export const NODE_LINES: readonly NodeLine[] = [
  { major: 26, lts: '2026-10-28', endOfLife: '2029-04-30' },
  { major: 25, endOfLife: '2026-06-01' },
  { major: 24, lts: '2025-10-28', endOfLife: '2028-04-30' },
  { major: 22, lts: '2024-10-29', endOfLife: '2027-04-30' },
  { major: 20, lts: '2023-10-24', endOfLife: '2026-04-30' },
  { major: 18, lts: '2023-10-18', endOfLife: '2025-04-30' },
];

/** The active LTS line on `day`: the newest line that is LTS by then and not past its end of life. */
export function nodeLts(day: string): NodeLine {
  return NODE_LINES.find((l) => l.lts !== undefined && l.lts <= day && l.endOfLife >= day) ?? NODE_LINES.find((l) => l.lts !== undefined)!;
}

/** The Node.js majors still supported on `day`, newest first (what a pin can be met with). */
export function supportedNodeMajors(day: string): number[] {
  return NODE_LINES.filter((l) => l.endOfLife >= day).map((l) => l.major);
}

/**
 * The release lines of each runtime that exist as official images (node: majors; the others major.minor,
 * java majors), newest first: a pin none of them meets cannot be built, whatever the base.
 */
export const RUNTIME_LINES: Readonly<Record<'node' | 'python' | 'go' | 'java' | 'ruby' | 'php', readonly string[]>> = {
  node: NODE_LINES.map((l) => String(l.major)),
  python: ['3.14', '3.13', '3.12', '3.11', '3.10', '3.9'],
  go: ['1.27', '1.26', '1.25', '1.24', '1.23', '1.22'],
  java: ['25', '21', '17', '11', '8'],
  ruby: ['4.0', '3.4', '3.3', '3.2', '3.1'],
  php: ['8.5', '8.4', '8.3', '8.2', '8.1'],
};

/** Versions of the tools the templates install, each a release the build installs exactly (repeatable images). */
export const TOOL_VERSIONS = {
  /** uv (Python), installed with pip into its own venv. */
  uv: '0.9.5',
  /** Poetry (Python), installed with pip into its own venv. */
  poetry: '2.2.1',
  /** pnpm when the project's packageManager names no version. */
  pnpm: '10.34.8',
  /** corepack on a distribution's node, for Yarn 2+. */
  corepack: '0.36.0',
  /** The official gradle image's Gradle line for a Gradle project without a wrapper (gradle:<this>-jdk<N>). */
  gradle: '9.5.1',
  /** Yarn 1 for a yarn.lock v1 project on a distribution's node: Debian 13's yarnpkg is Yarn 4, which refuses its flags. */
  yarn: '1.22.22',
} as const;
