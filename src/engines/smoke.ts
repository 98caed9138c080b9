// The smoke check: run an image with a short health interval, wait for its HEALTHCHECK (when it has one),
// then for the recipe's `smoke` check (http, https, tcp or a command). One implementation for
// `recipe test --build`, the verification `--build` does before anything is pushed, and the end-to-end
// tests; the container is always removed afterwards. (ci/smoke-test.sh, src/pipelines/smoke.ts, is the
// same sequence as a shell script for CI runners.)
import { randomBytes } from 'node:crypto';
import { ToolError } from '../core/errors.js';
import { checkPort, type ResolvedSmoke } from '../core/smoke.js';
import { exec, findExecutable, lastLine, usesDockerEngine, type Builder } from './builder.js';
import { noteEngine, ownLabels, sweepLeftovers } from './containers.js';

export interface SmokeOptions {
  /** How long the health and smoke checks together may take to pass. */
  timeoutSeconds: number;
  /** Pause between two tries. Default 1000 ms. */
  everyMs?: number;
}

export interface SmokeResult {
  /** From `run` to the last check passing. */
  seconds: number;
  /** The image's HEALTHCHECK: `healthy`, `none` when it has none, `not-run` when the image cannot run alone (oneShot checks). */
  health: 'healthy' | 'none' | 'not-run';
  /** What was checked, one entry per check that passed, e.g. `http :8080/ expecting "Hello"`; empty without checks. */
  checks: string[];
  /** The same joined by `; `, `none` without checks. */
  check: string;
}

/** Lines of the container's log a failure carries. */
export const LOG_LINES = 20;

/** How long a connection to a tcp check's port must stay open, saying nothing, to count. */
export const TCP_HOLD_MS = 500;

/** The interval the HEALTHCHECK runs at while verifying: its first probe comes soon, its test stays the image's. */
const HEALTH_INTERVAL = '1s';

/**
 * Resolves when the image runs healthy and passes every check, in turn (the health check alone without
 * checks); throws a ToolError naming the check that did not pass and why, its `tail` the container's
 * last log lines.
 */
export async function smokeTest(builder: Builder, image: string, checks: readonly ResolvedSmoke[], opts: SmokeOptions): Promise<SmokeResult> {
  const engine = await runtimeOf(builder);
  const started = Date.now();
  const host = engineHost();
  const deadline = started + opts.timeoutSeconds * 1000;
  const pause = () => new Promise((r) => setTimeout(r, opts.everyMs ?? 1000));
  noteEngine(engine);
  await sweepLeftovers(engine);
  // an image that cannot run alone (oneShot checks only): each check is a run of its own, the image's command never starts
  if (checks.length && checks.every((c) => c.oneShot)) return oneShotChecks(engine, image, checks, started);
  const args = ['run', '-d', ...ownLabels(), ...healthArgs(engine)];
  // A local engine publishes on loopback only; a remote one (dind) on its own interfaces, reached by its name.
  for (const port of new Set(checks.filter((c) => c.kind !== 'command').map(checkPort))) args.push('-p', host === LOOPBACK ? `${LOOPBACK}::${port}` : `${port}`);
  // an image that runs a one-shot command (exits 0) has command checks only: they run in fresh containers, as ci/smoke-test.sh does
  const commandsOnly = checks.length > 0 && checks.every((c) => c.kind === 'command');
  const run = await exec(engine, [...args, image]);
  if (run.exitCode !== 0) throw new ToolError(`cannot start the image: ${lastLine(run.stderr || run.output)}`);
  const id = run.stdout.trim().split('\n').pop()!;
  const failed = async (why: string) => new ToolError(why, undefined, await lastLogLines(engine, id));
  try {
    // 1. running, and healthy when the image has a HEALTHCHECK
    let health: SmokeResult['health'] = 'none';
    let exited = false;
    for (;;) {
      const s = await state(engine, id);
      if (!s.running) {
        if (s.exitCode !== 0 || !commandsOnly) throw await failed(`the container exited (code ${s.exitCode}) before the checks passed`);
        exited = true;
        break;
      }
      if (s.health === 'none' || s.health === 'healthy') {
        health = s.health;
        break;
      }
      if (s.health === 'unhealthy') throw await failed('the container is unhealthy (its HEALTHCHECK failed)');
      if (Date.now() > deadline) throw await failed(`the container was not healthy within ${opts.timeoutSeconds}s`);
      await pause();
    }
    // 2. each check in turn, retried until it passes or the time is up
    const passed: string[] = [];
    for (const check of checks) {
      for (;;) {
        const why = await checkOnce(engine, exited ? image : id, check, host, exited).catch((e: Error) => e.message);
        if (why === '') break;
        if (!exited) {
          const s = await state(engine, id);
          // a one-shot command that finished meanwhile: its checks run in fresh containers, at once
          if (!s.running && s.exitCode === 0 && commandsOnly) {
            exited = true;
            continue;
          }
          if (!s.running) throw await failed(`the container exited (code ${s.exitCode}) before the check "${describeCheck(check)}" passed (last try: ${why})`);
        }
        if (exited || Date.now() > deadline) throw await failed(`check failed: ${describeCheck(check)}${exited ? '' : ` (not within ${opts.timeoutSeconds}s)`}: ${why}`);
        await pause();
      }
      passed.push(describeCheck(check));
    }
    return { seconds: secondsSince(started), health, checks: passed, check: passed.join('; ') || 'none' };
  } finally {
    await exec(engine, ['rm', '-f', '-v', id]);
  }
}

