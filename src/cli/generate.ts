// `create-image [target-dir]`: ask everything, show a summary, then write (or dry-run), then optionally build.
import { existsSync, readFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import type { RawAnswers } from '../core/answers.js';
import { resolveAnswers } from '../core/answers.js';
import { CancelledError, UsageError } from '../core/errors.js';
import { renderPlan } from '../core/render.js';
import type { Issue, PlannedCert, Plan } from '../core/types.js';
import { parseSetAssignment } from '../core/validate.js';
import { imageNameFromDir } from '../build/tags.js';
import { shellQuote } from '../build/run-command.js';
import { inspectTarget, unifiedDiff, writeFiles, type FileState } from '../edges/write.js';
import type { GenerateFlags } from './main.js';
import { VERSION } from './main.js';
import { isInteractive, out } from './output.js';
import { ensureRecipeTrusted, recipeSources, resolveRecipe } from './sources.js';
import { addExtras } from './extras.js';
import { saveBase } from '../update/base.js';

/** Tests drive real clack prompts through these streams (`interactive` forces prompting without a TTY). */
export interface GenerateIO {
  input?: import('node:stream').Readable;
  output?: import('node:stream').Writable;
  interactive?: boolean;
}

export async function generate(targetArg: string | undefined, flags: GenerateFlags, io: GenerateIO = {}): Promise<void> {
  const interactive = io.interactive ?? isInteractive(flags);
  const { clackPrompter, clackUI } = interactive ? await import('./lazy.js') : ({} as typeof import('./lazy.js'));
  const streams = { ...(io.input ? { input: io.input } : {}), ...(io.output ? { output: io.output } : {}) };
  const prompter = interactive ? clackPrompter(streams) : undefined;
  const ui = interactive ? clackUI(streams) : undefined;
  ui?.intro(`create-image ${VERSION}`);

  const fileAnswers = flags.answers ? await readAnswersFile(flags.answers) : {};
  const sources = await recipeSources(flags, interactive);

  const recipeName =
    flags.recipe ??
    (fileAnswers.recipe as string | undefined) ??
    (prompter ? await prompter.select({ message: 'Recipe', options: sources.choices, initialValue: 'custom' }) : flags.yes ? 'custom' : undefined);
  if (!recipeName) throw new UsageError([{ path: '--recipe', message: `required without a TTY (or pass --yes for custom); available: ${sources.choices.map((c) => c.value).join(', ')}` }]);
  const recipe = await resolveRecipe(recipeName, sources, flags, interactive);
  await ensureRecipeTrusted(recipe, sources, flags, interactive, prompter);
  // CA certificates: --ca-cert, else the answers file, else the config's "caCerts".
  if (!flags.caCert && fileAnswers.caCerts === undefined && sources.config.caCerts.length) flags = { ...flags, caCert: sources.config.caCerts };

  const target =
    targetArg ??
    (prompter
      ? await prompter.text({ message: 'Target directory', initialValue: recipeName === 'custom' ? 'my-image' : recipeName, validate: (v) => (v.trim() ? undefined : 'required') })
      : flags.yes
        ? recipeName
        : undefined);
  if (!target) throw new UsageError([{ path: 'target-dir', message: 'required without a TTY: create-image <target-dir> ... (or --yes to use the recipe name)' }]);
  const targetDir = resolve(target);

  const raw = mergeRaw(fileAnswers, flags, targetDir);
  const answers = await resolveAnswers(recipe, raw, { interactive, ...(prompter ? { prompter } : {}) });
  const plan = renderPlan(recipe, answers, VERSION);
  await addExtras(plan, recipe, answers, flags);
  const states = inspectTarget(targetDir, plan.files);
  // build flags are checked before anything is written (loaded only when one is given)
  if (flags.build || flags.tag || flags.push || flags.platform || flags.cache === false || flags.buildArg || flags.builder) {
    (await import('./lazy.js')).checkBuildFlags(flags, answers.imageName);
  }

  if (ui && prompter) {
    ui.note(summary(answers, states, targetDir), 'Summary');
    if (!flags.dryRun && !(await prompter.confirm({ message: 'Write these files?', initialValue: true }))) throw new CancelledError();
  }

  if (flags.dryRun) {
    printDryRun(targetDir, plan, states, flags);
    return;
  }

  const decide = flags.force ? () => 'overwrite' as const : prompter ? await askPerFile(prompter, states, (t) => (io.output ?? process.stdout).write(t)) : undefined;
  const result = writeFiles(targetDir, states, decide);
  // The base of the next `update`'s three-way merge (see src/update/base.ts).
  saveBase(targetDir, plan.files);
  const cd = relative(process.cwd(), targetDir) || '.';
  const wrote = `Wrote ${result.written.length} file${result.written.length === 1 ? '' : 's'} to ${cd}${result.skipped.length ? ` (kept yours: ${result.skipped.join(', ')})` : ''}${result.unchanged.length ? ` (${result.unchanged.length} unchanged)` : ''}.`;
  // The files exist before anything is built: say so first, so a failed or interrupted build leaves no doubt.
  if (!flags.json) {
    if (ui) ui.success(wrote);
    else out.line(wrote);
  }

  let built: import('./build-command.js').BuildReport | undefined;
  if (flags.build) {
    const { buildGenerated } = await import('./lazy.js');
    built = await buildGenerated(targetDir, answers.imageName, plan, flags);
  }

  // After a build the image exists: the next step is running it, not building it again.
  const steps = [...(cd !== '.' ? [`cd ${shellQuote(cd)}`] : []), ...(built ? [built.run] : plan.nextSteps)];
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

async function readAnswersFile(file: string): Promise<Record<string, unknown>> {
  if (!existsSync(file)) throw new UsageError([{ path: '--answers', message: `${file} does not exist` }]);
  const text = readFileSync(file, 'utf8');
  try {
    // A .json file needs no YAML parser, which is behind the lazy boundary (YAML is a superset of JSON).
    const data = /\.json$/i.test(file) ? JSON.parse(text) : (await import('./lazy.js')).parseYaml(text);
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('expected a mapping of answers');
    return data as Record<string, unknown>;
  } catch (e) {
    throw new UsageError([{ path: '--answers', message: `${file}: ${(e as Error).message.split('\n')[0]}` }]);
  }
}


const ANSWER_KEYS = ['recipe', 'name', 'base', 'family', 'runtime', 'tz', 'locale', 'services', 'supervisor', 'ports', 'env', 'set', 'caCerts', 'caInFinal'];

function mergeRaw(file: Record<string, unknown>, f: GenerateFlags, targetDir: string): RawAnswers {
  const issues: Issue[] = [];
  for (const k of Object.keys(file)) if (!ANSWER_KEYS.includes(k)) issues.push({ path: `--answers ${k}`, message: `unknown key; accepted: ${ANSWER_KEYS.join(', ')}` });
  const list = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);
  const set: Record<string, unknown> = { ...((file.set as Record<string, unknown>) ?? {}) };
  for (const s of f.set ?? []) {
    const r = parseSetAssignment(s);
    if (r.error !== undefined) issues.push({ path: '--set', message: r.error });
    else set[r.key] = r.value;
  }
  const caFiles = f.caCert ?? list(file.caCerts) ?? [];
  const caCerts: PlannedCert[] = [];
  caFiles.forEach((path, i) => {
    if (!existsSync(path)) {
      issues.push({ path: '--ca-cert', message: `${path} does not exist` });
      return;
    }
    const content = readFileSync(path, 'utf8');
    if (!content.includes('-----BEGIN CERTIFICATE-----')) {
      issues.push({ path: '--ca-cert', message: `${path} is not a PEM certificate (no BEGIN CERTIFICATE line)` });
      return;
    }
    // update-ca-certificates only reads *.crt files.
    caCerts.push({ name: `${String(i + 1).padStart(2, '0')}-${basename(path).replace(/\.(pem|crt|cer)$/i, '').replace(/[^\w.-]/g, '_')}.crt`, content });
  });
  if (issues.length) throw new UsageError(issues);
  const env = f.env ?? (file.env as RawAnswers['env']);
  const pick = <T>(flag: T | undefined, key: string) => (flag !== undefined ? flag : (file[key] as T | undefined));
  const raw: RawAnswers = {
    imageName: f.name ?? (file.name as string | undefined) ?? imageNameFromDir(basename(targetDir)),
    set,
    caCerts,
    caInFinal: Boolean(f.caInFinal ?? file.caInFinal),
  };
  const assign = <K extends keyof RawAnswers>(k: K, v: RawAnswers[K] | undefined) => {
    if (v !== undefined) raw[k] = v;
  };
  assign('base', pick(f.base, 'base'));
  assign('family', pick(f.family, 'family'));
  assign('runtime', pick(f.runtime, 'runtime'));
  assign('tz', pick(f.tz, 'tz'));
  assign('locale', pick(f.locale, 'locale'));
  assign('services', f.service ?? list(file.services));
  assign('supervisor', pick(f.supervisor, 'supervisor'));
  assign('ports', f.port ?? list(file.ports));
  assign('env', env);
  return raw;
}

function summary(a: import('../core/types.js').Answers, states: FileState[], target: string): string {
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

async function askPerFile(p: import('../core/answers.js').Prompter, states: FileState[], write: (text: string) => unknown): Promise<((s: FileState) => 'overwrite' | 'skip') | undefined> {
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

function printDryRun(target: string, plan: Plan, states: FileState[], flags: GenerateFlags): void {
  if (flags.json) {
    out.json({
      dryRun: true,
      target,
      files: states.map((s) => ({ path: s.file.path, status: s.status, mode: s.file.mode.toString(8), ...(s.status === 'changed' ? { diff: unifiedDiff(s.file.path, s.current ?? '', s.file.content) } : {}) })),
      image: plan.image,
      nextSteps: plan.nextSteps,
    });
    return;
  }
  out.line(`Dry run: nothing written to ${target}`);
  for (const s of states) out.line(`  ${s.status === 'new' ? 'create' : s.status === 'same' ? 'same  ' : 'change'} ${s.file.path}`);
  for (const s of states.filter((x) => x.status === 'changed')) out.line(unifiedDiff(s.file.path, s.current ?? '', s.file.content));
}
