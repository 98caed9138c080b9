// --reproducible: two `build --builder buildah --reproducible --no-cache` of the same generated folder (the
// custom recipe: apt packages, a time zone, a user, a copied entrypoint) give the same image id; the docker
// engine's builders are refused with one line naming the builders that pin timestamps.
import { execa } from 'execa';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cli, describeEngine, onCleanup, tempDir, uniqueName } from '../helpers/engine.js';

describeEngine('--reproducible', () => {
  const name = uniqueName('ci-repro');
  let dir: string;

  beforeAll(async () => {
    const ok = await execa('podman', ['image', 'exists', 'docker.io/library/debian:bookworm-slim'], { reject: false });
    if (ok.exitCode !== 0) throw new Error('podman lacks docker.io/library/debian:bookworm-slim: run scripts/ci/setup-engine.sh and scripts/ci/podman-base-images.sh');
    dir = path.join(await tempDir('ci-e2e-repro-'), 'img');
    const g = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--tz', 'Asia/Tokyo', '--name', name, '--yes']);
    expect(g.exitCode, g.stderr).toBe(0);
  });

  it('buildah: two --no-cache builds of the custom recipe give the same image id', async () => {
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const ref = `localhost/${name}:${n}`;
      onCleanup(() => execa('buildah', ['rmi', '-f', ref], { reject: false }));
      const started = Date.now();
      const r = await cli(['build', dir, '--builder', 'buildah', '--reproducible', '--no-cache', '--no-verify', '--tag', ref, '--json']);
      console.log(`reproducible e2e: build ${n} took ${Math.round((Date.now() - started) / 1000)}s`);
      expect(r.exitCode, r.stderr).toBe(0);
      ids.push((JSON.parse(r.stdout) as { imageId: string }).imageId);
    }
    expect(ids[0]).toMatch(/^(sha256:)?[0-9a-f]{64}$/);
    expect(ids[1]).toBe(ids[0]);
    // the epoch everywhere: the image's creation time as buildah reports it
    const created = (await execa('buildah', ['inspect', '--type', 'image', '--format', '{{.OCIv1.Created}}', `localhost/${name}:1`])).stdout;
    expect(created).toMatch(/^1970-01-01 00:00:00 \+0000 UTC/);
  }, 20 * 60_000);

  it('docker: refused in one line naming buildah and podman, before building', async () => {
    const r = await cli(['build', dir, '--builder', 'docker', '--reproducible', '--tag', `${name}:x`]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^create-image: --reproducible: needs a builder that pins the image's timestamps: --builder buildah or --builder podman/)]);
  });
});
