// Which apps a folder holds: each candidate folder (the root, and folders up to three levels down that
// hold a stack's manifest) asked of every provider, an app's own subfolders not asked again. Then the
// answers an app pre-fills for the app recipe, with the evidence for each and the base its pin needs.
import { PACKAGED_VERSIONS, releaseKey } from '../core/families.js';
import { NODE_LINES, nodeLts, RUNTIME_LINES, supportedNodeMajors } from '../core/releases.js';
import { go } from './go.js';
import { java } from './java.js';
import { node } from './node.js';
import { php } from './php.js';
import { python } from './python.js';
import { gitignorePatterns, problemsOf, reportProblem } from './read.js';
import { ruby } from './ruby.js';
import { staticSite } from './static.js';
import { DEFAULT_DEBIAN, type DetectedApp, type Provider, type RuntimeBases, type Snapshot } from './types.js';
import { satisfies } from './versions.js';

/** In precedence order: a folder with a server stack's manifest and an index.html is that stack, not a static site. */
export const PROVIDERS: readonly Provider[] = [node, python, go, java, php, ruby, staticSite];

/** Files that make a folder worth asking the providers about: every provider's markers, in precedence order. */
export const MARKERS: ReadonlySet<string> = new Set(PROVIDERS.flatMap((p) => p.markers));
/** Folders whose manifests are not apps of their own: tests, examples, docs. */
const NOT_APPS = /(^|\/)(test|tests|__tests__|fixtures|testdata|e2e|examples?|samples?|docs?|public|static|assets|dist|build|out)(\/|$)/;
const MAX_DEPTH = 3;

/** Files whose problems (not a regular file, too big, unreadable) are worth a note: the manifests and pins providers read. */
const MANIFESTS = new Set([...MARKERS, 'Procfile', 'go.mod', 'Gemfile', 'Pipfile', 'pyproject.toml', 'composer.json', '.nvmrc', '.node-version', '.python-version', 'runtime.txt', '.ruby-version', '.tool-versions', 'mise.toml', '.mise.toml']);

export function detectApps(snap: Snapshot): DetectedApp[] {
  return detectFolder(snap).apps;
}

/**
 * The apps of a folder, and the project files that are there but could not be used (`package.json: is a
 * FIFO, not a regular file: not read`); a file's problems inside an app's folder are that app's notes.
 */
export function detectFolder(project: Snapshot): { apps: DetectedApp[]; problems: string[] } {
  const snap: Snapshot = {
    paths: project.paths,
    text(path) {
      const t = project.text(path);
      const why = t === undefined && MANIFESTS.has(path.slice(path.lastIndexOf('/') + 1)) ? project.problem?.(path) : undefined;
      if (why) reportProblem(snap, path, why);
      return t;
    },
  };
  const apps = appsOf(snap);
  const problems: string[] = [];
  for (const { path, message } of problemsOf(snap)) {
    const line = `${path} ${message}.`.replace(/\.\.$/, '.');
    const owner = [...apps].sort((a, b) => depth(b.dir) - depth(a.dir)).find((a) => a.dir === '.' || path.startsWith(`${a.dir}/`));
    if (owner) owner.notes.push(line);
    else problems.push(line);
  }
  return { apps, problems };
}

function appsOf(snap: Snapshot): DetectedApp[] {
  const dirs = new Set<string>(['.']);
  for (const p of snap.paths) {
    const slash = p.lastIndexOf('/');
    if (p.endsWith('/') || !MARKERS.has(p.slice(slash + 1))) continue;
    const dir = slash < 0 ? '.' : p.slice(0, slash);
    if (dir === '.' || (dir.split('/').length <= MAX_DEPTH && !NOT_APPS.test(dir))) dirs.add(dir);
  }
  const ordered = [...dirs].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  const apps: DetectedApp[] = [];
  for (const dir of ordered) {
    if (apps.some((a) => a.dir === '.' || dir.startsWith(`${a.dir}/`))) continue;
    const found = PROVIDERS.map((p) => p.detect(snap, dir)).filter((a): a is DetectedApp => !!a);
    const servers = found.filter((a) => a.stack !== 'static');
    for (const app of servers.length ? servers : found) {
      const ignore = gitignorePatterns(snap, dir);
      if (ignore.patterns.length) app.set.ignore = ignore.patterns.join(' ');
      if (ignore.kept.length) app.notes.push(`.gitignore lists ${ignore.kept.join(', ')}, which the build copies: kept out of .dockerignore.`);
      apps.push(app);
    }
  }
  return apps;
}

