// Detection in a generation: when no recipe is chosen (or the app recipe is) and the target dir (or the
// current dir, when it looks like a project) holds an app, its answers become a layer between the
// defaults and the answers file, and the evidence is printed in one short block. Several apps (or a Go
// module with several main packages): the wizard asks; a script gets exit 2 naming the choices and the
// flag, before anything is asked (findApps), and the wizard's questions come after (chooseApp).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Prompter } from '../core/prompter.js';
import { UsageError } from '../core/errors.js';
import { RECORD_FILE } from '../core/record.js';
import { appAnswers, appLabel, detectFolder, evidenceLine, impossiblePin, MARKERS } from '../detect/detect.js';
import type { DetectedApp } from '../detect/types.js';
import { today } from '../edges/clock.js';
import { snapshotDir } from '../edges/project-snapshot.js';
import type { GenerateFlags } from './flags.js';
import { notInteractiveBecause, out } from './output.js';

export interface DetectedAnswers {
  /** The project folder: the generation's target. */
  target: string;
  app: DetectedApp;
  values: Record<string, unknown>;
  notes: string[];
}

interface UI {
  note(text: string, title: string): void;
}

/** Apps in `dir`, narrowed to `--app` when given (a folder relative to `dir`), and the project files no app could use. */
export function appsIn(dir: string, appFlag: string | undefined): { apps: DetectedApp[]; problems: string[] } {
  const snap = snapshotDir(dir);
  // A folder another recipe generated holds that recipe's files (custom's sample site), not an app
  const generated = generatedBy(snap.text(RECORD_FILE));
  if (generated && generated !== 'app') {
    const problems = [`${RECORD_FILE} says recipe ${generated} generated this folder: its files are not an app (\`create-image update\` re-renders them).`];
    if (appFlag !== undefined) throw new UsageError([{ path: '--app', message: problems[0]! }]);
    return { apps: [], problems };
  }
  const { apps, problems } = detectFolder(snap);
  if (appFlag === undefined) return { apps, problems };
  const want = appFlag.replace(/^\.\//, '').replace(/\/+$/, '') || '.';
  const chosen = apps.filter((a) => a.dir === want);
  if (!chosen.length) {
    throw new UsageError([{ path: '--app', message: `no app recognised in ${want}${apps.length ? `; found: ${apps.map(appLabel).join(', ')}` : problems.length ? ` (${problems.join(' ')})` : ''}` }]);
  }
  return { apps: chosen, problems };
}

/** The recipe a record names, read as data (a record that does not parse names none). */
function generatedBy(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const name = (JSON.parse(text) as { recipe?: { name?: unknown } } | null)?.recipe?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** What a generation found in its project folder before anything is asked: the apps, and what settles the choice. */
export interface FoundApps {
  dir: string;
  /** The folder as messages name it (relative to the current one). */
  shown: string;
  apps: DetectedApp[];
}

/**
 * The apps of the folder a generation writes into, read before the first prompt; undefined when a recipe
 * other than app is chosen or the folder holds none. What a script cannot settle without prompts (writing
 * into the current folder without --yes, several apps, several candidates) is a usage error here.
 */
export function findApps(targetArg: string | undefined, flags: GenerateFlags, fileRecipe: unknown, set: Record<string, unknown>, interactive: boolean): FoundApps | undefined {
  const recipe = flags.recipe ?? (fileRecipe as string | undefined);
  if (recipe !== undefined && recipe !== 'app') return undefined;
  const dir = resolve(targetArg ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    if (flags.app !== undefined) throw new UsageError([{ path: '--app', message: `${targetArg ?? '.'} is not a folder` }]);
    if (!interactive && recipe === 'app' && set.stack === undefined) throw noStack(`${targetArg ?? '.'} is not a folder yet`);
    return undefined;
  }
  // Without a target dir, only a folder that looks like a project is looked into.
  if (targetArg === undefined && flags.app === undefined && recipe === undefined && !readdirSync(dir).some((n) => MARKERS.has(n))) return undefined;
  const shown = relative(process.cwd(), dir) || '.';
  const { apps, problems } = appsIn(dir, flags.app);
  if (!apps.length) {
    // A script in a project folder nothing recognises would get a generic image written into it: say so
    // instead (an empty folder is a new image's folder, not a project).
    if (!interactive && recipe === undefined && readdirSync(dir).length > 0) {
      const markers = [...MARKERS];
      throw new UsageError([{ path: '--recipe', message: `no app recognised in ${shown} (looked for ${markers.slice(0, -1).join(', ')} or ${markers.at(-1)}, and .php files at its root or in public/); to write a generic image here: --recipe custom${problems.length ? `; ${problems.join(' ')}` : ''}` }]);
    }
    // --recipe app with nothing to detect and no stack named: the stack's default would be a guess
    if (!interactive && recipe === 'app' && set.stack === undefined) throw noStack(`no app recognised in ${shown}${problems.length ? ` (${problems.join(' ')})` : ' (see `create-image detect`)'}`);
    out.notice(`no app recognised in ${shown}${problems.length ? `: ${problems.join(' ')}` : ' (see `create-image detect`)'}${interactive ? '; asking as usual' : ''}`);
    return undefined;
  }
  for (const p of problems) out.notice(p);
  if (!interactive) {
    const why = notInteractiveBecause(flags) ?? 'here';
    // Writing into the folder the user stands in takes a yes: the wizard's confirmation, or --yes.
    if (targetArg === undefined && !flags.yes) {
      throw new UsageError([{ path: 'target-dir', message: `required ${why}: ${shown} holds ${apps.map(appLabel).join(', ')}; to write its Dockerfile here: create-image . --yes (or name another folder)` }]);
    }
    const app = pick(apps, set);
    if (!app) {
      const sameDir = new Set(apps.map((a) => a.dir)).size === 1;
      throw new UsageError([{ path: sameDir ? '--set stack' : '--app', message: `${shown} holds several apps: ${apps.map(appLabel).join(', ')}; choose one with ${sameDir ? `--set stack=${apps[0]!.stack}` : `--app ${apps[0]!.dir}`}` }]);
    }
    if (app.choices && set[app.choices.key] === undefined) {
      const { key, values: options } = app.choices;
      throw new UsageError([{ path: `--set ${key}`, message: `${app.dir} has several candidates: ${options.join(', ')}; choose one with --set ${key}=${options[0]}` }]);
    }
  }
  return { dir, shown, apps };
}

/** `--recipe app` with nothing to detect and no stack named: the stack's default would be a guess. */
const noStack = (why: string) => new UsageError([{ path: '--recipe', message: `app: ${why}; name its stack with --set stack=node|python|go|java|php|ruby|static, or use --recipe custom` }]);

/** The one app, when there is one, or one stack (--set stack) narrows several to one. */
function pick(apps: DetectedApp[], set: Record<string, unknown>): DetectedApp | undefined {
  if (apps.length === 1) return apps[0];
  const byStack = set.stack !== undefined ? apps.filter((a) => a.stack === set.stack) : [];
  return byStack.length === 1 ? byStack[0] : undefined;
}

/** The app a generation containerizes, its answers and its evidence: the wizard asks what `findApps` left open. */
export async function chooseApp(found: FoundApps, flags: GenerateFlags, set: Record<string, unknown>, io: { prompter?: Prompter; ui?: UI }): Promise<DetectedAnswers | undefined> {
  const { apps, shown } = found;
  let app = pick(apps, set);
  if (!app) {
    const choice = await io.prompter!.select({ message: `${shown} holds several apps: which one?`, options: apps.map((a, i) => ({ value: String(i), label: appLabel(a) })) });
    app = apps[Number(choice)]!;
  }
  const impossible = impossiblePin(app, today());
  if (impossible) throw new UsageError([{ path: `${app.dir === '.' ? '' : `${app.dir}/`}${impossible.file}`, message: impossible.message }]);
  const { values, notes } = appAnswers(app, flags.base, today());
  if (app.choices && set[app.choices.key] === undefined) {
    (values.set as Record<string, unknown>)[app.choices.key] = await io.prompter!.select({ message: `Several main packages: which one to build?`, options: app.choices.values.map((v) => ({ value: v })) });
  }

  const block = `${app.stack} app in ${app.dir === '.' ? shown : `${shown}/${app.dir}`}: ${evidenceLine(app)}`;
  if (io.ui && io.prompter) {
    io.ui.note([block, ...notes].join('\n'), 'Detected');
    if (!(await io.prompter.confirm({ message: 'Use the detected answers?', initialValue: true }))) return undefined;
  } else {
    // --json keeps stdout for the one JSON result
    const say = flags.json ? out.notice : out.line;
    say(`detected ${block}`);
  }
  return { target: found.dir, app, values, notes };
}