async function oneShotChecks(engine: Builder, image: string, checks: readonly ResolvedSmoke[], started: number): Promise<SmokeResult> {
  const passed: string[] = [];
  for (const check of checks) {
    const env = [...Object.entries(check.env ?? {}), ...(check.randomEnv ?? []).map((n) => [n, randomBytes(24).toString('hex')] as const)];
    const r = await exec(engine, ['run', '--rm', ...ownLabels(), ...env.flatMap(([k, v]) => ['-e', `${k}=${v}`]), image, ...(check.command ?? [])]);
    const tail = r.output.trim().split('\n').slice(-LOG_LINES).join('\n') || '(no output)';
    if (r.exitCode !== 0) throw new ToolError(`check failed: ${describeCheck(check)}: the run exited ${r.exitCode}: ${lastLine(r.output) || '(no output)'}`, undefined, tail);
    if (check.expect && !r.output.includes(check.expect)) throw new ToolError(`check failed: ${describeCheck(check)}: its output lacks "${check.expect}"`, undefined, tail);
    passed.push(describeCheck(check));
  }
  return { seconds: secondsSince(started), health: 'not-run', checks: passed, check: passed.join('; ') };
}

const secondsSince = (t: number) => Math.round((Date.now() - t) / 100) / 10;

/** `http :8080/ expecting "x"`, `tcp :21`, `command cat /etc/greeting`, or the check's own words. */
export function describeCheck(smoke: ResolvedSmoke): string {
  if (smoke.label) return smoke.label;
  const expect = smoke.expect ? ` expecting ${JSON.stringify(smoke.expect)}` : '';
  if (smoke.kind === 'command') return `${smoke.oneShot ? 'alone: run with' : 'command'} ${(smoke.command ?? ['true']).join(' ')}${expect}`;
  return `${smoke.kind} :${checkPort(smoke)}${smoke.kind === 'tcp' ? '' : (smoke.path ?? '/')}${expect}`;
}

const LOOPBACK = '127.0.0.1';

/**
 * Where published ports are reached: the host of a `tcp://` DOCKER_HOST (under GitLab's docker:dind, the
 * service alias `docker`: containers run there, not in the job's container), else this machine's loopback.
 */
export function engineHost(env: NodeJS.ProcessEnv = process.env): string {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)/.exec(env.DOCKER_HOST ?? '');
  return m ? m[1]!.replace(/^\[|\]$/g, '') : LOOPBACK;
}


/**
 * What runs the image: the builder itself, except buildah, which builds only: its images are in the
 * containers-storage podman reads, so podman runs them.
 */
export async function runtimeOf(builder: Builder): Promise<Builder> {
  if (builder.kind !== 'buildah') return builder;
  if (await findExecutable('podman', builder.env)) return { kind: 'podman', bin: 'podman', env: builder.env, buildkit: false };
  throw new ToolError('running the image to verify it needs podman next to buildah (buildah builds but does not run containers): install podman, or pass --no-verify');
}

/**
 * docker runs the HEALTHCHECK on its own at the interval given; podman without systemd has no timer to do
 * so, and its probe is run on demand instead (`podman healthcheck run`, see state()).
 */
function healthArgs(engine: Builder): string[] {
  return usesDockerEngine(engine) ? ['--health-interval', HEALTH_INTERVAL] : ['--health-interval', 'disable'];
}

