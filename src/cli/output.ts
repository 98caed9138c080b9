// Output helpers: plain lines for scripts and CI, clack decoration only in an interactive terminal.
export interface InteractiveFlags {
  yes?: boolean;
  json?: boolean;
}

/** Prompts only with a TTY on both ends, outside CI, and when the user did not ask for defaults or JSON. */
export function isInteractive(flags: InteractiveFlags, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
  return Boolean(process.stdin.isTTY && process.stdout.isTTY && !ci && !flags.yes && !flags.json);
}

export const out = {
  line: (s: string) => process.stdout.write(`${s}\n`),
  json: (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`),
  warn: (s: string) => process.stderr.write(`create-image: warning: ${s}\n`),
};
