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

const problemSets = new WeakMap<Snapshot, Map<string, string>>();
/** Notes a project file that is there but unusable as `path: what is wrong`, once per file. */
export function reportProblem(snap: Snapshot, path: string, message: string): void {
  let map = problemSets.get(snap);
  if (!map) problemSets.set(snap, (map = new Map()));
  if (!map.has(path)) map.set(path, message);
}
/** The files noted so far, as `path message` lines. */
export function problemsOf(snap: Snapshot): Array<{ path: string; message: string }> {
  return [...(problemSets.get(snap) ?? [])].map(([path, message]) => ({ path, message }));
}

/** A JSON object file; one that is there but unreadable, invalid or not an object is noted and read as absent. */
export function readJson(snap: Snapshot, path: string): Record<string, unknown> | undefined {
  const t = snap.text(path);
  if (t === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t) as unknown;
  } catch (e) {
    reportProblem(snap, path, `is not valid JSON (${oneLine((e as Error).message)}): not read`);
    return undefined;
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  reportProblem(snap, path, `is not a JSON object (${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`}): not read`);
  return undefined;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').slice(0, 120);

/** What a JSON value is, for a note: `a number`, `an array`, `null`. */
export const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/**
 * A typed view of a JSON object read from `file`: each getter gives the field when it has the expected
 * type, else undefined with a note naming the file and the field (`package.json: scripts.start is a
 * number, not a string; ignored`). Text with a line break or a NUL is refused too: no command holds one.
 */
export function fields(obj: Record<string, unknown>, file: string, notes: string[]) {
  const note = (text: string) => {
    if (!notes.includes(text)) notes.push(text);
    return undefined;
  };
  const wrong = (name: string, v: unknown, want: string) => note(`${file}: ${name} is ${typeName(v)}, not ${want}; ignored.`);
  const str = (name: string, v: unknown): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return wrong(name, v, 'a string');
    if (/[\n\r\0]/.test(v)) return note(`${file}: ${name} has a line break or NUL; ignored${name === 'scripts.start' ? ' (give the start command with --set start="...")' : ''}.`);
    return v;
  };
  const record = (name: string, v: unknown): Record<string, unknown> | undefined => {
    if (v === undefined) return undefined;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : wrong(name, v, 'an object');
  };
  return {
    /** `obj[name]` as a string. */
    string: (name: string) => str(name, obj[name]),
    /** `obj[name][key]` as a string (`scripts.start`, `engines.node`). */
    nested: (name: string, key: string) => str(`${name}.${key}`, record(name, obj[name])?.[key]),
    /** `obj[name]` as an object of strings (dependencies): other values dropped with one note. */
    strings: (name: string): Record<string, string> => {
      const r = record(name, obj[name]) ?? {};
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(r)) {
        if (typeof v === 'string') out[k] = v;
        else wrong(`${name}.${k}`, v, 'a string');
      }
      return out;
    },
  };
}

export const fact = (key: string, value: string, evidence: string): Fact => ({ key, value, evidence });

/** The first `major[.minor]` of a version spec (`>=18`, `^20.1`, `v18.19.0`, `3.11.*`), or undefined. */
export function versionOf(spec: string | undefined, parts: 1 | 2 = 1): string | undefined {
  const m = /(\d+)(?:\.(\d+))?/.exec(spec ?? '');
  if (!m) return undefined;
  return parts === 2 && m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1];
}

/**
 * The version a tool-version manager pins for a tool: asdf's and mise's `.tool-versions` (`nodejs 22.11.0`,
 * the first version of the line), or mise's `mise.toml` / `.mise.toml` `[tools]` table (`node = "22"`,
 * `node = ["22", "20"]`, `node = { version = "22" }`). `names` are the tool's names there (nodejs, node).
 */
export function managedVersion(snap: Snapshot, dir: string, names: string[]): { text: string; evidence: string } | undefined {
  const asdf = snap.text(at(dir, '.tool-versions'));
  for (const line of (asdf ?? '').split(/\r?\n/)) {
    const [tool, version] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (tool && version && names.includes(tool)) return { text: version, evidence: `.tool-versions ${tool} ${version}` };
  }
  for (const f of ['mise.toml', '.mise.toml']) {
    const text = snap.text(at(dir, f));
    const tools = /^\[tools\][ \t]*\r?\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text ?? '')?.[1] ?? '';
    for (const line of tools.split(/\r?\n/)) {
      const m = /^\s*["']?([\w@/-]+)["']?\s*=\s*(.+?)\s*(#.*)?$/.exec(line);
      if (!m || !names.includes(m[1]!)) continue;
      const version = /^(?:\[\s*|\{[^}]*version\s*=\s*)?["']([^"']+)["']/.exec(m[2]!)?.[1];
      if (version) return { text: version, evidence: `${f} [tools] ${m[1]} = "${version}"` };
    }
  }
  return undefined;
}

/** A Procfile's `web:` command. */
export function procfileWeb(snap: Snapshot, dir: string): string | undefined {
  const m = /^web:[ \t]*(.*?)[ \t\r]*$/m.exec(snap.text(at(dir, 'Procfile')) ?? '');
  if (m && !m[1]) reportProblem(snap, at(dir, 'Procfile'), 'has an empty web: line; ignored');
  return m?.[1] || undefined;
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

/**
 * Files an app's Dockerfile copies by name (manifests, lockfiles, build wrappers): a .gitignore line that
 * matches one must not become a .dockerignore line, or the COPY of it fails (a team that does not
 * commit its pnpm-lock.yaml still has one on disk to build with).
 */
const BUILD_INPUTS = [
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'yarn.lock', '.yarnrc.yml', '.npmrc.example',
  'requirements.txt', 'pyproject.toml', 'poetry.lock', 'uv.lock', 'Pipfile', 'Pipfile.lock', 'setup.py', 'setup.cfg',
  'go.mod', 'go.sum', 'Gemfile', 'Gemfile.lock', 'composer.json', 'composer.lock',
  'pom.xml', 'mvnw', 'build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts', 'gradlew',
];

/** Whether a .gitignore pattern's last component (`*` and `?` as globs) names `name`. */
function namesFile(pattern: string, name: string): boolean {
  const last = pattern.slice(pattern.lastIndexOf('/') + 1);
  const re = new RegExp(`^${last.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(name);
}

/** .gitignore lines usable as .dockerignore patterns: no comments, no exceptions (they could bring secrets back), no spaces. */
export function gitignorePatterns(snap: Snapshot, dir: string): { patterns: string[]; kept: string[] } {
  const out: string[] = [];
  const kept = new Set<string>();
  for (const d of dir === '.' ? ['.'] : ['.', dir]) {
    for (const raw of (snap.text(at(d, '.gitignore')) ?? '').split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith('!') || /\s/.test(line)) continue;
      // gitignore matches a bare name at any depth; .dockerignore only at the root: keep both meanings
      const p = line.replace(/^\//, '').replace(/\/$/, '');
      const prefix = d === '.' ? '' : `${d}/`;
      const pattern = line.startsWith('/') || p.includes('/') ? `${prefix}${p}` : `**/${p}`;
      const inputs = BUILD_INPUTS.filter((f) => namesFile(p, f));
      if (inputs.length) {
        for (const f of inputs) if (snap.paths.includes(at(dir, f))) kept.add(f);
        continue;
      }
      if (!out.includes(pattern)) out.push(pattern);
    }
  }
  return { patterns: out, kept: [...kept] };
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
