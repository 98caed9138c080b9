// The generated folder's contract: what create-image keeps beside the files it writes, and the one
// module that names and builds it (reading and writing it on disk is edges/record-store.ts).
//   .create-image.json        the record: recipe identity, the resolved answers, a hash per file
//   .create-image/base.json   the last render: the base of `update`'s three-way merge (tool-owned)
//   .create-image/build.log   the whole log of the last build (ignored by git: .create-image/.gitignore)
// The generated .dockerignore keeps all of them out of the build context.
import { recordedForm } from './answer-table.js';
import { UsageError } from './errors.js';
import { sha256 } from './hash.js';
import type { Answers, PlannedFile, Recipe } from './types.js';

export const RECORD_FILE = '.create-image.json';
export const STATE_DIR = '.create-image';
export const BASE_FILE = `${STATE_DIR}/base.json`;
export const BUILD_LOG = `${STATE_DIR}/build.log`;
/** Keeps the build log out of git: base.json belongs in the repository (update merges against it), the log does not. */
export const STATE_GITIGNORE = `${STATE_DIR}/.gitignore`;
export const STATE_GITIGNORE_TEXT = '# Written by create-image: the log of the last build is not worth committing (base.json is).\nbuild.log\n';
/** Where earlier versions kept the base, as a tree: still read, replaced at the next save. */
export const LEGACY_BASE_DIR = `${STATE_DIR}/base`;

/**
 * Why a recipe may not write `path` (posix, relative, normalised), or undefined when it may: the
 * record and the state folder are the tool's, and anything in a `.git` folder (hooks run code) is
 * git's. Compared without case, as on a case-insensitive file system.
 */
export function reservedOutputPath(path: string): string | undefined {
  const parts = path.toLowerCase().split('/');
  if (parts[0] === RECORD_FILE || parts[0] === STATE_DIR) return `is create-image's own (${parts[0] === RECORD_FILE ? 'the record of the generated folder' : 'its state folder'}); a recipe cannot write it`;
  if (parts.includes('.git')) return 'is inside a .git folder (git runs hooks from there); a recipe cannot write it';
  return undefined;
}

/** The answers as recorded: CA certificates by file name (their text stays in certs/), no secret env. */
export type RecordedAnswers = Omit<Answers, 'caCerts'> & { caCerts?: string[] };

/** Files written beside the recipe's by request (--compose, --ci): kept current by `update` as its own. */
export interface RecordedExtras {
  compose?: boolean;
  ci?: 'gitlab' | 'github';
}

export interface RecordFile {
  createImage?: string;
  recipe: { name: string; version: string; source: string; commit?: string };
  answers: RecordedAnswers;
  extras?: RecordedExtras;
  /** Output path -> sha256 of what the recipe rendered there (extras such as --ci files are not recipe output). */
  files: Record<string, string>;
}

/** What `update` needs to re-render: recipe identity and answers, never secret values or CA contents. */
export function recordOf(recipe: Recipe, a: Answers, toolVersion: string, files: PlannedFile[]): RecordFile {
  return {
    createImage: toolVersion,
    recipe: { name: recipe.manifest.name, version: recipe.manifest.version, source: recipe.source, ...(recipe.commit ? { commit: recipe.commit } : {}) },
    answers: recordedForm(a, recipe) as RecordedAnswers,
    files: Object.fromEntries(files.map((f) => [f.path, sha256(f.content)])),
  };
}

export const recordText = (record: RecordFile): string => `${JSON.stringify(record, null, 2)}\n`;

/**
 * The plan with the --compose/--ci files joined and recorded: the record names which were asked for and
 * hashes them with the recipe's, so `update` re-renders and merges them and `check` sees their edits.
 */
export function withExtras(files: PlannedFile[], extras: PlannedFile[], which: RecordedExtras): PlannedFile[] {
  if (!extras.length) return files;
  return [...files, ...extras].map((f) => {
    if (f.path !== RECORD_FILE) return f;
    const rec = JSON.parse(f.content) as RecordFile;
    const next: RecordFile = { ...rec, extras: which, files: { ...rec.files, ...Object.fromEntries(extras.map((e) => [e.path, sha256(e.content)])) } };
    return { ...f, content: recordText(next) };
  });
}

/** The extras a run keeps: those recorded, plus the flags' (a --ci flag replaces the recorded system). */
export function extrasOf(recorded: RecordedExtras | undefined, flags: { compose?: boolean; ci?: RecordedExtras['ci'] }): RecordedExtras {
  const ci = flags.ci ?? recorded?.ci;
  return { ...(flags.compose || recorded?.compose ? { compose: true } : {}), ...(ci ? { ci } : {}) };
}

/** The first --compose/--ci file the recipe itself writes, when one does (the extra would replace it). */
export const clashingExtra = (files: PlannedFile[], extras: PlannedFile[]): string | undefined => extras.find((e) => files.some((f) => f.path === e.path))?.path;

/** The recipe's own output among planned files: those the plan's record hashes (not --ci/--compose extras). */
export function recipeFiles(files: PlannedFile[]): PlannedFile[] {
  const rec = files.find((f) => f.path === RECORD_FILE);
  if (!rec) return files;
  const hashes = (JSON.parse(rec.content) as Partial<RecordFile>).files ?? {};
  return files.filter((f) => f.path in hashes);
}

/** A record's text read back: one that cannot be is a usage error naming the file. */
export function parseRecord(text: string): RecordFile {
  let rec: RecordFile;
  try {
    rec = JSON.parse(text) as RecordFile;
  } catch (e) {
    throw new UsageError([{ path: RECORD_FILE, message: `is not valid JSON (${(e as Error).message})` }]);
  }
  if (!rec?.recipe?.name || !rec.recipe.source || !rec.answers || !rec.files) throw new UsageError([{ path: RECORD_FILE, message: 'lacks recipe.name, recipe.source, answers or files; regenerate the dir' }]);
  return rec;
}

/** The base of the next merge: the recipe output among `files`, as base.json holds it. */
export function baseText(files: PlannedFile[]): string {
  const base = Object.fromEntries(recipeFiles(files).filter((f) => f.path !== RECORD_FILE).map((f) => [f.path, f.content]));
  return `${JSON.stringify({ files: base }, null, 1)}\n`;
}
