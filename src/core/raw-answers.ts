// One mapper from every place answers come from to RawAnswers: flags, an --answers file, a `recipe test`
// fixture, and the answers a .create-image.json recorded. Each arrives as a layer in the answers-file
// shape; later layers win key by key, and env and set merge by name (a flag changes one entry).
import type { RawAnswers } from './answers.js';
import { UsageError } from './errors.js';
import type { Issue, PlannedCert, PortSpec } from './types.js';
import { formatPort, parseEnvAssignment, parseSetAssignment } from './validate.js';

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
export const flagPath = (key: string): string => `--${{ services: 'service', ports: 'port' }[key] ?? key}`;

const SCALARS = ['base', 'family', 'tz', 'locale', 'supervisor'] as const;

export function rawAnswersFrom(layers: AnswerLayer[]): RawAnswers {
  const issues: Issue[] = [];
  const raw: RawAnswers = {};
  let env: Record<string, string> | undefined;
  let set: Record<string, unknown> | undefined;
  for (const layer of layers) {
    const v = layer.values;
    if (layer.keys) for (const k of Object.keys(v)) if (!layer.keys.includes(k)) issues.push({ path: layer.path(k), message: `unknown key; accepted: ${layer.keys.join(', ')}` });
    const text = (key: string, value: unknown): string | undefined => {
      if (value === undefined || value === null) return undefined;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
      issues.push({ path: layer.path(key), message: `expected a string, got ${Array.isArray(value) ? 'a list' : typeof value}` });
      return undefined;
    };
    const list = (key: string, item: (x: unknown) => string | undefined = (x) => text(key, x)): string[] | undefined => {
      const value = v[key];
      if (value === undefined || value === null) return undefined;
      return (Array.isArray(value) ? value : [value]).map(item).filter((x): x is string => x !== undefined);
    };

    const name = text('name', v.name ?? v.imageName);
    if (name !== undefined) raw.imageName = name;
    for (const key of SCALARS) {
      const s = text(key, v[key]);
      if (s !== undefined) raw[key] = s;
    }
    const runtime = v.runtime;
    if (runtime && typeof runtime === 'object' && !Array.isArray(runtime) && 'name' in runtime) {
      const r = runtime as { name: unknown; version?: unknown };
      raw.runtime = `${String(r.name)}${r.version ? `@${String(r.version)}` : ''}`;
    } else {
      const s = text('runtime', runtime);
      if (s !== undefined) raw.runtime = s;
    }
    const services = list('services');
    if (services) raw.services = services;
    const ports = list('ports', (x) => (x && typeof x === 'object' && 'from' in x ? formatPort(x as PortSpec) : text('ports', x)));
    if (ports) raw.ports = ports;

    if (v.env !== undefined && v.env !== null) env = { ...env, ...(entries(layer, 'env', v.env, parseEnv, issues) as Record<string, string>) };
    if (v.set !== undefined && v.set !== null) set = { ...set, ...entries(layer, 'set', v.set, parseSet, issues) };
    if (layer.caCerts) raw.caCerts = layer.caCerts;
    if (v.caInFinal !== undefined) raw.caInFinal = Boolean(v.caInFinal);
  }
  if (issues.length) throw new UsageError(issues);
  if (env) raw.env = env;
  if (set) raw.set = set;
  return raw;
}

const parseEnv = (s: string) => {
  const r = parseEnvAssignment(s);
  return r.error === undefined ? { key: r.name, value: r.value } : { error: r.error };
};
const parseSet = (s: string) => parseSetAssignment(s);

/** A map as given, or `KEY=VALUE` strings parsed (one string counts as a list of one). */
function entries(
  layer: AnswerLayer,
  key: string,
  value: unknown,
  parse: (s: string) => { key: string; value: string; error?: undefined } | { key?: undefined; error: string },
  issues: Issue[],
): Record<string, unknown> {
  if (typeof value === 'object' && !Array.isArray(value)) return key === 'env' ? Object.fromEntries(Object.entries(value as object).map(([k, x]) => [k, String(x)])) : { ...(value as object) };
  const out: Record<string, unknown> = {};
  for (const item of Array.isArray(value) ? value : [value]) {
    const r = parse(String(item));
    if (r.error !== undefined) issues.push({ path: layer.path(key), message: r.error });
    else out[r.key] = r.value;
  }
  return out;
}
