// Resolving every answer by one rule: given (flag or answers file) ?? (interactive ? prompt : default).
// All questions are asked before anything is written, so a cancel leaves nothing half-done.
// Validation collects `path: message` issues for every answer and throws one UsageError with all of them.
import { commandWords } from './command-words.js';
import { sh } from './escape.js';
import { looksSecret } from './secret-names.js';
import { UsageError } from './errors.js';
import { SERVICES, SERVICE_NAMES, PACKAGED_VERSIONS, releaseKey } from './families.js';
import { describeWhen, matchesWhen, whenFacts } from './facts.js';
import type { Answers, Family, Issue, PlannedCert, Question, Recipe, Runtime, RuntimeName, When } from './types.js';
import { FAMILIES, RUNTIMES } from './types.js';
import { checkEnvName, checkImageName, checkImageRef, checkLocale, checkTimezone, checkValueSize, commonLocales, familyOf, isPinned, normaliseLocale, parseEnvAssignment, parsePort, suggestTimezones, timezones } from './validate.js';

/** Everything a user can give up front: flags merged over an answers file. All optional. */
export interface RawAnswers {
  imageName?: string;
  base?: string;
  family?: string;
  runtime?: string;
  tz?: string;
  locale?: string;
  services?: string[];
  supervisor?: string;
  ports?: string[];
  /** KEY=VALUE strings, or a map from an answers file. */
  env?: string[] | Record<string, string>;
  set?: Record<string, unknown>;
  caCerts?: PlannedCert[];
  caInFinal?: boolean;
  /**
   * Where each given answer came from, for issues: key (`tz`, or `env NAME` / `set key` for an entry)
   * -> the path of the flag or file field that gave it (`--tz`, `--answers tz`). Unset: the flag.
   */
  from?: Record<string, string>;
}

export interface Option {
  value: string;
  label?: string;
  hint?: string;
}

/** The prompt seam: the clack implementation lives in edges/prompts.ts, tests drive it through streams. */
export interface Prompter {
  text(o: { message: string; placeholder?: string; initialValue?: string; validate?: (v: string) => string | undefined }): Promise<string>;
  confirm(o: { message: string; initialValue?: boolean }): Promise<boolean>;
  select(o: { message: string; options: Option[]; initialValue?: string }): Promise<string>;
  multiselect(o: { message: string; options: Option[]; initialValues?: string[]; required?: boolean }): Promise<string[]>;
  /**
   * A searchable list (timezones): `suggest` gives the options for what has been typed so far, and
   * `validate` sees the focused option (undefined when none matches) and the typed text.
   */
  autocomplete(o: {
    message: string;
    options: Option[];
    initialValue?: string;
    placeholder?: string;
    suggest?: (input: string) => Option[];
    validate?: (value: string | undefined, input: string) => string | undefined;
  }): Promise<string>;
}

export interface ResolveOptions {
  /** Prompts allowed (TTY, not CI, no --yes for the rest). */
  interactive: boolean;
  prompter?: Prompter;
}

/** Flag names, so every issue names what the user can change. */
const FLAGS = {
  base: '--base',
  family: '--family',
  runtime: '--runtime',
  tz: '--tz',
  locale: '--locale',
  services: '--service',
  supervisor: '--supervisor',
  ports: '--port',
  env: '--env',
  imageName: '--name',
} as const;
type Paths = Record<keyof typeof FLAGS, string>;

/** Each answer's path in issues: where the given value came from (`--answers tz`), else its flag. */
function pathsOf(raw: RawAnswers): Paths {
  return Object.fromEntries(Object.entries(FLAGS).map(([k, flag]) => [k, raw.from?.[k] ?? flag])) as Paths;
}

