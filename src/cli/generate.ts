// `create-image [target-dir]`: ask everything, show a summary, then write (or dry-run), then optionally build.
// What only some runs need (prompts, YAML, pipelines, builds, remote sources) comes from `later`, the
// lazy bundle main.ts hands in.
import { existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { resolveAnswers, type Prompter } from '../core/answers.js';
import { CancelledError, ConflictError, CreateImageError, ExitError, UsageError } from '../core/errors.js';
import { shCommand } from '../core/escape.js';
import { endOfSupportWarning, today } from '../core/families.js';
import { ANSWER_KEYS, flagPath, rawAnswersFrom } from '../core/raw-answers.js';
import { RECORD_FILE, saveBase } from '../core/record.js';
import { renderPlan } from '../core/render.js';
import type { Answers, Plan } from '../core/types.js';
import type { clackPrompter, clackUI } from '../edges/prompts.js';
import { readAnswersFile, readCaCerts } from '../edges/inputs.js';
import { inspectTarget, targetDirError, unifiedDiff, writeFiles, type FileState } from '../edges/write.js';
import { imageNameFromDir } from '../engines/tags.js';
import type { extraFiles } from '../pipelines/index.js';
import { parseCi } from '../pipelines/systems.js';
import { findRecipe } from '../recipes/load.js';
import { checkRequires } from '../recipes/requires.js';
import type { externalSources } from '../recipes/external.js';
import { ensureRecipeTrusted, loadSources } from '../recipes/sources.js';
import { detectForGenerate } from './app-detect.js';
import type { ensureTrusted } from '../recipes/trust.js';
import type { buildGenerated, checkBuildFlags } from './build-command.js';
import type { GenerateFlags } from './flags.js';
import { isInteractive, notInteractiveBecause, out, printDryRunFiles } from './output.js';
import { VERSION } from './version.js';

/** The parts of the lazy bundle a generation may need. */
export interface GenerateLater {
  externalSources: typeof externalSources;
  ensureTrusted: typeof ensureTrusted;
  clackPrompter: typeof clackPrompter;
  clackUI: typeof clackUI;
  parseYaml: (text: string) => unknown;
  extraFiles: typeof extraFiles;
  checkBuildFlags: typeof checkBuildFlags;
  buildGenerated: typeof buildGenerated;
}

/** Tests drive real clack prompts through these streams (`interactive` forces prompting without a TTY). */
export interface GenerateIO {
  input?: import('node:stream').Readable;
  output?: import('node:stream').Writable;
  interactive?: boolean;
}

export async function generate(targetArg: string | undefined, flags: GenerateFlags, later: () => Promise<GenerateLater>, io: GenerateIO = {}): Promise<void> {
  const interactive = io.interactive ?? isInteractive(flags);
  const lazy = interactive ? await later() : undefined;
  const streams = { ...(io.input ? { input: io.input } : {}), ...(io.output ? { output: io.output } : {}) };
  const prompter = lazy?.clackPrompter(streams);
  const ui = lazy?.clackUI(streams);
  ui?.intro(`create-image ${VERSION}`);

  const fileAnswers = flags.answers ? await readAnswersFile(flags.answers, async () => (await later()).parseYaml) : {};
  // The file's shape (types, sizes, keys) is checked before anything is asked.
  const fileLayer = { values: fileAnswers, path: (k: string) => `--answers ${k}`, keys: ANSWER_KEYS };
  if (flags.answers) rawAnswersFrom([fileLayer]);
  const sources = await loadSources(flags, { warn: out.warn, external: async () => (await later()).externalSources });

  // A project folder in front of us: its detected answers, unless a recipe other than app was chosen.
  const detected = await detectForGenerate(targetArg, flags, fileAnswers.recipe, { ...(prompter ? { prompter } : {}), ...(ui ? { ui } : {}) });
  const recipeName =
    flags.recipe ??
    (fileAnswers.recipe as string | undefined) ??
    (detected ? 'app' : undefined) ??
    (prompter ? await prompter.select({ message: 'Recipe', options: sources.choices, initialValue: 'custom' }) : flags.yes ? 'custom' : undefined);
  const because = () => notInteractiveBecause(flags) ?? 'here';
  if (!recipeName) throw new UsageError([{ path: '--recipe', message: `required ${because()} (or pass --yes for custom); available: ${sources.choices.map((c) => c.value).join(', ')}` }]);
  const recipe = findRecipe(recipeName, sources.list);
  checkRequires(recipe, VERSION);
  await ensureRecipeTrusted(recipe, sources, { ...(flags.trust ? { trust: true } : {}), interactive, ...(prompter ? { prompter } : {}), notice: out.notice, warn: out.warn, trustCode: async () => (await later()).ensureTrusted });

  const target =
    targetArg ??
    (detected ? detected.target : undefined) ??
    (prompter
      ? await prompter.text({ message: 'Target directory', initialValue: recipeName === 'custom' ? 'my-image' : recipeName, validate: (v) => (v.trim() ? targetDirError(v) : 'required') })
      : flags.yes
        ? recipeName
        : undefined);
  if (targetArg === '') throw new UsageError([{ path: 'target-dir', message: 'is empty: name a folder, e.g. create-image my-image ...' }]);
  if (!target) throw new UsageError([{ path: 'target-dir', message: `required ${because()}: create-image <target-dir> ... (or --yes to use the recipe name)` }]);
  const targetDir = resolve(target);
  // before any question: a target that cannot be a folder is known now
  const targetError = targetDirError(target);
  if (targetError) throw new UsageError([{ path: 'target-dir', message: targetError }]);

  // CA certificates: --ca-cert, else the answers file, else the config's "caCerts".
  const caCerts = readCaCerts(flags.caCert ?? listOf(fileAnswers.caCerts) ?? sources.config.caCerts);
  const f = flags;
  const given = { name: f.name, base: f.base, family: f.family, runtime: f.runtime, tz: f.tz, locale: f.locale, services: f.service, supervisor: f.supervisor, ports: f.port, env: f.env, set: f.set, caInFinal: f.caInFinal };
  const raw = rawAnswersFrom([
    { values: { name: imageNameFromDir(basename(targetDir)) }, path: flagPath },
    ...(detected ? [{ values: detected.values, path: (k: string) => `detected ${k}` }] : []),
    fileLayer,
    { values: given, path: flagPath, caCerts },
  ]);
  const answers = await resolveAnswers(recipe, raw, { interactive, ...(prompter ? { prompter } : {}) });
  const stale = endOfSupportWarning(answers.base, today());
  if (stale) out.warn(stale);
  const plan = renderPlan(recipe, answers, VERSION);
  if (detected) plan.notes = [...plan.notes, ...detected.notes];
  const ci = parseCi(flags.ci);
  if (ci || flags.compose) addExtras(plan, (await later()).extraFiles(plan, recipe, answers, { ...(ci ? { ci } : {}), compose: !!flags.compose, toolVersion: VERSION }), flags);
  const states = inspectTarget(targetDir, plan.files);
  // build flags are checked before anything is written (loaded only when one is given)
  if (flags.build || flags.tag || flags.push || flags.platform || flags.cache === false || flags.buildArg || flags.builder || flags.buildxBuilder || flags.cacheFrom || flags.cacheTo || flags.verify === false) {
    (await later()).checkBuildFlags(flags, answers.imageName);
  }

  if (ui && prompter) {
    ui.note(summary(answers, states, targetDir), 'Summary');
    if (!flags.dryRun && !(await prompter.confirm({ message: 'Write these files?', initialValue: true }))) throw new CancelledError();
  }

  // A folder create-image generated is changed with `update`, which merges the user's edits.
  const instead = existsSync(join(targetDir, RECORD_FILE))
    ? `to change its answers, run ${shCommand(['create-image', 'update', relative(process.cwd(), targetDir) || '.'])} with the new flags, which merges your edits; or --force to overwrite`
    : undefined;
  const refused = !flags.force && !prompter && states.some((s) => s.status === 'changed');
  if (flags.dryRun) {
    const refusal = refused ? new ConflictError(states.filter((s) => s.status === 'changed').map((s) => s.file.path), instead).message : undefined;
    printDryRun(targetDir, plan, states, flags, refusal);
    // the exit status the real run would have (as `update --dry-run` with conflicts)
    if (refusal) throw new ExitError(1, `without --dry-run this would stop: ${refusal}`);
    return;
  }

  const decide = flags.force ? () => 'overwrite' as const : prompter ? await askPerFile(prompter, states, (t) => (io.output ?? process.stdout).write(t)) : undefined;
  const result = writeFiles(targetDir, states, decide, instead);
  // The base of the next `update`'s three-way merge (see src/core/record.ts).
  saveBase(targetDir, plan.files);
  const cd = relative(process.cwd(), targetDir) || '.';
  const wrote = `Wrote ${result.written.length} file${result.written.length === 1 ? '' : 's'} to ${cd}${result.skipped.length ? ` (kept yours: ${result.skipped.join(', ')})` : ''}${result.unchanged.length ? ` (${result.unchanged.length} unchanged)` : ''}.`;
  // The files exist before anything is built: say so first, so a failed or interrupted build leaves no doubt.
  if (!flags.json) {
    if (ui) ui.success(wrote);
    else out.line(wrote);
  }

  let built: Awaited<ReturnType<GenerateLater['buildGenerated']>> | undefined;
  try {
    built = flags.build ? await (await later()).buildGenerated(targetDir, answers.imageName, plan, flags, recipe.manifest, answers.set) : undefined;
  } catch (e) {
    // the files are written: a --json failure says which, beside the build error
    if (e instanceof CreateImageError) e.details = { target: targetDir, ...result };
    throw e;
  }

  // After a build the image exists: the next step is running it, not building it again.
  const steps = [...(cd !== '.' ? [shCommand(['cd', cd])] : []), ...(built ? built.runSteps : plan.nextSteps)];
  if (flags.json) {
    out.json({ target: targetDir, recipe: { name: recipe.manifest.name, version: recipe.manifest.version, source: recipe.source }, ...result, image: plan.image, nextSteps: steps, notes: plan.notes, ...(built ? { build: built } : {}) });
    return;
  }
  if (ui) {
    if (plan.notes.length) ui.note(plan.notes.join('\n'), 'Notes');
    ui.outro(`Next steps:\n${steps.map((s) => `  ${s}`).join('\n')}`);
  } else {
    for (const n of plan.notes) out.line(`note: ${n}`);
    out.line('Next steps:');
    for (const s of steps) out.line(`  ${s}`);
  }
}

const listOf = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);

