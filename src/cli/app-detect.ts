// Detection in a generation: when no recipe is chosen (or the app recipe is) and the target dir (or the
// current dir, when it looks like a project) holds an app, its answers become a layer between the
// defaults and the answers file, and the evidence is printed in one short block. Several apps (or a Go
// module with several main packages): the wizard asks; a script gets exit 2 naming the choices and the flag.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Prompter } from '../core/answers.js';
import { UsageError } from '../core/errors.js';
import { appAnswers, appLabel, detectApps, evidenceLine, MARKERS } from '../detect/detect.js';
import type { DetectedApp } from '../detect/types.js';
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

/** Apps in `dir`, narrowed to `--app` when given (a folder relative to `dir`). */
export function appsIn(dir: string, appFlag: string | undefined): DetectedApp[] {
  const apps = detectApps(snapshotDir(dir));
  if (appFlag === undefined) return apps;
  const want = appFlag.replace(/^\.\//, '').replace(/\/+$/, '') || '.';
  const chosen = apps.filter((a) => a.dir === want);
  if (!chosen.length) {
    throw new UsageError([{ path: '--app', message: `no app recognised in ${want}${apps.length ? `; found: ${apps.map(appLabel).join(', ')}` : ''}` }]);
  }
  return chosen;
}

export async function detectForGenerate(targetArg: string | undefined, flags: GenerateFlags, fileRecipe: unknown, io: { prompter?: Prompter; ui?: UI }): Promise<DetectedAnswers | undefined> {
  const recipe = flags.recipe ?? (fileRecipe as string | undefined);
  if (recipe !== undefined && recipe !== 'app') return undefined;
  const dir = resolve(targetArg ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    if (flags.app !== undefined) throw new UsageError([{ path: '--app', message: `${targetArg ?? '.'} is not a folder` }]);
    return undefined;
  }
  // Without a target dir, only a folder that looks like a project is looked into.
  if (targetArg === undefined && flags.app === undefined && recipe === undefined && !readdirSync(dir).some((n) => MARKERS.has(n))) return undefined;
  const shown = relative(process.cwd(), dir) || '.';
  const apps = appsIn(dir, flags.app);
  if (!apps.length) {
    out.notice(`no app recognised in ${shown} (see \`create-image detect\`); asking as usual`);
    return undefined;
  }
  // Writing into the folder the user stands in takes a yes: the wizard's confirmation below, or --yes.
  if (targetArg === undefined && !io.prompter && !flags.yes) {
    const why = notInteractiveBecause(flags) ?? 'here';
    throw new UsageError([{ path: 'target-dir', message: `required ${why}: ${shown} holds ${apps.map(appLabel).join(', ')}; to write its Dockerfile here: create-image . --yes (or name another folder)` }]);
  }
  const given = new Map((flags.set ?? []).map((s) => [s.split('=')[0]!, s.slice(s.indexOf('=') + 1)]));
  let app = apps[0]!;
  if (apps.length > 1) {
    const byStack = given.has('stack') ? apps.filter((a) => a.stack === given.get('stack')) : apps;
    if (byStack.length === 1) app = byStack[0]!;
    else if (io.prompter) {
      const pick = await io.prompter.select({ message: `${shown} holds several apps: which one?`, options: apps.map((a, i) => ({ value: String(i), label: appLabel(a) })) });
      app = apps[Number(pick)]!;
    } else {
      const sameDir = new Set(apps.map((a) => a.dir)).size === 1;
      throw new UsageError([{ path: sameDir ? '--set stack' : '--app', message: `${shown} holds several apps: ${apps.map(appLabel).join(', ')}; choose one with ${sameDir ? `--set stack=${apps[0]!.stack}` : `--app ${apps[0]!.dir}`}` }]);
    }
  }
  const { values, notes } = appAnswers(app, flags.base);
  if (app.choices && !given.has(app.choices.key)) {
    const { key, values: options } = app.choices;
    if (!io.prompter) throw new UsageError([{ path: `--set ${key}`, message: `${app.dir} has several candidates: ${options.join(', ')}; choose one with --set ${key}=${options[0]}` }]);
    (values.set as Record<string, unknown>)[key] = await io.prompter.select({ message: `Several main packages: which one to build?`, options: options.map((v) => ({ value: v })) });
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
  return { target: dir, app, values, notes };
}
