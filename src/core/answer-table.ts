// One entry per answer: its flag, its field in answers files and records, how a given value is read and
// checked, its default (a recipe's `defaults` win), its prompt, its label, and what `update` does with it.
// The commander options, the flags type, the answers-file reader, the prompt loop, the wizard's summary,
// the record and update's replay are all made from this table: adding an answer is one entry here plus
// its use in templates. Order matters: answers are resolved, asked and recorded in table order, and an
// entry sees those before it (runtime sees the base, ports see the services).
import { acceptBase, acceptFamily, acceptRuntime, acceptServices, acceptEnv, acceptSecrets, baseOptions, defaultPorts, promptRuntime, settleServices, timezoneOptions } from './answer-rules.js';
import { questionLabel, resolveQuestions } from './questions.js';
import type { AnswerContext, AnswerEntry, FlagValue, RawAnswerValues, Shape } from './answer-types.js';
import type { Prompter } from './prompter.js';
import { SERVICES, SERVICE_NAMES } from './families.js';
import { matchesWhen, whenFacts } from './facts.js';
import type { Answers, PlannedCert, PortSpec, Recipe } from './types.js';
import { RUNTIMES } from './types.js';
import { checkImageName, checkLocale, checkTimezone, commonLocales, formatPort, normaliseLocale, parsePort, timezones } from './validate.js';

// An entry keeps its flag's property and value kinds as literal types: the flags type is made from them.
// (and its update rule: the update command's flags are those with one)
// (its key and shape: the raw answers type is made from them)
const entry = <const K extends keyof Answers, const S extends Shape, const P extends string, const V extends FlagValue, const U extends 'replace' | 'merge' = never>(
  e: AnswerEntry<P, V> & { key: K; shape: S; update?: U },
): AnswerEntry<P, V> & { key: K; shape: S; update?: U } => e;

const portText = (p: PortSpec) => `${formatPort(p)}${p.proto === 'udp' ? '/udp' : ''}`;
const portsText = (ports: PortSpec[]) => ports.map(portText).join(' ');
const SUPERVISORS = ['supervisord', 'watchdog'] as const;

/** An accept that keeps the value as given and reports what `check` says of it. */
const checkedBy = (check: (value: string) => string | undefined) => (v: unknown, c: AnswerContext) => {
  const err = check(String(v));
  if (err) c.issue(err);
  return v;
};

/** The supervisor prompt: with two or more services, and when a recipe's own processes are several. */
const askSupervisor = (message: string) => (p: Prompter, c: AnswerContext) =>
  p.select({
    message,
    initialValue: c.defaults.supervisor ?? 'supervisord',
    options: [
      { value: 'supervisord', hint: 'restarts a process that dies' },
      { value: 'watchdog', hint: 'a small script: the container stops when any process dies' },
    ],
  });

