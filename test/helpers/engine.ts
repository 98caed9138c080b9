// Shared harness for end-to-end tests against a real container engine.
//
// - `describeEngine` runs a suite only when an engine answers and the local base images exist.
//   With CI set, a missing engine is a failing test (never a silent skip); without CI the suite is
//   skipped with one visible line saying why.
// - `cli` runs the *built* bin (dist/), as a user would.
// - Everything a test starts (containers, images, registries, temp dirs) is registered for cleanup.
import { execa, type Options as ExecaOptions } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { smokeTest, type SmokeResult } from '../../src/engines/smoke.js';
import type { ResolvedSmoke } from '../../src/core/smoke.js';
import type { SmokeCheck } from '../../src/core/types.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/create-image.cjs');
export const BASE_IMAGE = 'debian:trixie-slim';
const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/** A docker client flavour to test with: the 28.x classic builder on PATH, or Debian's 20.10 with BuildKit. */
export interface DockerClient {
  name: 'classic' | 'buildkit';
  bin: string;
  env: Record<string, string>;
}

export interface EngineStatus {
  ok: boolean;
  reason?: string;
  clients: DockerClient[];
}

let status: Promise<EngineStatus> | undefined;

/** Is an engine reachable, with the base images the e2e tests build on? (cached per worker) */
export function engineStatus(): Promise<EngineStatus> {
  status ??= (async () => {
    const docker = process.env.CREATE_IMAGE_DOCKER ?? 'docker';
    const info = await execa(docker, ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 15000 });
    if (info.exitCode !== 0) {
      return { ok: false, reason: `no container engine answers (\`${docker} info\` failed: ${lastLine(info.stderr || String(info.message))}); run scripts/ci/setup-engine.sh`, clients: [] };
    }
    const base = await execa(docker, ['image', 'inspect', BASE_IMAGE], { reject: false });
    if (base.exitCode !== 0) {
      return { ok: false, reason: `base image ${BASE_IMAGE} is missing; run scripts/ci/make-base-images.sh`, clients: [] };
    }
    return { ok: true, clients: dockerClients(docker) };
  })();
  return status;
}

/** The docker clients present on this machine (both on CI machines). */
export function dockerClients(pathDocker = 'docker'): DockerClient[] {
  const clients: DockerClient[] = [{ name: 'classic', bin: pathDocker, env: { DOCKER_BUILDKIT: '0' } }];
  if (existsSync('/usr/bin/docker') && !process.env.CREATE_IMAGE_DOCKER) {
    clients.push({ name: 'buildkit', bin: '/usr/bin/docker', env: { DOCKER_BUILDKIT: '1' } });
  }
  return clients;
}

const status0 = await engineStatus();

/**
 * The apt cache test builds share (apt-cacher-ng, started by scripts/ci/test-tools.sh through
 * scripts/ci/apt-cache.sh) as `--build-arg` pairs: `http_proxy`, a predefined build arg that leaves no trace
 * in the image's config or history, so apt over http goes through it; `no_proxy` keeps the https
 * registries (npm, yarn) direct for the tools that would take http_proxy for https too. Empty when the
 * cache does not answer on the docker bridge: builds then fetch directly (slower, same result).
 */
export const APT_CACHE_BUILD_ARGS: string[] = await aptCacheBuildArgs();