const depth = (d: string) => (d === '.' ? 0 : d.split('/').length);

/** How an app is named in choices and errors: `apps/api (node)`. */
export const appLabel = (a: DetectedApp): string => `${a.dir} (${a.stack})`;

/** The evidence in one short block: `node 18 (package.json engines), npm (package-lock.json), start: node app.js (scripts.start), port 3001 ($PORT default in app.js)`. */
export function evidenceLine(app: DetectedApp): string {
  const bare = new Set(['runtime', 'package manager', 'dependencies', 'modules', 'build tool']);
  return app.facts.map((f) => `${bare.has(f.key) ? '' : `${f.key}${f.key === 'port' ? '' : ':'} `}${f.value} (${f.evidence})`).join(', ');
}

export interface AppAnswers {
  /** An answers layer in the answers-file shape (recipe, base, runtime, ports, env, set). */
  values: Record<string, unknown>;
  notes: string[];
}

/**
 * The answers an app pre-fills. `base` is the base the user chose (--base), if any: a pin it cannot meet
 * is said in one line with the override; without one, the pin picks the base (Debian trixie's packaged
 * runtime when it satisfies the pin and is supported on `day`, else the official image: the version
 * pinned, or node's active LTS line when Debian's node is past its end of life).
 */
export function appAnswers(app: DetectedApp, chosenBase: string | undefined, day: string): AppAnswers {
  const provider = PROVIDERS.find((p) => p.stack === app.stack);
  const notes = [...app.notes];
  const set: Record<string, string | boolean> = { ...app.set };
  const values: Record<string, unknown> = { recipe: 'app', set };
  const rt = app.runtime;
  if (rt) values.runtime = rt.name;
  if (app.port) values.ports = [String(app.port)];
  if (Object.keys(app.env).length) values.env = app.env;
  if (provider?.answers) Object.assign(values, structuredClone(provider.answers));

  const spec = rt?.spec ?? rt?.version;
  const needs = rt?.needs ?? [];
  // the project's pin and what its dependencies need (engines of vite, next...), all at once
  const meets = (v: string) => (!spec || satisfies(v, spec)) && needs.every((n) => satisfies(v, n.spec));
  const bases = rt ? provider?.bases : undefined;
  // a chosen Debian or Ubuntu release is held to what it packages; otherwise the default base's
  const packaged = (bases && rt && chosenBase && PACKAGED_VERSIONS[releaseKey(chosenBase) ?? '']?.[rt.name]) || bases?.packaged;
  if (rt && (spec || needs.length) && bases && packaged && !meets(packaged) && !impossiblePin(app, day)) {
    const evidence = app.facts.find((f) => f.key === 'runtime')?.evidence ?? 'the project';
    // the pinned version when it meets the dependencies too, else the oldest supported line that meets everything
    const want = rt.version && meets(`${rt.version}.999`) ? rt.version : (oldestLineMeeting(rt.name, meets, day) ?? rt.version ?? spec!);
    const what = [spec && !satisfies(packaged, spec) ? `${rt.name} ${spec} (${evidence})` : '', ...needs.filter((n) => !satisfies(packaged, n.spec)).map((n) => `${rt.name} ${n.spec} (${n.evidence})`)].filter(Boolean).join(' and ');
    const official = bases.official?.(want);
    if (bases.builder) {
      const { name } = bases.builder;
      const builder = bases.builder.image(want);
      if (chosenBase === undefined || set.builder === undefined) set.builder = builder;
      notes.push(`${what} is newer than Debian ${DEFAULT_DEBIAN}'s ${name} ${packaged}: the build stage runs on ${builder}; --set builder=distro builds with Debian's ${name} instead.`);
    } else if (chosenBase !== undefined && !ships(bases, chosenBase)) {
      notes.push(`${what} is not met by ${chosenBase}, which packages ${rt.name} ${packaged}: the image runs ${packaged}${official ? `; --base ${official} brings ${want}` : ''}.`);
    } else if (chosenBase === undefined && official) {
      values.base = official;
      notes.push(`${what} is not Debian ${DEFAULT_DEBIAN}'s ${rt.name} ${packaged}: the image builds on ${official}; --base debian:${DEFAULT_DEBIAN}-slim builds on Debian's ${packaged} instead.`);
    } else if (chosenBase === undefined) {
      notes.push(`${what} is not Debian ${DEFAULT_DEBIAN}'s ${rt.name} ${packaged}, the version the image runs; pin a base that ships ${want} with --base.`);
    }
  }
  const ended = rt?.name === 'node' && packaged && bases && values.base === undefined && set.builder === undefined ? NODE_LINES.find((l) => String(l.major) === packaged.split('.')[0] && l.endOfLife < day) : undefined;
  if (ended && bases) {
    const lts = String(nodeLts(day).major);
    const official = bases.official?.(lts);
    const ltsMeets = meets(`${lts}.999`);
    if (chosenBase === undefined && official && ltsMeets) {
      values.base = official;
      notes.push(`Debian ${DEFAULT_DEBIAN}'s node ${packaged} is past its end of life (${ended.endOfLife}): the image builds on ${official}, node's active LTS line${spec ? `, which meets ${spec}` : ''}; --base debian:${DEFAULT_DEBIAN}-slim builds on Debian's ${packaged} instead.`);
    } else if (chosenBase === undefined && !ltsMeets) {
      notes.push(`node ${spec} (${app.facts.find((f) => f.key === 'runtime')?.evidence ?? 'the project'}) is a line past its end of life (${ended.endOfLife}): the image runs Debian's ${packaged} as pinned, with no more security fixes from the Node.js project; pin the active LTS line, ${lts}.`);
    } else if (chosenBase !== undefined && !ships(bases, chosenBase)) {
      notes.push(`node ${packaged}, which ${chosenBase} packages, is past its end of life (${ended.endOfLife}): no more security fixes from the Node.js project; --base ${official ?? `node:${lts}`} brings node ${lts}, the active LTS line.`);
    }
  }
  return { values, notes };
}

