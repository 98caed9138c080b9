// custom's service compositions on Debian, each generated, built with --build (which verifies it), run,
// asked over HTTP from outside for what it is for, and stopped with `docker stop` (timed).
//   apache + php-fpm   index.php must run in PHP (its output, not its source) through proxy_fcgi
//   nginx + cron       a job of config/crontab runs as the non-root account and its output reaches the
//                      container log; under the watchdog, docker stop is prompt
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, containerLogs, describeEngine, docker, freePort, httpGet, removeImageLater, runContainer, tempDir, uniqueName, waitFor, waitHealthy } from '../helpers/engine.js';

describeEngine('custom service compositions, built and asked over HTTP', () => {
  it('apache + php-fpm: builds as non-root on Debian, and index.php runs in PHP', async () => {
    const name = uniqueName('ci-custom-apache-php');
    removeImageLater(`${name}:latest`);
    const dir = path.join(await tempDir('ci-custom-svc-'), 'apache-php');
    const r = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--name', name, '--service', 'apache', '--service', 'php-fpm', '--port', '8080', '--yes', '--build'], { env: { DOCKER_BUILDKIT: '0' } });
    expect(r.exitCode, r.stdout + r.stderr.slice(-4000)).toBe(0);

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

  it('nginx + cron under the watchdog: a job runs as app, its output reaches the container log, docker stop is prompt', async () => {
    const name = uniqueName('ci-custom-cron');
    removeImageLater(`${name}:latest`);
    const dir = path.join(await tempDir('ci-custom-svc-'), 'cron');
    const gen = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--name', name, '--service', 'nginx', '--service', 'cron', '--supervisor', 'watchdog', '--port', '8080', '--yes']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    // the user's own job, every minute, written the way the generated crontab says
    await writeFile(path.join(dir, 'config/crontab'), '* * * * * app echo "job ran as uid $(id -u)" > /run/create-image/cron.log 2>&1\n');
    const built = await cli(['build', dir], { env: { DOCKER_BUILDKIT: '0' } });
    expect(built.exitCode, built.stdout + built.stderr.slice(-4000)).toBe(0);

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

    const stopAt = Date.now();
    await docker(['stop', id]);
    const stopMs = Date.now() - stopAt;
    process.stderr.write(`custom services e2e: nginx + cron (watchdog) stopped in ${stopMs} ms\n`);
    expect(stopMs).toBeLessThanOrEqual(3000);
  }, 1_800_000);
});
