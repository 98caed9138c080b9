// `create-image recipe test <dir> --build` for real: a scaffolded recipe is rendered, linted, built on
// the local debian base and smoke-checked; a broken smoke expectation fails with exit 1 and says why;
// nothing is left behind on the engine either way.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cli, describeEngine, docker, tempDir } from '../helpers/engine.js';

describeEngine('recipe test --build', (status) => {
  const classic = status.clients.find((c) => c.name === 'classic')!;
  const env = { CI: '1', CREATE_IMAGE_DOCKER: classic.bin, ...classic.env };
  let work: string;
  // what `recipe test --build` makes is named create-image-test-<recipe>-<family>:...; other tests build at the same time
  const ours = (out: string) => out.split('\n').filter((l) => l.includes('create-image-test-greeter-')).join('\n');
  const images = async () => ours((await docker(['images', '--format', '{{.Repository}}:{{.Tag}}'], { client: classic })).stdout);
  const containers = async () => ours((await docker(['ps', '-a', '--format', '{{.Names}} {{.Image}}'], { client: classic })).stdout);

  beforeAll(async () => {
    work = await tempDir('ci-e2e-recipe-build-');
    const r = await cli(['recipe', 'new', 'greeter', '--dir', work], { env });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('builds the debian render and runs its smoke check; leaves no image or container behind', async () => {
    const r = await cli(['recipe', 'test', path.join(work, 'greeter'), '--build', '--family', 'debian'], { env });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok +debian +built and smoke-checked \(command /);
    expect(await images()).toBe('');
    expect(await containers()).toBe('');
  }, 300_000);

  it('a smoke check that does not hold: exit 1, the expectation and what came back', async () => {
    const manifest = path.join(work, 'greeter', 'recipe.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"expect": "hello"', '"expect": "goodbye"'));
    const bad = await cli(['recipe', 'test', path.join(work, 'greeter'), '--build', '--smoke-timeout', 'soon'], { env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--smoke-timeout: "soon" is not a number of seconds/);
    const r = await cli(['recipe', 'test', path.join(work, 'greeter'), '--build', '--family', 'debian', '--smoke-timeout', '5'], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/debian build: check failed: command cat \/etc\/greeting expecting "goodbye" \(not within 5s\): .*goodbye/);
    expect(await images()).toBe('');
    expect(await containers()).toBe('');
  }, 300_000);
});
