// The checks and prompts of the answers that need more than a line in the table (answer-table.ts): the base
// and its family, the runtime and its version, the services a recipe lets run, and --env.
import type { AnswerContext } from './answer-types.js';
import { describeWhen, matchesWhen } from './facts.js';
import { PACKAGED_VERSIONS, releaseKey, SERVICES } from './families.js';
import type { Option, Prompter } from './prompter.js';
import { hasUrlPassword, looksSecret } from './secret-names.js';
import { sh } from './escape.js';
import type { Family, Issue, Recipe, Runtime, RuntimeName, When } from './types.js';
import { FAMILIES, RUNTIMES } from './types.js';
import { checkEnvName, checkImageRef, checkTimezone, checkValueSize, familyOf, isPinned, parseEnvAssignment, suggestTimezones, timezones } from './validate.js';
import { SERVICE_NAMES } from './families.js';
import { didYouMean } from './suggest.js';

/** ` (did you mean nginx?)` when a known word is near the given one, else nothing. */
const near = (word: string, known: readonly string[]): string => {
  // short words of a short list: two edits (a swapped pair of letters) are still a likely typo
  const hint = didYouMean(word, known, { maxDistance: 2 });
  return hint ? ` (${hint})` : '';
};

export function baseOptions(recipe: Recipe): Option[] {
  const b = recipe.manifest.bases;
  const images = new Map<string, string>([[b.default, 'default']]);
  for (const fam of b.families) {
    const img = b.images?.[fam];
    if (img && !images.has(img)) images.set(img, fam);
  }
  return [...images].map(([value, hint]) => ({ value, hint }));
}

/** A full reference, or a family name meaning the recipe's pinned image for it. */
export function acceptBase(value: unknown, c: AnswerContext): string {
  const b = c.recipe.manifest.bases;
  const base = String(value);
  if ((FAMILIES as readonly string[]).includes(base)) {
    const img = b.images?.[base as Family] ?? (familyOf(b.default) === base ? b.default : undefined);
    if (img) return img;
    c.issue(`recipe ${c.recipe.manifest.name} has no ${base} image; it supports: ${b.families.join(', ')}`);
    c.failed.add('base');
    return base;
  }
  const err = checkImageRef(base);
  if (err) {
    c.issue(err);
    c.failed.add('base');
    return base;
  }
  if (!isPinned(base)) c.issue(`"${base}" is not pinned: give a tag other than latest or a digest, e.g. ${b.default}`);
  return base;
}

/** --family, else told from the base image; either must be one the recipe supports. */
export function acceptFamily(value: unknown, c: AnswerContext): Family | undefined {
  if (c.failed.has('base')) return undefined;
  const b = c.recipe.manifest.bases;
  const base = c.a.base!;
  if (value !== undefined && !(FAMILIES as readonly unknown[]).includes(value)) {
    c.issue(`must be one of ${FAMILIES.join(', ')}${near(String(value), FAMILIES)}`);
    return undefined;
  }
  const family = (value as Family | undefined) ?? familyOf(base);
  if (!family) {
    c.issue(`cannot tell the family of "${base}": add --family ${b.families.join('|')}`);
    return undefined;
  }
  if (!b.families.includes(family)) c.issue(`${base} is a ${family} image; recipe ${c.recipe.manifest.name} supports ${b.families.join(', ')}`, c.pathOf('base'));
  return family;
}

export async function promptRuntime(p: Prompter, c: AnswerContext): Promise<string> {
  const name = await p.select({
    message: 'Language runtime',
    initialValue: (c.defaults.runtime ?? 'none').split('@')[0],
    options: RUNTIMES.map((r) => ({ value: r, label: r, ...(r === 'none' ? { hint: 'no language runtime' } : {}) })),
  });
  if (name === 'none') return name;
  const base = c.a.base!;
  const known = PACKAGED_VERSIONS[releaseKey(base) ?? '']?.[name as RuntimeName];
  const version = await p.text({
    message: `${name} version (empty: the base image's packaged one${known ? `, ${known}` : ''})`,
    initialValue: '',
    validate: (v) => (v ? runtimeVersionError(name as RuntimeName, v, base) : undefined),
  });
  return version ? `${name}@${version}` : name;
}

export function acceptRuntime(value: unknown, c: AnswerContext): Runtime {
  const [name, version = ''] = String(value).split('@') as [string, string?];
  if (!(RUNTIMES as readonly string[]).includes(name)) {
    c.issue(`unknown runtime "${name}"${near(name, RUNTIMES)}; accepted: ${RUNTIMES.join(', ')} (optionally name@version)`);
    return { name: 'none', version: '' };
  }
  const err = version ? runtimeVersionError(name as RuntimeName, version, c.a.base!) : undefined;
  if (err) c.issue(err);
  return { name: name as RuntimeName, version };
}

/** Why `version` of runtime `name` cannot be had on `base`, or undefined: the flag's and the prompt's one check. */
function runtimeVersionError(name: RuntimeName, version: string, base: string): string | undefined {
  if (!/^\d+(?:\.\d+){0,2}$/.test(version)) return `version "${version}" is not a version like 20 or 3.12`;
  const packaged = PACKAGED_VERSIONS[releaseKey(base) ?? '']?.[name];
  if (packaged && !packaged.startsWith(version) && !version.startsWith(packaged)) {
    return `${name} ${version} is not what ${base} packages (${packaged}); drop the version, or use a base image that ships it (e.g. ${name === 'go' ? 'golang' : name}:${version}-trixie)`;
  }
  return undefined;
}

