// custom's service compositions on Debian, each generated, built with --build (which verifies it), run,
// asked over HTTP from outside for what it is for, and stopped with `docker stop` (timed).
//   apache + php-fpm   index.php must run in PHP (its output, not its source) through proxy_fcgi
//   php-fpm alone      a FastCGI backend for a web server elsewhere: the site's index.php runs when asked,
//                      and the HEALTHCHECK asks php-fpm's ping page over FastCGI
//                      over FastCGI from outside the container, on its published port 9000
//   nginx + redis + cron  a job of config/crontab runs as the non-root account and its output reaches the
//                      container log; redis runs as that account too, not root; under the watchdog,
//                      docker stop is prompt
// Each verification lists the services' probes; a variant of each image with its target broken (no PHP
// handler, a cron that never starts) fails the probe, which the failure names.
import { execa } from 'execa';
import net from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REDIS_STATE } from '../../src/core/families.js';
import { serviceProbes } from '../../src/core/smoke.js';
import type { PortSpec } from '../../src/core/types.js';
import { cli, containerLogs, derivedImage, describeEngine, docker, dockerExec, freePort, httpGet, onCleanup, removeImageLater, runContainer, tempDir, uniqueName, verifyWith, waitFor, waitHealthy } from '../helpers/engine.js';

const WEB: PortSpec[] = [{ from: 8080, to: 8080, proto: 'tcp' }];