export async function resolveAnswers(recipe: Recipe, raw: RawAnswers, opts: ResolveOptions): Promise<Answers> {
  const m = recipe.manifest;
  const asks = new Set(m.ask ?? []);
  const d = m.defaults ?? {};
  const p = opts.interactive ? opts.prompter : undefined;
  const issues: Issue[] = [];
  // An issue names where the value came from: the flag, or the answers file's field.
  const FLAG = pathsOf(raw);
  // In a wizard a bad given value stops before the next question, not after all of them; prompts
  // themselves refuse a bad answer where it is typed (each with the check a given value gets).
  const ask = async <T>(key: string, given: T | undefined, prompt: () => Promise<T>, fallback: T): Promise<T> => {
    if (p && issues.length) throw new UsageError(issues);
    return given !== undefined ? given : p && asks.has(key as never) ? prompt() : fallback;
  };

  // Base image: a full reference, or a family name meaning the recipe's pinned image for it.
  const baseIn = await ask('base', raw.base, () =>
    p!.select({
      message: 'Base image',
      initialValue: m.bases.default,
      options: baseOptions(recipe),
    }),
    m.bases.default,
  );
  const { base, family } = resolveBase(recipe, baseIn, raw.family, issues, FLAG);

  const runtimeIn = await ask('runtime', raw.runtime, async () => {
    const name = await p!.select({
      message: 'Language runtime',
      initialValue: (d.runtime ?? 'none').split('@')[0],
      options: RUNTIMES.map((r) => ({ value: r, label: r, ...(r === 'none' ? { hint: 'no language runtime' } : {}) })),
    });
    if (name === 'none') return name;
    const known = PACKAGED_VERSIONS[releaseKey(base) ?? '']?.[name as RuntimeName];
    const version = await p!.text({
      message: `${name} version (empty: the base image's packaged one${known ? `, ${known}` : ''})`,
      initialValue: '',
      validate: (v) => (v ? runtimeVersionError(name as RuntimeName, v, base) : undefined),
    });
    return version ? `${name}@${version}` : name;
  }, d.runtime ?? 'none');
  const runtime = parseRuntime(runtimeIn, base, issues, FLAG.runtime);

  const tzIn = await ask('tz', raw.tz, () =>
    p!.autocomplete({
      message: 'Timezone (type to search)',
      initialValue: d.tz ?? 'UTC',
      options: timezones().map((z) => ({ value: z })),
      suggest: timezoneOptions,
      validate: (value, input) => (value === undefined ? (checkTimezone(input) ?? 'choose a time zone from the list') : checkTimezone(value)),
    }),
    d.tz ?? 'UTC',
  );
  const tzErr = checkTimezone(tzIn);
  if (tzErr) issues.push({ path: FLAG.tz, message: tzErr });

  const localeIn = await ask('locale', raw.locale, () =>
    p!.select({
      message: 'Locale',
      initialValue: d.locale ?? 'C.UTF-8',
      options: [...new Set([d.locale ?? 'C.UTF-8', ...commonLocales])].map((l) => ({ value: l })),
    }),
    d.locale ?? 'C.UTF-8',
  );
  const localeErr = checkLocale(localeIn);
  if (localeErr) issues.push({ path: FLAG.locale, message: localeErr });
  const locale = (localeErr ? undefined : normaliseLocale(localeIn)) ?? localeIn;

  const services = await ask('services', raw.services, () =>
    p!.multiselect({
      message: 'Services to run in the container (space to toggle)',
      options: SERVICE_NAMES.map((s) => ({ value: s, hint: SERVICES[s]!.description })),
      initialValues: d.services ?? [],
      required: false,
    }),
    d.services ?? [],
  );
  for (const s of services) {
    if (!SERVICES[s]) issues.push({ path: FLAG.services, message: `unknown service "${s}"; accepted: ${SERVICE_NAMES.join(', ')}` });
  }
  // A recipe that neither asks for services nor defaults to any runs none but those its manifest names as its own
  // (ownServices: the app recipe's PHP stack runs nginx + php-fpm): others would be ignored or break it.
  const servicesRefused = services.length > 0 && !asks.has('services') && !d.services?.length ? refuseServices(m, services, FLAG.services) : undefined;
  if (servicesRefused?.now) issues.push(servicesRefused.now);

  const askSupervisor = (message: string) =>
    ask('supervisor', raw.supervisor, () =>
      p!.select({
        message,
        initialValue: d.supervisor ?? 'supervisord',
        options: [
          { value: 'supervisord', hint: 'restarts a process that dies' },
          { value: 'watchdog', hint: 'a small script: the container stops when any process dies' },
        ],
      }),
      d.supervisor ?? 'supervisord',
    );
  let supervisorIn = services.length > 1 ? await askSupervisor('Two or more services: how should they be supervised?') : (raw.supervisor ?? d.supervisor ?? 'supervisord');

  const portsIn = await ask('ports', raw.ports, async () => {
    const text = await p!.text({
      message: 'Ports to expose (space-separated: 8080 53/udp 21100-21110; empty for none)',
      initialValue: ((d.ports?.length ? d.ports : defaultPorts(services))).join(' '),
      validate: (v) => v.split(/[\s,]+/).filter(Boolean).map((x) => parsePort(x).error).find(Boolean),
    });
    return text.split(/[\s,]+/).filter(Boolean);
  }, (d.ports?.length ? d.ports : defaultPorts(services)));
  const ports = portsIn.flatMap((t) => {
    const r = parsePort(String(t));
    if (r.error) issues.push({ path: FLAG.ports, message: r.error });
    return r.port ? [r.port] : [];
  });

  const env = parseEnv(recipe, raw, issues);
  const imageName = raw.imageName ?? m.name;
  const nameErr = checkImageName(imageName);
  if (nameErr) issues.push({ path: FLAG.imageName, message: nameErr });

  // The recipe's own questions, in order; `when` sees the answers so far.
  const set: Record<string, unknown> = {};
  // What `when` conditions see, with the answers so far.
  const factsNow = (supervisor: string, multiProcess?: When) => whenFacts({ set, services, supervisor: supervisor as Answers['supervisor'], runtime, family: family ?? 'debian', base, tz: tzIn, locale, ports }, multiProcess);
  const given = raw.set ?? {};
  const known = new Set((m.questions ?? []).map((q) => q.name));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) issues.push({ path: `${raw.from?.[`set ${key}`] ?? '--set'} ${key}`, message: `recipe ${m.name} has no question "${key}"; it asks: ${[...known].join(', ') || 'nothing'}` });
  }
  for (const q of m.questions ?? []) {
    if (p && issues.length) throw new UsageError(issues);
    const facts = factsNow(supervisorIn, m.multiProcess);
    if (!matchesWhen(q.when, facts)) continue;
    let value: unknown;
    const path = `${raw.from?.[`set ${q.name}`] ?? '--set'} ${q.name}`;
    if (given[q.name] !== undefined) value = coerce(q, given[q.name], issues, path);
    else if (p) value = await promptQuestion(p, q);
    else if (q.default !== undefined) value = q.default;
    else if (q.required) {
      issues.push({ path, message: `required (${q.message}); give it with --set ${q.name}=...` });
      continue;
    } else continue;
    checkQuestion(q, value, issues, path);
    set[q.name] = value;
  }
  // Own services that run only under a condition on the recipe's answers are checked once those are known.
  if (servicesRefused?.unless && !matchesWhen(servicesRefused.unless.when, factsNow(supervisorIn))) {
    issues.push(servicesRefused.unless.issue);
  }
  // A recipe running several processes of its own (manifest multiProcess) asks how, once its answers say so.
  if (services.length <= 1 && m.multiProcess && matchesWhen(m.multiProcess, factsNow('supervisord'))) {
    supervisorIn = await askSupervisor('Several processes run in the container: how should they be supervised?');
  }
  if (supervisorIn !== 'supervisord' && supervisorIn !== 'watchdog') issues.push({ path: FLAG.supervisor, message: `must be supervisord or watchdog, not "${supervisorIn}"` });

  if (issues.length) throw new UsageError(issues);
  return {
    recipe: m.name,
    imageName,
    base,
    family: family!,
    runtime,
    tz: tzIn,
    locale,
    services,
    supervisor: supervisorIn as Answers['supervisor'],
    ports,
    env,
    set,
    caCerts: raw.caCerts ?? [],
    caInFinal: raw.caInFinal ?? false,
  };
}

