import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ToolError, UsageError } from '../../src/core/errors.js';
import { fromLines, LOCK_FILE, lockDigests, parseImageRef, parseLock, pinnedText } from '../../src/core/lock.js';
import { configCredentials, MANIFEST_ACCEPT, registryBase, registryDigest } from '../../src/engines/registry-digest.js';
import { lockDir, pinnedBase, pinnedRender } from '../../src/update/lock.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

describe('parseImageRef', () => {
  it('reads registry, repository and tag as the engines do', () => {
    expect(parseImageRef('debian:trixie-slim')).toEqual({ name: 'debian:trixie-slim', registry: 'docker.io', repository: 'library/debian', tag: 'trixie-slim' });
    expect(parseImageRef('bitnami/nginx')).toEqual({ name: 'bitnami/nginx:latest', registry: 'docker.io', repository: 'bitnami/nginx', tag: 'latest' });
    expect(parseImageRef(`127.0.0.1:5000/e2e/base:1.0@${D1}`)).toEqual({ name: '127.0.0.1:5000/e2e/base:1.0', registry: '127.0.0.1:5000', repository: 'e2e/base', tag: '1.0', digest: D1 });
    expect(parseImageRef('localhost/x:2')).toMatchObject({ registry: 'localhost', repository: 'x' });
    expect(parseImageRef('ghcr.io/o/r:v1')).toMatchObject({ registry: 'ghcr.io', repository: 'o/r', tag: 'v1' });
  });
  it('refuses what is no reference', () => {
    for (const bad of ['', 'Debian:12', 'a@sha256:zz', 'x:', ':tag', 'a//b:1']) expect(parseImageRef(bad), bad).toBeUndefined();
  });
});

describe('fromLines and pinnedText', () => {
  const text = 'FROM --platform=$BUILDPLATFORM golang:1.24 AS build\nRUN go build\nFROM build AS test\nFROM scratch\nFROM ${BASE}\nfrom debian:trixie-slim\nCOPY --from=build /a /a\n';
  it('lists the images, not stages, scratch or an ARG', () => {
    expect(fromLines(text).map((f) => [f.index, f.image])).toEqual([[0, 'golang:1.24'], [5, 'debian:trixie-slim']]);
  });
  it('pins by lock key, keeps the tag and the rest of the line, and drops a digest the lock no longer holds', () => {
    const pinned = pinnedText(text, new Map([['golang:1.24', D1], ['debian:trixie-slim', D2]]));
    expect(pinned.split('\n')[0]).toBe(`FROM --platform=$BUILDPLATFORM golang:1.24@${D1} AS build`);
    expect(pinned.split('\n')[5]).toBe(`from debian:trixie-slim@${D2}`);
    expect(pinned.split('\n').slice(1, 5)).toEqual(text.split('\n').slice(1, 5));
    // applying again changes nothing; another digest replaces the old; none unpins
    expect(pinnedText(pinned, new Map([['golang:1.24', D1], ['debian:trixie-slim', D2]]))).toBe(pinned);
    expect(pinnedText(pinned, new Map([['golang:1.24', D2]])).split('\n')[0]).toContain(`golang:1.24@${D2} AS build`);
    expect(pinnedText(pinned, new Map())).toBe(text);
  });
});

describe('parseLock', () => {
  it('reads its own shape and names the file otherwise', () => {
    const lock = { lockVersion: 1, images: [{ image: 'debian', tag: 'trixie-slim', digest: D1, source: 'registry', resolvedAt: '2026-12-07T00:00:00.000Z' }] };
    expect(lockDigests(parseLock(JSON.stringify(lock)))).toEqual(new Map([['debian:trixie-slim', D1]]));
    expect(() => parseLock('{')).toThrow(UsageError);
    expect(() => parseLock(JSON.stringify({ lockVersion: 1, images: [{ image: 'x', tag: 'y', digest: 'md5:1' }] }))).toThrow(`${LOCK_FILE}: is not a lock file`);
  });
});