describeEngine('custom service compositions, built and asked over HTTP', () => {
  it('apache + php-fpm: builds as non-root on Debian, and index.php runs in PHP', async () => {
    const name = uniqueName('ci-custom-apache-php');
    removeImageLater(`${name}:latest`);
    const dir = path.join(await tempDir('ci-custom-svc-'), 'apache-php');
    const r = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--name', name, '--service', 'apache', '--service', 'php-fpm', '--port', '8080', '--ci', 'gitlab', '--yes', '--build'], { env: { DOCKER_BUILDKIT: '0' } });
    expect(r.exitCode, r.stdout + r.stderr.slice(-4000)).toBe(0);
    // --build's verification asked each service's probe, one line each
    expect(r.stdout).toMatch(/^ {2}verify {2}passed in [\d.]+s: healthy\n {10}setup: zone UTC\n {10}GET :8080\/ answered\n {10}GET :8080\/index\.php ran PHP \(no source in the body\)$/m);
    // the same image without apache's PHP handler fails the PHP probe, which is named
    const noHandler = await derivedImage(`${name}:latest`, 'a2disconf create-image-php-fpm');
    const failed = await verifyWith(noHandler, serviceProbes(['apache', 'php-fpm'], WEB), 15).then(() => 'passed', (e: Error) => e.message);
    expect(failed).toMatch(/^check failed: GET :8080\/index\.php ran PHP \(no source in the body\) \(not within 15s\): body contains "<\?php"/);
    // ci/smoke-test.sh runs the same probes: the image passes, the variant fails on the one it breaks
    await ciSmoke(dir, `${name}:latest`, /smoke: http:\/\/127\.0\.0\.1:\d+\/index\.php answered \(GET :8080\/index\.php ran PHP/);
    await ciSmoke(dir, noHandler, /smoke: GET :8080\/index\.php ran PHP \(no source in the body\): no answer from .* without '<\?php' after \d+s; last body: <\?php/, false);

    const port = await freePort();
    const id = await runContainer(`${name}:latest`, { ports: [[port, '8080']] });
    const page = await waitFor('index.php to answer', async () => {
      const res = await httpGet(`http://127.0.0.1:${port}/index.php`).catch(() => undefined);
      return res?.status === 200 ? res : undefined;
    }, 90_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await containerLogs(id)}`);
    });
    // php-fpm ran it: its output, never the source apache would serve without a handler
    expect(page.body).toMatch(/^Hello from PHP \d+\.\d+\.\d+ via php-fpm$/m);
    expect(page.body).not.toContain('<?php');
    await waitHealthy(id);

    const stopAt = Date.now();
    await docker(['stop', id]);
    process.stderr.write(`custom services e2e: apache + php-fpm stopped in ${Date.now() - stopAt} ms\n`);
  }, 1_800_000);

  it('php-fpm alone: listens for another container, its site runs over FastCGI from outside, the probe is a FastCGI request', async () => {
    const name = uniqueName('ci-custom-fpm');
    removeImageLater(`${name}:latest`);
    const dir = path.join(await tempDir('ci-custom-svc-'), 'fpm');
    const r = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--name', name, '--service', 'php-fpm', '--port', '9000', '--ci', 'github', '--yes', '--build'], { env: { DOCKER_BUILDKIT: '0' } });
    expect(r.exitCode, r.stdout + r.stderr.slice(-4000)).toBe(0);
    expect(r.stdout).toMatch(/^ {2}verify {2}passed in [\d.]+s: healthy\n {10}setup: zone UTC\n {10}FastCGI :9000 ran PHP$/m);
    // the HEALTHCHECK asks php-fpm's ping page over FastCGI: a pool without it is unhealthy
    const noPing = await derivedImage(`${name}:latest`, "sed -i '/^ping\\./d' /etc/create-image/php-fpm.conf");
    const unhealthy = await verifyWith(noPing, [], 60).then(() => 'passed', (e: Error) => e.message);
    expect(unhealthy).toBe('the container is unhealthy (its HEALTHCHECK failed)');
    // a php-fpm that refuses .php scripts (it answers, but runs nothing) fails the probe, named
    const refuses = await derivedImage(`${name}:latest`, "echo 'security.limit_extensions = .phtml' >> /etc/create-image/php-fpm.conf");
    const failed = await verifyWith(refuses, serviceProbes(['php-fpm'], [{ from: 9000, to: 9000, proto: 'tcp' }]), 10).then(() => 'passed', (e: Error) => e.message);
    expect(failed).toMatch(/^check failed: FastCGI :9000 ran PHP \(not within 10s\): output lacks "php-fpm ran PHP: 42"/);
    await ciSmoke(dir, `${name}:latest`, /smoke: passed \(FastCGI :9000 ran PHP\)/);
    await ciSmoke(dir, refuses, /FastCGI :9000 ran PHP: failed after \d+s/, false);

    // the printed run line, run verbatim, publishes FastCGI on the host's loopback alone (it runs code for whoever reaches it)
    const runLine = `docker run -d --name ${name} -p 127.0.0.1:9000:9000 ${name}:latest`;
    expect(r.stdout.split('\n').map((l) => l.trim())).toContain(runLine);
    const started = await execa('sh', ['-c', runLine], { cwd: dir, reject: false });
    expect(started.exitCode, started.stderr).toBe(0);
    const id = started.stdout.trim();
    onCleanup(() => docker(['rm', '-f', id], { reject: false }));
    expect((await docker(['port', id, '9000/tcp'])).stdout.trim()).toBe('127.0.0.1:9000');
    // a web server in another container reaches it: here, a FastCGI request from the host to the published port
    const body = await waitFor('index.php over FastCGI', async () => {
      const out = await fastcgiGet(9000, '/var/www/html/index.php').catch(() => '');
      return out.includes('Hello from PHP') ? out : undefined;
    }, 60_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await containerLogs(id)}`);
    });
    expect(body).toMatch(/^Hello from PHP \d+\.\d+\.\d+ via php-fpm$/m);
    expect(body).not.toContain('<?php');
    const stopAt = Date.now();
    await docker(['stop', id]);
    const stopMs = Date.now() - stopAt;
    process.stderr.write(`custom services e2e: php-fpm alone stopped in ${stopMs} ms\n`);
    expect(stopMs).toBeLessThanOrEqual(3000);
  }, 1_800_000);

  it('nginx + redis + cron under the watchdog: a job runs as app, so does redis, the job output reaches the container log, docker stop is prompt', async () => {
    const name = uniqueName('ci-custom-cron');
    removeImageLater(`${name}:latest`);
    const dir = path.join(await tempDir('ci-custom-svc-'), 'cron');
    const gen = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--name', name, '--service', 'nginx', '--service', 'redis', '--service', 'cron', '--supervisor', 'watchdog', '--port', '8080', '--ci', 'github', '--yes']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    // the user's own job, every minute, written the way the generated crontab says
    await writeFile(path.join(dir, 'config/crontab'), '* * * * * app echo "job ran as uid $(id -u)" > /run/create-image/cron.log 2>&1\n');
    const built = await cli(['build', dir], { env: { DOCKER_BUILDKIT: '0' } });
    expect(built.exitCode, built.stdout + built.stderr.slice(-4000)).toBe(0);
    // the rebuild verifies with the probes of the recorded services
    expect(built.stdout).toMatch(/^ {2}verify {2}passed in [\d.]+s: healthy\n {10}setup: zone UTC\n {10}GET :8080\/ answered\n {10}redis PING: NOAUTH without the password, PONG with it\n {10}cron process running$/m);
    // with a cron that never starts the daemon (the container stays up), the cron probe fails, named
    const noCron = await derivedImage(`${name}:latest`, "printf '#!/bin/sh\\nexec sleep 100000\\n' > /usr/sbin/cron");
    const failed = await verifyWith(noCron, serviceProbes(['nginx', 'cron'], WEB), 10).then(() => 'passed', (e: Error) => e.message);
    expect(failed).toMatch(/^check failed: cron process running \(not within 10s\): exited 1/);
    await ciSmoke(dir, `${name}:latest`, /smoke: passed \(cron process running\)/);
    await ciSmoke(dir, noCron, /smoke: cron process running: failed after \d+s/, false);

    const port = await freePort();
    const id = await runContainer(`${name}:latest`, { ports: [[port, '8080']] });
    await waitHealthy(id);
    // cron runs a job at the next minute's start
    const logs = await waitFor('the job to write to the container log', async () => {
      const l = await containerLogs(id);
      return /job ran as uid \d+/.test(l) ? l : undefined;
    }, 150_000, 2000);
    expect(logs.match(/job ran as uid \d+/g), logs).toEqual(expect.arrayContaining(['job ran as uid 10001']));
    expect(logs, logs).not.toMatch(/job ran as uid 0\b/);
    // the daemon itself is root (it switches to the job's user), nginx's workers are not
    const procs = (await docker(['top', id, '-o', 'pid,uid,comm'])).stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    expect(procs.find(([, , comm]) => comm === 'cron')?.[1], JSON.stringify(procs)).toBe('0');
    // redis beside root cron is not root: it runs as the jobs' account, so it cannot write cron's tables
    expect(procs.find(([, , comm]) => comm === 'redis-server')?.[1], JSON.stringify(procs)).toBe('10001');
    // and reads the password the root entrypoint wrote: PING answers with it
    const ping = await dockerExec(id, ['sh', '-c', `REDISCLI_AUTH="$(cat ${REDIS_STATE}/password)" redis-cli ping`]);
    expect(ping.stdout.trim()).toBe('PONG');

    const stopAt = Date.now();
    await docker(['stop', id]);
    const stopMs = Date.now() - stopAt;
    process.stderr.write(`custom services e2e: nginx + cron (watchdog) stopped in ${stopMs} ms\n`);
    expect(stopMs).toBeLessThanOrEqual(3000);
  }, 1_800_000);
});

