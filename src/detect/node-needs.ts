// The Node.js versions a project's well-known dependencies need: a project may pin nothing (or an old
// line) while its bundler or framework refuses to run below a version. The lockfile says which release is
// installed and, for npm and pnpm, the engines it declares; otherwise a small table by major gives them.
import { at, exists, fact } from './read.js';
import type { Fact, Snapshot } from './types.js';

/** engines.node of well-known packages by major, for lockfiles that do not record engines (yarn.lock) or no lockfile. */
const KNOWN: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  vite: { 6: '^18.0.0 || ^20.0.0 || >=22.0.0', 7: '^20.19.0 || >=22.12.0', 8: '^20.19.0 || >=22.12.0' },
  next: { 15: '^18.18.0 || ^19.8.0 || >=20.0.0', 16: '>=20.9.0' },
  nuxt: { 4: '^20.19.0 || >=22.12.0' },
  astro: { 5: '18.20.8 || ^20.3.0 || >=22.0.0' },
  '@nestjs/core': { 11: '>= 20' },
};

/** What one dependency needs of node, and where that was read: `vite 8.3.4, package-lock.json engines`. */
export interface Need {
  spec: string;
  /** The dependency and its release or declared range: `vite 8.3.4`. */
  who: string;
  /** Where the spec was read: `package-lock.json engines`, `engines of its 8.x releases`. */
  source: string;
  evidence: string;
}

/** The needs of the well-known packages among `deps` (name to declared range), with a fact for each. */
export function dependencyNeeds(snap: Snapshot, dir: string, deps: Record<string, string>, facts: Fact[]): Need[] {
  const needs: Need[] = [];
  for (const name of Object.keys(KNOWN)) {
    const declared = deps[name];
    if (declared === undefined) continue;
    const locked = lockedRelease(snap, dir, name);
    const version = locked?.version ?? /\d+(\.\d+){0,2}/.exec(declared)?.[0];
    const spec = locked?.engines ?? (version ? KNOWN[name]![Number(version.split('.')[0])] : undefined);
    if (!spec) continue;
    const who = `${name} ${locked ? version : declared}`;
    const source = locked?.engines ? `${locked.file} engines` : `${locked ? `${locked.file}; ` : ''}engines of its ${version?.split('.')[0]}.x releases`;
    const evidence = `${who}, ${source}`;
    needs.push({ spec, who, source, evidence });
    facts.push(fact('needs', `node ${spec}`, evidence));
  }
  return needs;
}

/** The installed release of `name` and its engines.node, from the app's lockfile (npm, pnpm or Yarn). */
function lockedRelease(snap: Snapshot, dir: string, name: string): { version: string; engines?: string; file: string } | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  for (const file of ['package-lock.json', 'npm-shrinkwrap.json']) {
    const text = exists(snap, at(dir, file)) ? snap.text(at(dir, file)) : undefined;
    if (text === undefined) continue;
    let entry: unknown;
    try {
      entry = (JSON.parse(text) as { packages?: Record<string, unknown> })?.packages?.[`node_modules/${name}`];
    } catch {
      return undefined;
    }
    if (!entry || typeof entry !== 'object') return undefined;
    const { version, engines } = entry as { version?: unknown; engines?: unknown };
    if (typeof version !== 'string' || !/^\d+\.\d+/.test(version)) return undefined;
    const node = engines && typeof engines === 'object' ? (engines as { node?: unknown }).node : undefined;
    return { version, ...(typeof node === 'string' && node.length < 100 ? { engines: node } : {}), file };
  }
  const pnpm = exists(snap, at(dir, 'pnpm-lock.yaml')) ? snap.text(at(dir, 'pnpm-lock.yaml')) : undefined;
  if (pnpm !== undefined) {
    // `  vite@8.3.4:` (or quoted) in the packages: section, its fields indented below
    const m = new RegExp(`^ {2}'?/?${esc}@(\\d+\\.\\d+\\.\\d+[\\w.+-]*)'?:\\n((?: {4}.*\\n)*)`, 'm').exec(pnpm);
    if (!m) return undefined;
    const engines = /^ {4}engines: \{node: '?([^'}\n]{1,99}?)'?\}/m.exec(m[2]!)?.[1]?.trim();
    return { version: m[1]!, ...(engines ? { engines } : {}), file: 'pnpm-lock.yaml' };
  }
  const yarn = exists(snap, at(dir, 'yarn.lock')) ? snap.text(at(dir, 'yarn.lock')) : undefined;
  if (yarn !== undefined) {
    // v1: `vite@^8.0.0:` / `"vite@^8.0.0", "vite@^8.1.0":` then `  version "8.3.4"`; Yarn 2+: `"vite@npm:^8.0.0":` then `  version: 8.3.4`
    const m = new RegExp(`^(?:[^\\n]*[\\s,"])?${esc}@[^\\n]*:\\n {2}version:? "?(\\d+\\.\\d+\\.\\d+)`, 'm').exec(yarn);
    return m ? { version: m[1]!, file: 'yarn.lock' } : undefined;
  }
  return undefined;
}