describe('registryBase and configCredentials', () => {
  it('asks loopback over http, the rest over https, Docker Hub at its API host', () => {
    expect(registryBase('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBase('localhost:5000')).toBe('http://localhost:5000');
    expect(registryBase('ghcr.io')).toBe('https://ghcr.io');
    expect(registryBase('docker.io')).toBe('https://registry-1.docker.io');
  });
  it('reads auths of $DOCKER_CONFIG (auth or username/password), Docker Hub under its index key', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ci-lock-config-'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { '127.0.0.1:5000': { auth: Buffer.from('u:p').toString('base64') }, 'https://index.docker.io/v1/': { username: 'hub', password: 'pw' } } }));
    expect(configCredentials('127.0.0.1:5000', { DOCKER_CONFIG: dir })).toBe('u:p');
    expect(configCredentials('docker.io', { DOCKER_CONFIG: dir })).toBe('hub:pw');
    expect(configCredentials('127.0.0.1:5001', { DOCKER_CONFIG: dir })).toBeUndefined();
    rmSync(dir, { recursive: true });
  });
});

/** A loopback port nothing listens on (fetch refuses well-known ports such as 9 before connecting). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A registry's manifest endpoint on loopback: basic or bearer auth, a digest header or none. */
function fakeRegistry(opts: { scheme: 'basic' | 'bearer'; digestHeader: boolean; manifest: string }): Server & { seen: Array<{ method: string; accept: string | undefined }> } {
  const seen: Array<{ method: string; accept: string | undefined }> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, 'http://x');
    const auth = req.headers.authorization;
    if (url.pathname === '/token') {
      if (auth !== `Basic ${Buffer.from('u:p').toString('base64')}` || url.searchParams.get('scope') !== 'repository:e2e/base:pull') return res.writeHead(401).end();
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'T' }));
    }
    seen.push({ method: req.method!, accept: req.headers.accept });
    const ok = opts.scheme === 'basic' ? auth === `Basic ${Buffer.from('u:p').toString('base64')}` : auth === 'Bearer T';
    if (!ok) {
      const port = (server.address() as AddressInfo).port;
      return res.writeHead(401, { 'www-authenticate': opts.scheme === 'basic' ? 'Basic realm="r"' : `Bearer realm="http://127.0.0.1:${port}/token",service="reg",scope="repository:e2e/base:pull"` }).end();
    }
    if (url.pathname !== '/v2/e2e/base/manifests/1.0') return res.writeHead(404).end();
    const digest = `sha256:${createHash('sha256').update(opts.manifest).digest('hex')}`;
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json', ...(opts.digestHeader ? { 'docker-content-digest': digest } : {}) });
    res.end(req.method === 'GET' ? opts.manifest : undefined);
  }) as Server & { seen: typeof seen };
  server.seen = seen;
  return server;
}

