// Verify before push, for real: a recipe whose smoke check fails builds, runs, fails its check, and is not
// pushed (the registry has no such tag afterwards), though docker is logged in and the push would succeed;
// `--no-verify` pushes the same image. A temporary DOCKER_CONFIG keeps this machine's docker config untouched.
// A tcp check that expects no greeting is not fooled by the engine's port proxy, which accepts every
// connection to a published port even when nothing listens in the container.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, expect, it } from 'vitest';
import { cli, describeEngine, docker, manifestHead, onCleanup, removeImageLater, ROOT, startRegistry, tempDir, uniqueName, verifyWith, type DockerClient, type Registry } from '../helpers/engine.js';

describeEngine('verify before push', () => {
  let reg: Registry;
  let client: DockerClient;
  let env: Record<string, string>;
  let recipes: string;
  let work: string;

  beforeAll(async () => {
    reg = await startRegistry();
    const config = await tempDir('ci-e2e-verify-config-');
    client = { name: 'classic', bin: process.env.CREATE_IMAGE_DOCKER ?? 'docker', env: { DOCKER_BUILDKIT: '0', DOCKER_CONFIG: config } };
    env = { DOCKER_CONFIG: config, DOCKER_BUILDKIT: '0' };
    await docker(['login', '--username', reg.user, '--password-stdin', reg.host], { client, input: reg.password });
    // a recipe source with the custom recipe whose smoke check expects text its page never has
    recipes = await tempDir('ci-e2e-verify-recipes-');
    const dir = path.join(recipes, 'unlucky');
    cpSync(path.join(ROOT, 'recipes', 'custom'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'recipe.json'), 'utf8'));
    manifest.name = 'unlucky';
    manifest.$schema = path.join(ROOT, 'recipes.schema.json');
    manifest.smoke = { kind: 'http', port: 8080, path: '/', expect: 'text this page never shows' };
    writeFileSync(path.join(dir, 'recipe.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    work = await tempDir('ci-e2e-verify-');
  }, 60_000);

  const manifestStatus = async (repo: string, tag: string) => (await manifestHead(reg, repo, tag)).status;

  it('a failing smoke check: exit 1, the reason and the container log, nothing pushed; --no-verify pushes', async () => {
    const name = uniqueName('ci-verify');
    const repo = `e2e/${name}`;
    const ref = `${reg.host}/${repo}:1`;
    onCleanup(() => docker(['image', 'rm', '-f', ref], { client, reject: false }));
    const dir = path.join(work, name);
    const r = await cli([dir, '--recipes', recipes, '--recipe', 'unlucky', '--base', 'debian:bookworm-slim', '--service', 'nginx', '--port', '8080', '--name', name, '--yes', '--build', '--tag', ref, '--push', '--verify-timeout', '20'], { env });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(1);
    const msg = r.stderr.split('\n').find((l) => l.startsWith('create-image: '))!;
    expect(msg).toMatch(new RegExp(`^create-image: verification of ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} failed: check failed: http :8080/ expecting "text this page never shows" \\(not within 20s\\): body lacks "text this page never shows"`));
    expect(msg).toContain('nothing was pushed (--no-verify skips this check)');
    // the container's last log lines follow: nginx's access log of the checks that were made
    const logs = r.stderr.slice(r.stderr.indexOf("the container's last log lines:\n"), r.stderr.indexOf(msg));
    expect(logs).toMatch(/"GET \/ HTTP\/1\.1" 200/);
    expect(r.stdout).not.toContain('pushed');
    // built and tagged, but the registry has no such tag
    expect((await docker(['image', 'inspect', ref], { client, reject: false })).exitCode).toBe(0);
    expect(await manifestStatus(repo, '1')).toBe(404);

    const skipped = await cli(['build', dir, '--tag', ref, '--push', '--no-verify'], { env });
    expect(skipped.exitCode, skipped.stderr).toBe(0);
    expect(skipped.stdout).not.toMatch(/^ {2}verify /m);
    expect(await manifestStatus(repo, '1')).toBe(200);
  }, 15 * 60_000);

  it('a tcp check with no greeting to expect fails when nothing listens behind the published port, in verification and in ci/smoke-test.sh', async () => {
    // two images from a local node image: one listens on 8080 and says nothing, one listens nowhere
    const image = async (cmd: string[]) => {
      const tag = `${uniqueName('ci-tcp')}:latest`;
      removeImageLater(tag);
      await docker(['build', '-q', '-t', tag, '-'], { input: `FROM node:22-trixie-slim\nCMD ${JSON.stringify(cmd)}\n` });
      return tag;
    };
    const listens = await image(['node', '-e', "require('net').createServer(() => {}).listen(8080)"]);
    const deaf = await image(['sleep', '600']);
    const tcp = [{ kind: 'tcp' as const, port: 8080 }];
    expect((await verifyWith(listens, tcp, 30)).checks).toEqual(['tcp :8080']);
    await expect(verifyWith(deaf, tcp, 5)).rejects.toThrow(/check failed: tcp :8080 \(not within 5s\): port 8080 closed the connection at once: nothing listens on it in the container/);

    // the same check in the generated CI script
    const dir = path.join(recipes, 'listens');
    cpSync(path.join(ROOT, 'recipes', 'custom'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'recipe.json'), 'utf8'));
    Object.assign(manifest, { name: 'listens', $schema: path.join(ROOT, 'recipes.schema.json'), smoke: { kind: 'tcp', port: 8080 } });
    writeFileSync(path.join(dir, 'recipe.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const out = path.join(work, uniqueName('ci-tcp'));
    const gen = await cli([out, '--recipes', recipes, '--recipe', 'listens', '--port', '8080', '--ci', 'github', '--yes']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    const script = (img: string, timeout: string) => execa('sh', [path.join(out, 'ci/smoke-test.sh'), img], { env: { SMOKE_TIMEOUT: timeout }, reject: false, all: true });
    const ok = await script(listens, '60');
    expect(ok.exitCode, String(ok.all)).toBe(0);
    expect(String(ok.all)).toMatch(/smoke: OK$/m);
    const bad = await script(deaf, '8');
    expect(bad.exitCode, String(bad.all)).not.toBe(0);
    expect(String(bad.all)).toMatch(/closed each connection at once for 8s: nothing listens on it in the container/);
  }, 10 * 60_000);
});