function baseOptions(recipe: Recipe): { value: string; label?: string; hint?: string }[] {
  const b = recipe.manifest.bases;
  const images = new Map<string, string>([[b.default, 'default']]);
  for (const fam of b.families) {
    const img = b.images?.[fam];
    if (img && !images.has(img)) images.set(img, fam);
  }
  return [...images].map(([value, hint]) => ({ value, hint }));
}

function resolveBase(recipe: Recipe, baseIn: string, familyIn: string | undefined, issues: Issue[], FLAG: Paths): { base: string; family?: Family } {
  const b = recipe.manifest.bases;
  let base = baseIn;
  if ((FAMILIES as readonly string[]).includes(baseIn)) {
    const img = b.images?.[baseIn as Family] ?? (familyOf(b.default) === baseIn ? b.default : undefined);
    if (!img) {
      issues.push({ path: FLAG.base, message: `recipe ${recipe.manifest.name} has no ${baseIn} image; it supports: ${b.families.join(', ')}` });
      return { base };
    }
    base = img;
  } else {
    const err = checkImageRef(base);
    if (err) {
      issues.push({ path: FLAG.base, message: err });
      return { base };
    }
    if (!isPinned(base)) {
      issues.push({ path: FLAG.base, message: `"${base}" is not pinned: give a tag other than latest or a digest, e.g. ${b.default}` });
    }
  }
  if (familyIn !== undefined && !(FAMILIES as readonly string[]).includes(familyIn)) {
    issues.push({ path: FLAG.family, message: `must be one of ${FAMILIES.join(', ')}` });
    return { base };
  }
  const family = (familyIn as Family | undefined) ?? familyOf(base);
  if (!family) {
    issues.push({ path: FLAG.family, message: `cannot tell the family of "${base}": add --family ${b.families.join('|')}` });
    return { base };
  }
  if (!b.families.includes(family)) {
    issues.push({ path: FLAG.base, message: `${base} is a ${family} image; recipe ${recipe.manifest.name} supports ${b.families.join(', ')}` });
  }
  return { base, family };
}

