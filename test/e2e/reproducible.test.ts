// --reproducible: two `build --builder buildah --reproducible --no-cache` of the same generated folder give
// the same image id, for the custom recipe with nginx (apt packages, a time zone, a user, a copied
// entrypoint and config), the go recipe (a binary compiled in a build stage, on scratch) and a detected
// static site (busybox on scratch), with the sources' mtimes changed between the builds as a fresh
// checkout changes them. The control: the same two builds without --reproducible differ. The docker
// engine's builders are refused with one line naming the builders that pin timestamps.
import { execa } from 'execa';
import { cpSync, readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { APT_CACHE_BUILD_ARGS, cli, describeEngine, onCleanup, tempDir, uniqueName } from '../helpers/engine.js';
import { APP_FIXTURES } from '../helpers/golden-cases.js';

interface Case {
  label: string;
  /** makes the generated folder `dir` for an image named `name` */
  generate(dir: string, name: string): Promise<{ exitCode?: number; stderr: string }>;
}

const CASES: Case[] = [
  { label: 'the custom recipe with nginx', generate: (dir, name) => cli([dir, '--recipe', 'custom', '--service', 'nginx', '--port', '8080', '--tz', 'Asia/Tokyo', '--name', name, '--yes']) },
  { label: 'the go recipe', generate: (dir, name) => cli([dir, '--recipe', 'go', '--name', name, '--yes']) },
  {
    label: 'a detected static site',
    generate: (dir, name) => {
      cpSync(path.join(APP_FIXTURES, 'static-site'), dir, { recursive: true });
      return cli(['--yes', '--name', name], { cwd: dir });
    },
  },
];

/** Every file of `dir` (not the tool's state) given the time `at`: what a fresh checkout does to mtimes. */
function touchAll(dir: string, at: Date): void {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && !e.parentPath.includes('.create-image')) utimesSync(path.join(e.parentPath, e.name), at, at);
  }
}

describeEngine('--reproducible', () => {
  beforeAll(async () => {
    const ok = await execa('podman', ['image', 'exists', 'docker.io/library/debian:trixie-slim'], { reject: false });
    if (ok.exitCode !== 0) throw new Error('podman lacks docker.io/library/debian:trixie-slim: run scripts/ci/test-tools.sh (podman-base-images.sh)');
  });

  for (const c of CASES) {
    it(`buildah: two --no-cache builds of ${c.label} give the same image id`, async () => {
      const name = uniqueName('ci-repro');
      const dir = path.join(await tempDir('ci-e2e-repro-'), 'img');
      const g = await c.generate(dir, name);
      expect(g.exitCode, g.stderr).toBe(0);
      const ids: string[] = [];
      for (const n of [1, 2]) {
        touchAll(dir, new Date(Date.UTC(2026, 0, n)));
        const ref = `localhost/${name}:${n}`;
        onCleanup(() => execa('buildah', ['rmi', '-f', ref], { reject: false }));
        const started = Date.now();
        // buildah's build containers reach the apt cache on the docker bridge too
        const r = await cli(['build', dir, '--builder', 'buildah', '--reproducible', '--no-cache', '--no-verify', '--tag', ref, '--json', ...APT_CACHE_BUILD_ARGS]);
        console.log(`reproducible e2e: ${c.label}, build ${n} took ${Math.round((Date.now() - started) / 1000)}s`);
        expect(r.exitCode, r.stderr).toBe(0);
        ids.push((JSON.parse(r.stdout) as { imageId: string }).imageId);
      }
      expect(ids[0]).toMatch(/^(sha256:)?[0-9a-f]{64}$/);
      expect(ids[1]).toBe(ids[0]);
      // the epoch everywhere: the image's creation time as buildah reports it
      const created = (await execa('buildah', ['inspect', '--type', 'image', '--format', '{{.OCIv1.Created}}', `localhost/${name}:1`])).stdout;
      expect(created).toMatch(/^1970-01-01 00:00:00 \+0000 UTC/);
    }, 20 * 60_000);
  }

  it('the control: without --reproducible, the same two builds of the static site differ', async () => {
    const name = uniqueName('ci-repro');
    const dir = path.join(await tempDir('ci-e2e-repro-'), 'img');
    const g = await CASES[2]!.generate(dir, name);
    expect(g.exitCode, g.stderr).toBe(0);
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const ref = `localhost/${name}:${n}`;
      onCleanup(() => execa('buildah', ['rmi', '-f', ref], { reject: false }));
      const r = await cli(['build', dir, '--builder', 'buildah', '--no-cache', '--no-verify', '--tag', ref, '--json', ...APT_CACHE_BUILD_ARGS]);
      expect(r.exitCode, r.stderr).toBe(0);
      ids.push((JSON.parse(r.stdout) as { imageId: string }).imageId);
    }
    expect(ids[1]).not.toBe(ids[0]);
  }, 20 * 60_000);

  it('docker: refused in one line naming buildah and podman, before building', async () => {
    const name = uniqueName('ci-repro');
    const dir = path.join(await tempDir('ci-e2e-repro-'), 'img');
    const g = await cli([dir, '--recipe', 'custom', '--name', name, '--yes']);
    expect(g.exitCode, g.stderr).toBe(0);
    const r = await cli(['build', dir, '--builder', 'docker', '--reproducible', '--tag', `${name}:x`]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^create-image: --reproducible: needs a builder that pins the image's timestamps: --builder buildah or --builder podman/)]);
  });
});
