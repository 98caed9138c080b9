// Validators for user answers and flags. Pure, and they never throw: each returns an error message
// (saying what *is* accepted, so the CLI can print it next to the flag name) or undefined when fine,
// or a parsed value plus message. Callers turn messages into `Issue`s with the path they know.
import { GLIBC_LOCALES } from './glibc-locales.js';
import { closest } from './suggest.js';
import type { Family, PortSpec } from './types.js';

// ---------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------

// ICU (and so Intl) still uses CLDR's older canonical ids for these zones. The containers' tzdata
// calls them by the current IANA names, and the old ones are only backward links (which Debian and
// Ubuntu have started moving to the optional tzdata-legacy package), so prompts offer the new names.
const ICU_LEGACY: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

let zoneList: string[] | undefined;
let zoneSet: Set<string> | undefined;
let zoneByLower: Map<string, string> | undefined;

/** Every time zone a prompt should offer, current IANA spelling, sorted. */
export function timezones(): string[] {
  if (!zoneList) {
    const names = new Set(Intl.supportedValuesOf('timeZone').map((z) => ICU_LEGACY[z] ?? z));
    names.add('UTC'); // Intl lists only geographic zones, but UTC is what most servers want
    zoneList = [...names].sort();
  }
  return [...zoneList];
}

function knownZones(): { exact: Set<string>; byLower: Map<string, string> } {
  if (!zoneSet || !zoneByLower) {
    zoneSet = new Set([...timezones(), ...Object.keys(ICU_LEGACY), 'Etc/UTC']);
    zoneByLower = new Map([...zoneSet].map((z) => [z.toLowerCase(), z]));
  }
  return { exact: zoneSet, byLower: zoneByLower };
}

// Intl matches zone names case-insensitively, but the value becomes a path under /usr/share/zoneinfo
// on a case-sensitive file system. For aliases Intl accepts but does not list (US/Eastern, EST5EDT,
// Etc/GMT+5, GB-Eire) we can only check the shape tzdata names have: each part Capitalised
// (McMurdo, DumontDUrville), a short upper-case abbreviation (US, GMT+5, EST5EDT), or a lower-case
// connector inside a name (Port-au-Prince, Dar_es_Salaam).
const ZONE_WORD = /^(?:[A-Z][a-z]+(?:[A-Z][a-z]*)*|[A-Z]{1,4}(?:[+-]?\d{1,2}(?:[A-Z]{3})?)?)$/;
const ZONE_CONNECTOR = /^(?:au|of|es|de|da|del|la|le|el)$/;

function zoneCased(zone: string): boolean {
  return zone.split('/').every((segment) =>
    segment.split(/_|-(?=[A-Za-z])/).every((word, i) => ZONE_WORD.test(word) || (i > 0 && ZONE_CONNECTOR.test(word))),
  );
}

function intlAccepts(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const TZ_EXAMPLE = 'an IANA time zone name such as Europe/Berlin, America/New_York or UTC';

export function checkTimezone(zone: string): string | undefined {
  // Also a path component and a Dockerfile ENV value: keep to the characters tzdata names use.
  if (!/^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)*$/.test(zone)) {
    return `"${zone}" is not a time zone: expected ${TZ_EXAMPLE}`;
  }
  // The default answer: no need to load ICU's zone list for it.
  if (zone === 'UTC' || zone === 'Etc/UTC') return undefined;
  // A zone ICU lists, as most answers are: no lookup tables built for it.
  if (Intl.supportedValuesOf('timeZone').includes(zone)) return undefined;
  const { exact, byLower } = knownZones();
  if (exact.has(zone)) return undefined;
  const sameIgnoringCase = byLower.get(zone.toLowerCase());
  if (sameIgnoringCase) return `"${zone}" is not a time zone (names are case-sensitive): did you mean ${sameIgnoringCase}?`;
  const resolved = intlAccepts(zone);
  if (resolved === undefined) {
    const near = suggestTimezones(zone);
    return `"${zone}" is not a known time zone: ${near.length ? `did you mean ${near.join(' or ')}?` : `expected ${TZ_EXAMPLE}`}`;
  }
  if (!zoneCased(zone)) {
    const hint = ICU_LEGACY[resolved] ?? resolved;
    return `"${zone}" is not a time zone (names are case-sensitive): did you mean ${hint}?`;
  }
  return undefined;
}

/**
 * Known zones nearest to a misspelt one (`Asia/Shangai` -> Asia/Shanghai), nearest first: by the whole
 * name, else by the city alone (`Shangai` or `Europe/Paaris`).
 */
