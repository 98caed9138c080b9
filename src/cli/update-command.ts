// `create-image update [dir]`: re-render with a newer recipe (or new answers) and merge your edits three
// ways (src/update/update.ts). Exit codes: 0 updated cleanly (or nothing to do); 1 conflicts written with
// markers (or, with --dry-run, conflicts would be); 2 bad input. `--check`: 0 up to date, 10 a newer
// recipe version is available (as `check`).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveAnswers } from '../core/answers.js';
import { ExitError, UPDATE_AVAILABLE } from '../core/errors.js';
import { extrasOf, type RecordFile } from '../core/record.js';
import type { Answers, Plan, PlannedFile, Recipe } from '../core/types.js';
import { joinExtras } from '../pipelines/index.js';
import { parseCi } from '../pipelines/systems.js';
import { flagLayer } from '../core/raw-answers.js';
import { readLock, readRecord } from '../edges/record-store.js';
import { renderPlan } from '../core/render.js';
import { unifiedDiff } from '../edges/write.js';
import { clackPrompter } from '../edges/prompts.js';
import { loadConfig } from '../recipes/config.js';
import { checkRequires } from '../recipes/requires.js';
import { ensureRecipeTrusted, sourcesFrom } from '../recipes/sources.js';
import { ensureTrusted } from '../recipes/trust.js';
import { lockDir, lockEngine, pinnedBase, pinnedRender } from '../update/lock.js';
import type { FileAction } from '../update/merge.js';
import { applyUpdate, isNewer, mergeActions, previousRender, readIn, recordedAnswers, updateTarget } from '../update/update.js';
import type { UpdateFlags } from './flags.js';
import { isInteractive, out } from './output.js';
import { VERSION } from './version.js';

