// tomcat recipe end to end: the built-in sample and a user's WAR, generated with the built bin and
// built with --build; served on 127.0.0.1, healthcheck healthy, timezone and non-root user checked.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { cli, containerLogs, describeEngine, docker, dockerExec, freePort, httpGet, removeImageLater, runContainer, smokeCheck, tempDir, uniqueName, waitFor, waitHealthy } from '../helpers/engine.js';

/** A WAR is a zip: a stored (uncompressed) one is enough, and needs no zip tool on the host. */
function zip(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(33, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(33, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(n.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, n, data);
    central.push(dir, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

async function serve(image: string, env: Record<string, string> = {}): Promise<{ id: string; port: number }> {
  const port = await freePort();
  const id = await runContainer(image, { ports: [[port, '8080']], env });
  return { id, port };
}

describeEngine('tomcat recipe (e2e)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir('ci-tomcat-');
  });

  it('the sample answers at / on 8080, goes healthy, runs as app in Asia/Shanghai, takes CATALINA_OPTS', async () => {
    const image = `${uniqueName('ci-tomcat')}:test`;
    removeImageLater(image);
    const gen = await cli([path.join(dir, 'sample'), '--recipe', 'tomcat', '--yes', '--build', '--tag', image], { env: { DOCKER_BUILDKIT: '0' } });
    expect(gen.exitCode, gen.stderr.slice(-3000)).toBe(0);
    await smokeCheck(image, 'tomcat');

    const { id, port } = await serve(image, { CATALINA_OPTS: '-Dcreate.image.check=yes' });
    const res = await waitFor('the sample page', async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, 90_000, 1000);
    expect(res.body).toContain('<h1>create-image Tomcat sample</h1>');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    // Tomcat's default webapps are not there.
    expect((await httpGet(`http://127.0.0.1:${port}/docs/`)).status).toBe(404);
    await waitHealthy(id, 90_000);

    expect((await dockerExec(id, ['date', '+%Z'])).stdout.trim()).toBe('CST');
    expect((await dockerExec(id, ['id', '-un'])).stdout.trim()).toBe('app');
    const logs = await containerLogs(id);
    expect(logs).toContain('Command line argument: -Dcreate.image.check=yes');
    expect(logs).toContain('Command line argument: -XX:MaxRAMPercentage=75.0');
    // The access log reaches the container log.
    expect(logs).toMatch(/"GET \/ HTTP\/1\.1" 200/);
    // The JVM is the main process (catalina.sh run execs it): docker stop is a clean, quick shutdown.
    const started = Date.now();
    await docker(['stop', id]);
    expect(Date.now() - started).toBeLessThan(9000);
    expect((await docker(['inspect', '--format', '{{.State.ExitCode}}', id])).stdout.trim()).toBe('143');
  }, 420_000);

  it("deploys the user's WAR at the chosen context, healthcheck following it", async () => {
    const image = `${uniqueName('ci-tomcat-war')}:test`;
    removeImageLater(image);
    const target = path.join(dir, 'shop');
    await mkdir(target, { recursive: true });
    await writeFile(
      path.join(target, 'shop.war'),
      zip({
        'index.html': '<!doctype html><title>shop</title><p>shop war deployed</p>\n',
        'WEB-INF/web.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"/>\n',
      }),
    );
    // Same tz/locale as the sample build: the package layer comes from the cache.
    const gen = await cli([target, '--recipe', 'tomcat', '--yes', '--set', 'war=shop.war', '--set', 'context=/shop', '--build', '--tag', image], { env: { DOCKER_BUILDKIT: '0' } });
    expect(gen.exitCode, gen.stderr.slice(-3000)).toBe(0);

    const { id, port } = await serve(image);
    const res = await waitFor('the WAR page', async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/shop/`).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, 90_000, 1000);
    expect(res.body).toContain('shop war deployed');
    expect((await httpGet(`http://127.0.0.1:${port}/`)).status).toBe(404);
    await waitHealthy(id, 90_000);
  }, 300_000);
});