export const ANSWER_TABLE = [
  entry({
    key: 'recipe',
    file: 'recipe',
    flag: { spec: '-r, --recipe <name>', prop: 'recipe', value: 'text', help: 'recipe to use (see `create-image list`)' },
    shape: 'text',
    byCaller: true,
    label: 'Recipe',
    show: (a) => a.recipe,
  }),
  entry({
    key: 'imageName',
    file: 'name',
    flag: { spec: '--name <image-name>', prop: 'name', value: 'text', help: 'image name for tags and next steps (default: the target dir name)' },
    shape: 'text',
    update: 'replace',
    fixture: true,
    label: 'Image name',
    show: (a) => a.imageName,
    fallback: (c) => c.recipe.manifest.name,
    accept: checkedBy(checkImageName),
  }),
  entry({
    key: 'base',
    common: true,
    file: 'base',
    flag: { spec: '--base <image|family>', prop: 'base', value: 'text', help: 'base image, pinned (debian:bookworm-slim), or a family name (debian, ubuntu, alpine, rhel)' },
    shape: 'text',
    label: 'Base image',
    show: (a) => `${a.base} (${a.family})`,
    fallback: (c) => c.recipe.manifest.bases.default,
    ask: { prompt: (p, c) => p.select({ message: 'Base image', initialValue: c.recipe.manifest.bases.default, options: baseOptions(c.recipe) }) },
    accept: acceptBase,
  }),
  entry({
    key: 'family',
    common: true,
    file: 'family',
    flag: { spec: '--family <family>', prop: 'family', value: 'text', help: 'base image family when it cannot be told from the image name' },
    shape: 'text',
    givenWith: ['base'],
    label: 'Family',
    fallback: () => undefined,
    accept: acceptFamily,
  }),
  entry({
    key: 'runtime',
    common: true,
    file: 'runtime',
    flag: { spec: '--runtime <name[@version]>', prop: 'runtime', value: 'text', help: `language runtime: ${RUNTIMES.join(', ')}` },
    shape: 'runtime',
    update: 'replace',
    fixture: true,
    replay: 'none',
    label: 'Runtime',
    show: (a) => a.runtime.name + (a.runtime.version ? `@${a.runtime.version}` : ''),
    fallback: (c) => c.defaults.runtime ?? 'none',
    ask: { prompt: promptRuntime },
    accept: acceptRuntime,
  }),
  entry({
    key: 'tz',
    common: true,
    file: 'tz',
    flag: { spec: '--tz <zone>', prop: 'tz', value: 'text', help: 'IANA timezone, e.g. Asia/Shanghai' },
    shape: 'text',
    update: 'replace',
    fixture: true,
    label: 'Timezone',
    show: (a) => a.tz,
    owns: (name) => name === 'TZ',
    fallback: (c) => c.defaults.tz ?? 'UTC',
    ask: {
      prompt: (p, c) =>
        p.autocomplete({
          message: 'Timezone (type to search)',
          initialValue: c.defaults.tz ?? 'UTC',
          options: timezones().map((z) => ({ value: z })),
          suggest: timezoneOptions,
          validate: (value, input) => (value === undefined ? (checkTimezone(input) ?? 'choose a time zone from the list') : checkTimezone(value)),
        }),
    },
    accept: checkedBy(checkTimezone),
  }),
  entry({
    key: 'locale',
    common: true,
    file: 'locale',
    flag: { spec: '--locale <locale>', prop: 'locale', value: 'text', help: 'locale, e.g. zh_CN.UTF-8' },
    shape: 'text',
    update: 'replace',
    fixture: true,
    label: 'Locale',
    show: (a) => a.locale,
    owns: (name) => name === 'LANG' || name.startsWith('LC_'),
    fallback: (c) => c.defaults.locale ?? 'C.UTF-8',
    ask: {
      prompt: (p, c) =>
        p.select({
          message: 'Locale',
          initialValue: c.defaults.locale ?? 'C.UTF-8',
          options: [...new Set([c.defaults.locale ?? 'C.UTF-8', ...commonLocales])].map((l) => ({ value: l })),
        }),
    },
    accept: (v, c) => {
      const err = checkLocale(String(v));
      if (err) c.issue(err);
      return (err ? undefined : normaliseLocale(String(v))) ?? v;
    },
  }),
  entry({
    key: 'services',
    common: true,
    file: 'services',
    flag: { spec: '--service <name>', prop: 'service', value: 'texts', help: `service to run: ${SERVICE_NAMES.join(', ')} (repeatable)` },
    shape: 'list',
    update: 'replace',
    fixture: true,
    replay: [],
    label: 'Services',
    show: (a) => a.services.join(', ') || 'none',
    fallback: (c) => c.defaults.services ?? [],
    ask: {
      prompt: (p, c) =>
        p.multiselect({
          message: 'Services to run in the container (space to toggle)',
          options: SERVICE_NAMES.map((s) => ({ value: s, hint: SERVICES[s]!.description })),
          initialValues: c.defaults.services ?? [],
          required: false,
        }),
    },
    accept: acceptServices,
    settle: settleServices,
  }),
  entry({
    key: 'supervisor',
    common: true,
    file: 'supervisor',
    flag: { spec: '--supervisor <kind>', prop: 'supervisor', value: 'text', help: 'with two or more services', choices: SUPERVISORS },
    shape: 'text',
    update: 'replace',
    fixture: true,
    label: 'Supervisor',
    show: (a, r) => (a.services.length > 1 || (r.manifest.multiProcess && matchesWhen(r.manifest.multiProcess, whenFacts(a))) ? a.supervisor : undefined),
    fallback: (c) => c.defaults.supervisor ?? 'supervisord',
    ask: { when: (c) => c.a.services!.length > 1, prompt: askSupervisor('Two or more services: how should they be supervised?') },
    accept: (v, c) => {
      if (!(SUPERVISORS as readonly unknown[]).includes(v)) c.issue(`must be supervisord or watchdog, not "${String(v)}"`);
      return v;
    },
    // A recipe running several processes of its own (manifest multiProcess) asks how, once its answers say so.
    settle: async (c) => {
      const m = c.recipe.manifest;
      if (c.raw.supervisor !== undefined || !c.prompter || !c.asks.has('supervisor') || c.a.services!.length > 1) return;
      if (m.multiProcess && matchesWhen(m.multiProcess, c.facts())) c.a.supervisor = (await askSupervisor('Several processes run in the container: how should they be supervised?')(c.prompter, c)) as Answers['supervisor'];
    },
  }),
  entry({
    key: 'ports',
    common: true,
    file: 'ports',
    flag: { spec: '-p, --port <port>', prop: 'port', value: 'texts', help: 'port to expose: 8080, 53/udp, 21100-21110 (repeatable)' },
    shape: 'ports',
    update: 'replace',
    fixture: true,
    replay: [],
    label: 'Ports',
    show: (a) => portsText(a.ports) || 'none',
    fallback: (c) => (c.defaults.ports?.length ? c.defaults.ports : defaultPorts(c.a.services!)),
    ask: {
      prompt: async (p, c) => {
        const text = await p.text({
          message: 'Ports to expose (space-separated: 8080 53/udp 21100-21110; empty for none)',
          initialValue: ((c.defaults.ports?.length ? c.defaults.ports : defaultPorts(c.a.services!))).join(' '),
          validate: (v) => v.split(/[\s,]+/).filter(Boolean).map((x) => parsePort(x).error).find(Boolean),
        });
        return text.split(/[\s,]+/).filter(Boolean);
      },
    },
    accept: (v, c) =>
      (v as unknown[]).flatMap((t) => {
        const r = parsePort(String(t));
        if (r.error) c.issue(r.error);
        return r.port ? [r.port] : [];
      }),
  }),
  entry({
    key: 'env',
    file: 'env',
    flag: { spec: '-e, --env <KEY=VALUE>', prop: 'env', value: 'texts', help: 'environment variable default baked into the image (repeatable; never for secrets)' },
    shape: 'env',
    update: 'merge',
    fixture: true,
    replay: {},
    label: 'Environment',
    show: (a) => Object.entries(a.env).map(([k, v]) => `${k}=${v}`).join(' ') || undefined,
    // secret values never reach the record
    record: (a, r) => {
      const secret = new Set((r.manifest.env ?? []).filter((e) => e.secret).map((e) => e.name));
      return Object.fromEntries(Object.entries(a.env).filter(([k]) => !secret.has(k)));
    },
    fallback: () => ({}),
    accept: acceptEnv,
  }),
  entry({
    key: 'secrets',
    file: 'secrets',
    flag: { spec: '--secret <NAME>', prop: 'secret', value: 'texts', help: 'variable the container reads at run time from NAME or a NAME_FILE secret mount, never baked into the image (repeatable)' },
    shape: 'list',
    update: 'replace',
    fixture: true,
    replay: [],
    label: 'Secrets',
    show: (a) => a.secrets.join(', ') || undefined,
    // left out of records that have none, as the records made before it
    record: (a) => (a.secrets.length ? a.secrets : undefined),
    fallback: () => [],
    accept: acceptSecrets,
  }),
  entry({
    key: 'set',
    file: 'set',
    flag: { spec: '--set <key=value>', prop: 'set', value: 'texts', help: "answer to one of the recipe's own questions (repeatable)" },
    shape: 'set',
    update: 'merge',
    fixture: true,
    replay: {},
    label: 'Recipe answers',
    // answers to questions the recipe no longer asks are dropped
    replayed: (v, r) => {
      const known = new Set((r.manifest.questions ?? []).map((q) => q.name));
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => known.has(k)));
    },
    resolve: resolveQuestions,
  }),
  entry({
    key: 'caCerts',
    file: 'caCerts',
    flag: { spec: '--ca-cert <file>', prop: 'caCert', value: 'texts', help: 'extra CA certificate (PEM) trusted while building, e.g. a corporate proxy CA (repeatable)' },
    shape: 'paths',
    label: 'CA certificates',
    show: (a) => a.caCerts.map((c) => c.name).join(', ') || undefined,
    record: (a) => a.caCerts.map((c) => c.name),
    fallback: (c) => c.raw.caCerts ?? [],
  }),
  entry({
    key: 'caInFinal',
    file: 'caInFinal',
    flag: { spec: '--ca-in-final', prop: 'caInFinal', value: 'boolean', help: 'keep the --ca-cert certificates trusted in the final image too' },
    shape: 'boolean',
    replay: false,
    label: 'CA in final image',
    show: (a) => (a.caCerts.length ? (a.caInFinal ? 'yes' : 'no (build stages only)') : undefined),
    fallback: () => false,
  }),
] as const;

