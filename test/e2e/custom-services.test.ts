// custom's service compositions on Debian, each generated, built with --build (which verifies it), run,
// asked over HTTP from outside for what it is for, and stopped with `docker stop` (timed).
//   apache + php-fpm   index.php must run in PHP (its output, not its source) through proxy_fcgi
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
});
