// --push against a local registry with htpasswd auth: refused when not logged in (with the login to run),
// pushed with the digest printed after `docker login`, then removed locally, pulled back by digest and run.
// A temporary DOCKER_CONFIG keeps this machine's docker config untouched.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cli, describeEngine, docker, manifestHead, onCleanup, startRegistry, tempDir, uniqueName, type DockerClient, type Registry } from '../helpers/engine.js';

describeEngine('build --push to a registry with auth', () => {
  let reg: Registry;
  let config: string;
  let client: DockerClient;
  let work: string;
  let env: Record<string, string>;
  const name = uniqueName('ci-push');
  let ref: string;

  beforeAll(async () => {
    reg = await startRegistry();
    config = await tempDir('ci-e2e-docker-config-');
    work = await tempDir('ci-e2e-push-');
    client = { name: 'classic', bin: process.env.CREATE_IMAGE_DOCKER ?? 'docker', env: { DOCKER_BUILDKIT: '0', DOCKER_CONFIG: config } };
    env = { DOCKER_CONFIG: config, DOCKER_BUILDKIT: '0' };
    ref = `${reg.host}/e2e/${name}:1.0`;
    onCleanup(() => docker(['image', 'rm', '-f', ref], { client, reject: false }));
    onCleanup(() => docker(['logout', reg.host], { client, reject: false }));
  }, 60_000);

  it('not logged in: the build succeeds, the push is refused with the docker login to run, exit non-zero', async () => {
    const dir = path.join(work, 'img');
    const started = Date.now();
    const r = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--tz', 'Asia/Tokyo', '--name', name, '--yes', '--build', '--tag', ref, '--push'], { env });
    console.log(`push e2e: first build took ${Math.round((Date.now() - started) / 1000)}s`);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^Wrote \d+ files/);
    expect(r.stderr).toContain(`run \`docker login ${reg.host}\` and try again`);
    expect(r.stderr).toContain('never handles registry credentials');
    // the image was built and tagged; only the push failed
    expect((await docker(['image', 'inspect', ref], { client, reject: false })).exitCode).toBe(0);
  }, 15 * 60_000);

  it('after docker login --password-stdin: `create-image build --push` prints the digest the registry stored', async () => {
    const login = await docker(['login', '--username', reg.user, '--password-stdin', reg.host], { client, input: reg.password });
    expect(login.stdout).toContain('Login Succeeded');
    const configBefore = sha(path.join(config, 'config.json'));

    const dir = path.join(work, 'img');
    const r = await cli(['build', dir, '--tag', ref, '--push'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const m = new RegExp(`^ {2}pushed {2}${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} {2}digest (sha256:[0-9a-f]{64})$`, 'm').exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const digest = m![1]!;

    // the registry agrees (asked directly, with the credentials the test holds)
    const [repo, tag] = [`e2e/${name}`, '1.0'];
    const res = await manifestHead(reg, repo, tag);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(digest);

    // the tool neither asked for nor stored credentials: docker's config is as login left it,
    // and nothing in the generated dir holds the password
    expect(sha(path.join(config, 'config.json'))).toBe(configBefore);
    for (const f of walk(dir)) expect(readFileSync(f, 'utf8'), f).not.toContain(reg.password);

    // gone locally, pulled back by digest, and it runs
    await docker(['image', 'rm', '-f', ref], { client });
    expect((await docker(['image', 'inspect', ref], { client, reject: false })).exitCode).not.toBe(0);
    const byDigest = `${reg.host}/${repo}@${digest}`;
    onCleanup(() => docker(['image', 'rm', '-f', byDigest], { client, reject: false }));
    await docker(['pull', byDigest], { client });
    const run = await docker(['run', '--rm', byDigest, 'sh', '-c', 'date +%Z; id -u'], { client });
    const [zone, uid] = run.stdout.trim().split('\n');
    expect(zone).toBe('JST');
    expect(uid).not.toBe('0');

    // log out: the temporary config no longer holds the registry's auth
    await docker(['logout', reg.host], { client });
    const after = JSON.parse(readFileSync(path.join(config, 'config.json'), 'utf8')) as { auths?: Record<string, unknown> };
    expect(Object.keys(after.auths ?? {})).not.toContain(reg.host);
  }, 15 * 60_000);
});

function sha(file: string): string {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : '';
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