describe('registryDigest and lockDir against a registry on loopback', () => {
  const manifest = '{"schemaVersion":2,"manifests":[]}';
  const want = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  let config: string;
  let work: string;
  const servers: Server[] = [];
  const start = async (o: Parameters<typeof fakeRegistry>[0]) => {
    const s = fakeRegistry(o);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { s, host: `127.0.0.1:${(s.address() as AddressInfo).port}` };
  };
  const withCreds = (host: string) => writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from('u:p').toString('base64') } } }));

  beforeAll(() => {
    config = mkdtempSync(path.join(os.tmpdir(), 'ci-lock-config-'));
    work = mkdtempSync(path.join(os.tmpdir(), 'ci-lock-work-'));
  });
  afterEach(() => rmSync(path.join(config, 'config.json'), { force: true }));
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
    rmSync(config, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('basic auth from the docker config; the HEAD asks for an index, a list or a manifest', async () => {
    const { s, host } = await start({ scheme: 'basic', digestHeader: true, manifest });
    withCreds(host);
    expect(await registryDigest(parseImageRef(`${host}/e2e/base:1.0`)!, { env: { DOCKER_CONFIG: config } })).toEqual({ ok: true, digest: want });
    expect(s.seen.every((r) => r.method === 'HEAD' && r.accept === MANIFEST_ACCEPT)).toBe(true);
  });
  it('a bearer token fetched with the credentials; no digest header: the digest of the manifest bytes', async () => {
    const { host } = await start({ scheme: 'bearer', digestHeader: false, manifest });
    withCreds(host);
    expect(await registryDigest(parseImageRef(`${host}/e2e/base:1.0`)!, { env: { DOCKER_CONFIG: config } })).toEqual({ ok: true, digest: want });
  });
  it('no credentials, an unknown tag, nothing listening: why, and whether it answered', async () => {
    const { host } = await start({ scheme: 'basic', digestHeader: true, manifest });
    const env = { DOCKER_CONFIG: config };
    expect(await registryDigest(parseImageRef(`${host}/e2e/base:1.0`)!, { env })).toMatchObject({ ok: false, reachable: true, reason: expect.stringContaining(`docker login ${host}`) });
    withCreds(host);
    expect(await registryDigest(parseImageRef(`${host}/e2e/base:2.0`)!, { env })).toMatchObject({ ok: false, reachable: true, reason: 'it has no e2e/base:2.0' });
    const closed = await closedPort();
    expect(await registryDigest(parseImageRef(`127.0.0.1:${closed}/e2e/base:1.0`)!, { env })).toMatchObject({ ok: false, reachable: false, reason: 'unreachable (ECONNREFUSED)' });
  });

  it('lockDir pins every Dockerfile, writes the lock, keeps it unless refreshed, and writes nothing when an image cannot be had', async () => {
    const { host } = await start({ scheme: 'basic', digestHeader: true, manifest });
    withCreds(host);
    const dir = path.join(work, 'img');
    mkdirSync(dir, { recursive: true });
    const text = `FROM ${host}/e2e/base:1.0 AS build\nRUN true\nFROM build\n`;
    writeFileSync(path.join(dir, 'Dockerfile'), text);
    writeFileSync(path.join(dir, 'README.md'), `FROM ${host}/e2e/base:1.0\n`);
    const rec = { recipe: { name: 'custom', version: '1', source: 'builtin' }, answers: {} as never, files: { Dockerfile: 'x', 'README.md': 'y' } };
    const opts = { refresh: true, engine: async () => undefined, env: { DOCKER_CONFIG: config }, now: () => '2026-12-07T00:00:00.000Z' };
    const r = await lockDir(dir, rec, opts);
    expect(r.written).toEqual(['Dockerfile']);
    expect(r.images).toEqual([{ image: `${host}/e2e/base`, tag: '1.0', digest: want, source: 'registry', resolvedAt: '2026-12-07T00:00:00.000Z', at: ['Dockerfile:1'], kept: false }]);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM ${host}/e2e/base:1.0@${want} AS build\nRUN true\nFROM build\n`);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe(`FROM ${host}/e2e/base:1.0\n`);
    expect(lockDigests(parseLock(readFileSync(path.join(dir, LOCK_FILE), 'utf8')))).toEqual(new Map([[`${host}/e2e/base:1.0`, want]]));

    // re-applied without asking: a registry that is gone does not matter to a lock that holds the image
    const gone = { ...opts, refresh: false, env: { DOCKER_CONFIG: path.join(work, 'none') } };
    expect((await lockDir(dir, rec, gone)).images[0]).toMatchObject({ digest: want, kept: true });

    // an image nobody can resolve: one line naming image and registry; nothing written
    const closed = await closedPort();
    writeFileSync(path.join(dir, 'Dockerfile'), `FROM 127.0.0.1:${closed}/e2e/other:1\n`);
    const lockBefore = readFileSync(path.join(dir, LOCK_FILE), 'utf8');
    const err = await lockDir(dir, rec, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as Error).message).toBe(`cannot lock 127.0.0.1:${closed}/e2e/other:1: registry 127.0.0.1:${closed} unreachable (ECONNREFUSED), and no engine to ask for a local copy`);
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(`FROM 127.0.0.1:${closed}/e2e/other:1\n`);
    expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(lockBefore);
  });

  it('pinnedRender and pinnedBase pin Dockerfiles only', () => {
    const lock = { lockVersion: 1 as const, images: [{ image: 'debian', tag: 'trixie-slim', digest: D1, source: 'registry' as const, resolvedAt: 'x' }] };
    const files = [{ path: 'Dockerfile', content: 'FROM debian:trixie-slim\n', mode: 0o644 }, { path: 'README.md', content: 'FROM debian:trixie-slim\n', mode: 0o644 }];
    expect(pinnedRender(files, lock).map((f) => f.content)).toEqual([`FROM debian:trixie-slim@${D1}\n`, 'FROM debian:trixie-slim\n']);
    expect(pinnedBase(new Map(files.map((f) => [f.path, f.content])), lock).get('Dockerfile')).toBe(`FROM debian:trixie-slim@${D1}\n`);
  });
});