function parseRuntime(text: string, base: string, issues: Issue[], path: string): Runtime {
  const [name, version = ''] = text.split('@') as [string, string?];
  if (!(RUNTIMES as readonly string[]).includes(name)) {
    issues.push({ path, message: `unknown runtime "${name}"; accepted: ${RUNTIMES.join(', ')} (optionally name@version)` });
    return { name: 'none', version: '' };
  }
  const err = version ? runtimeVersionError(name as RuntimeName, version, base) : undefined;
  if (err) issues.push({ path, message: err });
  return { name: name as RuntimeName, version };
}

/** Why `version` of runtime `name` cannot be had on `base`, or undefined: the flag's and the prompt's one check. */
function runtimeVersionError(name: RuntimeName, version: string, base: string): string | undefined {
  if (!/^\d+(?:\.\d+){0,2}$/.test(version)) return `version "${version}" is not a version like 20 or 3.12`;
  const packaged = PACKAGED_VERSIONS[releaseKey(base) ?? '']?.[name];
  if (packaged && !packaged.startsWith(version) && !version.startsWith(packaged)) {
    return `${name} ${version} is not what ${base} packages (${packaged}); drop the version, or use a base image that ships it (e.g. ${name === 'go' ? 'golang' : name}:${version}-bookworm)`;
  }
  return undefined;
}

/** Time zones for what has been typed: those containing it, else the nearest spellings ("did you mean"). */
function timezoneOptions(input: string): Option[] {
  const all = timezones();
  if (!input) return all.map((z) => ({ value: z }));
  const lower = input.toLowerCase();
  const matching = all.filter((z) => z.toLowerCase().includes(lower));
  if (matching.length) return matching.map((z) => ({ value: z }));
  // a zone Intl knows but does not list (US/Eastern) is offered as typed
  if (!checkTimezone(input)) return [{ value: input }];
  return suggestTimezones(input).map((z) => ({ value: z, hint: 'did you mean this?' }));
}

/**
 * Services given to a recipe that does not let the user choose them: refused `now` unless they are exactly the
 * manifest's ownServices, and refused `unless` its `when` holds (checked after the recipe's own questions).
 */
function refuseServices(m: Recipe['manifest'], services: string[], path: string): { now?: Issue; unless?: { when: When; issue: Issue } } {
  const own = m.ownServices;
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

/** The ports a generation exposes for `services` when neither --port nor the recipe names any: each one's own. */
export function defaultPorts(services: string[]): string[] {
  const ports = services.map((s) => SERVICES[s]?.port).filter((p): p is number => !!p);
  return [...new Set(ports)].map(String);
}

function parseEnv(recipe: Recipe, raw: RawAnswers, issues: Issue[]): Record<string, string> {
  const env: Record<string, string> = {};
  const secret = new Set((recipe.manifest.env ?? []).filter((e) => e.secret).map((e) => e.name));
  const entries: [string, string][] = [];
  const input = raw.env;
  const at = (name: string) => `${raw.from?.[`env ${name}`] ?? FLAGS.env} ${name}`;
  if (Array.isArray(input)) {
    for (const text of input) {
      const r = parseEnvAssignment(text);
      if ('error' in r && r.error) issues.push({ path: FLAGS.env, message: r.error });
      else entries.push([r.name!, r.value!]);
    }
  } else if (input) {
    for (const [k, v] of Object.entries(input)) {
      const err = checkEnvName(k);
      if (err) issues.push({ path: at(k), message: err });
      else entries.push([k, String(v)]);
    }
  }
  for (const [name, value] of entries) {
    const owner = answerOwning(name);
    if (owner) {
      issues.push({ path: at(name), message: `is set by ${owner} (which also configures the image for it); use ${owner} ${sh(value)} instead of ${FLAGS.env}` });
      continue;
    }
    const size = checkValueSize(value);
    if (size) {
      issues.push({ path: at(name), message: size });
      continue;
    }
    if (secret.has(name)) {
      issues.push({ path: at(name), message: `is a secret: it is never baked into the image; pass it at run time (docker run -e ${name}=... or -e ${name}_FILE=/run/secrets/...)` });
      continue;
    }
    // --env values become ENV lines, readable by anyone who pulls the image
    if (looksSecret(name) && value !== '') {
      issues.push({ path: at(name), message: `looks like a secret, and --env values are baked into the image for anyone who pulls it; pass it at run time instead (docker run -e ${name}=... or a ${name}_FILE secret mount)` });
      continue;
    }
    if (value.includes('\0')) {
      issues.push({ path: at(name), message: 'contains a NUL byte, which no environment variable can hold' });
      continue;
    }
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) {
      issues.push({ path: at(name), message: 'contains an unpaired UTF-16 surrogate, which UTF-8 cannot encode' });
      continue;
    }
    env[name] = value;
  }
  return env;
}

