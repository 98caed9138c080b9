// `create-image [target-dir]`: ask everything, show a summary, then write (or dry-run), then optionally build.
// What only some runs need (prompts, YAML, pipelines, builds, remote sources) comes from `later`, the
// lazy bundle main.ts hands in.
import { basename, relative, resolve } from 'node:path';
import { summaryRows } from '../core/answer-table.js';
import { resolveAnswers, type Prompter, type RawAnswers } from '../core/answers.js';
import { CancelledError, ConflictError, CreateImageError, ExitError, UsageError } from '../core/errors.js';
import { shCommand } from '../core/escape.js';
import { endOfSupportWarning } from '../core/families.js';
import { today } from '../edges/clock.js';
import { ANSWER_KEYS, flagLayer, flagPath, rawAnswersFrom, type AnswerLayer } from '../core/raw-answers.js';
import { extrasOf } from '../core/record.js';
import { hasRecord, recordedExtras, saveBase } from '../edges/record-store.js';
import { renderPlan } from '../core/render.js';
import type { Answers, Plan, Recipe } from '../core/types.js';
import type { clackPrompter, clackUI } from '../edges/prompts.js';
import { readAnswersFile, readCaCerts } from '../edges/inputs.js';
import { inspectTarget, targetDirError, unifiedDiff, writeFiles, type FileState } from '../edges/write.js';
import { imageNameFromDir } from '../engines/tags.js';
import type { joinExtras } from '../pipelines/index.js';
import { parseCi, type CiSystem } from '../pipelines/systems.js';
import { findRecipe } from '../recipes/load.js';
import { checkRequires } from '../recipes/requires.js';
import type { externalSources } from '../recipes/external.js';
import { ensureRecipeTrusted, loadSources } from '../recipes/sources.js';
import { STATIC_PORT } from '../detect/static.js';
import { chooseApp, findApps, type DetectedAnswers, type FoundApps } from './app-detect.js';
import type { ensureTrusted } from '../recipes/trust.js';
import type { buildGenerated, checkBuildFlags } from './build-command.js';
import { givenBuildFlags, type GenerateFlags } from './flags.js';
import { isInteractive, notInteractiveBecause, out, printDryRunFiles } from './output.js';
import { VERSION } from './version.js';

/** The parts of the lazy bundle a generation may need. */
export interface GenerateLater {
  externalSources: typeof externalSources;
  ensureTrusted: typeof ensureTrusted;
  clackPrompter: typeof clackPrompter;
  clackUI: typeof clackUI;
  parseYaml: (text: string) => unknown;
  joinExtras: typeof joinExtras;
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
  const g = await gather(targetArg, flags, later, io);
  const r = await resolveAll(g, targetArg, flags, later);
  const plan = await render(g, r, flags, later);
  await apply(g, r, plan, flags, later, io);
}

/** Phase 1: every edge read and every flag checked, before the first prompt. */
interface Gathered {
  interactive: boolean;
  prompter?: Prompter;
  ui?: ReturnType<typeof clackUI>;
  fileAnswers: Record<string, unknown>;
  fileLayer: AnswerLayer;
  flagsLayer: AnswerLayer;
  /** The given answers (file, then flags), shape-checked. */
  given: RawAnswers;
  sources: Awaited<ReturnType<typeof loadSources>>;
  found?: FoundApps;
  ci?: CiSystem;
}