/** --ci and --compose files join the plan, so they go through the same dry-run, diff and no-overwrite rules. */
function addExtras(plan: Plan, extras: Plan['files'], flags: GenerateFlags): void {
  for (const f of extras) {
    if (plan.files.some((x) => x.path === f.path)) throw new UsageError([{ path: flags.compose && f.path.startsWith('compose') ? '--compose' : '--ci', message: `the recipe already writes ${f.path}` }]);
    plan.files.push(f);
  }
}

function summary(a: Answers, states: FileState[], target: string): string {
  const rows = [
    ['recipe', a.recipe],
    ['base', `${a.base} (${a.family})`],
    ['runtime', a.runtime.name + (a.runtime.version ? `@${a.runtime.version}` : '')],
    ['timezone', a.tz],
    ['locale', a.locale],
    ['services', a.services.join(', ') || 'none'],
    ['ports', a.ports.map((p) => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`) + (p.proto === 'udp' ? '/udp' : '')).join(' ') || 'none'],
    ...Object.entries(a.set).map(([k, v]) => [k, String(v)]),
    ['target', target],
    ['files', states.map((s) => `${s.file.path}${s.status === 'changed' ? ' (exists, differs)' : s.status === 'same' ? ' (unchanged)' : ''}`).join('\n          ')],
  ];
  return rows.map(([k, v]) => `${k!.padEnd(9)} ${v}`).join('\n');
}

async function askPerFile(p: Prompter, states: FileState[], write: (text: string) => unknown): Promise<((s: FileState) => 'overwrite' | 'skip') | undefined> {
  const choices = new Map<string, 'overwrite' | 'skip'>();
  for (const s of states.filter((x) => x.status === 'changed')) {
    for (;;) {
      const c = await p.select({
        message: `${s.file.path} exists and differs`,
        options: [
          { value: 'skip', label: 'keep mine' },
          { value: 'overwrite', label: 'overwrite' },
          { value: 'diff', label: 'show diff' },
        ],
        initialValue: 'skip',
      });
      if (c === 'diff') {
        write(unifiedDiff(s.file.path, s.current ?? '', s.file.content));
        continue;
      }
      choices.set(s.file.path, c as 'overwrite' | 'skip');
      break;
    }
  }
  return choices.size ? (s) => choices.get(s.file.path) ?? 'skip' : undefined;
}

/** `refusal`: why the same run without --dry-run would stop (JSON says so; the caller exits 1 as that run would). */
function printDryRun(target: string, plan: Pick<Plan, 'image' | 'nextSteps'>, states: FileState[], flags: { json?: boolean }, refusal?: string): void {
  if (flags.json) {
    out.json({
      dryRun: true,
      target,
      ...(refusal ? { ok: false, wouldRefuse: refusal } : {}),
      files: states.map((s) => ({ path: s.file.path, status: s.status, mode: s.file.mode.toString(8), ...(s.status === 'changed' ? { diff: unifiedDiff(s.file.path, s.current ?? '', s.file.content) } : {}) })),
      image: plan.image,
      nextSteps: plan.nextSteps,
    });
    return;
  }
  printDryRunFiles(target, states);
}
