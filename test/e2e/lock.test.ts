// `lock` against a local registry with htpasswd auth: a small base pushed there, a folder generated FROM
// it, locked: the pinned digest is the one the push printed and the registry's API answers, and the
// locked Dockerfile builds (the engine pulls the base by digest). Without credentials the registry
// refuses and the engine's copy of the pushed image (RepoDigests) answers; Docker Hub cannot be reached,
// and a locally imported debian has no registry digest: one line, exit 1, nothing written.
// A temporary DOCKER_CONFIG keeps this machine's docker config untouched.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { BASE_IMAGE, cli, describeEngine, docker, manifestHead, onCleanup, startRegistry, tempDir, uniqueName, type DockerClient, type Registry } from '../helpers/engine.js';

const pinnedFrom = (dir: string): string[] => readFileSync(path.join(dir, 'Dockerfile'), 'utf8').split('\n').filter((l) => /^FROM /.test(l));

describeEngine('lock: FROM images pinned to their registry digest', () => {
  let reg: Registry;
  let config: string;
  let client: DockerClient;
  let work: string;
  let env: Record<string, string>;
  const name = uniqueName('ci-lock');
  let base: string;
  let pushed: string;
  let dir: string;

  beforeAll(async () => {
    reg = await startRegistry();
    config = await tempDir('ci-e2e-docker-config-');
    work = await tempDir('ci-e2e-lock-');
    client = { name: 'classic', bin: process.env.CREATE_IMAGE_DOCKER ?? 'docker', env: { DOCKER_BUILDKIT: '0', DOCKER_CONFIG: config } };
    env = { DOCKER_CONFIG: config, DOCKER_BUILDKIT: '0' };
    base = `${reg.host}/e2e/${name}-base:1.0`;
    onCleanup(() => docker(['logout', reg.host], { client, reject: false }));
    onCleanup(() => docker(['image', 'rm', '-f', base], { client, reject: false }));
    await docker(['login', '--username', reg.user, '--password-stdin', reg.host], { client, input: reg.password });
    await docker(['tag', BASE_IMAGE, base], { client });
    const push = await docker(['push', base], { client });
    pushed = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)![1]!;
    dir = path.join(work, 'img');
    const r = await cli([dir, '--recipe', 'custom', '--base', base, '--family', 'debian', '--name', name, '--yes'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
  }, 5 * 60_000);

  it('no credentials: the registry refuses, the engine copy the push left answers with the same digest', async () => {
    const r = await cli(['lock', dir, '--json'], { env: { ...env, DOCKER_CONFIG: await tempDir('ci-e2e-empty-config-') } });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { images: Array<{ image: string; tag: string; digest: string; source: string }>; written: string[] };
    expect(doc.images).toEqual([expect.objectContaining({ image: base.replace(/:1\.0$/, ''), tag: '1.0', digest: pushed, source: 'engine' })]);
    expect(doc.written).toEqual(['Dockerfile']);
  });

  it('with the docker login: the digest is the registry\'s, and the locked Dockerfile builds from it', async () => {
    // the engine's copy gone: only the registry can answer
    await docker(['image', 'rm', base], { client });
    const started = Date.now();
    const r = await cli(['lock', dir], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`locked  ${base}@${pushed}  (registry; Dockerfile:`);
    const head = await manifestHead(reg, `e2e/${name}-base`, '1.0');
    expect(head.headers.get('docker-content-digest')).toBe(pushed);
    expect(pinnedFrom(dir)).toEqual([expect.stringMatching(new RegExp(`^FROM ${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}@${pushed}( |$)`))]);
    const lock = JSON.parse(readFileSync(path.join(dir, '.create-image/lock.json'), 'utf8')) as { lockVersion: number; images: Array<Record<string, string>> };
    expect(lock.lockVersion).toBe(1);
    expect(lock.images).toEqual([{ image: base.replace(/:1\.0$/, ''), tag: '1.0', digest: pushed, source: 'registry', resolvedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    // pinning is no edit: check still finds every generated file as rendered
    const c = await cli(['check', dir, '--json'], { env });
    expect(c.exitCode, c.stderr).toBe(0);
    expect((JSON.parse(c.stdout) as { files: unknown[] }).files).toEqual([]);

    const tag = `${name}:locked`;
    onCleanup(() => docker(['image', 'rm', '-f', tag, `${reg.host}/e2e/${name}-base@${pushed}`], { client, reject: false }));
    const b = await cli(['build', dir, '--tag', tag], { env });
    console.log(`lock e2e: lock and build took ${Math.round((Date.now() - started) / 1000)}s`);
    expect(b.exitCode, b.stderr + b.stdout).toBe(0);
    const run = await docker(['run', '--rm', tag, 'cat', '/etc/debian_version'], { client });
    expect(run.stdout.trim()).toMatch(/^13\./); // the base is Debian 13's slim image
  }, 15 * 60_000);

  it('update re-applies the lock; --refresh-lock resolves again', async () => {
    const u = await cli(['update', dir], { env });
    expect(u.exitCode, u.stderr).toBe(0);
    expect(u.stdout).toContain(`locked   ${base}@${pushed}`);
    expect(pinnedFrom(dir)[0]).toContain(`@${pushed}`);
    const again = await cli(['update', dir, '--refresh-lock', '--json'], { env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { lock: unknown[] }).lock).toEqual([expect.objectContaining({ digest: pushed, source: 'registry', kept: false })]);
  });

  it('Docker Hub unreachable and a local base with no registry digest: one line naming image and registry, exit 1, nothing written', async () => {
    const hub = path.join(work, 'hub');
    const g = await cli([hub, '--recipe', 'custom', '--base', BASE_IMAGE, '--name', name, '--yes'], { env });
    expect(g.exitCode, g.stderr).toBe(0);
    const before = readFileSync(path.join(hub, 'Dockerfile'), 'utf8');
    const r = await cli(['lock', hub], { env });
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^create-image: cannot lock ${BASE_IMAGE}: registry docker\\.io unreachable \\(.+\\), and the engine \\(.+\\) has no copy of it pulled from there$`));
    expect(readFileSync(path.join(hub, 'Dockerfile'), 'utf8')).toBe(before);
    expect(existsSync(path.join(hub, '.create-image/lock.json'))).toBe(false);
  }, 120_000);
});
