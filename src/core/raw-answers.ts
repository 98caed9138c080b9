// One mapper from every place answers come from to RawAnswers: flags, an --answers file, a `recipe test`
// fixture, and the answers a .create-image.json recorded. Each arrives as a layer in the answers-file
// shape; later layers win key by key, and env and set merge by name (a flag changes one entry).
// The shape is checked here, once for every source: each key's type, the size of every value, and
// env/set entries; each problem is a `path: message` issue naming where the value came from.
import type { RawAnswers } from './answers.js';
import { UsageError } from './errors.js';
import type { Issue, PlannedCert, PortSpec } from './types.js';
import { checkValueSize, formatPort, MAX_ENTRIES, parseEnvAssignment, parseSetAssignment } from './validate.js';

/** The keys of an answers file (`--answers`). */
export const ANSWER_KEYS = ['recipe', 'name', 'base', 'family', 'runtime', 'tz', 'locale', 'services', 'supervisor', 'ports', 'env', 'set', 'caCerts', 'caInFinal'] as const;

export interface AnswerLayer {
  /** Values by answers-file key (undefined: not given); `imageName` is read as `name` (the record's spelling). */
  values: Record<string, unknown>;
  /** How an issue names a key of this layer: `--answers tz`, `--set`, `fixture.yaml: env`. */
  path: (key: string) => string;
  /** The keys this layer may hold; any other is an issue. Unset: no check (flags). */
  keys?: readonly string[];
  /** CA certificates, already read (reading files is the caller's). */
  caCerts?: PlannedCert[];
}

/** Flags arrive under the flag's own name: `--set` issues name `--set`, `--env` issues `--env`. */
export const flagPath = (key: string): string => `--${{ services: 'service', ports: 'port', imageName: 'name' }[key] ?? key}`;

const SCALARS = ['base', 'family', 'tz', 'locale', 'supervisor'] as const;

/** What a value is, for "expected a string, got a list". */
const kind = (v: unknown): string => (Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'a mapping' : `a ${typeof v} (${JSON.stringify(v)})`);

export function rawAnswersFrom(layers: AnswerLayer[]): RawAnswers {
  const issues: Issue[] = [];
  const raw: RawAnswers = {};
  const from: Record<string, string> = {};
  let env: Record<string, string> | undefined;
  let set: Record<string, unknown> | undefined;
  for (const layer of layers) {
    const v = layer.values;
    // A layer read from a file (it lists its keys) names list items by index: `--answers ports[1]`.
    const at = (key: string, index?: number) => `${layer.path(key)}${index === undefined || !layer.keys ? '' : `[${index}]`}`;
    const bad = (path: string, message: string) => void issues.push({ path, message });
    if (layer.keys) for (const k of Object.keys(v)) if (!layer.keys.includes(k)) bad(layer.path(k), `unknown key; accepted: ${layer.keys.join(', ')}`);
    const sized = (path: string, s: string): string | undefined => {
      const err = checkValueSize(s);
      if (err) bad(path, err);
      return err ? undefined : s;
    };
    const text = (key: string, value: unknown, path = at(key)): string | undefined => {
      if (value === undefined || value === null) return undefined;
      if (typeof value === 'string') return sized(path, value);
      bad(path, `expected a string, got ${kind(value)}`);
      return undefined;
    };
    const list = (key: string, item: (x: unknown, path: string) => string | undefined): string[] | undefined => {
      const value = v[key];
      if (value === undefined || value === null) return undefined;
      const items = Array.isArray(value) ? value : [value];
      if (items.length > MAX_ENTRIES) {
        bad(at(key), `at most ${MAX_ENTRIES} entries, got ${items.length}`);
        return undefined;
      }
      return items.map((x, i) => item(x, Array.isArray(value) ? at(key, i) : at(key))).filter((x): x is string => x !== undefined);
    };
    const given = (key: string, path: string) => (from[key] = path);

    text('recipe', v.recipe); // chosen by the caller: only the shape is checked here
    const nameKey = v.name !== undefined ? 'name' : 'imageName';
    const name = text(nameKey, v[nameKey]);
    if (name !== undefined) {
      raw.imageName = name;
      given('imageName', at(nameKey));
    }
    for (const key of SCALARS) {
      const s = text(key, v[key]);
      if (s !== undefined) {
        raw[key] = s;
        given(key, at(key));
      }
    }
    const runtime = runtimeText(v.runtime, at('runtime'), bad);
    if (runtime !== undefined && sized(at('runtime'), runtime) !== undefined) {
      raw.runtime = runtime;
      given('runtime', at('runtime'));
    }
    const services = list('services', (x, path) => text('services', x, path));
    if (services) {
      raw.services = services;
      given('services', at('services'));
    }
    const ports = list('ports', (x, path) => portText(x, path, bad));
    if (ports) {
      raw.ports = ports;
      given('ports', at('ports'));
    }
    list('caCerts', (x, path) => text('caCerts', x, path)); // read by the caller: only the shape is checked here
    if (v.env !== undefined && v.env !== null) {
      const e = entries(v.env, at('env'), (i) => at('env', i), parseEnv, true, bad);
      for (const k of Object.keys(e)) from[`env ${k}`] = at('env');
      env = { ...env, ...(e as Record<string, string>) };
    }
    if (v.set !== undefined && v.set !== null) {
      const e = entries(v.set, at('set'), (i) => at('set', i), parseSetAssignment, false, bad);
      for (const k of Object.keys(e)) from[`set ${k}`] = at('set');
      set = { ...set, ...e };
    }
    if (layer.caCerts) raw.caCerts = layer.caCerts;
    if (v.caInFinal !== undefined && v.caInFinal !== null) {
      if (typeof v.caInFinal === 'boolean') raw.caInFinal = v.caInFinal;
      else bad(at('caInFinal'), `expected true or false, got ${kind(v.caInFinal)}`);
    }
  }
  if (issues.length) throw new UsageError(issues);
  if (env) raw.env = env;
  if (set) raw.set = set;
  raw.from = from;
  return raw;
}