export async function updateCommand(dirArg: string, flags: UpdateFlags): Promise<void> {
  const dir = resolve(dirArg);
  const rec = readRecord(dir);
  const { src, list, recipe } = await updateTarget(rec, { ...flags, dir, warn: out.warn });
  const from = `${rec.recipe.name} ${rec.recipe.version}`;

  if (flags.check) {
    const newer = isNewer(recipe, rec);
    if (flags.json) out.json({ current: rec.recipe.version, latest: recipe.manifest.version, source: src.label, newer });
    else out.line(newer ? `newer version ${recipe.manifest.version} available (${from} -> ${recipe.manifest.version} from ${src.label})` : `up to date (${from} from ${rec.recipe.source})`);
    if (newer) throw new ExitError(UPDATE_AVAILABLE);
    return;
  }

  checkRequires(recipe, VERSION);
  const interactive = isInteractive(flags);
  const sources = sourcesFrom(list.filter((s) => s.kind !== 'builtin'), loadConfig(dir));
  await ensureRecipeTrusted(recipe, sources, { ...(flags.trust ? { trust: true } : {}), interactive, ...(interactive ? { prompter: clackPrompter() } : {}), notice: out.notice, warn: out.warn, trustCode: async () => ensureTrusted });

  // New answers go through the same layers as a generation's flags, on top of the recorded ones.
  const changes = flagLayer(flags as Record<string, unknown>, (e) => e.update !== undefined);
  const answers = await resolveAnswers(recipe, recordedAnswers(dir, rec, recipe, changes), { interactive: false });
  const plan = renderPlan(recipe, answers, VERSION);
  plan.files = withRecordedExtras(dir, rec, plan, recipe, answers, flags);
  const lock = readLock(dir);
  const rendered = await previousRender(dir, rec, VERSION, out.warn);
  // A locked dir merges pinned texts: the digests it holds are no edit of the user's.
  const base = lock ? pinnedBase(rendered, lock) : rendered;
  const to = `${recipe.manifest.name} ${recipe.manifest.version}`;
  const u = mergeActions(dir, rec, base, lock ? { ...plan, files: pinnedRender(plan.files, lock) } : plan, { from, to });
  const { actions, writes, deletes, conflicted, kept } = u;

  if (flags.dryRun) {
    if (flags.json) out.json({ dryRun: true, from, to, source: src.label, files: actions.map((a) => ({ path: a.path, action: a.action, why: a.why, ...(a.action === 'write' ? { diff: unifiedDiff(a.path, readIn(dir, a.path) ?? '', a.content) } : {}) })), conflicts: conflicted.map((c) => c.path) });
    else {
      out.line(`Dry run: ${from === to ? `${to} re-rendered` : `${from} -> ${to}`} (${src.label}); nothing written`);
      for (const a of [...writes, ...deletes, ...kept]) out.line(`  ${label(a)} ${a.path}${a.action === 'keep' ? ` (${a.why})` : ''}`);
      for (const w of writes) out.line(unifiedDiff(w.path, readIn(dir, w.path) ?? '', w.content));
      for (const d of deletes) out.line(`--- a/${d.path}\n+++ /dev/null (removed by the recipe)`);
    }
    if (conflicted.length) throw new ExitError(1, `update would conflict in ${conflicted.map((c) => c.path).join(', ')}`);
    return;
  }

  applyUpdate(dir, plan, u);
  const locked = lock || flags.refreshLock ? await lockDir(dir, readRecord(dir), { refresh: !!flags.refreshLock, engine: lockEngine }) : undefined;
  if (flags.json) out.json({ from, to, source: src.label, ...(src.commit ? { commit: src.commit } : {}), files: actions.map((a) => ({ path: a.path, action: a.action, why: a.why, ...(a.action === 'write' && a.conflicts ? { conflicts: a.conflicts } : {}) })), conflicts: conflicted.map((c) => c.path), ...(locked ? { lock: locked.images.map(({ image, tag, digest, source, kept }) => ({ image, tag, digest, source, kept })) } : {}) });
  else {
    const at = `${src.label}${src.commit && src.kind === 'git' ? ` at ${src.commit.slice(0, 12)}` : ''}`;
    const unchanged = !writes.length && !deletes.length;
    if (from !== to) out.line(`Updated ${from} -> ${to} (${at})`);
    else out.line(unchanged ? `Already up to date: ${to} (${at})` : `Re-rendered ${to} with the changed answers (${at})`);
    for (const a of [...writes, ...deletes, ...kept]) out.line(`  ${label(a)} ${a.path}${a.action === 'keep' ? ` (${a.why})` : a.action === 'write' && a.conflicts ? ` (${a.conflicts} conflict${a.conflicts === 1 ? '' : 's'})` : ''}`);
    if (unchanged) out.line('  nothing to change');
    for (const i of locked?.images ?? []) out.line(`  ${i.kept ? 'locked  ' : 'resolved'} ${i.image}:${i.tag}@${i.digest}`);
  }
  if (conflicted.length) throw new ExitError(1, `conflicts in ${conflicted.map((c) => c.path).join(', ')}: resolve the <<<<<<< yours / >>>>>>> recipe blocks (your text is kept in them), then rebuild`);
}

/**
 * The --compose and --ci files generated with the dir (or asked for now) rendered for the new answers,
 * so a new service or port reaches compose.yaml and the pipeline; merged three ways like the recipe's.
 */
function withRecordedExtras(dir: string, rec: RecordFile, plan: Plan, recipe: Recipe, answers: Answers, flags: UpdateFlags): PlannedFile[] {
  const ci = parseCi(flags.ci);
  const which = extrasOf(rec.extras, { ...(flags.compose ? { compose: true } : {}), ...(ci ? { ci } : {}) });
  if (!which.compose && !which.ci) {
    // a folder generated before the record named its extras: they stay as they are, said once
    const untracked = ['compose.yaml', '.gitlab-ci.yml', '.github/workflows/image.yml'].filter((p) => !(p in rec.files) && existsSync(join(dir, p)));
    if (untracked.length && !rec.extras) out.notice(`${untracked.join(', ')}: not kept current (the record does not name ${untracked.length === 1 ? 'it' : 'them'}); --compose or --ci <system> re-renders and merges ${untracked.length === 1 ? 'it' : 'them'}`);
  }
  return joinExtras(plan, recipe, answers, which, VERSION);
}

function label(a: FileAction): string {
  if (a.action === 'delete') return 'delete  ';
  if (a.action === 'keep') return 'keep    ';
  return { new: 'create  ', recipe: 'update  ', merged: 'merged  ', conflict: 'CONFLICT' }[a.why];
}