export function suggestTimezones(zone: string, limit = 2): string[] {
  const zones = timezones();
  const whole = closest(zone, zones, { limit });
  if (whole.length) return whole;
  const city = zone.slice(zone.lastIndexOf('/') + 1);
  const byCity = new Map(zones.map((z) => [z.slice(z.lastIndexOf('/') + 1), z]));
  return closest(city, byCity.keys(), { limit }).map((c) => byCity.get(c)!);
}

// ---------------------------------------------------------------------------------------------
// Locales
// ---------------------------------------------------------------------------------------------

/** Offered first in prompts; any valid locale may still be typed. */
export const commonLocales: readonly string[] = [
  'C.UTF-8',
  'en_US.UTF-8',
  'en_GB.UTF-8',
  'de_DE.UTF-8',
  'fr_FR.UTF-8',
  'es_ES.UTF-8',
  'it_IT.UTF-8',
  'nl_NL.UTF-8',
  'pl_PL.UTF-8',
  'pt_BR.UTF-8',
  'ru_RU.UTF-8',
  'tr_TR.UTF-8',
  'ja_JP.UTF-8',
  'ko_KR.UTF-8',
  'zh_CN.UTF-8',
  'zh_TW.UTF-8',
];

export interface LocaleParts {
  /** Language ("zh"), or "C" / "POSIX". */
  lang: string;
  /** Territory ("CN"); undefined for C, C.UTF-8 and POSIX. */
  territory?: string;
  /** Always "UTF-8" when set: the only charset generated. Undefined for C and POSIX. */
  charset?: string;
  /** glibc modifier without "@" ("latin" in sr_RS.UTF-8@latin). */
  modifier?: string;
  /** The locale source file for `localedef -i` ("zh_CN", "sr_RS@latin"); undefined for C and POSIX. */
  source?: string;
}

// ll_CC, a charset, and an optional @modifier. The charset may be missing only with a modifier
// (sr_RS@latin), because glibc names those variants that way; we still generate them as UTF-8.
const LOCALE = /^([A-Za-z]{2,3})_([A-Za-z]{2})(?:\.([A-Za-z0-9-]+))?(?:@([A-Za-z][A-Za-z0-9]*))?$/;
const UTF8 = /^utf-?8$/i;
const LOCALE_ACCEPTS = 'expected a UTF-8 locale like en_US.UTF-8, de_DE.utf8, sr_RS@latin, C.UTF-8, C or POSIX';

/** Canonical spelling (`zh_CN.utf8` → `zh_CN.UTF-8`, `sr_RS@latin` → `sr_RS.UTF-8@latin`), or undefined if not a valid locale. */
export function normaliseLocale(locale: string): string | undefined {
  if (locale === 'C' || locale === 'POSIX') return locale;
  if (/^C\.utf-?8$/i.test(locale)) return 'C.UTF-8';
  const m = LOCALE.exec(locale);
  if (!m) return undefined;
  const [, lang, territory, charset, modifier] = m;
  if (lang !== lang!.toLowerCase() || territory !== territory!.toUpperCase()) return undefined;
  if (charset !== undefined && !UTF8.test(charset)) return undefined;
  if (charset === undefined && modifier === undefined) return undefined;
  if (modifier !== undefined && modifier !== modifier.toLowerCase()) return undefined;
  return `${lang}_${territory}.UTF-8${modifier ? `@${modifier}` : ''}`;
}

export function checkLocale(locale: string): string | undefined {
  const norm = normaliseLocale(locale);
  if (norm !== undefined) {
    const source = localeParts(norm)?.source;
    if (source === undefined || GLIBC_LOCALES.has(source)) return undefined;
    return `"${locale}" is not a locale glibc can generate (no ${source} in its locale data): ${LOCALE_ACCEPTS}`;
  }
  const m = LOCALE.exec(locale);
  if (m) {
    const [, lang, territory, charset, modifier] = m;
    const suggestion = `${lang!.toLowerCase()}_${territory!.toUpperCase()}.UTF-8${modifier ? `@${modifier.toLowerCase()}` : ''}`;
    if (charset !== undefined && !UTF8.test(charset)) {
      return `"${locale}" uses charset ${charset}: only UTF-8 locales are supported (e.g. ${suggestion})`;
    }
    return `"${locale}" is not a locale name: did you mean ${suggestion}? (${LOCALE_ACCEPTS})`;
  }
  return `"${locale}" is not a locale name: ${LOCALE_ACCEPTS}`;
}

