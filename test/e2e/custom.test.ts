// The custom recipe generated and built with --build through the built bin, then checked from outside.
// Four images built concurrently at the start (apt downloads overlap; the two cores do the rest):
//   main     node + nginx, Asia/Shanghai, zh_CN.UTF-8, hostile --env values, build-time-only test CA; classic builder
//   mainBk   the same answers built by the BuildKit client
//   sup      nginx + redis under supervisord, test CA kept with --ca-in-final
//   dog      nginx + redis under the watchdog script
// Each verification lists the probes of the services; variants of sup with a target broken (redis with
// no password, nginx on loopback only) fail the probe, which the failure names.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { REDIS_STATE, SERVICES } from '../../src/core/families.js';
import { serviceProbes } from '../../src/core/smoke.js';
import {
  caCertFile,
  cli,
  derivedImage,
  containerLogs,
  describeEngine,
  docker,
  dockerExec,
  freePort,
  httpGet,
  removeImageLater,
  runContainer,
  tempDir,
  uniqueName,
  waitFor,
  waitHealthy,
  processes,
  verifyWith,
  type CliResult,
  type DockerClient,
} from '../helpers/engine.js';

/** Double quotes, $(...), backticks and a newline: must arrive byte for byte. */
const HOSTILE = 'say "hi" $(touch /tmp/pwned) `id -u` \'single\'\nsecond line; $HOME';
/** The same without a newline: this one can live in the Dockerfile's ENV. */
const HOSTILE_ONE_LINE = 'say "hi" $(touch /tmp/pwned) `id -u` \\back $HOME';

interface Built {
  image: string;
  dir: string;
  result: CliResult;
  seconds: number;
}

