// Typed errors: the core throws these, never exits. The CLI's single error boundary maps them to exit codes.
import type { Issue } from './types.js';

export class CreateImageError extends Error {
  readonly exitCode: number = 1;
  /** Facts a `--json` failure reports beside the error (e.g. the files written before a build failed). */
  details?: Record<string, unknown>;
}

/** What `--json` reports as `error.code` for each kind of error. */
export function errorCode(e: unknown): string {
  if (e instanceof UsageError || (e instanceof CreateImageError && e.exitCode === 2)) return 'usage';
  if (e instanceof ConflictError) return 'conflict';
  if (e instanceof RecipeError) return 'recipe';
  if (e instanceof SystemError) return 'system';
  if (e instanceof ToolError) return 'tool';
  if (e instanceof CancelledError) return 'cancelled';
  if (e instanceof CreateImageError) return 'failed';
  return 'internal';
}

/** `check`'s and `update --check`'s exit code when an update is available: distinct from 1 (failed), for CI. */
export const UPDATE_AVAILABLE = 10;

/**
 * A command's own exit status, for a result that is not an error of the kinds below: `update --check`
 * (10: a newer recipe), `update` with conflicts, `validate` and `recipe test` with findings. The command
 * has already printed the details; the message is the one line the boundary adds ('' for none).
 */
export class ExitError extends CreateImageError {
  constructor(
    override readonly exitCode: number,
    message = '',
  ) {
    super(message);
  }
}

/** Bad flags or answers: exit 2, one line per issue, each naming the flag or field. */
export class UsageError extends CreateImageError {
  override readonly exitCode = 2;
  readonly issues: Issue[];
  constructor(issues: Issue[] | string) {
    const list = typeof issues === 'string' ? [{ path: '', message: issues }] : issues;
    super(list.map(formatIssue).join('\n'));
    this.issues = list;
  }
}

/** A broken recipe: message names the recipe file (and line when known). */
export class RecipeError extends CreateImageError {
  override readonly exitCode = 1;
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
  }
}

/** The user cancelled a prompt (Ctrl-C): exit 130, nothing written. */
export class CancelledError extends CreateImageError {
  override readonly exitCode = 130;
  constructor() {
    super('cancelled: nothing was written');
  }
}

/** Target files exist and neither --force nor an interactive choice allows overwriting. */
export class ConflictError extends CreateImageError {
  override readonly exitCode = 1;
  /** `instead`: what to do rather than overwrite, when there is better than --force (e.g. `create-image update`). */
  constructor(
    readonly files: string[],
    instead = 'use --force to overwrite, or pick an empty dir',
  ) {
    super(`target already has ${files.length === 1 ? 'a file' : 'files'} this would overwrite: ${files.join(', ')} (${instead})`);
  }
}

/** A build, push or other external tool failed. */
export class ToolError extends CreateImageError {
  override readonly exitCode = 1;
  constructor(
    message: string,
    readonly logFile?: string,
    readonly tail?: string,
  ) {
    super(message);
  }
}

/** One line per issue, whatever the values it quotes hold: control characters are shown escaped (`\n`). */
export function formatIssue(issue: Issue): string {
  const line = issue.path ? `${issue.path}: ${issue.message}` : issue.message;
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The file system refused (permission, read-only, no space): exit 1, `--json` code `system`. */
export class SystemError extends CreateImageError {
  override readonly exitCode = 1;
}
