// Where the bytes went, on a real build: the summary `create-image build` prints lists the largest
// layers with their instruction and size (as the engine's history has them), and a hint for a layer
// that keeps apt's lists. A small image: debian:bookworm-slim and one apt-get update.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { formatBytes } from '../../src/core/layers.js';
import { cli, describeEngine, docker, onCleanup, removeImageLater, tempDir, uniqueName, type CliResult } from '../helpers/engine.js';

describeEngine('layer summary of a real build', () => {
  const name = uniqueName('ci-layers');
  let dir: string;
  let built: CliResult;

  beforeAll(async () => {
    dir = path.join(await tempDir('ci-layers-'), 'img');
    const gen = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--name', name, '--yes'], { env: { CI: '1' } });
    expect(gen.exitCode, gen.stderr).toBe(0);
    // a hand-edited Dockerfile with a known waste: apt's lists left in the layer that fetched them
    writeFileSync(
      path.join(dir, 'Dockerfile'),
      ['FROM debian:bookworm-slim', 'RUN apt-get update', 'RUN head -c 3000000 /dev/urandom > /opt/blob', 'COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh', 'CMD ["sh"]', ''].join('\n'),
    );
    removeImageLater(`${name}:latest`);
    built = await cli(['build', dir, '--no-verify'], { env: { CI: '1' } });
    expect(built.exitCode, built.stderr).toBe(0);
  }, 300_000);

  it('prints the largest layers with instruction and size, as the engine\'s history has them', async () => {
    const history = (await docker(['history', '--no-trunc', '--human=false', '--format', '{{.Size}}', `${name}:latest`])).stdout.trim().split('\n').map(Number);
    const withBytes = history.filter((n) => n > 0);
    const lines = built.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  layers  '));
    expect(lines[at]).toBe(`  layers  ${withBytes.length} with bytes (${formatBytes(withBytes.reduce((a, b) => a + b, 0))}); the largest:`);
    const top = lines.slice(at + 1, at + 4).map((l) => /^ {10} *(\d+(?:\.\d)? [kMG]?B)  (.+)$/.exec(l)!.slice(1));
    const sorted = [...withBytes].sort((a, b) => b - a).slice(0, 3).map(formatBytes);
    expect(top.map((t) => t[0])).toEqual(sorted);
    expect(top.map((t) => t[1])).toEqual(['(base image)', 'RUN apt-get update', 'RUN head -c 3000000 /dev/urandom > /opt/blob']);
  });

  it('hints at the apt lists, and at nothing else', () => {
    const hints = built.stdout.split('\n').filter((l) => l.startsWith('  hint    '));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/^ {2}hint {4}apt lists: .*rm -rf \/var\/lib\/apt\/lists\/\* \(RUN apt-get update, \d+\.\d MB\)$/);
  });

  it('--json carries the same summary', async () => {
    const j = await cli(['build', dir, '--no-verify', '--json'], { env: { CI: '1' } });
    expect(j.exitCode, j.stderr).toBe(0);
    const layers = (JSON.parse(j.stdout) as { layers: { largest: Array<{ instruction: string; size: number }>; hints: string[] } }).layers;
    expect(layers.largest[1]).toMatchObject({ instruction: 'RUN apt-get update' });
    expect(layers.largest[1]!.size).toBeGreaterThan(1_000_000);
    expect(layers.hints).toHaveLength(1);
  });

  it('buildah: the one layer it commits per stage is named by the instructions that wrote into it', async () => {
    const ok = await execa('podman', ['image', 'exists', 'docker.io/library/debian:bookworm-slim'], { reject: false });
    if (ok.exitCode !== 0) throw new Error('podman lacks docker.io/library/debian:bookworm-slim: run scripts/ci/setup-engine.sh and scripts/ci/podman-base-images.sh');
    const ref = `localhost/${name}-buildah:1`;
    onCleanup(() => execa('buildah', ['rmi', '-f', ref], { reject: false }));
    writeFileSync(path.join(dir, 'Dockerfile'), ['FROM debian:bookworm-slim', 'RUN head -c 3000000 /dev/urandom > /opt/blob', 'CMD ["sh"]', ''].join('\n'));
    const r = await cli(['build', dir, '--builder', 'buildah', '--tag', ref, '--no-verify'], { env: { CI: '1' } });
    expect(r.exitCode, r.stderr).toBe(0);
    const layers = r.stdout.split('\n');
    const at = layers.findIndex((l) => l.startsWith('  layers  '));
    expect(layers[at]).toMatch(/^ {2}layers {2}2 with bytes/);
    expect(layers[at + 2]).toMatch(/^ +3\.\d MB {2}RUN head -c 3000000 \/dev\/urandom > \/opt\/blob$/);
  }, 120_000);
});
