// The builder layer against the real engine, with small hand-written Dockerfiles so it stays fast:
// `create-image build [dir]` with both clients, a real failing build (tail + log path), DOCKER_HOST and
// docker contexts respected, and no builder at all.
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cli, describeEngine, docker, removeImageLater, tempDir, uniqueName, type DockerClient } from '../helpers/engine.js';

describeEngine('builders for real', (status) => {
  const classic = status.clients.find((c) => c.name === 'classic')!;
  const buildkit = status.clients.find((c) => c.name === 'buildkit');
  let work: string;
  const clientEnv = (c: DockerClient) => ({ CREATE_IMAGE_DOCKER: c.bin, ...c.env });

  /** A generated dir whose Dockerfile is replaced by a tiny one (the recipe's own builds are custom.test.ts's job). */
  async function smallDir(key: string, dockerfile: string): Promise<{ dir: string; name: string }> {
    const name = uniqueName(`ci-builder-${key}`);
    const dir = path.join(work, key);
    const r = await cli([dir, '--recipe', 'custom', '--name', name, '--port', '8080', '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
    removeImageLater(`${name}:latest`);
    return { dir, name };
  }

  beforeAll(async () => {
    work = await tempDir('ci-e2e-builder-');
  });

  const TINY = (marker: string) => `FROM debian:bookworm-slim\nRUN echo ${marker} > /marker\nEXPOSE 8080/tcp 9000-9001/udp\nVOLUME ["/data"]\nUSER 65534\nCMD ["cat", "/marker"]\n`;

  for (const which of ['classic', 'buildkit'] as const) {
    it(`create-image build [dir] with the ${which} client: summary matches the engine, run command from the image`, async () => {
      const client = which === 'classic' ? classic : buildkit;
      if (!client) throw new Error('the BuildKit client /usr/bin/docker is missing');
      const marker = `m-${which}-${Date.now()}`;
      const { dir, name } = await smallDir(which, TINY(marker));
      const r = await cli(['build', dir], { env: clientEnv(client) });
      expect(r.exitCode, r.stderr).toBe(0);
      const id = /^ {2}image {3}(sha256:[0-9a-f]{64})$/m.exec(r.stdout)?.[1];
      const inspect = (await docker(['image', 'inspect', '--format', '{{.Id}} {{.Size}}', `${name}:latest`])).stdout.trim().split(' ');
      expect(id).toBe(inspect[0]);
      expect(r.stdout).toContain(`  size    ${(Number(inspect[1]) / 1e6).toFixed(1)} MB`);
      expect(r.stdout).toContain(`Run it:\n  docker run -d --name ${name} -p 8080:8080 -p 9000-9001:9000-9001/udp -v ${name}-data:/data ${name}:latest`);
      const log = readFileSync(path.join(dir, '.create-image', 'build.log'), 'utf8');
      expect(log).toMatch(which === 'buildkit' ? /^#\d+ \[2\/2\] RUN echo/m : /^Step 2\/6 : RUN echo/m);
      // progress lines name the steps in the client's own numbering
      expect(r.stderr).toMatch(which === 'buildkit' ? /\[2\/2\] RUN echo/ : /\[2\/6\] RUN echo/);
      expect((await docker(['run', '--rm', `${name}:latest`])).stdout.trim()).toBe(marker);
    }, 5 * 60_000);
  }

  it('a failing build: exit non-zero, the last 30 lines on stderr, the full log at <dir>/.create-image/build.log', async () => {
    const { dir } = await smallDir('fails', 'FROM debian:bookworm-slim\nRUN for i in $(seq 1 50); do echo "noise line $i"; done; echo "about to fail: marker-e2e" >&2; exit 3\n');
    const r = await cli(['build', dir], { env: clientEnv(classic) });
    expect(r.exitCode).toBe(1);
    const logFile = path.join(dir, '.create-image', 'build.log');
    const err = r.stderr.split('\n');
    const at = err.findIndex((l) => l.startsWith('create-image: '));
    expect(err[at]).toMatch(/docker build failed \(exit code \d+\): .*returned a non-zero code: 3/);
    expect(err[at]).toContain(`full log: ${logFile}`);
    const full = readFileSync(logFile, 'utf8').trimEnd().split('\n');
    expect(err.slice(at - 30, at)).toEqual(full.slice(-30));
    expect(full.join('\n')).toContain('noise line 1\n');
    expect(err.join('\n')).toContain('about to fail: marker-e2e');
    expect(r.stdout).toBe('');
  }, 5 * 60_000);

  it('DOCKER_HOST and DOCKER_CONTEXT are respected', async () => {
    const { dir, name } = await smallDir('host', TINY('host'));
    const socket = 'unix:///var/run/docker.sock';
    const ok = await cli(['build', dir, '--tag', `${name}:latest`], { env: { ...clientEnv(classic), DOCKER_HOST: socket } });
    expect(ok.exitCode, ok.stderr).toBe(0);
    const bad = await cli(['build', dir], { env: { ...clientEnv(classic), DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('DOCKER_HOST=unix:///nonexistent/docker.sock');
    expect(bad.stderr).toMatch(/is the Docker daemon running and reachable/);

    // a context in a private DOCKER_CONFIG pointing nowhere: the build goes where the context says
    const config = await tempDir('ci-e2e-docker-config-');
    await docker(['--config', config, 'context', 'create', 'nowhere', '--docker', 'host=unix:///nonexistent/ctx.sock']);
    const viaCtx = await cli(['build', dir], { env: { ...clientEnv(classic), DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nowhere' } });
    expect(viaCtx.exitCode).toBe(1);
    expect(viaCtx.stderr).toContain('/nonexistent/ctx.sock');
  }, 5 * 60_000);

  it('no builder at all: --build still writes the files and says how to build by hand', async () => {
    const dir = path.join(work, 'none');
    const r = await cli([dir, '--recipe', 'custom', '--yes', '--build'], { env: { PATH: '/nonexistent', CREATE_IMAGE_DOCKER: '' } });
    expect(r.exitCode).toBe(1);
    expect(existsSync(path.join(dir, 'Dockerfile'))).toBe(true);
    expect(r.stdout).toMatch(/^Wrote \d+ files/);
    expect(r.stderr).toMatch(/no image builder found .*; the files are written; build it by hand with: docker build -t none:latest \S*none/);
  });
});
