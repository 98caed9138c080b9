// Build progress: parse the builders' output into steps, and render the current step on one line.

/** The output formats we know: docker classic, BuildKit `--progress=plain`, podman/buildah. */
export type OutputFormat = 'classic' | 'buildkit' | 'podman';

export interface Progress {
  /** Normalised step, e.g. `[3/12] RUN apt-get update` or `exporting to image`. */
  step: string;
  elapsedMs: number;
}

const CLASSIC = /^Step (\d+)\/(\d+) : (.*)$/;
// podman/buildah: `STEP 3/12: RUN ...`, multi-stage `[2/3] STEP 1/4: FROM ...`, old `STEP 3: RUN ...`
const PODMAN = /^(?:\[(\d+)\/(\d+)\] )?STEP (\d+)(?:\/(\d+))?: (.*)$/;
const PODMAN_COMMIT = /^(?:\[\d+\/\d+\] )?COMMIT(?: (.*))?$/;
const BUILDKIT = /^#(\d+) (.*)$/;

/**
 * A stateful line parser: feed it every output line, it returns the step a line starts (or undefined).
 * With no format given, the first line that matches one of the formats fixes it, so a RUN that
 * prints `Step 1/2 : x` or `#3 y` later cannot be mistaken for progress.
 */
export function createProgressParser(format?: OutputFormat): (line: string) => string | undefined {
  let fmt = format;
  // BuildKit prints `#N name` when vertex N starts, then `#N <output|DONE|CACHED|ERROR ...>`:
  // the first line seen for an id is its name.
  const seen = new Set<string>();
  return (raw: string) => {
    const line = stripAnsi(raw).replace(/\s+$/, '');
    if (fmt === undefined || fmt === 'classic') {
      const m = CLASSIC.exec(line);
      if (m) {
        fmt = 'classic';
        return `[${m[1]}/${m[2]}] ${m[3]!.trim()}`;
      }
    }
    if (fmt === undefined || fmt === 'podman') {
      const m = PODMAN.exec(line);
      if (m) {
        fmt = 'podman';
        const stage = m[1] ? `stage ${m[1]}/${m[2]} ` : '';
        return `${stage}[${m[3]}${m[4] ? `/${m[4]}` : ''}] ${m[5]!.trim()}`;
      }
      if (fmt === 'podman') {
        const c = PODMAN_COMMIT.exec(line);
        if (c) return c[1] ? `COMMIT ${c[1]}` : 'COMMIT';
      }
    }
    if (fmt === undefined || fmt === 'buildkit') {
      const m = BUILDKIT.exec(line);
      if (m) {
        const [, id, rest] = m as unknown as [string, string, string];
        if (seen.has(id)) return undefined;
        seen.add(id);
        fmt = 'buildkit';
        // `#0 building with "default" instance using docker driver` is not a build step
        if (id === '0' && /^building with /.test(rest)) return undefined;
        return rest.trim();
      }
    }
    return undefined;
  };
}

/** Parse a whole recorded log into its steps, in order (consecutive repeats dropped). */
export function parseSteps(log: string, format?: OutputFormat): string[] {
  const parse = createProgressParser(format);
  const steps: string[] = [];
  for (const line of log.split(/\r\n|\r|\n/)) {
    const s = parse(line);
    if (s !== undefined && s !== steps.at(-1)) steps.push(s);
  }
  return steps;
}

/** Where the renderer writes: a TTY stream (process.stderr) or anything with write(). */
export interface ProgressOutput {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressRenderer {
  /** Show a new step (or the same step with a new elapsed time). */
  update(p: Progress): void;
  /** Clear the line (TTY) and print `message` on its own line, if given. */
  done(message?: string): void;
}

const CLEAR_LINE = '\r\x1b[2K';
/** Width of a step line when the output is not a terminal (CI logs, pipes). */
export const PLAIN_COLUMNS = 100;

/**
 * One-line progress. On a TTY: `<label> <step> <N>s`, truncated to the terminal width, redrawn in
 * place (`\r` + clear line) and ticking once a second. Not a TTY: each new step once, on its own line.
 */
export function createProgressRenderer(
  out: ProgressOutput,
  opts: { label?: string; now?: () => number; tickMs?: number } = {},
): ProgressRenderer {
  const now = opts.now ?? Date.now;
  const label = opts.label ?? 'building';
  const tty = out.isTTY === true;
  let step: string | undefined;
  let elapsedMs = 0;
  let at = now();
  let timer: NodeJS.Timeout | undefined;
  let finished = false;

  const draw = () => {
    const secs = Math.floor((elapsedMs + (now() - at)) / 1000);
    out.write(CLEAR_LINE + formatProgressLine(label, step ?? '', secs, out.columns || 80));
  };

  return {
    update(p) {
      if (finished) return;
      const changed = p.step !== step;
      step = p.step;
      elapsedMs = p.elapsedMs;
      at = now();
      if (!tty) {
        // a log, not a display: each new step once, short enough to read, with the time it started at
        if (changed) out.write(`${formatProgressLine(label, p.step, Math.floor(p.elapsedMs / 1000), PLAIN_COLUMNS)}\n`);
        return;
      }
      draw();
      if (!timer && opts.tickMs !== 0) {
        timer = setInterval(draw, opts.tickMs ?? 1000);
        timer.unref();
      }
    },
    done(message) {
      if (finished) return;
      finished = true;
      if (timer) clearInterval(timer);
      if (tty && step !== undefined) out.write(CLEAR_LINE);
      if (message !== undefined) out.write(`${message}\n`);
    },
  };
}

/** `building [3/12] RUN apt-get upd… 42s`, never longer than columns - 1 (so it never wraps). */
export function formatProgressLine(label: string, step: string, secs: number, columns: number): string {
  const suffix = ` ${secs}s`;
  const prefix = label ? `${label} ` : '';
  const room = Math.max(0, columns - 1 - prefix.length - suffix.length);
  const text = [...sanitise(step)];
  const shown = text.length <= room ? text.join('') : room === 0 ? '' : `${text.slice(0, room - 1).join('')}…`;
  const line = `${prefix}${shown}${suffix}`;
  return [...line].length <= columns - 1 ? line : [...line].slice(0, Math.max(0, columns - 1)).join('');
}

/** ANSI escape sequences (the classic builder colours RUN's stderr: `\x1b[91m...\x1b[0m`). */
export function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g, '');
}

/** Tabs to spaces, control characters and escape sequences out: a step is one printable line. */
function sanitise(s: string): string {
  return stripAnsi(s)
    .replace(/\t/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x1f\x7f]/g, '')
    // the classic builder joins `\` continuation lines keeping their indentation
    .replace(/ {2,}/g, ' ')
    .trim();
}