interface State {
  running: boolean;
  exitCode: number;
  health: 'none' | 'starting' | 'healthy' | 'unhealthy';
}

async function state(engine: Builder, id: string): Promise<State> {
  const r = await exec(engine, ['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', id]);
  const [running, code] = r.stdout.trim().split(/\s+/);
  const s: State = { running: running === 'true', exitCode: Number(code ?? 0), health: 'none' };
  if (!s.running) return s;
  if (usesDockerEngine(engine)) {
    const h = await exec(engine, ['inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', id]);
    const v = h.stdout.trim();
    s.health = v === 'healthy' || v === 'unhealthy' || v === 'starting' ? v : 'none';
    return s;
  }
  // podman: 0 healthy, 1 failed (counted as starting: docker would still be in the start period or
  // retrying), 125 with "no defined healthcheck" when the image has none
  const h = await exec(engine, ['healthcheck', 'run', id]);
  s.health = h.exitCode === 0 ? 'healthy' : /no defined healthcheck/i.test(h.output) ? 'none' : 'starting';
  return s;
}

async function lastLogLines(engine: Builder, id: string, n = LOG_LINES): Promise<string> {
  const logs = await exec(engine, ['logs', id]);
  return logs.output.trim().split('\n').slice(-n).join('\n') || '(no output)';
}

/** '' when the check passes, else why not. `fresh`: the image runs a one-shot command; run the check in a new container. */
async function checkOnce(engine: Builder, target: string, smoke: ResolvedSmoke, host: string, fresh = false): Promise<string> {
  if (smoke.kind === 'command') {
    const cmd = smoke.command ?? ['true'];
    const r = await exec(engine, fresh ? ['run', '--rm', ...ownLabels(), target, ...cmd] : ['exec', target, ...cmd]);
    if (r.exitCode !== 0) return `exited ${r.exitCode}: ${lastLine(r.output) || '(no output)'}`;
    return smoke.expect && !r.output.includes(smoke.expect) ? `output lacks "${smoke.expect}": ${r.output.trim().slice(0, 200)}` : '';
  }
  const mapped = await exec(engine, ['port', target, `${checkPort(smoke)}/tcp`]);
  const hostPort = Number(/:(\d+)\s*$/m.exec(mapped.stdout)?.[1]);
  if (!hostPort) return `port ${checkPort(smoke)} is not published`;
  if (smoke.kind === 'tcp') {
    const net = await import('node:net');
    return new Promise((res) => {
      const s = net.connect(hostPort, host);
      let greeting = '';
      const done = (why: string) => {
        s.destroy();
        res(why);
      };
      // The engine's port proxy accepts every connection to a published port, then closes it when nothing
      // listens in the container: a connection counts once it says something or stays open a moment.
      s.on('connect', () => {
        if (!smoke.expect) setTimeout(() => done(''), TCP_HOLD_MS);
      });
      s.on('data', (d: Buffer) => {
        greeting += d.toString();
        if (greeting.includes(smoke.expect ?? '')) done('');
      });
      s.on('end', () => done(greeting ? `no "${smoke.expect}" in what port ${checkPort(smoke)} said before it closed: ${JSON.stringify(greeting.slice(0, 200))}` : `port ${checkPort(smoke)} closed the connection at once: nothing listens on it in the container`));
      s.on('error', (e) => done(e.message));
      s.setTimeout(3000, () => done(smoke.expect ? `no "${smoke.expect}" in what port ${checkPort(smoke)} said: ${JSON.stringify(greeting.slice(0, 200))}` : 'timeout'));
    });
  }
  const mod = smoke.kind === 'https' ? await import('node:https') : await import('node:http');
  return new Promise((res) => {
    const req = mod.get({ host, port: hostPort, path: smoke.path ?? '/', timeout: 5000, rejectUnauthorized: false }, (resp) => {
      let body = '';
      resp.on('data', (d: Buffer) => (body += d.toString()));
      resp.on('end', () => {
        if ((resp.statusCode ?? 500) >= 400) res(`HTTP ${resp.statusCode}`);
        else if (smoke.refuse && body.includes(smoke.refuse)) res(`body contains "${smoke.refuse}": ${JSON.stringify(body.slice(0, 120))}`);
        else res(smoke.expect && !body.includes(smoke.expect) ? `body lacks "${smoke.expect}"` : '');
      });
    });
    req.on('error', (e) => res(e.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}