export type AnswerTable = typeof ANSWER_TABLE;

/** A given value before it is checked, by the shape it is read in. */
type RawOf<S extends Shape> = S extends 'text' | 'runtime'
  ? string
  : S extends 'list' | 'ports'
    ? string[]
    : S extends 'env'
      ? string[] | Record<string, string> // KEY=VALUE strings, or a map from an answers file
      : S extends 'set'
        ? Record<string, unknown>
        : S extends 'boolean'
          ? boolean
          : PlannedCert[];

/** Everything a user can give up front, by answer key, before it is checked: flags over files over defaults. */
export type RawAnswers = { [E in AnswerTable[number] as E extends { byCaller: true } ? never : E['key']]?: RawOf<E['shape']> } & Pick<RawAnswerValues, 'from'>;
export type { FlagValue } from './answer-types.js';

/** The flag an entry is named by in issues: its long form (`--port`). */
export const flagName = (e: AnswerEntry): string => /--[\w-]+/.exec(e.flag.spec)![0];

/** The fields of an answers file (`--answers`). */
export const ANSWER_FILE_KEYS: readonly string[] = ANSWER_TABLE.map((e) => e.file);
/** The fields of a `recipe test` fixture. */
export const FIXTURE_KEYS: readonly string[] = (ANSWER_TABLE as readonly AnswerEntry[]).filter((e) => e.fixture).map((e) => e.file);

