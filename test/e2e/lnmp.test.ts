// lnmp: generate with the built bin, build on debian:trixie-slim (PHP 8.4), and check that nginx really hands
// PHP to php-fpm (the page shows values only a running PHP can compute), as a non-root user.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, describeEngine, docker, dockerExec, freePort, httpGet, removeImageLater, runContainer, smokeCheck, tempDir, uniqueName, waitFor, waitHealthy } from '../helpers/engine.js';

const CLASSIC = { DOCKER_BUILDKIT: '0' };

/** [command, uid] of every process in the container, from the host's view (`docker top`). */
async function processes(id: string): Promise<Array<[comm: string, uid: string]>> {
  const top = await docker(['top', id, '-o', 'pid,uid,comm']);
  return top.stdout.trim().split('\n').slice(1).map((l) => {
    const [, uid, comm] = l.trim().split(/\s+/);
    return [comm!, uid!];
  });
}

describeEngine('lnmp recipe (nginx + php-fpm under supervisord)', () => {
  it('builds the default recipe and serves the sample PHP page through nginx, as non-root, healthy', async () => {
    const root = await tempDir('ci-lnmp-');
    const dir = path.join(root, 'site');
    const tag = `${uniqueName('lnmp')}:test`;
    removeImageLater(tag);
    const r = await cli([dir, '--recipe', 'lnmp', '--yes', '--build', '--tag', tag], { env: CLASSIC });
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    await smokeCheck(tag, 'lnmp');

    const port = await freePort();
    const id = await runContainer(tag, { ports: [[port, '8080']] });
    const page = await waitFor('the PHP page', async () => {
      const res = await httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return res?.status === 200 ? res : undefined;
    });
    expect(page.body).toContain('<h1>PHP is running</h1>');
    expect(page.body).toContain('6 * 7 = 42');
    expect(page.body).toContain('<td>fpm-fcgi</td>');
    expect(page.body).toMatch(/<td>8\.4\.\d+<\/td>/);
    expect(page.body).not.toContain('<?php');
    // A front controller: unknown paths go to index.php as well.
    expect((await httpGet(`http://127.0.0.1:${port}/some/route`)).body).toContain('6 * 7 = 42');

    await waitHealthy(id, 90_000);
    const procs = await processes(id);
    expect(new Set(procs.map(([comm]) => comm))).toEqual(new Set(['supervisord', 'nginx', 'php-fpm']));
    expect(procs.length).toBeGreaterThanOrEqual(5); // nginx master + workers, php-fpm master + pool
    for (const [comm, uid] of procs) expect(uid, comm).toBe('10001');
    expect((await dockerExec(id, ['id', '-un'])).stdout.trim()).toBe('app');
    // The web root is not writable by the PHP user.
    expect((await dockerExec(id, ['sh', '-c', 'touch /var/www/html/x 2>&1; echo rc=$?'])).stdout).toMatch(/rc=1/);
  }, 600_000);

  it('serves the user app dir at / and installs the MySQL client and drivers when asked', async () => {
    const root = await tempDir('ci-lnmp-');
    const dir = path.join(root, 'shop');
    await mkdir(path.join(dir, 'src'), { recursive: true });
    await writeFile(path.join(dir, 'src', 'index.php'), `<?php\necho 'shop total=' . array_sum([19, 23]) . ' mysqli=' . (extension_loaded('mysqli') ? 'yes' : 'no') . ' pdo_mysql=' . (extension_loaded('pdo_mysql') ? 'yes' : 'no');\n`);
    await writeFile(path.join(dir, 'src', 'robots.txt'), 'User-agent: *\n');
    const tag = `${uniqueName('lnmp-app')}:test`;
    removeImageLater(tag);
    const r = await cli([dir, '--recipe', 'lnmp', '--yes', '--set', 'app=src', '--set', 'mysql=true', '--build', '--tag', tag], { env: CLASSIC });
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);

    const port = await freePort();
    const id = await runContainer(tag, { ports: [[port, '8080']] });
    const page = await waitFor('the app page', async () => {
      const res = await httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return res?.status === 200 ? res : undefined;
    });
    expect(page.body).toBe('shop total=42 mysqli=yes pdo_mysql=yes');
    expect((await httpGet(`http://127.0.0.1:${port}/robots.txt`)).body).toBe('User-agent: *\n');
    const mysql = await dockerExec(id, ['mysql', '--version']);
    expect(mysql.exitCode, mysql.stderr).toBe(0);
    expect(mysql.stdout).toMatch(/mysql|MariaDB/i);
    await waitHealthy(id, 90_000);
  }, 600_000);
});