async function aptCacheBuildArgs(): Promise<string[]> {
  if (process.env.CREATE_IMAGE_APT_CACHE === 'off') return [];
  const ip = (await execa('ip', ['-4', '-o', 'addr', 'show', 'dev', 'docker0'], { reject: false })).stdout.match(/inet (\d+\.\d+\.\d+\.\d+)\//)?.[1];
  if (!ip) return [];
  const url = `http://${ip}:${process.env.APT_CACHE_PORT ?? '3142'}`;
  const ok = await fetch(`${url}/acng-report.html`, { signal: AbortSignal.timeout(3000) }).then((r) => r.ok, () => false);
  if (!ok) return [];
  const noProxy = 'localhost,127.0.0.1,::1,registry.npmjs.org,.npmjs.org,registry.yarnpkg.com,.yarnpkg.com';
  return ['--build-arg', `http_proxy=${url}`, '--build-arg', `no_proxy=${noProxy}`];
}

/**
 * `args` with the apt cache's build args when they run a build on the machine's engine with docker
 * (podman and buildah have their own networks, a fresh engine of a test its own bridge), and the test
 * gave no proxy of its own.
 */
export function withAptCache(args: string[], env: Record<string, string | undefined> = {}): string[] {
  if (!APT_CACHE_BUILD_ARGS.length || env.DOCKER_HOST !== undefined) return args;
  // generation's --build and `build` take --build-arg; `recipe test --build` builds renders of its own
  if (!(args[0] === 'build' || (args.includes('--build') && args[0] !== 'recipe'))) return args;
  const builder = args[args.indexOf('--builder') + 1];
  if (args.includes('--builder') && builder !== 'docker') return args;
  if (args.some((a) => /^(http|https|no)_proxy=/i.test(a))) return args;
  return [...args, ...APT_CACHE_BUILD_ARGS];
}
let skipNoted = false;

/**
 * `describe` that needs a running engine. The callback gets the status (for its clients).
 * CI + no engine: one failing test with the reason. No CI + no engine: skipped, one line on stderr.
 */
export function describeEngine(name: string, fn: (s: EngineStatus) => void): void {
  if (status0.ok) {
    describe(name, () => fn(status0));
    return;
  }
  if (IN_CI) {
    describe(name, () => {
      it('needs a container engine', () => {
        throw new Error(`CI is set but ${status0.reason}`);
      });
    });
    return;
  }
  if (!skipNoted) {
    skipNoted = true;
    process.stderr.write(`e2e skipped: ${status0.reason}\n`);
  }
  describe.skip(name, () => fn(status0));
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run the built bin. Never prompts (no TTY); CI is not forced so tests can choose. */
export async function cli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeout?: number } = {}): Promise<CliResult> {
  const r = await execa(process.execPath, [BIN, ...withAptCache(args, opts.env)], {
    cwd: opts.cwd ?? os.tmpdir(),
    env: { NO_COLOR: '1', ...opts.env },
    input: opts.input ?? '',
    reject: false,
    timeout: opts.timeout ?? 20 * 60_000,
    all: false,
  } satisfies ExecaOptions);
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const cleanups: Array<() => Promise<unknown>> = [];
/** Images a file's tests built (removeImageLater), and the values its containers were given as secrets. */
const builtImages = new Set<string>();
const secretValues = new Map<string, string>();
const SECRET_NAME = /pass|secret|token|key|auth|pwd/i;

/** A value a test hands a container as a secret: no image the file built may hold it in its config or history. */
export function rememberSecret(name: string, value: string): void {
  // NAME_FILE values are paths to a secret, not one
  if (value.length >= 6 && !/_FILE$/.test(name) && !value.startsWith('/')) secretValues.set(value, name);
}

/** Where `refs` hold a remembered secret value in their config (Env, labels, cmd) or layer history, one line each. */
export async function secretLeaks(refs: string[], values: Map<string, string> = secretValues): Promise<string[]> {
  const found: string[] = [];
  for (const ref of refs) {
    const config = await docker(['image', 'inspect', '--format', '{{json .Config}}', ref], { reject: false });
    if (config.exitCode !== 0) continue; // not built (the test failed first) or another engine's
    const history = await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', ref], { reject: false });
    for (const [value, name] of values) {
      if (config.stdout.includes(value)) found.push(`${ref}: the value given as ${name} is in its config`);
      if (history.stdout.includes(value)) found.push(`${ref}: the value given as ${name} is in its layer history`);
    }
  }
  return found;
}

afterAll(async () => {
  // every image a file built is inspected for the secrets its containers were given, before it goes
  const leaks = secretValues.size ? await secretLeaks([...builtImages]) : [];
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups.length = 0;
  builtImages.clear();
  secretValues.clear();
  if (leaks.length) throw new Error(`secret values baked into images: ${leaks.join('; ')}`);
});

/** Register a cleanup to run after the current file's tests. */
export function onCleanup(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
}

/** A fresh temp dir, removed after the file's tests (set KEEP_E2E=1 to keep it for debugging). */
export async function tempDir(prefix = 'ci-e2e-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  if (!process.env.KEEP_E2E) onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A unique, valid image name for a test (lowercase). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
}

/** Run a docker command with the given client; throws with stderr on failure unless reject=false. */
export async function docker(args: string[], opts: { client?: DockerClient; reject?: boolean; input?: string; timeout?: number } = {}): Promise<CliResult> {
  const c = opts.client ?? dockerClients(process.env.CREATE_IMAGE_DOCKER ?? 'docker')[0]!;
  const r = await execa(c.bin, withAptCache(args, c.env), { env: c.env, reject: false, input: opts.input, timeout: opts.timeout ?? 10 * 60_000 });
  const res = { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
  if (res.exitCode !== 0 && opts.reject !== false) {
    throw new Error(`docker ${args.join(' ')} exited ${res.exitCode}: ${res.stderr.slice(-2000)}`);
  }
  return res;
}

/**
 * Removes a built image's tag (and the image) after the file's tests. Its untagged parents stay: they are
 * the classic builder's layer cache, which a later file building the same steps (a recipe's own e2e and
 * the next-steps run of its defaults) then takes instead of building them again. `docker image prune`
 * frees them.
 */
export function removeImageLater(ref: string): void {
  builtImages.add(ref);
  onCleanup(() => docker(['image', 'rm', '-f', '--no-prune', ref], { reject: false }));
}

/**
 * The interval an e2e container's HEALTHCHECK runs at, as the tool's own verification does: the image's
 * check, start period and retries, its first probe seconds after the start instead of the image's 30.
 */
export const TEST_HEALTH_INTERVAL = '2s';

/**
 * `docker run -d` with cleanup; returns the container id. `-p` mappings bind to 127.0.0.1 only. The
 * HEALTHCHECK runs every TEST_HEALTH_INTERVAL unless the args say otherwise.
 */
export async function runContainer(image: string, opts: { ports?: Array<[host: number, container: string]>; env?: Record<string, string>; args?: string[]; cmd?: string[]; name?: string } = {}): Promise<string> {
  const args = ['run', '-d'];
  if (!(opts.args ?? []).some((a) => /^--(health-|no-healthcheck)/.test(a))) args.push('--health-interval', TEST_HEALTH_INTERVAL);
  if (opts.name) args.push('--name', opts.name);
  for (const [h, c] of opts.ports ?? []) args.push('-p', `127.0.0.1:${h}:${c}`);
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    args.push('-e', `${k}=${v}`);
    if (SECRET_NAME.test(k)) rememberSecret(k, v);
  }
  const extra = opts.args ?? [];
  for (const [i, a] of extra.entries()) {
    const m = (extra[i - 1] === '-e' || extra[i - 1] === '--env') && /^([A-Za-z_]\w*)=(.*)$/s.exec(a);
    if (m && SECRET_NAME.test(m[1]!)) rememberSecret(m[1]!, m[2]!);
  }
  args.push(...extra, image, ...(opts.cmd ?? []));
  const id = (await docker(args)).stdout.trim();
  onCleanup(() => docker(['rm', '-f', '-v', id], { reject: false }));
  return id;
}

/** `docker exec` a command; returns its result without throwing. */
export function dockerExec(id: string, cmd: string[], opts: { user?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const args = ['exec'];
  if (opts.user) args.push('-u', opts.user);
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('-e', `${k}=${v}`);
  return docker([...args, id, ...cmd], { reject: false });
}

/** Name, pid and real uid of every process in the container, read from /proc inside it. */
export async function processes(id: string): Promise<{ pid: number; name: string; uid: number }[]> {
  const script = 'for s in /proc/[0-9]*/status; do printf "%s %s %s\\n" "${s#/proc/}" "$(sed -n "s/^Name:[[:space:]]*//p" "$s")" "$(sed -n "s/^Uid:[[:space:]]*\\([0-9]*\\).*/\\1/p" "$s")"; done 2>/dev/null';
  const r = await dockerExec(id, ['sh', '-c', script]);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length === 3 && f[2] !== '')
    .map(([p, name, uid]) => ({ pid: Number(p!.replace('/status', '')), name: name!, uid: Number(uid) }))
    // the `sh`/`sed` of this very exec are not the container's processes
    .filter((p) => !['sh', 'sed'].includes(p.name));
}

/** Logs of a container (stdout+stderr), for assertions and failure messages. */
export async function containerLogs(id: string): Promise<string> {
  const r = await docker(['logs', id], { reject: false });
  return r.stdout + r.stderr;
}

/** Thrown by a waitFor attempt that knows waiting longer cannot help: it ends the wait at once. */
export class GiveUp extends Error {}

/** Poll until fn returns a truthy value; the last error/value goes into the timeout message. A GiveUp ends it early. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      // an attempt that never settles (a socket closed without a reply) must not outlive the wait
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the last attempt did not finish')), Math.max(deadline - Date.now(), 0) + everyMs);
      });
      const v = await Promise.race([fn(), giveUp]).finally(() => clearTimeout(timer));
      if (v) return v;
      last = v;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : String(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Wait until the container's healthcheck reports healthy; fails at once when it exits, and when it stays unhealthy for UNHEALTHY_FOR_MS. */
export async function waitHealthy(id: string, timeoutMs = 120_000): Promise<void> {
  // unhealthy is a state a container can leave: with a short interval a slow start on a loaded machine may
  // pass through it; unhealthy for UNHEALTHY_FOR_MS on end is a failure
  let unhealthySince: number | undefined;
  await waitFor(`container ${id.slice(0, 12)} to be healthy`, async () => {
    const r = await docker(['inspect', '--format', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', id]);
    const [state, health] = r.stdout.trim().split(' ');
    if (state === 'exited' || state === 'dead') throw new GiveUp(`container exited:\n${await containerLogs(id)}`);
    if (health !== 'unhealthy') unhealthySince = undefined;
    else if ((unhealthySince ??= Date.now()) < Date.now() - UNHEALTHY_FOR_MS) throw new GiveUp(`container unhealthy for ${UNHEALTHY_FOR_MS / 1000} s:\n${await containerLogs(id)}`);
    return health === 'healthy';
  }, timeoutMs, 1000);
}
// an image's own schedule (next-steps runs it verbatim) probes every 30 s with a 5 s timeout: a container
// that turned unhealthy needs up to that long to show it recovered
const UNHEALTHY_FOR_MS = 60_000;

/**
 * The built-in recipe's own smoke check (its manifest `smoke`) against a built image, with the runner
 * `recipe test --build` uses: starts the image, waits for the check, removes the container.
 */
export async function smokeCheck(image: string, recipe: string, timeoutSeconds = 120): Promise<{ seconds: number }> {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'recipes', recipe, 'recipe.json'), 'utf8')) as { smoke?: SmokeCheck };
  if (!manifest.smoke) throw new Error(`recipe ${recipe} declares no smoke check`);
  const client = dockerClients(process.env.CREATE_IMAGE_DOCKER ?? 'docker')[0]!;
  return verifyWith(image, [manifest.smoke], timeoutSeconds);
}

