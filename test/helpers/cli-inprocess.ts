// The CLI run in this process through its one error boundary (`run` in src/cli/main.ts), with stdout
// and stderr captured: hundreds of runs take seconds, where spawning the bin takes a tenth of one each.
import { run } from '../../src/cli/main.js';
import { setStdout } from '../../src/cli/output.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `create-image ...args` in `cwd` with no TTY and CI unset (nothing is asked: no stdin TTY). */
export async function runCli(args: string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const write = { out: setStdout((text) => void (stdout += text)), err: process.stderr.write };
  const cwd = process.cwd();
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write;
  try {
    if (opts.cwd) process.chdir(opts.cwd);
    const exitCode = await run(['node', 'create-image', ...args]);
    return { exitCode, stdout, stderr };
  } finally {
    setStdout(write.out);
    process.stderr.write = write.err;
    process.chdir(cwd);
  }
}

/** What a user must never see: a stack trace or the boundary's "unexpected error". */
export function crashIn(text: string): string | undefined {
  if (/unexpected error/i.test(text)) return 'unexpected error';
  if (/^\s+at .+[(:]\d+/m.test(text)) return 'stack trace';
  if (/\b(?:TypeError|ReferenceError|RangeError|SyntaxError)\b|ERR_[A-Z_]+|\bE(?:NOENT|NOTDIR|ACCES|ISDIR|PERM)\b: /.test(text)) return 'raw error';
  return undefined;
}