describeEngine('custom recipe, built for real', (status) => {
  const classic = status.clients.find((c) => c.name === 'classic');
  const buildkit = status.clients.find((c) => c.name === 'buildkit');
  let work: string;
  let testCa: { file: string; pem: string };
  const builds: Record<string, Promise<Built>> = {};

  /** Generate into a fresh dir and build with `--build` using the given client. */
  async function generateAndBuild(key: string, client: DockerClient, args: string[], name = uniqueName(`ci-custom-${key}`)): Promise<Built> {
    const dir = path.join(work, key);
    removeImageLater(`${name}:latest`);
    const started = Date.now();
    const result = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--name', name, '--yes', '--build', ...args], {
      env: { CREATE_IMAGE_DOCKER: client.bin, ...client.env },
    });
    const seconds = Math.round((Date.now() - started) / 1000);
    if (result.exitCode !== 0) throw new Error(`${key}: create-image exited ${result.exitCode}\n${result.stdout}\n${result.stderr.slice(-4000)}`);
    return { image: `${name}:latest`, dir, result, seconds };
  }

  beforeAll(async () => {
    if (!classic || !buildkit) throw new Error('both docker clients are needed: the classic one on PATH and /usr/bin/docker with BuildKit');
    work = await tempDir('ci-e2e-custom-');
    // a throw-away CA, to tell "trusted during the build only" from "trusted in the final image"
    const key = path.join(work, 'test-ca.key');
    const file = path.join(work, 'test-ca.pem');
    await execa('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', file, '-days', '2', '-subj', '/CN=create-image e2e test CA']);
    testCa = { file, pem: readFileSync(file, 'utf8') };

    const main = ['--runtime', 'node', '--tz', 'Asia/Shanghai', '--locale', 'zh_CN.UTF-8', '--service', 'nginx', '--port', '8080', '--ca-cert', caCertFile(), '--ca-cert', file, '--env', `HOSTILE=${HOSTILE}`, '--env', `ONE_LINE=${HOSTILE_ONE_LINE}`];
    const two = ['--service', 'nginx', '--service', 'redis', '--port', '8080', '--port', '6379'];
    builds.main = generateAndBuild('main', classic, main);
    builds.mainBk = generateAndBuild('main-bk', buildkit, main);
    builds.sup = generateAndBuild('sup', classic, [...two, '--supervisor', 'supervisord', '--ca-cert', file, '--ca-in-final']);
    builds.dog = generateAndBuild('dog', classic, [...two, '--supervisor', 'watchdog']);
    // keep unhandled rejections away until each test awaits its build
    for (const p of Object.values(builds)) p.catch(() => undefined);
  }, 60_000);

  it('--build: files written first, then the build summary, and next steps that run (not rebuild) the image', async () => {
    const b = await builds.main!;
    const out = b.result.stdout;
    const wrote = out.indexOf('Wrote ');
    const summary = out.indexOf(`Built ${b.image} in `);
    expect(wrote).toBeGreaterThanOrEqual(0);
    expect(summary).toBeGreaterThan(wrote);
    expect(out).toMatch(/^ {2}image {3}sha256:[0-9a-f]{64}$/m);
    expect(out).toMatch(/^ {2}size {4}\d+(\.\d)? MB$/m);
    expect(out).toContain(`  tags    ${b.image}`);
    const next = out.slice(out.indexOf('Next steps:'));
    expect(next).toContain(`docker run -d --name ${b.image.replace(/:latest$/, '')} -p 8080:8080 ${b.image}`);
    expect(next).not.toContain('docker build');
    expect(out).not.toContain('build.log'); // the log is mentioned only on failure
    // verified as answered: healthy (nginx), then the zone, the compiled locale and the runtime
    expect(out).toMatch(/^ {2}verify {2}passed in [\d.]+s: healthy\n {10}setup: zone Asia\/Shanghai, locale zh_CN\.UTF-8, node runs\n {10}GET :8080\/ answered$/m);
    // progress went to stderr, one short line per step (not a TTY)
    const steps = b.result.stderr.split('\n').filter((l) => l.startsWith('building '));
    expect(steps.length).toBeGreaterThan(5);
    for (const l of steps) expect(l.length).toBeLessThan(100);
    // the image id printed is the image built
    const id = out.match(/image {3}(sha256:[0-9a-f]{64})/)![1];
    expect((await docker(['image', 'inspect', '--format', '{{.Id}}', b.image])).stdout.trim()).toBe(id);
    // the log is in the dir, and the generated .dockerignore keeps it out of the build context
    expect(readFileSync(path.join(b.dir, '.create-image', 'build.log'), 'utf8')).toMatch(/Successfully (built|tagged)/);
    expect(readFileSync(path.join(b.dir, '.dockerignore'), 'utf8').split('\n')).toContain('.create-image/');
    console.log(`custom e2e: main image built by the classic builder in ${b.seconds}s`);
  }, 15 * 60_000);

  async function checkMain(b: Built, label: string): Promise<void> {
    const port = await freePort();
    const id = await runContainer(b.image, { ports: [[port, '8080']] });

    // nginx answers on loopback
    const page = await waitFor(`${label}: nginx on 127.0.0.1:${port}`, async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/`);
      return r.status === 200 ? r : undefined;
    }, 60_000);
    expect(page.body).toContain('<html');

    // timezone and locale
    expect((await dockerExec(id, ['date', '+%Z'])).stdout.trim()).toBe('CST');
    const loc = await dockerExec(id, ['locale']);
    expect(loc.stderr).toBe('');
    expect(loc.stdout).toMatch(/^LANG=zh_CN\.UTF-8$/m);
    expect(loc.stdout).toMatch(/^LC_ALL=zh_CN\.UTF-8$/m);
    expect(loc.stdout).toMatch(/^LC_TIME="zh_CN\.UTF-8"$/m);

    // node runs, and sees the zone
    const node = await dockerExec(id, ['node', '-e', 'console.log(process.version, Intl.DateTimeFormat().resolvedOptions().timeZone, 6*7)']);
    expect(node.exitCode).toBe(0);
    expect(node.stdout.trim()).toMatch(/^v\d+\.\d+\.\d+ Asia\/Shanghai 42$/);

    // nobody runs as root: PID 1 and every nginx process
    const procs = await processes(id);
    expect(procs.find((p) => p.pid === 1)?.uid).not.toBe(0);
    const nginx = procs.filter((p) => p.name === 'nginx');
    expect(nginx.length).toBeGreaterThanOrEqual(2); // master + at least one worker
    for (const p of procs) expect(p.uid, `${p.name} (pid ${p.pid})`).not.toBe(0);

    // --env values arrive literally: the one-line value via Dockerfile ENV (seen by docker exec too),
    // the multi-line one via the entrypoint, which every container start goes through (nginx rewrites its own
    // /proc/1/environ for its process title, so the entrypoint is checked with printenv as the command)
    // (the helpers strip the one final newline printenv adds)
    expect((await dockerExec(id, ['printenv', 'ONE_LINE'])).stdout).toBe(HOSTILE_ONE_LINE);
    const viaEntrypoint = await docker(['run', '--rm', b.image, 'printenv', 'HOSTILE']);
    expect(viaEntrypoint.stdout).toBe(HOSTILE);
    expect((await dockerExec(id, ['test', '-e', '/tmp/pwned'])).exitCode).toBe(1);

    // the build-time CA is gone from the final image: not in the source dir, not in the bundle
    const ls = await dockerExec(id, ['sh', '-c', 'ls -A /usr/local/share/ca-certificates']);
    expect(ls.stdout.trim()).toBe('');
    const bundle = (await dockerExec(id, ['cat', '/etc/ssl/certs/ca-certificates.crt'])).stdout;
    expect(bundle).toContain('-----BEGIN CERTIFICATE-----'); // the system roots are still there
    expect(bundle).not.toContain(pemBody(testCa.pem));

    // and the image's own healthcheck goes healthy
    await waitHealthy(id, 120_000);
  }

  it('classic builder: CST, zh_CN.UTF-8, node, nginx on loopback, not root, healthy, env values literal, CA not kept', async () => {
    await checkMain(await builds.main!, 'classic');
  }, 15 * 60_000);

  it('BuildKit client (DOCKER_BUILDKIT=1) builds the same files into an image that passes the same checks', async () => {
    const b = await builds.mainBk!;
    const classicDockerfile = readFileSync(path.join(work, 'main', 'Dockerfile'), 'utf8').replace(/ci-custom-main-\S+/g, 'X');
    expect(readFileSync(path.join(b.dir, 'Dockerfile'), 'utf8').replace(/ci-custom-main-bk-\S+/g, 'X')).toBe(classicDockerfile);
    expect(readFileSync(path.join(b.dir, '.create-image', 'build.log'), 'utf8')).toMatch(/^#\d+ \[\d+\/\d+\] RUN /m); // really BuildKit
    expect(b.result.stdout).toContain('with docker.');
    console.log(`custom e2e: main image built by BuildKit in ${b.seconds}s`);
    await checkMain(b, 'buildkit');
  }, 15 * 60_000);

  it('nginx + redis under supervisord: both answer, nothing runs as root, --ca-in-final keeps the CA', async () => {
    const b = await builds.sup!;
    expect(readFileSync(path.join(b.dir, 'config', 'supervisord.conf'), 'utf8')).toContain('[program:redis]');
    // --build asked nginx and redis themselves: a page, and PING refused without the password, PONG with it
    expect(b.result.stdout).toMatch(/^ {2}verify {2}passed in [\d.]+s: healthy\n {10}setup: zone UTC\n {10}GET :8080\/ answered\n {10}redis PING: NOAUTH without the password, PONG with it$/m);
    // and each probe fails, named, on a variant with its target broken
    const probes = serviceProbes(['nginx', 'redis'], [{ from: 8080, to: 8080, proto: 'tcp' }]);
    const noAuth = await derivedImage(b.image, "sed -i '/^include /d' /etc/create-image/redis.conf");
    expect(await verifyWith(noAuth, probes, 10).then(() => 'passed', (e: Error) => e.message)).toMatch(/^check failed: redis PING: NOAUTH without the password, PONG with it \(not within 10s\): exited 1: redis answered PING without its password: PONG/);
    // nginx on loopback only: its HEALTHCHECK (asked inside) passes, the page is out of reach from outside
    const loopback = await derivedImage(b.image, "sed -i 's/listen 8080;/listen 127.0.0.1:8080;/' /etc/nginx/create-image.conf");
    expect(await verifyWith(loopback, probes, 10).then(() => 'passed', (e: Error) => e.message)).toMatch(/^check failed: GET :8080\/ answered \(not within 10s\): /);
    const [web, redis] = [await freePort(), await freePort()];
    // the password from a mounted secret file: one with a space, quotes and a backslash
    const password = 'p@ss "w\\ord" x';
    const secret = path.join(await tempDir('ci-e2e-redis-secret-'), 'redis_password');
    writeFileSync(secret, password, { mode: 0o644 });
    const id = await runContainer(b.image, { ports: [[web, '8080'], [redis, '6379']], env: { REDIS_PASSWORD_FILE: '/run/secrets/redis_password' }, args: ['-v', `${secret}:/run/secrets/redis_password:ro`] });
    await waitFor('nginx under supervisord', async () => (await httpGet(`http://127.0.0.1:${web}/`)).status === 200, 60_000);
    await waitFor('redis PING from the host, with the password', async () => (await redisPing(redis, password)) === '+PONG', 60_000);
    // without it, or with another, redis answers no PING
    expect(await redisPing(redis)).toMatch(/^-NOAUTH/);
    expect(await redisPing(redis, 'not-it')).toMatch(/^-NOAUTH/);
    expect(JSON.stringify(JSON.parse((await docker(['inspect', id])).stdout)[0].Config.Env)).not.toContain('p@ss');
    // redis's health check (the HEALTHCHECK of an image whose first probed service is redis) authenticates,
    // and fails once the password it reads is wrong
    const health = ['sh', '-c', SERVICES.redis!.health!(6379, ['redis'])!];
    expect((await dockerExec(id, health)).exitCode).toBe(0);
    expect((await dockerExec(id, ['sh', '-c', `cp ${REDIS_STATE}/password /tmp/p && echo wrong > ${REDIS_STATE}/password`])).exitCode).toBe(0);
    expect((await dockerExec(id, health)).exitCode).not.toBe(0);
    expect((await dockerExec(id, ['cp', '/tmp/p', `${REDIS_STATE}/password`])).exitCode).toBe(0);
    const procs = await processes(id);
    expect(procs.find((p) => p.pid === 1)?.name).toMatch(/^supervisord$|^python/);
    expect(procs.some((p) => p.name === 'redis-server')).toBe(true);
    expect(procs.some((p) => p.name === 'nginx')).toBe(true);
    for (const p of procs) expect(p.uid, `${p.name} (pid ${p.pid})`).not.toBe(0);
    // asked to keep it: the test CA is trusted in the final image
    const kept = await dockerExec(id, ['sh', '-c', 'cat /usr/local/share/ca-certificates/create-image/*.crt']);
    expect(kept.stdout).toContain(pemBody(testCa.pem));
    expect((await dockerExec(id, ['cat', '/etc/ssl/certs/ca-certificates.crt'])).stdout).toContain(pemBody(testCa.pem));
    console.log(`custom e2e: supervisord image built in ${b.seconds}s`);
  }, 15 * 60_000);

  it('--supervisor watchdog: both answer; killing one service stops the container within seconds', async () => {
    const b = await builds.dog!;
    const [web, redis] = [await freePort(), await freePort()];
    const id = await runContainer(b.image, { ports: [[web, '8080'], [redis, '6379']] });
    await waitFor('nginx under the watchdog', async () => (await httpGet(`http://127.0.0.1:${web}/`)).status === 200, 60_000);
    // no password given: one generated at first start, shown once in the log
    const generated = await waitFor('the generated redis password in the log', async () => /redis: generated password \(shown once[^)]*\): ([A-Za-z0-9]{24})$/m.exec(await containerLogs(id))?.[1], 30_000);
    await waitFor('redis PING from the host', async () => (await redisPing(redis, generated)) === '+PONG', 60_000);
    expect(await redisPing(redis)).toMatch(/^-NOAUTH/);
    const procs = await processes(id);
    for (const p of procs) expect(p.uid, `${p.name} (pid ${p.pid})`).not.toBe(0);
    const victim = procs.find((p) => p.name === 'redis-server');
    expect(victim).toBeDefined();
    const killedAt = Date.now();
    // the shell's kill builtin: slim images have no /bin/kill
    expect((await dockerExec(id, ['sh', '-c', `kill -KILL ${victim!.pid}`])).exitCode).toBe(0);
    const state = await waitFor('the container to stop after a service died', async () => {
      const s = (await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', id])).stdout.trim();
      return s.startsWith('exited') ? s : undefined;
    }, 10_000, 250);
    const took = Date.now() - killedAt;
    expect(state).not.toBe('exited 0');
    expect(took).toBeLessThan(8_000);
    expect(await containerLogs(id)).toMatch(/watchdog: pid \d+ exited/);
    console.log(`custom e2e: watchdog image built in ${b.seconds}s; container stopped ${took} ms after the kill`);
  }, 15 * 60_000);
});

/** A RESP command as an array of bulk strings: any bytes in an argument, a password with spaces and quotes too. */
const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** A raw RESP PING over TCP from the host, after an AUTH when given a password: the last reply. */
function redisPing(port: number, password?: string): Promise<string> {
  const replies = password === undefined ? 1 : 2;
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write((password === undefined ? '' : resp('AUTH', password)) + resp('PING')));
    s.setTimeout(3000, () => s.destroy(new Error('timeout')));
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      const lines = got.split('\r\n').filter(Boolean);
      if (lines.length < replies) return;
      resolve(lines.at(-1)!);
      s.end();
    });
    s.once('error', reject);
    // docker's port proxy accepts before the service listens, then closes with no data and no error
    s.once('close', () => reject(new Error('closed without a reply')));
  });
}

/** A PEM's base64 body on one line, as it appears in any bundle. */
function pemBody(pem: string): string {
  return pem.split('\n').filter((l) => l && !l.startsWith('-----')).slice(0, 3).join('\n');
}