/** `checks` against `image` with the runner `--build`'s verification uses; the result, or the error it gave. */
export async function verifyWith(image: string, checks: readonly ResolvedSmoke[], timeoutSeconds = 120): Promise<SmokeResult> {
  const client = dockerClients(process.env.CREATE_IMAGE_DOCKER ?? 'docker')[0]!;
  return smokeTest({ kind: 'docker', bin: client.bin, env: { ...process.env, ...client.env }, buildkit: false }, image, checks, { timeoutSeconds });
}

/**
 * `image` with commands run as root in one step more (a Dockerfile read from stdin, no context), its user
 * kept: a broken variant of a built image in seconds, to show a check failing. Removed after the run.
 */
export async function derivedImage(image: string, script: string): Promise<string> {
  const tag = `${uniqueName('ci-broken')}:latest`;
  removeImageLater(tag);
  const user = (await docker(['image', 'inspect', '--format', '{{.Config.User}}', image])).stdout.trim();
  const dockerfile = [`FROM ${image}`, 'USER root', `RUN ${script}`, ...(user ? [`USER ${user}`] : []), ''].join('\n');
  const r = await docker(['build', '-q', '-t', tag, '-'], { input: dockerfile, reject: false, timeout: 120_000 });
  if (r.exitCode !== 0) throw new Error(`deriving ${tag} from ${image}: ${r.stderr.slice(-2000)}`);
  return tag;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** This machine's CA bundle: containers need it (via --ca-cert) to reach the npm registry over HTTPS. */
export function caCertFile(): string {
  return process.env.SSL_CERT_FILE && existsSync(process.env.SSL_CERT_FILE) ? process.env.SSL_CERT_FILE : '/etc/ssl/certs/ca-certificates.crt';
}

/** HTTP GET from the host (loopback only). */
export async function httpGet(url: string, opts: { timeoutMs?: number; redirect?: 'manual' | 'follow' } = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, { redirect: opts.redirect ?? 'manual', signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/**
 * A fresh engine of its own, as a CI job's docker:dind service is: an empty dockerd (own data root,
 * socket, containerd and bridge) with only the base image loaded, stopped and removed after the file.
 * Its bridge has no NAT to the outside, so builds on it take `--network host`. Returns its DOCKER_HOST.
 */
export async function startEngine(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cie-'));
  const host = `unix://${path.join(dir, 'sock')}`;
  const pidFile = path.join(dir, 'pid');
  // its own bridge: a daemon without one would take over (and remove) docker0 of the machine's engine
  const bridge = `cie${randomBytes(3).toString('hex')}`;
  const subnet = `10.213.${1 + (randomBytes(1)[0]! % 250)}`;
  // registered first: a start that fails half-way still gets its daemon and bridge removed
  onCleanup(async () => {
    const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
    if (pid && isAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 150 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    }
    await execa('ip', ['link', 'del', bridge], { reject: false });
    await rm(dir, { recursive: true, force: true });
  });
  await execa('bash', ['-c', 'ip link add "$0" type bridge && ip addr add "$1.1/24" dev "$0" && ip link set "$0" up', bridge, subnet]);
  const daemon = execa('dockerd', ['--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'x'), '--pidfile', pidFile, '-H', host, `--bridge=${bridge}`, '--iptables=false', '--ip6tables=false', '--ip-masq=false'], {
    detached: true,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'ignore',
    reject: false,
  });
  daemon.unref();
  const client = { ...dockerClients()[0]!, env: { DOCKER_HOST: host } };
  await waitFor('the fresh engine to answer', async () => (await docker(['info', '--format', '{{.ServerVersion}}'], { client, reject: false })).exitCode === 0, 60_000, 250);
  await execa('bash', ['-c', '"$0" save "$1" | DOCKER_HOST="$2" "$0" load', process.env.CREATE_IMAGE_DOCKER ?? 'docker', BASE_IMAGE, host]);
  return host;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface Registry {
  host: string;
  user: string;
  password: string;
}

/** Start Debian's docker-registry with htpasswd auth on a free loopback port; stopped after the file. */
export async function startRegistry(): Promise<Registry> {
  const port = await freePort();
  const env = { REGISTRY_PORT: String(port), REGISTRY_STATE_DIR: path.join(os.tmpdir(), `create-image-registry-${port}`) };
  const script = path.join(ROOT, 'scripts/ci/registry.sh');
  // registered first: a start that fails half-way still gets its registry stopped
  onCleanup(() => execa('bash', [script, 'stop'], { env, reject: false }));
  await execa('bash', [script, 'start'], { env });
  const out = (await execa('bash', ['-c', `eval "$(bash "$0" env)"; printf '%s\\n%s\\n%s' "$REGISTRY" "$REGISTRY_USER" "$REGISTRY_PASSWORD"`, script], { env })).stdout;
  const [host, user, password] = out.split('\n') as [string, string, string];
  return { host, user, password };
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop() ?? '';
}

/** HEAD of a manifest in the local registry, asked with the test's own credentials (status, digest header). */
export function manifestHead(reg: Registry, repo: string, tag: string): Promise<Response> {
  return fetch(`http://${reg.host}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${Buffer.from(`${reg.user}:${reg.password}`).toString('base64')}`,
      accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    },
  });
}
