// `update`: re-render a generated dir with a newer recipe (or new answers) and merge three ways: base (the
// previous render, kept in .create-image/base.json), the user's files, the new render. The command
// (src/cli/update-command.ts) sequences these steps and prints; nothing here writes to the terminal.
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import semver from 'semver';
import { defaultPorts, resolveAnswers, type RawAnswers } from '../core/answers.js';
import { parsePort } from '../core/validate.js';
import { CreateImageError, UsageError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { replayedValues } from '../core/answer-table.js';
import { rawAnswersFrom, type AnswerLayer } from '../core/raw-answers.js';
import { RECORD_FILE, type RecordFile } from '../core/record.js';
import { readBase, saveBase } from '../edges/record-store.js';
import { renderPlan } from '../core/render.js';
import type { Issue, Plan, PlannedCert, Recipe } from '../core/types.js';
import { inspectTarget, writeFiles } from '../edges/write.js';
import { findRecipe } from '../recipes/load.js';
import { providerOf, type ResolvedSource } from '../recipes/providers/index.js';
import { builtin } from '../recipes/sources.js';
import { parseSpec, type SourceSpec } from '../recipes/spec.js';
import { planMerge, type FileAction } from './merge.js';

export interface UpdateTarget {
  /** The source the update renders from. */
  src: ResolvedSource;
  /** Every source searched (the target's, then the built-ins). */
  list: ResolvedSource[];
  recipe: Recipe;
}

/** The source an update renders from: --recipes (one), else the recorded source at its newest release. */
export async function updateTarget(rec: RecordFile, opts: { dir: string; recipes?: string[]; refresh?: boolean; trust?: boolean; warn: (s: string) => void }): Promise<UpdateTarget> {
  if ((opts.recipes?.length ?? 0) > 1) throw new UsageError([{ path: '--recipes', message: 'update takes one source (the one to move to)' }]);
  let target: { spec: SourceSpec; refresh: boolean } | undefined;
  let recorded = false;
  if (opts.recipes?.length) target = { spec: parseSpec(opts.recipes[0]!, process.cwd(), '--recipes'), refresh: !!opts.refresh };
  else if (rec.recipe.source !== 'builtin') {
    const spec = recordedSpec(rec, opts.dir, !!opts.trust)!;
    target = await providerOf(spec).newest(spec, { refresh: !!opts.refresh });
    recorded = true;
  }
  let src = target ? await providerOf(target.spec).resolve(target.spec, { refresh: target.refresh, warn: opts.warn }) : builtin();
  // a folder the record names is code of the project: trusted as a remote source is
  if (recorded && src.kind === 'dir') src = { ...src, namedBy: `${RECORD_FILE} recipe.source`, trustKey: src.dir };
  const list = src.kind === 'builtin' ? [src] : [src, builtin()];
  return { src, list, recipe: findRecipe(rec.recipe.name, list) };
}

/**
 * The source a record names, checked as project data: a folder must be inside the project (`dir`), and a
 * bare name (records write npm:NAME) reaches the npm registry only with --trust.
 */
export function recordedSpec(rec: RecordFile, dir: string, trust: boolean): SourceSpec | undefined {
  const raw = rec.recipe.source;
  if (raw === 'builtin') return undefined;
  const path = `${RECORD_FILE} recipe.source`;
  const spec = parseSpec(raw, dir, path);
  if (spec.kind === 'dir') {
    const [real, root] = [realpathSync(spec.dir), realpathSync(dir)];
    if (real !== root && !real.startsWith(root + sep)) throw new UsageError([{ path, message: `${raw} is outside the project folder ${dir}: a record names only the project's own recipes; to update from it, name it: --recipes ${real}` }]);
  }
  if (spec.kind === 'npm' && !raw.trim().startsWith('npm:') && !spec.pkg.startsWith('file:') && !trust) {
    throw new UsageError([{ path, message: `"${raw}" is a bare name, which records never write (they write npm:NAME); it is fetched from the npm registry only with --trust` }]);
  }
  return spec;
}

/** Whether `recipe` is a newer version than the recorded one (by semver when both are versions). */
export function isNewer(recipe: Recipe, rec: RecordFile): boolean {
  const [next, prev] = [recipe.manifest.version, rec.recipe.version];
  return semver.valid(next) && semver.valid(prev) ? semver.gt(next, prev) : next !== prev;
}

/**
 * RawAnswers that reproduce the recorded answers, with `changes` (--set/--env) on top. Answers to
 * questions the recipe no longer asks are dropped; CA certificates are read back from certs/.
 */
export function recordedAnswers(dir: string, rec: RecordFile, recipe: Recipe, changes?: AnswerLayer): RawAnswers {
  const a = rec.answers;
  const issues: Issue[] = [];
  const caCerts: PlannedCert[] = [];
  for (const name of a.caCerts ?? []) {
    const f = join(dir, 'certs', name);
    if (existsSync(f)) caCerts.push({ name, content: readFileSync(f, 'utf8') });
    else issues.push({ path: `${RECORD_FILE} answers.caCerts`, message: `certs/${name} is missing from ${dir}; restore it or regenerate with --ca-cert` });
  }
  if (issues.length) throw new UsageError(issues);
  const values = replayedValues(a as unknown as Record<string, unknown>, recipe);
  const replayed: AnswerLayer = { values, path: (k) => `${RECORD_FILE} answers.${k}`, caCerts };
  const raw = rawAnswersFrom([replayed, ...(changes ? [changes] : [])]);
  if (changes?.values.services !== undefined && changes.values.ports === undefined) {
    raw.ports = portsWithAddedServices(recipe, raw.ports ?? [], values.services as string[], raw.services ?? []);
  }
  return raw;
}

/**
 * `update --service` without --port: the services it adds get the ports a fresh generation gives them (each
 * one's default port, unless the recipe names default ports of its own), beside the recorded ports; a port
 * already exposed is not added twice.
 */
export function portsWithAddedServices(recipe: Recipe, ports: string[], before: string[], after: string[]): string[] {
  if (recipe.manifest.defaults?.ports?.length) return ports;
  const exposed = ports.map((t) => parsePort(t).port).filter((p) => p !== undefined);
  const covered = (p: number) => exposed.some((r) => r.proto === 'tcp' && r.from <= p && p <= r.to);
  return [...ports, ...defaultPorts(after.filter((s) => !before.includes(s))).filter((p) => !covered(Number(p)))];
}

/** The previous render: the stored base, else (git) a re-render at the recorded commit, else nothing known. */
export async function previousRender(dir: string, rec: RecordFile, toolVersion: string, warn: (s: string) => void): Promise<Map<string, string>> {
  const stored = readBase(dir, rec.files);
  if (stored?.size) return stored;
  const map = new Map<string, string>();
  try {
    const spec = recordedSpec(rec, dir, true);
    const src = spec && rec.recipe.commit ? await providerOf(spec).at(spec, rec.recipe.commit, { warn }) : undefined;
    if (src) {
      const old = findRecipe(rec.recipe.name, [src, builtin()]);
      if (old.manifest.version === rec.recipe.version) {
        const answers = await resolveAnswers(old, recordedAnswers(dir, rec, old), { interactive: false });
        for (const f of renderPlan(old, answers, toolVersion).files) map.set(f.path, f.content);
      }
    }
  } catch (e) {
    if (!(e instanceof CreateImageError)) throw e;
    warn(`cannot re-render the recorded recipe version (${e.message.split('\n')[0]}); files you changed are merged two ways`);
  }
  return map;
}

export interface UpdatePlan {
  actions: FileAction[];
  writes: Extract<FileAction, { action: 'write' }>[];
  deletes: FileAction[];
  conflicted: Extract<FileAction, { action: 'write' }>[];
  /** Files kept for a reason worth saying (not merely up to date). */
  kept: Extract<FileAction, { action: 'keep' }>[];
}

/** What to do with each file: the user's copy, the base and the new render merged three ways. */
export function mergeActions(dir: string, rec: RecordFile, base: Map<string, string>, plan: Plan, labels: { from: string; to: string }): UpdatePlan {
  const next = new Map(plan.files.map((f) => [f.path, f]));
  const paths = new Set([...Object.keys(rec.files), ...base.keys(), ...next.keys()]);
  paths.delete(RECORD_FILE);
  const actions = planMerge([...paths].sort(), (p) => {
    const user = readIn(dir, p);
    let b = base.get(p);
    // No stored base, but the file is byte for byte what was generated: it is its own base.
    if (b === undefined && user !== undefined && rec.files[p] === sha256(user)) b = user;
    const n = next.get(p);
    return { ...(b !== undefined ? { base: b } : {}), ...(user !== undefined ? { user } : {}), ...(n ? { next: n.content, mode: n.mode } : {}) };
  }, { yours: 'yours', base: `base (${labels.from})`, theirs: `recipe (${labels.to})` });
  const writes = actions.filter((a): a is Extract<FileAction, { action: 'write' }> => a.action === 'write');
  return {
    actions,
    writes,
    deletes: actions.filter((a) => a.action === 'delete'),
    conflicted: writes.filter((a) => a.why === 'conflict'),
    kept: actions.filter((a): a is Extract<FileAction, { action: 'keep' }> => a.action === 'keep' && a.why !== 'up to date'),
  };
}

/** The user's current text of a generated file, if it is there. */
export const readIn = (dir: string, p: string): string | undefined => (existsSync(join(dir, p)) ? readFileSync(join(dir, p), 'utf8') : undefined);

/** Writes the merged files and the new record, removes what the recipe dropped, and keeps the new render as the next base. */
export function applyUpdate(dir: string, plan: Plan, u: UpdatePlan): void {
  const record = plan.files.find((f) => f.path === RECORD_FILE)!;
  const files = [...u.writes.map((w) => ({ path: w.path, content: w.content, mode: w.mode ?? 0o644 })), record];
  writeFiles(dir, inspectTarget(dir, files), () => 'overwrite');
  for (const d of u.deletes) rmSync(join(dir, d.path), { force: true });
  saveBase(dir, plan.files);
}
