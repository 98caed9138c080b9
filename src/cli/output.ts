// Output helpers: plain lines for scripts and CI, clack decoration only in an interactive terminal.
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
};
