// Small readers the providers share: paths inside an app folder, JSON and line-based manifests, versions
// and the port an app's source reads. All pure over a Snapshot.
import type { Fact, Snapshot } from './types.js';

/** `dir`-relative path as a snapshot path ('.' is the root). */
export const at = (dir: string, name: string): string => (dir === '.' ? name : `${dir}/${name}`);

const pathSets = new WeakMap<Snapshot, Set<string>>();
/** Whether the snapshot lists `path` as a file or a (skipped) folder. */
export function exists(snap: Snapshot, path: string): boolean {
  let set = pathSets.get(snap);
  if (!set) pathSets.set(snap, (set = new Set(snap.paths)));
  return set.has(path) || set.has(`${path}/`);
}

/** The files of the app in `dir` (its own subfolders included), relative to `dir`. */
export function filesIn(snap: Snapshot, dir: string): string[] {
  const prefix = dir === '.' ? '' : `${dir}/`;
  return snap.paths.filter((p) => p.startsWith(prefix) && !p.endsWith('/')).map((p) => p.slice(prefix.length));
}

export function readJson(snap: Snapshot, path: string): Record<string, unknown> | undefined {
  const t = snap.text(path);
  if (t === undefined) return undefined;
  try {
    const v = JSON.parse(t) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const fact = (key: string, value: string, evidence: string): Fact => ({ key, value, evidence });

/** The first `major[.minor]` of a version spec (`>=18`, `^20.1`, `v18.19.0`, `3.11.*`), or undefined. */
export function versionOf(spec: string | undefined, parts: 1 | 2 = 1): string | undefined {
  const m = /(\d+)(?:\.(\d+))?/.exec(spec ?? '');
  if (!m) return undefined;
  return parts === 2 && m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1];
}

/** A Procfile's `web:` command. */
export function procfileWeb(snap: Snapshot, dir: string): string | undefined {
  return /^web:\s*(.+)$/m.exec(snap.text(at(dir, 'Procfile')) ?? '')?.[1]?.trim();
}

export interface PortFinding {
  port: number;
  evidence: string;
  /** The address the app binds by default is loopback only; `env` names the variable that changes it, if any. */
  loopback?: { env?: string; flag?: string };
}

// `process.env.PORT || 3000`, `os.environ.get("PORT", "8000")`, `getenv("PORT") ?: "8080"`, `PORT = 5000`, `.listen(3000`, `":8080"`
const PORT_PATTERNS: Array<[RegExp, string]> = [
  [/env(?:iron)?(?:\.get\(|\[|\.)\s*['"]?PORT['"]?\s*\]?\s*(?:,|\|\||\?\?|or)\s*['"]?(\d{2,5})/, '$PORT default'],
  [/Getenv\("PORT"\)[\s\S]{0,80}?"(?::)?(\d{2,5})"/, '$PORT default'],
  [/\bPORT\s*[:=]\s*(?:int\()?['"]?(\d{2,5})\b/, 'PORT constant'],
  [/\.listen\(\s*(\d{2,5})\b/, 'listen call'],
  [/(?:ListenAndServe|Addr:|flag\.String\("[\w-]+",)\s*\(?\s*"(?:[\w.]*):(\d{2,5})"/, 'listen address'],
  [/\brun\([^)]*port\s*=\s*(\d{2,5})/, 'run(port=...)'],
];
const LOOPBACK = /['"](127\.0\.0\.1|localhost)(?::\d+)?['"]/;

/** The port the first of `files` that reads one listens on, read from its source. */
export function findPort(snap: Snapshot, dir: string, files: string[]): PortFinding | undefined {
  for (const f of files) {
    const text = snap.text(at(dir, f));
    if (!text) continue;
    for (const [re, what] of PORT_PATTERNS) {
      const m = re.exec(text);
      if (!m) continue;
      const port = Number(m[1]);
      if (port < 1 || port > 65535) continue;
      const finding: PortFinding = { port, evidence: `${what} in ${f}` };
      const loop = LOOPBACK.exec(text);
      if (loop) {
        // The default address is loopback: find what changes it (an env var or a flag) to start it on all interfaces.
        const env = /env(?:iron)?(?:\.get\(|\[|\.)\s*['"]?(HOST|HOSTNAME|BIND|ADDRESS|ADDR|LISTEN_ADDR|BIND_ADDR)['"]?/.exec(text)?.[1];
        const flag = /flag\.String\("([\w-]+)",\s*"(?:127\.0\.0\.1|localhost):\d+"/.exec(text)?.[1];
        finding.loopback = { ...(env ? { env } : {}), ...(flag ? { flag } : {}) };
      }
      return finding;
    }
  }
  return undefined;
}

/** Source files of an app with one of `exts`, entry candidates first, build output and tests last. */
export function sourceFiles(snap: Snapshot, dir: string, exts: string[], first: string[] = []): string[] {
  const all = filesIn(snap, dir).filter((f) => exts.some((e) => f.endsWith(e)));
  const rank = (f: string) => (first.includes(f) ? 0 : /(^|\/)(test|tests|__tests__|spec|dist|build|public)\//.test(f) || /\.(test|spec)\./.test(f) ? 2 : 1);
  // keys worked out once per file, names compared by code unit: a big project's sort stays a few ms
  // (localeCompare starts ICU's collator and is most of the time)
  const keyed = all.map((f) => ({ f, rank: rank(f), depth: f.split('/').length }));
  keyed.sort((a, b) => a.rank - b.rank || a.depth - b.depth || (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
  return keyed.slice(0, 200).map((k) => k.f);
}

/** .gitignore lines usable as .dockerignore patterns: no comments, no exceptions (they could bring secrets back), no spaces. */
export function gitignorePatterns(snap: Snapshot, dir: string): string[] {
  const out: string[] = [];
  for (const d of dir === '.' ? ['.'] : ['.', dir]) {
    for (const raw of (snap.text(at(d, '.gitignore')) ?? '').split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith('!') || /\s/.test(line)) continue;
      // gitignore matches a bare name at any depth; .dockerignore only at the root: keep both meanings
      const p = line.replace(/^\//, '').replace(/\/$/, '');
      const prefix = d === '.' ? '' : `${d}/`;
      const pattern = line.startsWith('/') || p.includes('/') ? `${prefix}${p}` : `**/${p}`;
      if (!out.includes(pattern)) out.push(pattern);
    }
  }
  return out;
}

/**
 * The facts, env and notes of a port finding: PORT set to it, and a loopback-only default address
 * overridden through the variable that sets it (the evidence says why), or a note when nothing can.
 */
export function listenFacts(found: PortFinding | undefined, facts: Fact[], env: Record<string, string>, notes: string[], portEnv = true): number | undefined {
  if (!found) return undefined;
  facts.push(fact('port', String(found.port), found.evidence));
  if (portEnv) env.PORT = String(found.port);
  const file = found.evidence.split(' in ')[1] ?? 'the app';
  if (found.loopback?.env) {
    env[found.loopback.env] = '0.0.0.0';
    facts.push(fact('listen', `0.0.0.0 (${found.loopback.env}=0.0.0.0)`, `${file} binds 127.0.0.1 unless ${found.loopback.env} is set, which would leave it unreachable from outside the container`));
  } else if (found.loopback && !found.loopback.flag) {
    notes.push(`${file} listens on 127.0.0.1 only and reads no address setting: make it listen on 0.0.0.0, or the port is unreachable from outside the container.`);
  }
  return found.port;
}