/**
 * One line when the app's pin matches no release of its runtime (engines `>=99`, `go 1.99`): the file it
 * was read from, the pin, and the lines there are. A generation stops on it (exit 2); detect shows it.
 */
export function impossiblePin(app: DetectedApp, day?: string): { file: string; message: string } | undefined {
  const rt = app.runtime;
  const spec = rt?.spec ?? rt?.version;
  if (!rt || !spec) return undefined;
  const lines = RUNTIME_LINES[rt.name];
  // a line meets a pin when its newest release does (`^22.18.0` on 22), or the pin names a release of it (`20.3.0`)
  const plain = spec.trim().replace(/^[~^=v]+/, '');
  const pinned = lines.filter((v) => satisfies(`${v}.999`, spec) || (/^\d+(\.\d+)*$/.test(plain) && satisfies(plain, v)));
  const evidence = app.facts.find((f) => f.key === 'runtime')?.evidence ?? 'the project';
  const file = evidence.split(/[\s:]/)[0]!;
  if (!pinned.length) return { file, message: `${rt.name} ${spec} (${evidence}) matches no ${rt.name} release; there are ${lines.join(', ')}` };
  // a pin below what a dependency runs on: the build would fail in the dependency (vite 8 on node 18)
  const unmet = rt.needs?.find((n) => !pinned.some((v) => satisfies(`${v}.999`, n.spec)));
  if (!unmet) return undefined;
  const fits = oldestLineMeeting(rt.name, (v) => satisfies(v, unmet.spec), day);
  return { file, message: `${rt.name} ${spec} (${evidence}) is below ${rt.name} ${unmet.spec}, which ${unmet.who} needs (${unmet.source}): pin a version that meets both${fits ? ` (${fits} does)` : ''}` };
}

/** The oldest line of a runtime (among those supported on `day`, for node) whose newest release `meets`. */
function oldestLineMeeting(name: keyof typeof RUNTIME_LINES, meets: (v: string) => boolean, day: string | undefined): string | undefined {
  const supported = name === 'node' && day ? new Set(supportedNodeMajors(day).map(String)) : undefined;
  return [...RUNTIME_LINES[name]].reverse().find((v) => (!supported || supported.has(v)) && meets(`${v}.999`));
}

/** Whether `base` (`eclipse-temurin:21-jre`, `docker.io/library/node:20`) is one of the runtime's own images. */
const ships = (bases: RuntimeBases, base: string): boolean => new RegExp(`(^|/)(${bases.images.join('|')}):`).test(base);
