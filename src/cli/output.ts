// Output helpers: plain lines for scripts and CI, clack decoration only in an interactive terminal.
import { unifiedDiff, type FileState } from '../edges/write.js';

export interface InteractiveFlags {
  yes?: boolean;
  json?: boolean;
}

/** Prompts only with a TTY on both ends, outside CI, and when the user did not ask for defaults or JSON. */
export function isInteractive(flags: InteractiveFlags, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
  // the flags first: touching process.stdin creates its stream, which a scripted run never needs
  return Boolean(!ci && !flags.yes && !flags.json && process.stdin.isTTY && process.stdout.isTTY);
}

export const out = {
  line: (s: string) => process.stdout.write(`${s}\n`),
  json: (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`),
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