/** `node@20`, or the record's `{ name: node, version: '20' }`. */
function runtimeText(value: unknown, path: string, bad: (path: string, message: string) => void): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const r = value as { name?: unknown; version?: unknown };
    if (typeof r.name === 'string' && (r.version === undefined || typeof r.version === 'string' || typeof r.version === 'number')) {
      return `${r.name}${r.version !== undefined && r.version !== '' ? `@${String(r.version)}` : ''}`;
    }
    bad(path, 'expected name[@version] (e.g. node@20) or { name, version }');
    return undefined;
  }
  bad(path, `expected a string such as node@20, got ${kind(value)}`);
  return undefined;
}

/** `8080`, `"53/udp"`, or the record's `{ from, to, proto }`. */
function portText(value: unknown, path: string, bad: (path: string, message: string) => void): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const p = value as Partial<PortSpec>;
    if (Number.isInteger(p.from) && Number.isInteger(p.to ?? p.from) && (p.proto === undefined || p.proto === 'tcp' || p.proto === 'udp')) {
      return formatPort({ from: p.from!, to: p.to ?? p.from!, proto: p.proto ?? 'tcp' });
    }
  }
  bad(path, `expected a port such as 8080, "53/udp" or "21100-21110", got ${kind(value)}`);
  return undefined;
}

const parseEnv = (s: string) => {
  const r = parseEnvAssignment(s);
  return r.error === undefined ? { key: r.name, value: r.value } : { error: r.error };
};

type Parse = (s: string) => { key: string; value: string; error?: undefined } | { key?: undefined; error: string };

/**
 * env and set: a mapping (`{ FOO: bar }`), or `KEY=VALUE` strings (one string counts as a list of one).
 * Env values are text (a number or boolean is written as it reads); set values keep their type, since
 * they are checked against the question's type later.
 */
function entries(value: unknown, path: string, itemPath: (index: number) => string, parse: Parse, isEnv: boolean, bad: (path: string, message: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const size = (p: string, s: string) => {
    const err = checkValueSize(s);
    if (err) bad(p, err);
    return !err;
  };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const map = Object.entries(value as Record<string, unknown>);
    if (map.length > MAX_ENTRIES) bad(path, `at most ${MAX_ENTRIES} entries, got ${map.length}`);
    for (const [k, x] of map.slice(0, MAX_ENTRIES)) {
      const p = `${path} ${k}`;
      const scalar = typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
      const ok = scalar || (!isEnv && Array.isArray(x) && x.every((i) => typeof i === 'string'));
      if (!ok) bad(p, `expected ${isEnv ? 'a string' : 'a string, number, boolean or list of strings'}, got ${kind(x)}`);
      else if (size(p, Array.isArray(x) ? x.join(',') : String(x))) out[k] = isEnv ? String(x) : x;
    }
    return out;
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_ENTRIES) {
    bad(path, `at most ${MAX_ENTRIES} entries, got ${items.length}`);
    return out;
  }
  const example = isEnv ? 'KEY=VALUE' : 'key=value';
  items.forEach((item, i) => {
    const p = Array.isArray(value) ? itemPath(i) : path;
    if (typeof item !== 'string') return bad(p, `expected a ${example} string, got ${kind(item)}`);
    if (!size(p, item)) return;
    const r = parse(item);
    if (r.error !== undefined) bad(p, r.error);
    else out[r.key] = r.value;
  });
  return out;
}
