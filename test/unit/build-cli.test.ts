// `--build`, `--push` and `create-image build [dir]` through the built bin, with the fake builder as the
// only thing on PATH: output order, summary, failure tail, missing builder, flags passed through.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSize } from '../../src/cli/build-command.js';
import { collapsePorts } from '../../src/engines/image-facts.js';
import { makeFakeBuilder, makeToolsDir } from '../helpers/fake-builder.js';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/create-image.cjs');
const LOGS = path.join(ROOT, 'test/fixtures/build-logs');
const DIGEST = 'sha256:d82149b8d71eaafe5b1df34852c50a30b08c5ae970ba719e336b3e2dcb42f7dd';

let work: string;
let fake: { bin: string; dir: string };
let onlyDocker: string;
let onlyPodman: string;
let nothing: string;
let tools: string;
// what the fake engine publishes the container's port as: nginx's probe (GET /) reaches this server
let site: http.Server;
let sitePort: string;

beforeAll(async () => {
  // index.php as PHP's output, or as the source a server without a PHP handler sends
  site = http.createServer((req, res) => res.end(req.url === '/index.php' ? (process.env.SITE_PHP_SOURCE ? '<?php echo 1;' : '1') : 'served'));
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  sitePort = String((site.address() as AddressInfo).port);
  work = mkdtempSync(path.join(os.tmpdir(), 'build-cli-test-'));
  fake = await makeFakeBuilder('docker');
  tools = await makeToolsDir();
  const podmanDir = path.join(work, 'bin-podman');
  mkdirSync(podmanDir);
  symlinkSync(fake.bin, path.join(podmanDir, 'podman'));
  // every PATH has cat and sleep (the fake uses them) and nothing else real
  onlyDocker = `${fake.dir}:${tools}`;
  onlyPodman = `${podmanDir}:${tools}`;
  nothing = tools;
});
afterAll(() => {
  site.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(fake.dir, { recursive: true, force: true });
  rmSync(tools, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string>, cwd = work) {
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd,
    // only what the test gives: no real docker can be found
    env: { HOME: work, NO_COLOR: '1', FAKE_PORT: sitePort, ...env },
    extendEnv: false,
    reject: false,
    input: '',
  });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const GEN = ['--recipe', 'custom', '--service', 'nginx', '--port', '8080', '--yes'];

describe('create-image ... --build', () => {
  it('success: "Wrote N files", then the summary (id, size, tags), then next steps that run the image', async () => {
    const args = path.join(work, 'args-ok');
    const r = await run(['My App', ...GEN, '--build'], { PATH: onlyDocker, FAKE_LOG: path.join(LOGS, 'classic-ok.log'), FAKE_ARGS: args });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Wrote \d+ files to My App\.$/);
    expect(lines.slice(1, 8)).toEqual([
      expect.stringMatching(/^Built my-app:latest in \d+(\.\d)?s with docker\.$/),
      '  image   sha256:1f134cff13b97e52d4b3a1a3d5c2b1d1f3e4a5b6c7d8e9f00112233445566778',
      '  size    74.8 MB',
      '  tags    my-app:latest',
      expect.stringMatching(/^ {2}verify {2}passed in \d+(\.\d)?s: no HEALTHCHECK$/),
      // each check on a line of its own: the setup check, then nginx's probe
      '          setup: zone UTC',
      '          GET :8080/ answered',
    ]);
    expect(lines.slice(-3)).toEqual(['Next steps:', "  cd 'My App'", '  docker run -d --name my-app -p 8080:8080 my-app:latest']);
    expect(r.stdout).not.toContain('docker build');
    expect(r.stdout).not.toContain('build.log');
    // progress on stderr: one short line per step
    expect(r.stderr.trim().split('\n')).toEqual([
      'building my-app:latest [1/3] FROM debian:bookworm-slim 0s',
      expect.stringMatching(/^building my-app:latest \[2\/3\] RUN echo hi > \/hi \d+s$/),
      expect.stringMatching(/^building my-app:latest \[3\/3\] USER 65534 \d+s$/),
      'verifying my-app:latest: health, then smoke check 0s',
    ]);
    expect(readFileSync(path.join(work, 'My App', '.create-image', 'build.log'), 'utf8')).toContain('Successfully tagged');
    expect(readFileSync(args, 'utf8').split('\n')).toContain(path.join(work, 'My App'));
  });

  it('--tag (repeatable), --build-arg, --no-cache and --platform reach the builder; DOCKER_HOST is passed through', async () => {
    const args = path.join(work, 'args-flags');
    const envLog = path.join(work, 'env-flags');
    const r = await run(
      ['flags', ...GEN, '--build', '--tag', 'reg.example.com/team/app:1.0', '--tag', 'app:dev', '--build-arg', 'A=1', '--build-arg', 'B=x y', '--no-cache', '--platform', 'linux/amd64'],
      { PATH: onlyDocker, FAKE_ARGS: args, FAKE_ENV: envLog, DOCKER_HOST: 'tcp://127.0.0.1:2375' },
    );
    expect(r.code, r.stderr).toBe(0);
    const argv = readFileSync(args, 'utf8').split('\n');
    const b = argv.lastIndexOf('build');
    const build = argv.slice(b);
    const after = (f: string) => build.flatMap((a, i) => (a === f ? [build[i + 1]] : []));
    expect(after('-t')).toEqual(['reg.example.com/team/app:1.0', 'app:dev']);
    expect(after('--build-arg')).toEqual(['A=1', 'B=x y']);
    expect(after('--platform')).toEqual(['linux/amd64']);
    expect(build).toContain('--no-cache');
    expect(r.stdout).toContain('  tags    reg.example.com/team/app:1.0, app:dev');
    expect(r.stdout).toContain('docker run -d --name flags -p 8080:8080 reg.example.com/team/app:1.0');
    for (const l of readFileSync(envLog, 'utf8').trim().split('\n')) expect(l).toContain('DOCKER_HOST=tcp://127.0.0.1:2375');
  });

  it('failure: files written, the last 30 lines and the log path on stderr, non-zero exit', async () => {
    const r = await run(['fails', ...GEN, '--build'], { PATH: onlyDocker, FAKE_LOG: path.join(LOGS, 'classic-fail.log'), FAKE_EXIT: '3' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Wrote \d+ files to fails\./);
    expect(r.stdout).not.toContain('Next steps');
    expect(existsSync(path.join(work, 'fails', 'Dockerfile'))).toBe(true);
    const logFile = path.join(work, 'fails', '.create-image', 'build.log');
    const err = r.stderr.split('\n');
    const msg = err.find((l) => l.startsWith('create-image: '))!;
    expect(msg).toContain('docker build failed (exit code 3)');
    expect(msg).toContain(`full log: ${logFile}`);
    expect(msg).toContain('create-image build fails');
    // the 30 lines before the message are the end of the log
    const tail = err.slice(err.indexOf(msg) - 30, err.indexOf(msg));
    expect(tail).toEqual(readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-30));
    expect(tail.join('\n')).toContain('about to fail: marker-7f3a');
  });

  it('no builder at all: files still written, an error saying how to build by hand, exit non-zero', async () => {
    const r = await run(['nobuilder', ...GEN, '--build'], { PATH: nothing });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Wrote \d+ files to nobuilder\./);
    expect(existsSync(path.join(work, 'nobuilder', 'Dockerfile'))).toBe(true);
    expect(r.stderr.trim()).toBe(
      'create-image: no image builder found (looked for docker, podman and buildah on PATH); the files are written; build it by hand with: docker build -t nobuilder:latest nobuilder  (or: podman build -t nobuilder:latest nobuilder)',
    );
  });

  it('--builder podman: podman is driven and the run command says podman; a missing chosen builder is an error', async () => {
    const r = await run(['pod', ...GEN, '--build', '--builder', 'podman'], { PATH: onlyPodman, FAKE_VERSION: 'podman version 4.9.3', FAKE_LOG: path.join(LOGS, 'podman-ok.log') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('with podman.');
    expect(r.stdout).toContain('  podman run -d --name pod -p 8080:8080 pod:latest');
    const missing = await run(['pod2', ...GEN, '--build', '--builder', 'buildah'], { PATH: onlyPodman });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/buildah \(from --builder buildah\) was not found/);
  });

  it('CREATE_IMAGE_DOCKER picks the docker client', async () => {
    const r = await run(['envpick', ...GEN, '--build'], { PATH: nothing, CREATE_IMAGE_DOCKER: fake.bin });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('with docker.');
  });

  it('--push: the digest in the summary; a refused push says to run docker login', async () => {
    const ok = await run(['pushed', ...GEN, '--build', '--tag', '127.0.0.1:5917/rec/push:ok', '--push'], { PATH: onlyDocker, FAKE_PUSH_LOG: path.join(LOGS, 'docker-push-ok.log') });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`  pushed  127.0.0.1:5917/rec/push:ok  digest ${DIGEST}`);
    const denied = await run(['denied', ...GEN, '--build', '--tag', '127.0.0.1:5917/rec/push:ok', '--push'], {
      PATH: onlyDocker,
      FAKE_PUSH_LOG: path.join(LOGS, 'docker-push-denied.log'),
      FAKE_PUSH_EXIT: '1',
    });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('run `docker login 127.0.0.1:5917` and try again');
  });

  it('verification: the image runs with a short health interval before the push; a failure pushes nothing and shows the container log', async () => {
    const args = path.join(work, 'args-verify');
    const ok = await run(['verified', ...GEN, '--build', '--tag', '127.0.0.1:5917/rec/v:1', '--push', '--json'], { PATH: onlyDocker, FAKE_ARGS: args, FAKE_HEALTH: 'healthy', FAKE_PUSH_LOG: path.join(LOGS, 'docker-push-ok.log') });
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout).build;
    expect(report.verify).toMatchObject({ status: 'passed', health: 'healthy', checks: ['setup: zone UTC', 'GET :8080/ answered'], check: 'setup: zone UTC; GET :8080/ answered' });
    expect(report.verify.seconds).toBeGreaterThanOrEqual(0);
    const argv = readFileSync(args, 'utf8').split('\n');
    const runAt = argv.indexOf('run');
    // the container carries the tool's labels (run, pid, host), then the short health interval
    expect(argv.slice(runAt, runAt + 2)).toEqual(['run', '-d']);
    expect(argv.slice(runAt + 2, runAt + 8).filter((a, k) => k % 2 === 1).map((l) => l.split('=')[0])).toEqual(['org.create-image.run', 'org.create-image.pid', 'org.create-image.host']);
    expect(argv.slice(runAt + 8, runAt + 10)).toEqual(['--health-interval', '1s']);
    expect(runAt).toBeLessThan(argv.indexOf('push')); // verified, then pushed

    const failArgs = path.join(work, 'args-verify-fail');
    const bad = await run(['unhealthy', ...GEN, '--build', '--tag', '127.0.0.1:5917/rec/v:2', '--push'], { PATH: onlyDocker, FAKE_ARGS: failArgs, FAKE_HEALTH: 'unhealthy', FAKE_CONTAINER_LOG: 'nginx: [emerg] marker-51c2' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('create-image: verification of 127.0.0.1:5917/rec/v:2 failed: the container is unhealthy (its HEALTHCHECK failed)');
    expect(bad.stderr).toContain('nothing was pushed (--no-verify skips this check)');
    expect(bad.stderr).toContain("the container's last log lines:\nnginx: [emerg] marker-51c2\ncreate-image: verification of");
    expect(readFileSync(failArgs, 'utf8').split('\n')).not.toContain('push');
    expect(bad.stdout).not.toContain('Built');

    // a probe that fails is named: php-fpm beside nginx, and index.php comes back as its source
    process.env.SITE_PHP_SOURCE = '1';
    const source = await run(['php-source', ...GEN, '--service', 'php-fpm', '--build', '--verify-timeout', '3'], { PATH: onlyDocker, FAKE_HEALTH: 'healthy' }).finally(() => delete process.env.SITE_PHP_SOURCE);
    expect(source.code).toBe(1);
    expect(source.stderr).toMatch(/failed: check failed: GET :8080\/index\.php ran PHP \(no source in the body\) \(not within 3s\): body contains "<\?php"/);
    const php = await run(['php-ran', ...GEN, '--service', 'php-fpm', '--build'], { PATH: onlyDocker, FAKE_HEALTH: 'healthy' });
    expect(php.code, php.stderr).toBe(0);
    expect(php.stdout).toContain('          GET :8080/index.php ran PHP (no source in the body)\n');

    const skipArgs = path.join(work, 'args-no-verify');
    const skipped = await run(['unverified', ...GEN, '--build', '--no-verify', '--json'], { PATH: onlyDocker, FAKE_ARGS: skipArgs, FAKE_HEALTH: 'unhealthy' });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(JSON.parse(skipped.stdout).build.verify).toBeUndefined();
    expect(readFileSync(skipArgs, 'utf8').split('\n')).not.toContain('run');
    const noBuild = await run(['nobuild-verify', ...GEN, '--no-verify'], { PATH: onlyDocker });
    expect(noBuild.code).toBe(2);
    expect(noBuild.stderr).toMatch(/--no-verify: only applies with --build/);
  });

  it('podman and buildah build in docker format, so the HEALTHCHECK survives', async () => {
    const args = path.join(work, 'args-podman-format');
    const r = await run(['podfmt', ...GEN, '--build', '--builder', 'podman', '--no-verify'], { PATH: onlyPodman, FAKE_ARGS: args, FAKE_VERSION: 'podman version 4.3.1' });
    expect(r.code, r.stderr).toBe(0);
    const argv = readFileSync(args, 'utf8').split('\n');
    const build = argv.slice(argv.lastIndexOf('build'));
    expect(build[build.indexOf('--format') + 1]).toBe('docker');
  });

  it('--builder buildx --buildx-builder NAME: the existing builder as it is, cache flags passed through, the result loaded', async () => {
    const args = path.join(work, 'args-buildx');
    const r = await run(
      ['bx', ...GEN, '--build', '--builder', 'buildx', '--buildx-builder', 'team-k8s', '--cache-from', 'type=registry,ref=reg.example.com/app:cache', '--cache-to', 'type=registry,ref=reg.example.com/app:cache,mode=max', '--no-verify'],
      { PATH: onlyDocker, FAKE_ARGS: args, FAKE_BUILDX: '1' },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('with buildx.');
    expect(r.stdout).toContain('docker run -d --name bx -p 8080:8080 bx:latest');
    const argv = readFileSync(args, 'utf8').split('\n');
    // the builder is looked at, never created or bootstrapped
    expect(argv.join(' ')).toContain('buildx inspect team-k8s');
    expect(argv).not.toContain('create');
    const b = argv.lastIndexOf('build');
    expect(argv[b - 1]).toBe('buildx');
    const build = argv.slice(b);
    expect(build.slice(0, 5)).toEqual(['build', '--builder', 'team-k8s', '--progress=plain', '--load']);
    expect(build[build.indexOf('--cache-from') + 1]).toBe('type=registry,ref=reg.example.com/app:cache');
    expect(build[build.indexOf('--cache-to') + 1]).toBe('type=registry,ref=reg.example.com/app:cache,mode=max');

    const noPlugin = await run(['bx2', ...GEN, '--build', '--buildx-builder', 'team-k8s'], { PATH: onlyDocker });
    expect(noPlugin.code).toBe(1);
    expect(noPlugin.stderr).toMatch(/--builder buildx needs the docker buildx plugin, but `docker buildx version` failed/);
    for (const [flags, message] of [
      [['--builder', 'podman', '--buildx-builder', 'x'], /--buildx-builder: applies to --builder buildx, not --builder podman/],
      [['--cache-to', 'type=registry,ref=r/a:c'], /--cache-to: applies to --builder buildx/],
      [['--builder', 'buildx', '--buildx-builder', 'no spaces'], /--buildx-builder: "no spaces" is not a buildx builder name/],
    ] as const) {
      const bad = await run(['bx-bad', ...GEN, '--build', ...flags], { PATH: onlyDocker });
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toMatch(message);
      expect(existsSync(path.join(work, 'bx-bad'))).toBe(false);
    }
  });

  it('bad build flags are usage errors (exit 2) before anything is written', async () => {
    const bad = await run(['badtag', ...GEN, '--build', '--tag', 'Not A Tag'], { PATH: onlyDocker });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^create-image: --tag: "Not A Tag" is not a valid image tag/);
    expect(existsSync(path.join(work, 'badtag'))).toBe(false);
    const arg = await run(['badarg', ...GEN, '--build', '--build-arg', 'NOEQUALS'], { PATH: onlyDocker });
    expect(arg.code).toBe(2);
    expect(arg.stderr).toMatch(/^create-image: --build-arg: /);
    const plat = await run(['badplat', ...GEN, '--build', '--platform', 'arm'], { PATH: onlyDocker });
    expect(plat.code).toBe(2);
    expect(plat.stderr).toMatch(/--platform: "arm" is not a platform/);
    const noBuild = await run(['nobuild', ...GEN, '--push'], { PATH: onlyDocker });
    expect(noBuild.code).toBe(2);
    expect(noBuild.stderr).toMatch(/--push: only applies with --build/);
    expect(existsSync(path.join(work, 'nobuild'))).toBe(false);
    for (const [value, why] of [['0', 'is not a number of seconds from 1 to 3600'], ['1.5', 'is not a number of seconds from 1 to 3600'], ['9999', 'is not a number of seconds from 1 to 3600']] as const) {
      const t = await run(['badtimeout', ...GEN, '--build', '--verify-timeout', value], { PATH: onlyDocker });
      expect(t.code).toBe(2);
      expect(t.stderr).toContain(`create-image: --verify-timeout: "${value}" ${why}`);
    }
    const skipped = await run(['skiptimeout', ...GEN, '--build', '--no-verify', '--verify-timeout', '5'], { PATH: onlyDocker });
    expect(skipped.code).toBe(2);
    expect(skipped.stderr).toContain('create-image: --verify-timeout: applies to the verification, which --no-verify skips');
    expect(existsSync(path.join(work, 'badtimeout'))).toBe(false);
  });

  it('--verify-timeout bounds the verification: a check that never passes fails within it', async () => {
    const r = await run(['short-verify', ...GEN, '--build', '--verify-timeout', '2'], { PATH: onlyDocker, FAKE_HEALTH: 'starting' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the container was not healthy within 2s');
  });
});

describe('create-image build [dir]', () => {
  it('rebuilds a generated dir: image name from .create-image.json, ports from the built image, --json report', async () => {
    const gen = await run(['rebuild-me', ...GEN, '--name', 'recorded-name'], { PATH: nothing });
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toContain('docker build -t recorded-name:latest .'); // not built: the next step builds
    const r = await run(['build', 'rebuild-me', '--json'], { PATH: onlyDocker, FAKE_IMAGE_CONFIG: '{"8080/tcp":{},"21100/tcp":{},"21101/tcp":{}} {"/data":{}}' });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ tags: ['recorded-name:latest'], builder: 'docker', pushed: [], logFile: path.join(work, 'rebuild-me', '.create-image', 'build.log') });
    expect(report.run).toBe('docker run -d --name recorded-name -p 8080:8080 -p 21100-21101:21100-21101 -v recorded-name-data:/data recorded-name:latest');
    const plain = await run(['build'], { PATH: onlyDocker }, path.join(work, 'rebuild-me'));
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^Built recorded-name:latest in /);
    expect(plain.stdout).toContain('Run it:\n  docker run -d --name recorded-name');
  });

  it("reads what the run needs from the image's labels: secret files (after a cd to the dir) and an interactive command", async () => {
    const gen = await run(['labelled', ...GEN, '--name', 'labelled'], { PATH: nothing });
    expect(gen.code, gen.stderr).toBe(0);
    const labels = JSON.stringify({ 'io.create-image.run.file-vars': 'DB_PASS  API_KEY bad-name', 'io.create-image.run.interactive': 'true' });
    const r = await run(['build', 'labelled', '--json'], { PATH: onlyDocker, FAKE_IMAGE_CONFIG: `null null ${labels}` });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).runSteps).toEqual([
      'cd labelled',
      'mkdir -p -m 700 secrets',
      'test -s secrets/db_pass || openssl rand -hex 32 > secrets/db_pass',
      'test -s secrets/api_key || openssl rand -hex 32 > secrets/api_key',
      'docker run --rm -it --name labelled -p 8080:8080 -v ./secrets/db_pass:/run/secrets/db_pass:ro -e DB_PASS_FILE=/run/secrets/db_pass -v ./secrets/api_key:/run/secrets/api_key:ro -e API_KEY_FILE=/run/secrets/api_key labelled:latest',
    ]);
    // from inside the dir: no cd
    const inside = await run(['build', '--json'], { PATH: onlyDocker, FAKE_IMAGE_CONFIG: `null null ${labels}` }, path.join(work, 'labelled'));
    expect(JSON.parse(inside.stdout).runSteps[0]).toBe('mkdir -p -m 700 secrets');
  });

  it('a dir without a Dockerfile is a usage error', async () => {
    const r = await run(['build', 'does-not-exist'], { PATH: onlyDocker });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no Dockerfile; generate one first/);
  });
});

describe('summary helpers', () => {
  it('formatSize uses decimal units like docker', () => {
    expect(formatSize(999)).toBe('999 B');
    expect(formatSize(74_800_000)).toBe('74.8 MB');
    expect(formatSize(1_234_567_890)).toBe('1.2 GB');
  });
  it('collapsePorts turns the engine per-port list back into ranges', () => {
    expect(collapsePorts([{ from: 21101, to: 21101, proto: 'tcp' }, { from: 53, to: 53, proto: 'udp' }, { from: 21100, to: 21100, proto: 'tcp' }, { from: 8080, to: 8080, proto: 'tcp' }])).toEqual([
      { from: 53, to: 53, proto: 'udp' },
      { from: 8080, to: 8080, proto: 'tcp' },
      { from: 21100, to: 21101, proto: 'tcp' },
    ]);
  });
});