/** Parts of a valid locale, for templates (`localedef -i zh_CN -f UTF-8 zh_CN.UTF-8`); undefined if invalid. */
export function localeParts(locale: string): LocaleParts | undefined {
  const norm = normaliseLocale(locale);
  if (norm === undefined) return undefined;
  if (norm === 'C' || norm === 'POSIX') return { lang: norm };
  if (norm === 'C.UTF-8') return { lang: 'C', charset: 'UTF-8' };
  const [, lang, territory, , modifier] = LOCALE.exec(norm)!;
  const parts: LocaleParts = { lang: lang!, territory: territory!, charset: 'UTF-8', source: `${lang}_${territory}${modifier ? `@${modifier}` : ''}` };
  if (modifier) parts.modifier = modifier;
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------

export type PortResult = { port: PortSpec; error?: undefined } | { port?: undefined; error: string };

const PORT_ACCEPTS = 'expected a port 1-65535 or a range, optionally with /tcp or /udp (e.g. 8080, 53/udp, 21100-21110/tcp)';

/** The ports a manifest always exposes (validated with it, so each parses). */
export function manifestPorts(m: { ports?: readonly string[] }): PortSpec[] {
  return (m.ports ?? []).flatMap((p) => parsePort(p).port ?? []);
}

/** `8080`, `8080/udp`, `21100-21110`, `21100-21110/tcp`. Protocol defaults to tcp. */
export function parsePort(text: string): PortResult {
  // No leading zeros: "08080" is ambiguous enough that it is more likely a typo than intended.
  const m = /^([1-9]\d{0,4})(?:-([1-9]\d{0,4}))?(?:\/(tcp|udp))?$/i.exec(text.trim());
  if (!m) return { error: `"${text}" is not a port: ${PORT_ACCEPTS}` };
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > 65535 || to > 65535) return { error: `"${text}": ports must be between 1 and 65535` };
  if (from > to) return { error: `"${text}": a range must go from low to high (e.g. ${to}-${from})` };
  const proto = (m[3]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp';
  return { port: { from, to, proto } };
}

/** `8080`, `8080/udp`, `21100-21110`: the form EXPOSE and `docker run -p` take (tcp is the default there). */
export function formatPort(p: PortSpec): string {
  const range = p.from === p.to ? String(p.from) : `${p.from}-${p.to}`;
  return p.proto === 'tcp' ? range : `${range}/${p.proto}`;
}

/**
 * Concatenates the lists, dropping exact duplicates and ports already covered by an earlier or later
 * range of the same protocol. Order of first appearance is kept (the Dockerfile reads like the input).
 */
export function mergePorts(...lists: readonly (readonly PortSpec[])[]): PortSpec[] {
  const all = lists.flat();
  const covers = (a: PortSpec, b: PortSpec) => a.proto === b.proto && a.from <= b.from && b.to <= a.to;
  const out: PortSpec[] = [];
  all.forEach((p, i) => {
    // Drop p if another spec strictly contains it, or an identical one appeared earlier.
    const redundant = all.some((q, j) => j !== i && covers(q, p) && (!covers(p, q) || j < i));
    if (!redundant) out.push({ from: p.from, to: p.to, proto: p.proto });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Image references (github.com/distribution/reference grammar)
// ---------------------------------------------------------------------------------------------

export interface ImageRef {
  /** Registry host[:port] when the reference names one ("ghcr.io", "localhost:5000"). */
  registry?: string;
  /** Path without the registry ("debian", "library/debian", "team/app"). */
  repository: string;
  tag?: string;
  /** "sha256:<hex>". */
  digest?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const REF_EXAMPLE = 'e.g. debian:bookworm-slim, ghcr.io/acme/app:1.2.3 or debian@sha256:<64 hex digits>';

type RefResult = { ref: ImageRef; error?: undefined } | { ref?: undefined; error: string };

function parseRef(text: string): RefResult {
  const bad = (why: string): RefResult => ({ error: `"${text}" is not a valid image reference: ${why} (${REF_EXAMPLE})` });
  if (text === '') return { error: `an image reference is required (${REF_EXAMPLE})` };
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return bad('the digest must be sha256: followed by 64 lower-case hex digits');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return bad('a tag is 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"');
  }
  // Same rule as docker's splitDockerDomain: the first component is a registry if it looks like a host.
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      rest = rest.slice(slash + 1);
      if (!HOST.test(registry)) return bad(`"${registry}" is not a registry host[:port]`);
    }
  }
  const repository = rest;
  if (repository === '') return bad('the repository name is missing');
  if ((registry ? registry.length + 1 : 0) + repository.length > 255) return bad('the name is longer than 255 characters');
  for (const component of repository.split('/')) {
    if (component !== component.toLowerCase()) return bad('the repository name must be lower-case');
    if (!PATH_COMPONENT.test(component)) {
      return bad(`"${component}" is not a valid name component (lower-case letters and digits, separated by ".", "_", "__" or "-")`);
    }
  }
  const ref: ImageRef = { repository };
  if (registry !== undefined) ref.registry = registry;
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return { ref };
}

export function checkImageRef(ref: string): string | undefined {
  return parseRef(ref).error;
}

/** The parts of a valid reference, or undefined when `checkImageRef` would complain. */
export function parseImageRef(ref: string): ImageRef | undefined {
  return parseRef(ref).ref;
}

/** Has a tag other than `latest`, or a digest: a rebuild next month starts from the same base. */
export function isPinned(ref: string): boolean {
  const r = parseImageRef(ref);
  return !!r && (r.digest !== undefined || (r.tag !== undefined && r.tag !== 'latest'));
}

/** A base image: a valid reference that is pinned. */
export function checkBaseImage(ref: string): string | undefined {
  const error = checkImageRef(ref);
  if (error) return error;
  if (!isPinned(ref)) {
    return `"${ref}" is not pinned: name a tag other than latest (e.g. debian:bookworm-slim) or a digest (debian@sha256:...)`;
  }
  return undefined;
}

/** The tag an image gets when none is named: see engines/tags.ts for why `latest`. */
export const DEFAULT_TAG = 'latest';

const NAME_ACCEPTS = 'lower-case letters, digits and separators (".", "_", "__", "-"), path components joined by "/", optionally a registry host[:port]/ before and a :tag after (e.g. myapp, acme/web, localhost:5000/app:1.0)';

/**
 * `--name`: the image a generated folder builds, as `docker build -t` takes it (the reference grammar,
 * no digest). Everything derived from it (tags, compose `image:`, next steps, the README) uses it as is.
 */
export function checkImageName(name: string): string | undefined {
  const r = parseRef(name);
  if (r.error !== undefined || r.ref.digest !== undefined) return `"${name}" is not an image name: use ${NAME_ACCEPTS}`;
  return undefined;
}

/** `name:tag` to build: the name as given when it has a tag, else with `:latest`. */
export function imageTag(name: string): string {
  return parseImageRef(name)?.tag !== undefined ? name : `${name}:${DEFAULT_TAG}`;
}

/** The container and volume-name prefix for an image name: its last path component (`ghcr.io/acme/web:1` -> web). */
export function containerName(name: string): string {
  return (parseImageRef(name)?.repository ?? name).split('/').pop()!;
}

/** A `--tag` value: `name[:tag]` as `docker build -t` takes it (no digest; docker adds :latest when the tag is missing). */
export function checkTag(tag: string): string | undefined {
  const r = parseRef(tag);
  if (r.error !== undefined) return r.error.replace('image reference', 'image tag');
  if (r.ref.digest !== undefined) return `"${tag}" is not a valid image tag: a tag cannot carry a digest (e.g. myapp:1.0 or ghcr.io/acme/app:1.0)`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Sizes
// ---------------------------------------------------------------------------------------------

/** The longest value any answer may have (an env value, a --set value, a name...), in characters. */
export const MAX_VALUE_LENGTH = 4096;
/** The most entries a list answer may have (env vars, ports, services, --set answers). */
export const MAX_ENTRIES = 100;

export function checkValueSize(value: string): string | undefined {
  if (value.length <= MAX_VALUE_LENGTH) return undefined;
  return `${value.length} characters is too long: at most ${MAX_VALUE_LENGTH} (put longer content in a file the image copies)`;
}

// ---------------------------------------------------------------------------------------------
// Env vars and --set
// ---------------------------------------------------------------------------------------------

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkEnvName(name: string): string | undefined {
  if (ENV_NAME.test(name)) return undefined;
  return `"${name}" is not a valid env var name: use letters, digits and "_", not starting with a digit (e.g. APP_PORT)`;
}

export type EnvResult = { name: string; value: string; error?: undefined } | { name?: undefined; value?: undefined; error: string };

/** `KEY=VALUE`: split at the first "="; the value is taken verbatim (may be empty, contain "=", newlines...). */
export function parseEnvAssignment(text: string): EnvResult {
  const eq = text.indexOf('=');
  if (eq < 0) return { error: `"${text}" is not an assignment: expected KEY=VALUE (e.g. APP_PORT=8080; KEY= for an empty value)` };
  const name = text.slice(0, eq);
  const value = text.slice(eq + 1);
  const nameError = checkEnvName(name);
  if (nameError) return { error: nameError };
  // The kernel passes env and argv as C strings: a NUL would silently cut the value.
  if (value.includes('\0')) return { error: `the value of ${name} contains a NUL character, which no env var can hold` };
  return { name, value };
}

export type SetResult = { key: string; value: string; error?: undefined } | { key?: undefined; value?: undefined; error: string };

/** `--set key=value`. The value stays a string: it is coerced later against the question's type. */
export function parseSetAssignment(text: string): SetResult {
  const eq = text.indexOf('=');
  if (eq < 0) return { error: `"${text}" is not an assignment: expected key=value (e.g. --set admin_user=alice)` };
  const key = text.slice(0, eq);
  const value = text.slice(eq + 1);
  if (!/^[a-zA-Z][\w.-]*$/.test(key)) {
    return { error: `"${key}" is not a question name: use a letter followed by letters, digits, "_", "." or "-"` };
  }
  if (value.includes('\0')) return { error: `the value for ${key} contains a NUL character` };
  return { key, value };
}

// ---------------------------------------------------------------------------------------------
// Base image family
// ---------------------------------------------------------------------------------------------

const DEBIAN_CODENAMES = new Set(['jessie', 'stretch', 'buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'sid']);
const UBUNTU_CODENAMES = new Set(['trusty', 'xenial', 'bionic', 'focal', 'jammy', 'kinetic', 'lunar', 'mantic', 'noble', 'oracular', 'plucky', 'questing']);

/** A repository path component naming a distribution image (ubuntu, redhat/ubi9, almalinux/9-minimal). */
function familyOfName(name: string): Family | undefined {
  if (name === 'debian') return 'debian';
  if (name === 'ubuntu') return 'ubuntu';
  if (name === 'alpine') return 'alpine';
  if (/^(?:rockylinux|almalinux|fedora|centos|oraclelinux|amazonlinux)$/.test(name)) return 'rhel';
  if (/^ubi\d*(?:-(?:minimal|init))?$/.test(name)) return 'rhel';
  return undefined;
}

/** One "-"-separated word of a tag (bookworm, jammy, alpine3.20, ubuntu22.04, ubi9, al2023). */
function familyOfTagWord(word: string): Family | 'windows' | undefined {
  if (DEBIAN_CODENAMES.has(word) || /^debian\d*$/.test(word)) return 'debian';
  if (UBUNTU_CODENAMES.has(word) || /^ubuntu[\d.]*$/.test(word)) return 'ubuntu';
  if (/^alpine[\d.]*$/.test(word)) return 'alpine';
  if (/^(?:ubi\d+|rockylinux\d*|rocky\d*|almalinux\d*|centos\d*|stream\d+|fedora\d*|oraclelinux\d*|ol\d+|al2|al2023|amazonlinux\d*)$/.test(word)) return 'rhel';
  if (/^(?:windowsservercore|nanoserver|ltsc\d+)$/.test(word)) return 'windows';
  return undefined;
}

// Official images whose tags without an OS suffix (node:20, python:3.12-slim) are built on a known
// distribution. Only applied to Docker Hub library images: a fork could be built on anything.
const LIBRARY_DEFAULTS = new Map<string, Family>([
  ['node', 'debian'],
  ['python', 'debian'],
  ['golang', 'debian'],
  ['ruby', 'debian'],
  ['php', 'debian'],
  ['rust', 'debian'],
  ['perl', 'debian'],
  ['buildpack-deps', 'debian'],
  ['nginx', 'debian'],
  ['httpd', 'debian'],
  ['eclipse-temurin', 'ubuntu'],
  ['amazoncorretto', 'rhel'],
]);

/** The distribution family of a base image, or undefined when it cannot tell (the caller asks for --family). */
export function familyOf(image: string): Family | undefined {
  const ref = parseImageRef(image);
  if (!ref) return undefined;
  const components = ref.repository.split('/');
  // The image's own name first (debian:12, redhat/ubi9), then its namespace (almalinux/9-minimal).
  for (const c of [...components].reverse()) {
    const f = familyOfName(c);
    if (f) return f;
  }
  let slim = false;
  // Right to left: in python:3.12-slim-bookworm and eclipse-temurin:21-jre-jammy the OS comes last.
  for (const word of (ref.tag ?? '').split('-').reverse()) {
    const f = familyOfTagWord(word);
    if (f === 'windows') return undefined;
    if (f) return f;
    if (word === 'slim') slim = true;
  }
  const official = (ref.registry === undefined || ref.registry === 'docker.io') &&
    (components.length === 1 || (components.length === 2 && components[0] === 'library'));
  const name = components[components.length - 1]!;
  if (!official) return undefined;
  // "-slim" is the Debian-slim variant in every official image that has one.
  return LIBRARY_DEFAULTS.get(name) ?? (slim ? 'debian' : undefined);
}