async function gather(targetArg: string | undefined, flags: GenerateFlags, later: () => Promise<GenerateLater>, io: GenerateIO): Promise<Gathered> {
  const interactive = io.interactive ?? isInteractive(flags);
  if (targetArg === '') throw new UsageError([{ path: 'target-dir', message: 'is empty: name a folder, e.g. create-image my-image ...' }]);
  const targetError = targetArg === undefined ? undefined : targetDirError(targetArg);
  if (targetError) throw new UsageError([{ path: 'target-dir', message: targetError }]);
  const fileAnswers = flags.answers ? await readAnswersFile(flags.answers, async () => (await later()).parseYaml) : {};
  const fileLayer: AnswerLayer = { values: fileAnswers, path: (k: string) => `--answers ${k}`, keys: ANSWER_KEYS };
  const sources = await loadSources(flags, { warn: out.warn, external: async () => (await later()).externalSources });
  // CA certificates: --ca-cert, else the answers file, else the config's "caCerts".
  const certFrom = flags.caCert ? '--ca-cert' : listOf(fileAnswers.caCerts) ? '--answers caCerts' : `caCerts of ${sources.config.files.find((f) => f.caCerts.length)?.file ?? 'the config'}`;
  const caCerts = readCaCerts(flags.caCert ?? listOf(fileAnswers.caCerts) ?? sources.config.caCerts, flags.caCert ? '--ca-cert' : certFrom);
  // said every time: a folder's config can name certificates, and what stays in the image is the user's call
  if (caCerts.length) out.notice(`CA certificates from ${certFrom} (${caCerts.map((c) => c.name).join(', ')}): certificates only; the image keeps them in the layer that copies certs/ (public certificates, no keys; --ca-in-final decides whether it trusts them at run time)`);
  const flagsLayer = flagLayer(flags as Record<string, unknown>, undefined, caCerts);
  // the shape of every given answer (types, sizes, keys), file and flags, before anything is asked
  const given = rawAnswersFrom([fileLayer, flagsLayer]);
  const ci = parseCi(flags.ci);
  if (hasBuildFlags(flags)) (await later()).checkBuildFlags(flags, given.imageName ?? 'image');
  const found = findApps(targetArg, flags, fileAnswers.recipe, given.set ?? {}, interactive);

  const lazy = interactive ? await later() : undefined;
  const streams = { ...(io.input ? { input: io.input } : {}), ...(io.output ? { output: io.output } : {}) };
  const prompter = lazy?.clackPrompter(streams);
  const ui = lazy?.clackUI(streams);
  return { interactive, ...(prompter ? { prompter } : {}), ...(ui ? { ui } : {}), fileAnswers, fileLayer, flagsLayer, given, sources, ...(found ? { found } : {}), ...(ci ? { ci } : {}) };
}

const hasBuildFlags = (f: GenerateFlags) => !!f.build || givenBuildFlags(f).length > 0;

/** Phase 2: the recipe, the target and every answer, asked where not given (the only phase that prompts). */
interface Resolved {
  recipe: Recipe;
  targetDir: string;
  answers: Answers;
  detected?: DetectedAnswers;
}

async function resolveAll(g: Gathered, targetArg: string | undefined, flags: GenerateFlags, later: () => Promise<GenerateLater>): Promise<Resolved> {
  const { prompter, ui, sources, fileAnswers } = g;
  ui?.intro(`create-image ${VERSION}`);
  const detected = g.found ? await chooseApp(g.found, flags, g.given.set ?? {}, { ...(prompter ? { prompter } : {}), ...(ui ? { ui } : {}) }) : undefined;
  const recipeName =
    flags.recipe ??
    (fileAnswers.recipe as string | undefined) ??
    (detected ? 'app' : undefined) ??
    (prompter ? await prompter.select({ message: 'Recipe', options: sources.choices, initialValue: 'custom' }) : flags.yes ? 'custom' : undefined);
  const because = () => notInteractiveBecause(flags) ?? 'here';
  if (!recipeName) throw new UsageError([{ path: '--recipe', message: `required ${because()} (or pass --yes for custom); available: ${sources.choices.map((c) => c.value).join(', ')}` }]);
  const recipe = findRecipe(recipeName, sources.list);
  checkRequires(recipe, VERSION);
  await ensureRecipeTrusted(recipe, sources, { ...(flags.trust ? { trust: true } : {}), interactive: g.interactive, ...(prompter ? { prompter } : {}), notice: out.notice, warn: out.warn, trustCode: async () => (await later()).ensureTrusted });

  // a static site named for a folder with nothing to detect yet (a new site): served where a detected one
  // is, from a starter page (an empty site answers 404, which its HEALTHCHECK rightly calls unhealthy)
  const namedStatic = !detected && recipeName === 'app' && g.given.set?.stack === 'static';
  const layers: AnswerLayer[] = [
    ...(detected ? [{ values: detected.values, path: (k: string) => `detected ${k}` }] : []),
    ...(namedStatic ? [{ values: { ports: [String(STATIC_PORT)], set: { starter: true } }, path: (k: string) => `--set stack=static ${k}` }] : []),
    g.fileLayer,
    g.flagsLayer,
  ];
  // a given value the recipe refuses stops the wizard before it asks for the target or any answer
  if (prompter) await resolveAnswers(recipe, rawAnswersFrom(layers), { interactive: false, givenOnly: true });

  const target =
    targetArg ??
    (detected ? detected.target : undefined) ??
    (prompter
      ? await prompter.text({ message: 'Target directory', initialValue: recipeName === 'custom' ? 'my-image' : recipeName, validate: (v) => (v.trim() ? targetDirError(v) : 'required') })
      : flags.yes
        ? recipeName
        : undefined);
  if (!target) throw new UsageError([{ path: 'target-dir', message: `required ${because()}: create-image <target-dir> ... (or --yes to use the recipe name)` }]);
  const targetDir = resolve(target);
  const targetError = targetDirError(target);
  if (targetError) throw new UsageError([{ path: 'target-dir', message: targetError }]);

  const raw = rawAnswersFrom([{ values: { name: imageNameFromDir(basename(targetDir)) }, path: flagPath }, ...layers]);
  const answers = await resolveAnswers(recipe, raw, { interactive: g.interactive, ...(prompter ? { prompter } : {}) });
  return { recipe, targetDir, answers, ...(detected ? { detected } : {}) };
}

