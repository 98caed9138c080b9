// Containers the tool starts (verification, SBOM reads) carry its labels, so that every exit path can remove
// them: the normal one (each caller's `finally`), a signal (removeOwnContainers, from the CLI's handler), and
// a run killed outright (sweepLeftovers: a later run removes containers whose owning process is gone).
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { ToolError } from '../core/errors.js';
import { exec, usesDockerEngine, type Builder } from './builder.js';

/** The run a container belongs to: `<host>-<pid>`. */
export const RUN_LABEL = 'org.create-image.run';
/** The pid of the process that started it. */
export const PID_LABEL = 'org.create-image.pid';
/** The host that pid lives on: a pid says nothing about another machine's processes (a remote engine). */
export const HOST_LABEL = 'org.create-image.host';

// The host and its pid namespace: a container running the tool shares the host's name under
// --network host, but its pids are not the host's, and one side must never judge the other's runs dead.
export const HOST = `${hostname()}/${pidNamespace()}`;
const host = HOST;

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid').replace(/^pid:\[(\d+)\]$/, '$1');
  } catch {
    return 'unknown';
  }
}
const runId = `${host}-${process.pid}`;

/** Set once removal has begun: no container is started after it. */
let closing = false;

/** `--label` arguments for a `run` of this process; throws once the run is being cancelled. */
export function ownLabels(): string[] {
  if (closing) throw new ToolError('cancelled');
  return ['--label', `${RUN_LABEL}=${runId}`, '--label', `${PID_LABEL}=${process.pid}`, '--label', `${HOST_LABEL}=${host}`];
}

/** Engines this process started containers on: what removeOwnContainers asks. */
const engines = new Map<string, Builder>();

/** Call before starting a labelled container on `engine`. */
export function noteEngine(engine: Builder): void {
  engines.set(`${engine.kind} ${engine.bin}`, engine);
}

/**
 * Removes every container of this run, on every engine used; never throws. Lists and removes until two
 * listings in a row come back empty (a `run` in flight when the signal came creates its container after
 * the first listing; a busy engine can fail a `ps` or an `rm`), for at most `withinMs`.
 */
export async function removeOwnContainers(withinMs = 20_000): Promise<void> {
  closing = true;
  const until = Date.now() + withinMs;
  await Promise.all(
    [...engines.values()].map(async (e) => {
      for (let quiet = 0; quiet < 2 && Date.now() < until; ) {
        const left = await removeLabelled(e, `${RUN_LABEL}=${runId}`, () => true as const);
        // two empty listings in a row, half a second apart, outlast a `run` that was being sent
        quiet = left === null ? 0 : left.length === 0 ? quiet + 1 : 0;
        if (quiet < 2) await new Promise((r) => setTimeout(r, 500));
      }
    }),
  );
}

/** `true` when a process with this pid exists here (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * From `docker ps -a --format '{{.ID}} {{.Label "pid"}} {{.Label "host"}}'` lines: the containers of this host
 * whose owning process is gone (never this process's own).
 */
export function leftovers(lines: string, here: string, alive: (pid: number) => boolean, self = process.pid): string[] {
  return lines
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([id, pid, h]) => id && h === here && /^\d+$/.test(pid ?? '') && Number(pid) !== self && !alive(Number(pid)))
    .map(([id]) => id!);
}

/** Removes containers left by earlier runs of this tool on this host that were killed; returns their ids. */
export async function sweepLeftovers(engine: Builder, alive: (pid: number) => boolean = pidAlive): Promise<string[]> {
  return (await removeLabelled(engine, PID_LABEL, (lines) => leftovers(lines, host, alive))) ?? [];
}

/** The ids it removed; `null` when the engine refused the listing or the removal. */
async function removeLabelled(engine: Builder, filter: string, pick: ((lines: string) => string[]) | (() => true)): Promise<string[] | null> {
  // docker's ps has a Label function; podman's Labels is a map
  const label = (name: string) => (usesDockerEngine(engine) ? `{{.Label "${name}"}}` : `{{index .Labels "${name}"}}`);
  const r = await exec(engine, ['ps', '-a', '--filter', `label=${filter}`, '--format', `{{.ID}} ${label(PID_LABEL)} ${label(HOST_LABEL)}`]);
  if (r.exitCode !== 0) return null;
  const picked = pick(r.stdout);
  const ids = picked === true ? r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean) : picked;
  if (ids.length && (await exec(engine, ['rm', '-f', '-v', ...ids])).exitCode !== 0) return null;
  return ids;
}