/** The generated ci/smoke-test.sh against `image`, as a CI job runs it: passes (`smoke: OK`) or fails, printing `expected`. */
async function ciSmoke(dir: string, image: string, expected: RegExp, passes = true): Promise<void> {
  const r = await execa('sh', [path.join(dir, 'ci/smoke-test.sh'), image], { env: { SMOKE_TIMEOUT: passes ? '120' : '10' }, reject: false, all: true });
  expect(r.exitCode === 0, String(r.all)).toBe(passes);
  expect(String(r.all)).toMatch(expected);
  if (passes) expect(String(r.all)).toMatch(/smoke: OK$/m);
}

/** What php-fpm answers on 127.0.0.1:`port` for `script` (FastCGI: BEGIN_REQUEST, PARAMS, STDIN; its STDOUT records). */
function fastcgiGet(port: number, script: string): Promise<string> {
  const rec = (type: number, body: Buffer) => Buffer.concat([Buffer.from([1, type, 0, 1, body.length >> 8, body.length & 255, 0, 0]), body]);
  const pair = (k: string, v: string) => Buffer.concat([Buffer.from([k.length, v.length]), Buffer.from(k + v)]);
  const params = Buffer.concat([pair('SCRIPT_FILENAME', script), pair('REQUEST_METHOD', 'GET')]);
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.setTimeout(5000, () => s.destroy(new Error('timeout')));
    s.on('connect', () => s.end(Buffer.concat([rec(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), rec(4, params), rec(4, Buffer.alloc(0)), rec(5, Buffer.alloc(0))])));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => {
      // the STDOUT records' contents, in order
      const all = Buffer.concat(chunks);
      let out = '';
      for (let i = 0; i + 8 <= all.length; ) {
        const len = all.readUInt16BE(i + 4);
        if (all[i + 1] === 6) out += all.subarray(i + 8, i + 8 + len).toString();
        i += 8 + len + all[i + 6]!;
      }
      resolve(out);
    });
  });
}