/** Phase 3: the plan of files, the --ci and --compose extras joined (pure but for loading the pipelines' code). */
async function render(g: Gathered, r: Resolved, flags: GenerateFlags, later: () => Promise<GenerateLater>): Promise<Plan> {
  const stale = endOfSupportWarning(r.answers.base, today());
  if (stale) out.warn(stale);
  const plan = renderPlan(r.recipe, r.answers, VERSION);
  if (r.detected) plan.notes = [...plan.notes, ...r.detected.notes];
  // a folder generated before keeps the --compose/--ci files its record names current, flags or not
  const which = extrasOf(recordedExtras(r.targetDir), { ...(flags.compose ? { compose: true } : {}), ...(g.ci ? { ci: g.ci } : {}) });
  if (which.compose || which.ci) plan.files = (await later()).joinExtras(plan, r.recipe, r.answers, which, VERSION);
  return plan;
}

/** Phase 4: confirm, write (or dry-run), build, verify and push, then the next steps. */
async function apply(g: Gathered, r: Resolved, plan: Plan, flags: GenerateFlags, later: () => Promise<GenerateLater>, io: GenerateIO): Promise<void> {
  const { prompter, ui } = g;
  const { recipe, targetDir, answers } = r;
  const states = inspectTarget(targetDir, plan.files);
  if (ui && prompter) {
    ui.note(summary(answers, recipe, states, targetDir), 'Summary');
    if (!flags.dryRun && !(await prompter.confirm({ message: 'Write these files?', initialValue: true }))) throw new CancelledError();
  }

  const cd = relative(process.cwd(), targetDir) || '.';
  // A folder create-image generated is changed with `update`, which merges the user's edits.
  const instead = hasRecord(targetDir)
    ? `to change its answers, run ${shCommand(['create-image', 'update', cd])} with the new flags, which merges your edits; or --force to overwrite`
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
  const where = cd === '.' ? 'the current folder' : cd;
  const wrote = `Wrote ${result.written.length} file${result.written.length === 1 ? '' : 's'} to ${where}${result.skipped.length ? ` (kept yours: ${result.skipped.join(', ')})` : ''}${result.unchanged.length ? ` (${result.unchanged.length} unchanged)` : ''}.`;
  // The files exist before anything is built: say so first, so a failed or interrupted build leaves no doubt.
  if (!flags.json) {
    if (ui) ui.success(wrote);
    else out.line(wrote);
  }

  let built: Awaited<ReturnType<GenerateLater['buildGenerated']>> | undefined;
  try {
    built = flags.build ? await (await later()).buildGenerated(targetDir, answers.imageName, plan, flags, recipe.manifest, answers) : undefined;
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

/** The wizard's summary: each answer by its label (answer table), then the target and its files. */
function summary(a: Answers, recipe: Recipe, states: FileState[], target: string): string {
  const rows: [string, string][] = [
    ...summaryRows(a, recipe),
    ['Target', target],
    ['Files', states.map((s) => `${s.file.path}${s.status === 'changed' ? ' (exists, differs)' : s.status === 'same' ? ' (unchanged)' : ''}`).join('\n')],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v.split('\n').join(`\n${' '.repeat(width + 2)}`)}`).join('\n');
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
