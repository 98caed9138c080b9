// buildImage, detectBuilder and pushImage against the fake builder client replaying recorded logs.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArgs, buildImage, normalisePlatform, parseHumanSize, TAIL_LINES } from '../../src/engines/build.js';
import { checkBuildFlags } from '../../src/cli/build-command.js';
import { detectBuilder, type Builder } from '../../src/engines/builder.js';
import type { Progress } from '../../src/engines/progress.js';
import { pushImage } from '../../src/engines/push.js';
import { ToolError, UsageError } from '../../src/core/errors.js';
import { makeFakeBuilder } from '../helpers/fake-builder.js';

const LOGS = path.resolve(__dirname, '../fixtures/build-logs');
const IID = 'sha256:1f134cff13b97e52d4b3a1a3d5c2b1d1f3e4a5b6c7d8e9f00112233445566778';

let work: string;
let fake: { bin: string; dir: string };
beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'build-image-test-'));
  fake = await makeFakeBuilder('docker');
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(fake.dir, { recursive: true, force: true });
});

let n = 0;
function context(): { dir: string; args: string; envLog: string; logFile: string } {
  const dir = path.join(work, `ctx${++n}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM debian:bookworm-slim\n');
  return { dir, args: path.join(dir, '..', `args${n}`), envLog: path.join(dir, '..', `env${n}`), logFile: path.join(dir, '.create-image', 'build.log') };
}

function builder(env: Record<string, string>, over: Partial<Builder> = {}): Builder {
  return { kind: 'docker', bin: fake.bin, env: { PATH: process.env.PATH ?? '', ...env }, buildkit: false, ...over };
}

describe('buildImage', () => {
  it('success: image id from --iidfile, size from inspect, tags, full log written, steps reported in order', async () => {
    const c = context();
    const progress: Progress[] = [];
    const r = await buildImage(builder({ FAKE_LOG: path.join(LOGS, 'classic-ok.log'), FAKE_ARGS: c.args }), {
      dir: c.dir,
      tags: ['app:latest', 'registry.example.com/team/app:1.0'],
      logFile: c.logFile,
      onProgress: (p) => progress.push(p),
    });
    expect(r).toEqual({ imageId: IID, size: 74_800_000, tags: ['app:latest', 'registry.example.com/team/app:1.0'], logFile: c.logFile });
    expect(progress.map((p) => p.step)).toEqual(['[1/3] FROM debian:bookworm-slim', '[2/3] RUN echo hi > /hi', '[3/3] USER 65534']);
    for (const p of progress) expect(p.elapsedMs).toBeGreaterThanOrEqual(0);
    const logged = readFileSync(c.logFile, 'utf8');
    expect(logged).toContain('Successfully tagged rec-classic:ok');
    expect(logged.split('\n')[0]).toMatch(/^\$ .*docker build --force-rm -t app:latest -t registry\.example\.com\/team\/app:1\.0 --iidfile /);
    const argv = readFileSync(c.args, 'utf8').split('\n');
    expect(argv.slice(0, 2)).toEqual(['build', '--force-rm']);
    expect(argv).toContain(c.dir);
  });

  it('BuildKit: --progress=plain, and its steps parsed', async () => {
    const c = context();
    const progress: string[] = [];
    await buildImage(builder({ FAKE_LOG: path.join(LOGS, 'buildkit-ok.log'), FAKE_ARGS: c.args }, { buildkit: true }), {
      dir: c.dir,
      tags: ['app:latest'],
      logFile: c.logFile,
      onProgress: (p) => progress.push(p.step),
    });
    expect(readFileSync(c.args, 'utf8').split('\n').slice(0, 2)).toEqual(['build', '--progress=plain']);
    expect(progress).toContain('[2/2] RUN echo hi > /hi');
    expect(progress.at(-1)).toBe('exporting to image');
  });

  it('podman: its STEP lines, no docker-only flags; buildah size from images --json', async () => {
    const c = context();
    const progress: string[] = [];
    const pod = await makeFakeBuilder('podman');
    try {
      const r = await buildImage(builder({ FAKE_LOG: path.join(LOGS, 'podman-ok.log'), FAKE_ARGS: c.args, FAKE_FD: '1' }, { kind: 'podman', bin: pod.bin }), {
        dir: c.dir,
        tags: ['app:latest'],
        logFile: c.logFile,
        onProgress: (p) => progress.push(p.step),
      });
      expect(progress).toEqual(['[1/3] FROM debian:bookworm-slim', '[2/3] RUN echo hi > /hi', '[3/3] USER 65534', 'COMMIT rec-podman:ok']);
      const argv = readFileSync(c.args, 'utf8');
      expect(argv).not.toMatch(/--force-rm|--progress/);
      expect(r.size).toBe(74_800_000);
      const c2 = context();
      const r2 = await buildImage(
        builder({ FAKE_LOG: path.join(LOGS, 'buildah-ok.log'), FAKE_INSPECT: '[{"id":"d358c04938c3","size":"78.9 MB"}]' }, { kind: 'buildah', bin: pod.bin }),
        { dir: c2.dir, tags: ['app:latest'], logFile: c2.logFile },
      );
      expect(r2.size).toBe(78_900_000);
    } finally {
      rmSync(pod.dir, { recursive: true, force: true });
    }
  });

  it('passes --platform, --no-cache, --build-arg and -t through as separate words', async () => {
    const c = context();
    await buildImage(builder({ FAKE_ARGS: c.args }, { buildkit: true }), {
      dir: c.dir,
      tags: ['a:1', 'a:2'],
      platform: 'linux/arm64',
      noCache: true,
      buildArgs: { NODE_VERSION: '20', WITH_SPACE: 'a b "c"' },
      logFile: c.logFile,
    });
    const argv = readFileSync(c.args, 'utf8').split('\n');
    const after = (flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));
    expect(after('--platform')).toEqual(['linux/arm64']);
    expect(argv).toContain('--no-cache');
    expect(after('--build-arg')).toEqual(['NODE_VERSION=20', 'WITH_SPACE=a b "c"']);
    expect(after('-t')).toEqual(['a:1', 'a:2']);
  });

  it('the classic builder refuses a foreign --platform instead of building the wrong thing', async () => {
    const c = context();
    await expect(buildImage(builder({ FAKE_SERVER_PLATFORM: 'linux/x86_64' }), { dir: c.dir, tags: ['a:1'], platform: 'linux/arm64', logFile: c.logFile })).rejects.toThrow(
      /--platform linux\/arm64 needs BuildKit.*\(linux\/amd64\)/,
    );
    // the daemon's own platform is fine, whatever its spelling
    await buildImage(builder({ FAKE_SERVER_PLATFORM: 'linux/x86_64' }), { dir: c.dir, tags: ['a:1'], platform: 'linux/amd64', logFile: c.logFile });
    expect(normalisePlatform('linux/aarch64')).toBe('linux/arm64');
    expect(normalisePlatform('linux/arm64/v8')).toBe('linux/arm64');
  });

  for (const [name, fmt] of [
    ['classic-fail.log', {}],
    ['buildkit-fail.log', { buildkit: true }],
    ['podman-fail.log', { kind: 'podman' as const }],
  ] as const) {
    it(`failure (${name}): non-zero exit becomes an error with the last ${TAIL_LINES} lines and the log path`, async () => {
      const c = context();
      const err = await buildImage(builder({ FAKE_LOG: path.join(LOGS, name), FAKE_EXIT: '3' }, fmt), { dir: c.dir, tags: ['app:latest'], logFile: c.logFile }).catch((e) => e);
      expect(err).toBeInstanceOf(ToolError);
      expect(err.exitCode).not.toBe(0);
      expect(err.message).toMatch(/build failed \(exit code 3\)/);
      expect(err.message).toContain(`full log: ${c.logFile}`);
      expect(err.logFile).toBe(c.logFile);
      const tail = (err.tail as string).split('\n');
      expect(tail).toHaveLength(TAIL_LINES);
      expect(err.tail).toContain('about to fail: marker-7f3a');
      expect(err.tail).not.toMatch(/\x1b\[/);
      // the tail is the end of the log, and the log holds everything
      const logged = readFileSync(c.logFile, 'utf8').trimEnd().split('\n');
      expect(logged.slice(-TAIL_LINES)).toEqual(tail);
      expect(logged.length).toBeGreaterThan(TAIL_LINES);
      expect(logged.join('\n')).toContain('noise line 1\n');
    });
  }

  it('an unreachable daemon names DOCKER_HOST and says how to build by hand', async () => {
    const c = context();
    const logFile = path.join(c.dir, 'daemon.log');
    writeFileSync(logFile, 'Cannot connect to the Docker daemon at tcp://10.9.9.9:2376. Is the docker daemon running?\n');
    const err = await buildImage(builder({ FAKE_LOG: logFile, FAKE_EXIT: '1', DOCKER_HOST: 'tcp://10.9.9.9:2376' }), { dir: c.dir, tags: ['app:latest'], logFile: c.logFile }).catch((e) => e);
    expect(err.message).toContain('DOCKER_HOST=tcp://10.9.9.9:2376');
    expect(err.message).toContain(`docker build -t app:latest ${c.dir}`);
  });

  it('rejects a bad tag with a usage error naming the tag', async () => {
    const c = context();
    const err = await buildImage(builder({}), { dir: c.dir, tags: ['Bad Tag'], logFile: c.logFile }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^tag: "Bad Tag" is not a valid image tag/);
  });

  it('no Dockerfile: a clear error before anything runs', async () => {
    const dir = mkdtempSync(path.join(work, 'empty-'));
    await expect(buildImage(builder({}), { dir, tags: ['a:1'], logFile: path.join(dir, 'l') })).rejects.toThrow(/no Dockerfile at/);
  });

  it('buildArgs adds -f only for a Dockerfile elsewhere', () => {
    const b = builder({});
    expect(buildArgs(b, { dir: '/x', dockerfile: '/x/Dockerfile', tags: ['a'] }, '/t/iid')).toEqual(['build', '--force-rm', '-t', 'a', '--iidfile', '/t/iid', '/x']);
    expect(buildArgs(b, { dir: '/x', dockerfile: '/x/other/Dockerfile', tags: ['a'] }, '/t/iid')).toContain('-f');
    expect(parseHumanSize('3.65 KB')).toBe(3650);
    expect(parseHumanSize('nonsense')).toBeUndefined();
  });
});

describe('--reproducible', () => {
  const o = { dir: '/x', dockerfile: '/x/Dockerfile', tags: ['a'] };
  it('buildah and podman: an OCI image with every timestamp at the epoch; docker format otherwise', () => {
    for (const kind of ['buildah', 'podman'] as const) {
      const b: Builder = { kind, bin: kind, env: {}, buildkit: false };
      expect(buildArgs(b, { ...o, reproducible: true }, '/t/iid').join(' ')).toContain('--format oci --timestamp 0');
      expect(buildArgs(b, o, '/t/iid').join(' ')).toContain('--format docker');
      expect(buildArgs(b, o, '/t/iid')).not.toContain('--timestamp');
    }
  });
  it('--builder docker or buildx: refused before building, in one line naming buildah and podman', () => {
    for (const builder of ['docker', 'buildx']) {
      const err = (() => {
        try {
          return checkBuildFlags({ build: true, builder, reproducible: true }, 'a');
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(/^--reproducible: needs a builder that pins the image's timestamps: --builder buildah or --builder podman/);
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
    expect(checkBuildFlags({ build: true, builder: 'buildah', reproducible: true }, 'a')).toBeDefined();
    expect(() => checkBuildFlags({ reproducible: true }, 'a')).toThrow(/^--reproducible: only applies with --build/);
  });
});

describe('detectBuilder', () => {
  /** A PATH holding only the named fakes. */
  async function pathWith(...names: string[]): Promise<string> {
    const dir = mkdtempSync(path.join(work, 'path-'));
    for (const name of names) symlinkSync(fake.bin, path.join(dir, name));
    return dir;
  }

  it('docker first, then podman, then buildah on PATH', async () => {
    expect((await detectBuilder({ env: { PATH: await pathWith('docker', 'podman', 'buildah') } })).kind).toBe('docker');
    const pb = await detectBuilder({ env: { PATH: await pathWith('podman', 'buildah'), FAKE_VERSION: 'podman version 4.9.3' } });
    expect(pb).toMatchObject({ kind: 'podman', bin: 'podman', buildkit: false });
    expect((await detectBuilder({ env: { PATH: await pathWith('buildah'), FAKE_VERSION: 'buildah version 1.33.7' } })).kind).toBe('buildah');
  });

  it('--builder wins over what is on PATH; a chosen builder that is missing is an error, not a fallback', async () => {
    const p = await pathWith('docker', 'podman');
    expect((await detectBuilder({ builder: 'podman', env: { PATH: p } })).kind).toBe('podman');
    const err = await detectBuilder({ builder: 'buildah', env: { PATH: p } }).catch((e) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect(err.message).toMatch(/^buildah \(from --builder buildah\) was not found/);
  });

  it('CREATE_IMAGE_DOCKER names the docker client (also with --builder docker)', async () => {
    const env = { PATH: await pathWith('podman'), CREATE_IMAGE_DOCKER: fake.bin };
    expect(await detectBuilder({ env })).toMatchObject({ kind: 'docker', bin: fake.bin });
    expect(await detectBuilder({ builder: 'docker', env })).toMatchObject({ kind: 'docker', bin: fake.bin });
    const missing = await detectBuilder({ env: { PATH: '', CREATE_IMAGE_DOCKER: '/nowhere/docker' } }).catch((e) => e);
    expect(missing.message).toMatch(/\/nowhere\/docker \(from CREATE_IMAGE_DOCKER\) was not found/);
  });

  it('a docker that is really podman (podman-docker) is driven as podman', async () => {
    expect((await detectBuilder({ env: { PATH: await pathWith('docker'), FAKE_VERSION: 'podman version 4.9.3' } })).kind).toBe('podman');
  });

  it('DOCKER_BUILDKIT decides the mode and is pinned; without it, buildx decides', async () => {
    const p = await pathWith('docker');
    expect(await detectBuilder({ env: { PATH: p, DOCKER_BUILDKIT: '0' } })).toMatchObject({ buildkit: false, env: { DOCKER_BUILDKIT: '0' } });
    const old = { PATH: p, FAKE_VERSION: 'Docker version 20.10.24+dfsg1, build 297e128' };
    expect(await detectBuilder({ env: { ...old, DOCKER_BUILDKIT: '1' } })).toMatchObject({ buildkit: true, env: { DOCKER_BUILDKIT: '1' } });
    expect((await detectBuilder({ env: { PATH: p } })).buildkit).toBe(false); // 28.x without buildx: classic
    expect((await detectBuilder({ env: { PATH: p, FAKE_BUILDX: '1' } })).buildkit).toBe(true);
    await expect(detectBuilder({ env: { PATH: p, DOCKER_BUILDKIT: '1' } })).rejects.toThrow(/no buildx component.*DOCKER_BUILDKIT=0/);
    await expect(detectBuilder({ env: { PATH: p, DOCKER_BUILDKIT: 'yes' } })).rejects.toThrow(/DOCKER_BUILDKIT=yes is not a boolean/);
  });

  it('nothing on PATH: an error that says how to build by hand', async () => {
    const err = await detectBuilder({ env: { PATH: await pathWith() }, hint: 'build it by hand with: docker build -t x:latest dir' }).catch((e) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe('no image builder found (looked for docker, podman and buildah on PATH); build it by hand with: docker build -t x:latest dir');
  });

  it('passes DOCKER_HOST (and everything else) through to every builder command', async () => {
    const p = await pathWith('docker');
    const c = context();
    const b = await detectBuilder({ env: { PATH: p, DOCKER_HOST: 'unix:///run/other.sock', DOCKER_CONTEXT: 'ignored-by-fake', FAKE_ENV: c.envLog } });
    await buildImage(b, { dir: c.dir, tags: ['a:1'], logFile: c.logFile });
    const calls = readFileSync(c.envLog, 'utf8').trim().split('\n');
    expect(calls.map((l) => l.split(' ')[0])).toEqual(expect.arrayContaining(['--version', 'buildx', 'build', 'image']));
    for (const l of calls) expect(l).toContain('DOCKER_HOST=unix:///run/other.sock');
    expect(calls.find((l) => l.startsWith('build '))).toContain('DOCKER_BUILDKIT=0');
    expect(b.env.DOCKER_CONTEXT).toBe('ignored-by-fake');
  });
});

describe('pushImage', () => {
  const DIGEST = 'sha256:d82149b8d71eaafe5b1df34852c50a30b08c5ae970ba719e336b3e2dcb42f7dd';

  it('reads the digest from docker push output (recorded against a local registry)', async () => {
    const r = await pushImage(builder({ FAKE_PUSH_LOG: path.join(LOGS, 'docker-push-ok.log') }), '127.0.0.1:5917/rec/push:ok');
    expect(r).toEqual({ tag: '127.0.0.1:5917/rec/push:ok', digest: DIGEST });
  });

  it('podman: from --digestfile', async () => {
    const r = await pushImage(builder({ FAKE_DIGEST: DIGEST }, { kind: 'podman' }), 'reg.example.com/a:1');
    expect(r.digest).toBe(DIGEST);
  });

  it('not logged in: says which `docker login` to run, never asks for credentials', async () => {
    const err = await pushImage(builder({ FAKE_PUSH_LOG: path.join(LOGS, 'docker-push-denied.log'), FAKE_PUSH_EXIT: '1' }), '127.0.0.1:5917/rec/push:ok').catch((e) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect(err.message).toContain('run `docker login 127.0.0.1:5917` and try again');
    expect(err.message).toContain('never handles registry credentials');
    const hub = await pushImage(builder({ FAKE_PUSH_LOG: path.join(LOGS, 'docker-push-denied.log'), FAKE_PUSH_EXIT: '1' }), 'team/app:1').catch((e) => e);
    expect(hub.message).toContain('`docker login docker.io`');
  });

  it('other failures carry the client output', async () => {
    const logFile = path.join(work, 'push-other.log');
    writeFileSync(logFile, 'The push refers to repository [x]\nGet "https://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client\n');
    const err = await pushImage(builder({ FAKE_PUSH_LOG: logFile, FAKE_PUSH_EXIT: '1' }), '127.0.0.1:5000/a:1').catch((e) => e);
    expect(err.message).toMatch(/speaks plain HTTP.*insecure-registries/);
  });

  it('a digest reference is not pushable', async () => {
    await expect(pushImage(builder({}), `a@${DIGEST}`)).rejects.toThrow(/cannot push: .*digest/);
    expect(existsSync(path.join(work, 'nothing'))).toBe(false);
  });
});
