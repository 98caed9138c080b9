// One mapper from every place answers come from to RawAnswers: flags, an --answers file, a `recipe test`
// fixture, and the answers a .create-image.json recorded. Each arrives as a layer in the answers-file
// shape; later layers win key by key, and env and set merge by name (a flag changes one entry).
// The shape is checked here, once for every source and by each answer's shape in the answer table: each
// key's type, the size of every value, and env/set entries; each problem is a `path: message` issue
// naming where the value came from.
import { ANSWER_FILE_KEYS, ANSWER_TABLE, flagName, type RawAnswers } from './answer-table.js';
import type { AnswerEntry } from './answer-types.js';
import { UsageError } from './errors.js';
import type { Issue, PlannedCert, PortSpec } from './types.js';
import { checkValueSize, formatPort, MAX_ENTRIES, parseEnvAssignment, parseSetAssignment } from './validate.js';

/** The keys of an answers file (`--answers`). */
export const ANSWER_KEYS = ANSWER_FILE_KEYS;

export interface AnswerLayer {
  /** Values by answers-file key (undefined: not given); the record's own keys (`imageName`) are read too. */
  values: Record<string, unknown>;
  /** How an issue names a key of this layer: `--answers base`, `--set`, `fixture.yaml: env`. */
  path: (key: string) => string;
  /** The keys this layer may hold; any other is an issue. Unset: no check (flags). */
  keys?: readonly string[];
  /** CA certificates, already read (reading files is the caller's). */
  caCerts?: PlannedCert[];
}

const TABLE: readonly AnswerEntry[] = ANSWER_TABLE;

/** Flags arrive under the answers-file key: an issue names the flag (`--service`, `--name`). */
export const flagPath = (key: string): string => {
  const e = TABLE.find((x) => x.file === key || x.key === key);
  return e ? flagName(e) : `--${key}`;
};

/** The answers a command's flags give, as a layer: each entry's flag under its answers-file key. */
export function flagLayer(flags: Record<string, unknown>, only?: (e: AnswerEntry) => boolean, caCerts?: PlannedCert[]): AnswerLayer {
  const values: Record<string, unknown> = {};
  for (const e of TABLE) if (!e.byCaller && e.shape !== 'paths' && (!only || only(e))) values[e.file] = flags[e.flag.prop];
  return { values, path: flagPath, ...(caCerts ? { caCerts } : {}) };
}

/** What a value is, for "expected a string, got a list". */
const kind = (v: unknown): string => (Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'a mapping' : `a ${typeof v} (${JSON.stringify(v)})`);

export function rawAnswersFrom(layers: AnswerLayer[]): RawAnswers {
  const issues: Issue[] = [];
  const raw: Record<string, unknown> = {};
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
    const text = (value: unknown, path: string): string | undefined => {
      if (value === undefined || value === null) return undefined;
      if (typeof value === 'string') return sized(path, value);
      bad(path, `expected a string, got ${kind(value)}`);
      return undefined;
    };
    const list = (key: string, value: unknown, item: (x: unknown, path: string) => string | undefined): string[] | undefined => {
      if (value === undefined || value === null) return undefined;
      const items = Array.isArray(value) ? value : [value];
      if (items.length > MAX_ENTRIES) {
        bad(at(key), `at most ${MAX_ENTRIES} entries, got ${items.length}`);
        return undefined;
      }
      return items.map((x, i) => item(x, Array.isArray(value) ? at(key, i) : at(key))).filter((x): x is string => x !== undefined);
    };

    for (const e of TABLE) {
      // a record keeps an answer under its own key (imageName), an answers file under the flag's (name)
      const key = v[e.file] === undefined && v[e.key] !== undefined ? e.key : e.file;
      const value = v[key];
      const path = at(key);
      let got: unknown;
      switch (e.shape) {
        case 'text':
          got = text(value, path);
          break;
        case 'runtime': {
          const r = runtimeText(value, path, bad);
          got = r !== undefined ? sized(path, r) : undefined;
          break;
        }
        case 'list':
          got = list(key, value, (x, p) => text(x, p));
          break;
        case 'ports':
          got = list(key, value, (x, p) => portText(x, p, bad));
          break;
        case 'paths':
          list(key, value, (x, p) => text(x, p)); // read by the caller: only the shape is checked here
          if (layer.caCerts) raw[e.key] = layer.caCerts;
          continue;
        case 'boolean':
          if (value !== undefined && value !== null) {
            if (typeof value === 'boolean') raw[e.key] = value;
            else bad(path, `expected true or false, got ${kind(value)}`);
          }
          continue;
        case 'env':
        case 'set':
          if (value !== undefined && value !== null) {
            const isEnv = e.shape === 'env';
            const found = entries(value, path, (i) => at(key, i), isEnv ? parseEnv : parseSetAssignment, isEnv, bad);
            for (const k of Object.keys(found)) from[`${e.key} ${k}`] = path;
            if (isEnv) env = { ...env, ...(found as Record<string, string>) };
            else set = { ...set, ...found };
          }
          continue;
      }
      // the recipe is chosen by the caller: only its shape is checked here
      if (got !== undefined && !e.byCaller) {
        raw[e.key] = got;
        from[e.key] = path;
      }
    }
  }
  if (issues.length) throw new UsageError(issues);
  if (env) raw.env = env;
  if (set) raw.set = set;
  raw.from = from;
  return raw as RawAnswers;
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
