// Output helpers: plain lines for scripts and CI, clack decoration only in an interactive terminal.
import { writeSync } from 'node:fs';
import { unifiedDiff, type FileState } from '../edges/write.js';

export interface InteractiveFlags {
  yes?: boolean;
  json?: boolean;
}

/** Prompts only with a TTY on both ends, outside CI, and when the user did not ask for defaults or JSON. */
export function isInteractive(flags: InteractiveFlags, env: NodeJS.ProcessEnv = process.env): boolean {
  return notInteractiveBecause(flags, env) === undefined;
}

/** Why nothing is asked, in the words an error uses ("required with CI set"), or undefined when prompting. */
export function notInteractiveBecause(flags: InteractiveFlags, env: NodeJS.ProcessEnv = process.env): string | undefined {
  // the flags first: touching process.stdin creates its stream, which a scripted run never needs
  if (flags.yes) return 'with --yes';
  if (flags.json) return 'with --json';
  if (env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false') return 'with CI set';
  if (!process.stdin.isTTY || !process.stdout.isTTY) return 'without a TTY';
  return undefined;
}

let printedJson = false;
/** Whether this run already printed its one JSON result (a failure after it adds no second one). */
export const jsonPrinted = (): boolean => printedJson;
/** A new run (the error boundary starts each): nothing printed yet. */
export const resetJsonPrinted = (): void => void (printedJson = false);

/**
 * Standard output, written straight to its file descriptor: process.stdout's stream costs a few ms of
 * every start (a pipe's brings net and stream modules), and a generation needs none of what it does.
 * A reader that has gone (`| head`) ends the run quietly, as a closed pipe should.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(1, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue; // a non-blocking pipe that is full: the reader catches up
      if (code === 'EPIPE') process.exit(0);
      throw e;
    }
  }
}

let stdout = writeStdout;
/** Where standard output goes instead (tests capture it); returns the writer it replaces. */
export function setStdout(write: (text: string) => void): (text: string) => void {
  const before = stdout;
  stdout = write;
  return before;
}

export const out = {
  /** Text as it is (commander's help). */
  write: (s: string) => stdout(s),
  line: (s: string) => stdout(`${s}\n`),
  /** The one JSON result of a run: an object, with `ok: true` first unless it says itself (as validate does). */
  json: (v: object) => {
    printedJson = true;
    const body = 'ok' in v ? v : { ok: true, ...v };
    stdout(`${JSON.stringify(body, null, 2)}\n`);
  },
  warn: (s: string) => process.stderr.write(`create-image: warning: ${s}\n`),
  /** A line the user should see on stderr that is not a warning (where recipes come from). */
  notice: (s: string) => process.stderr.write(`create-image: ${s}\n`),
};

/** A dry run in words: each file's fate, then a diff for each file that would change. */
export function printDryRunFiles(target: string, states: FileState[]): void {
  out.line(`Dry run: nothing written to ${target}`);
  for (const s of states) out.line(`  ${s.status === 'new' ? 'create' : s.status === 'same' ? 'same  ' : 'change'} ${s.file.path}`);
  for (const s of states.filter((x) => x.status === 'changed')) out.line(unifiedDiff(s.file.path, s.current ?? '', s.file.content));
}