/**
 * Variables an answer of its own sets: TZ by --tz (tzdata, /etc/localtime), LANG and LC_* by --locale
 * (the locale generated). An --env for them would contradict that answer, so it is refused.
 */
function answerOwning(name: string): string | undefined {
  if (name === 'TZ') return '--tz';
  if (name === 'LANG' || name.startsWith('LC_')) return '--locale';
  return undefined;
}

async function promptQuestion(p: Prompter, q: Question): Promise<unknown> {
  switch (q.type) {
    case 'boolean':
      return p.confirm({ message: q.message, initialValue: Boolean(q.default) });
    case 'select':
      return p.select({ message: q.message, options: q.choices!, ...(q.default !== undefined ? { initialValue: String(q.default) } : {}) });
    case 'multiselect':
      return p.multiselect({ message: q.message, options: q.choices!, initialValues: (q.default as string[] | undefined) ?? [], required: !!q.required });
    case 'number': {
      const t = await p.text({ message: q.message, initialValue: q.default !== undefined ? String(q.default) : '', validate: (v) => (Number.isFinite(Number(v)) ? undefined : 'enter a number') });
      return Number(t);
    }
    default:
      return p.text({
        message: q.message,
        initialValue: q.default !== undefined ? String(q.default) : '',
        validate: (v) => questionError(q, v),
      });
  }
}

/** --set values arrive as strings; answers files may already hold typed values. */
function coerce(q: Question, v: unknown, issues: Issue[], path: string): unknown {
  if (q.type === 'boolean') {
    if (typeof v === 'boolean') return v;
    const s = String(v).toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(s)) return true;
    if (['false', 'no', '0', 'off'].includes(s)) return false;
    issues.push({ path, message: `must be true or false, not "${String(v)}"` });
    return v;
  }
  if (q.type === 'number') {
    const n = Number(v);
    if (!Number.isFinite(n) || String(v).trim() === '') issues.push({ path, message: `must be a number, not "${String(v)}"` });
    return n;
  }
  if (q.type === 'multiselect') return Array.isArray(v) ? v.map(String) : String(v).split(',').map((s) => s.trim()).filter(Boolean);
  return String(v);
}

function questionError(q: Question, v: string): string | undefined {
  const size = checkValueSize(v);
  if (size) return size;
  if (q.required && v === '') return 'required';
  if (q.pattern && !new RegExp(`^(?:${q.pattern})$`, 'u').test(v)) return `must be ${q.patternHint ?? `like /${q.pattern}/`}`;
  if (/[\0\r\n]/.test(v)) return 'must be one line';
  if (q.type === 'command') return commandWords(v).error;
  return undefined;
}

function checkQuestion(q: Question, value: unknown, issues: Issue[], path: string): void {
  const values = q.type === 'multiselect' ? (value as string[]) : q.type === 'select' ? [String(value)] : [];
  for (const v of values) {
    if (!q.choices!.some((c) => c.value === v)) issues.push({ path, message: `"${v}" is not one of: ${q.choices!.map((c) => c.value).join(', ')}` });
  }
  if (q.type === 'string' || q.type === 'path' || q.type === 'command') {
    const err = questionError(q, String(value));
    if (err) issues.push({ path, message: err });
  }
}