/** The flag of the answer that sets environment variable `name` itself (its `owns`), if one does. */
export const ownerOfEnv = (name: string): string | undefined => {
  const e = (ANSWER_TABLE as readonly AnswerEntry[]).find((x) => x.owns?.(name));
  return e && flagName(e);
};

/** The answers as a record keeps them: every entry by its key, in table order, in its record form. */
export function recordedForm(a: Answers, recipe: Recipe): Record<string, unknown> {
  return Object.fromEntries((ANSWER_TABLE as readonly AnswerEntry[]).map((e) => [e.key, e.record ? e.record(a, recipe) : a[e.key]]));
}

/** A record's answers as an answers layer: what a field missing from an older record stands for filled in. */
export function replayedValues(recorded: Record<string, unknown>, recipe: Recipe): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const e of ANSWER_TABLE as readonly AnswerEntry[]) {
    if (e.byCaller || e.shape === 'paths') continue; // the recipe is the record's own; certificates are read back from certs/
    const v = recorded[e.key] ?? recorded[e.file] ?? e.replay;
    if (v !== undefined) values[e.key] = e.replayed ? e.replayed(v, recipe) : v;
  }
  return values;
}

/** The wizard's summary rows: each answer's label and value, the recipe's own answers by their labels; empty ones left out. */
export function summaryRows(a: Answers, recipe: Recipe): [string, string][] {
  const rows: [string, string][] = [];
  for (const e of ANSWER_TABLE as readonly AnswerEntry[]) {
    if (e.key === 'set') {
      for (const q of recipe.manifest.questions ?? []) {
        const v = a.set[q.name];
        const text = Array.isArray(v) ? v.join(', ') : v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
        if (text !== '') rows.push([questionLabel(q), text]);
      }
      continue;
    }
    const text = e.show?.(a, recipe);
    if (text !== undefined && text !== '') rows.push([e.label, text]);
  }
  return rows;
}

/** The common answers in plain values by field (`info --json`): runtime as `node@20`, ports as `8080` and `53/udp`. */
export function commonAnswers(a: Answers, recipe: Recipe): Record<string, unknown> {
  const plain = (e: AnswerEntry) => (e.shape === 'runtime' ? e.show!(a, recipe) : e.shape === 'ports' ? a.ports.map(portText) : a[e.key]);
  return Object.fromEntries((ANSWER_TABLE as readonly AnswerEntry[]).filter((e) => e.common).map((e) => [e.file, plain(e)]));
}

/** The common answers a recipe's `info` line shows (its base and ports have lines of their own): `tz UTC`. */
export function commonAnswerWords(a: Answers, recipe: Recipe): string[] {
  return (ANSWER_TABLE as readonly AnswerEntry[])
    .filter((e) => e.common && e.shape !== 'ports' && e.key !== 'base' && e.key !== 'family')
    .map((e) => [e.file, e.shape === 'list' ? (a[e.key] as string[]).join(' ') || 'none' : e.show?.(a, recipe)] as const)
    .filter(([, text]) => text !== undefined && text !== '')
    .map(([name, text]) => `${name} ${text}`);
}