/** Time zones for what has been typed: those containing it, else the nearest spellings ("did you mean"). */
export function timezoneOptions(input: string): Option[] {
  const all = timezones();
  if (!input) return all.map((z) => ({ value: z }));
  const lower = input.toLowerCase();
  const matching = all.filter((z) => z.toLowerCase().includes(lower));
  if (matching.length) return matching.map((z) => ({ value: z }));
  // a zone Intl knows but does not list (US/Eastern) is offered as typed
  if (!checkTimezone(input)) return [{ value: input }];
  return suggestTimezones(input).map((z) => ({ value: z, hint: 'did you mean this?' }));
}

/** The ports a generation exposes for `services` when neither --port nor the recipe names any: each one's own. */
export function defaultPorts(services: string[]): string[] {
  const ports = services.map((s) => SERVICES[s]?.port).filter((p): p is number => !!p);
  return [...new Set(ports)].map(String);
}

export function acceptServices(value: unknown, c: AnswerContext): string[] {
  const services = value as string[];
  for (const s of services) if (!SERVICES[s]) c.issue(`unknown service "${s}"${near(s, SERVICE_NAMES)}; accepted: ${SERVICE_NAMES.join(', ')}`);
  const refused = refusal(c, services);
  if (refused?.now) c.issue(refused.now.message);
  return services;
}

/** Own services that run only under a condition on the recipe's answers are checked once those are known. */
export async function settleServices(c: AnswerContext): Promise<void> {
  const refused = refusal(c, c.a.services!);
  if (refused?.unless && !matchesWhen(refused.unless.when, c.facts())) c.issues.push(refused.unless.issue);
}

/**
 * A recipe that neither asks for services nor defaults to any runs none but those its manifest names as its
 * own (ownServices: the app recipe's PHP stack runs nginx + php-fpm): others would be ignored or break it.
 * Refused `now` unless they are exactly the ownServices, and refused `unless` its `when` holds.
 */
function refusal(c: AnswerContext, services: string[]): { now?: Issue; unless?: { when: When; issue: Issue } } | undefined {
  const m = c.recipe.manifest;
  if (!services.length || c.asks.has('services') || c.defaults.services?.length) return undefined;
  const own = m.ownServices;
  const path = c.pathOf('services');
  const issue: Issue = {
    path,
    message: own
      ? `recipe ${m.name} runs no services but its own (${own.services.join(' + ')}${own.when ? ` when ${describeWhen(own.when)}` : ''}); drop ${path}, or use --recipe custom`
      : `recipe ${m.name} runs no extra services; drop ${path}, or use --recipe custom`,
  };
  const exactly = own !== undefined && services.length === own.services.length && own.services.every((s) => services.includes(s));
  if (!exactly) return { now: issue };
  return own.when ? { unless: { when: own.when, issue } } : {};
}

/** --secret names: variables the container reads at run time (NAME or NAME_FILE), never from the image. */
export function acceptSecrets(value: unknown, c: AnswerContext): string[] {
  const names = [...new Set(value as string[])];
  const declared = new Set((c.recipe.manifest.env ?? []).map((e) => e.name));
  for (const name of names) {
    const err = checkEnvName(name);
    if (err) c.issue(`${name}: ${err}`);
    else if (declared.has(name)) c.issue(`${name} is already one of recipe ${c.recipe.manifest.name}'s variables; set it at run time as its README says`);
    else if (/_FILE$/.test(name)) c.issue(`${name}: name the variable itself; its _FILE form is read too`);
  }
  return names;
}

/** --env entries: checked one by one; a variable another answer sets, a secret, or a value no environment can hold is refused. */
export function acceptEnv(value: unknown, c: AnswerContext): Record<string, string> {
  const env: Record<string, string> = {};
  const secret = new Set((c.recipe.manifest.env ?? []).filter((e) => e.secret).map((e) => e.name));
  const entries: [string, string][] = [];
  const flag = '--env';
  const at = (name: string) => `${c.raw.from?.[`env ${name}`] ?? flag} ${name}`;
  if (Array.isArray(value)) {
    for (const text of value as string[]) {
      const r = parseEnvAssignment(text);
      if ('error' in r && r.error) c.issue(r.error, flag);
      else entries.push([r.name!, r.value!]);
    }
  } else if (value) {
    for (const [k, v] of Object.entries(value as Record<string, string>)) {
      const err = checkEnvName(k);
      if (err) c.issue(err, at(k));
      else entries.push([k, String(v)]);
    }
  }
  for (const [name, v] of entries) {
    const err = envValueError(name, v, secret, c.envOwner(name));
    if (err) c.issue(err, at(name));
    else env[name] = v;
  }
  return env;
}

function envValueError(name: string, value: string, secret: Set<string>, owner: string | undefined): string | undefined {
  // a variable an answer sets itself (the answer table's `owns`) would contradict it
  if (owner) return `is set by ${owner} (which also configures the image for it); use ${owner} ${sh(value)} instead of --env`;
  const size = checkValueSize(value);
  if (size) return size;
  if (secret.has(name)) return `is a secret: it is never baked into the image; pass it at run time (docker run -e ${name}=... or -e ${name}_FILE=/run/secrets/...)`;
  // --env values become ENV lines, readable by anyone who pulls the image
  if (looksSecret(name) && value !== '') return `looks like a secret, and --env values are baked into the image for anyone who pulls it; declare it with --secret ${name} (read at run time from ${name} or a ${name}_FILE secret mount)`;
  if (hasUrlPassword(value)) return `is a URL with a password in it, and --env values are baked into the image for anyone who pulls it; declare it with --secret ${name} (read at run time from ${name} or a ${name}_FILE secret mount)`;
  if (value.includes('\0')) return 'contains a NUL byte, which no environment variable can hold';
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) return 'contains an unpaired UTF-16 surrogate, which UTF-8 cannot encode';
  return undefined;
}
