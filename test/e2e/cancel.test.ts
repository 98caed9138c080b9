// Ctrl-C during verification: the built bin prints the cancel line, exits 130 and leaves no container with
// the tool's label behind, whether the signal comes while the container runs, just after it is created or
// while its `run` is being sent; the verification first removed a leftover of a killed earlier run.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { HOST, HOST_LABEL, PID_LABEL } from '../../src/engines/containers.js';
import { BASE_IMAGE, BIN, cli, describeEngine, docker, onCleanup, removeImageLater, ROOT, tempDir, uniqueName, waitFor, withAptCache } from '../helpers/engine.js';

describeEngine('cancel during verification', () => {
  it('SIGINT at several points of verifying: cancel line, exit 130, no labelled container left, an earlier leftover swept', async () => {
    // the custom recipe with a check that never passes, so verification is still running when interrupted
    const recipes = await tempDir('ci-e2e-cancel-recipes-');
    const dir = path.join(recipes, 'waits');
    cpSync(path.join(ROOT, 'recipes', 'custom'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'recipe.json'), 'utf8'));
    manifest.name = 'waits';
    manifest.$schema = path.join(ROOT, 'recipes.schema.json');
    manifest.smoke = { kind: 'tcp', port: 8080 };
    writeFileSync(path.join(dir, 'recipe.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const name = uniqueName('ci-cancel');
    removeImageLater(`${name}:latest`);
    const out = path.join(await tempDir('ci-e2e-cancel-'), name);
    const gen = await cli([out, '--recipes', recipes, '--recipe', 'waits', '--base', BASE_IMAGE, '--port', '8080', '--set', 'command=sleep 600', '--name', name, '--yes']);
    expect(gen.exitCode, gen.stderr).toBe(0);

    // a leftover of a run on this host and pid namespace whose process is gone (no pid reaches 2^22 + 1)
    const stale = (await docker(['run', '-d', '--label', `${PID_LABEL}=${2 ** 22 + 1}`, '--label', `${HOST_LABEL}=${HOST}`, BASE_IMAGE, 'sleep', '600'])).stdout.trim();
    onCleanup(() => docker(['rm', '-f', stale], { reject: false }));

    const started = Date.now();
    // one interrupted run: `at` decides when the SIGINT goes; afterwards no container of that process may remain
    const interrupt = async (at: (label: string, spawned: number) => Promise<unknown>) => {
      const sub = execa(process.execPath, [BIN, ...withAptCache(['build', out, '--tag', `${name}:latest`])], { env: { NO_COLOR: '1' }, reject: false, stdin: 'ignore' });
      const label = `label=org.create-image.pid=${sub.pid}`;
      onCleanup(async () => {
        sub.kill('SIGKILL');
        const left = (await docker(['ps', '-aq', '--filter', label], { reject: false })).stdout.trim();
        if (left) await docker(['rm', '-f', ...left.split('\n')], { reject: false });
      });
      // a run that ends on its own before the moment came fails here, with its output, rather than waiting out the timeout
      const ended = sub.then((r) => {
        throw new Error(`the run ended before it was interrupted (exit ${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
      });
      ended.catch(() => {});
      await Promise.race([at(label, Date.now()), ended]);
      sub.kill('SIGINT');
      const r = await sub;
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(130);
      expect(r.stderr).toMatch(/^create-image: cancelled/m);
      expect(r.stderr).not.toContain('unexpected error');
      expect((await docker(['ps', '-aq', '--filter', label])).stdout.trim(), `a container of pid ${sub.pid} is left`).toBe('');
      return r;
    };
    // while the verification container runs (the first run also builds the image)
    await interrupt(async (label) => {
      await waitFor('the verification container', async () => (await docker(['ps', '-q', '--filter', label])).stdout.trim() !== '', 15 * 60_000, 300);
      expect((await docker(['ps', '-aq', '--filter', `id=${stale}`])).stdout.trim()).toBe('');
    });
    // as soon as the container exists in any state (the build is cached now), then around the moment its `run` is sent
    let appearedAfter = 0;
    await interrupt(async (label, spawned) => {
      await waitFor('the container, created', async () => (await docker(['ps', '-aq', '--filter', label])).stdout.trim() !== '', 5 * 60_000, 50);
      appearedAfter = Date.now() - spawned;
    });
    for (const offset of [-400, -150, 0, 150]) await interrupt(() => new Promise((r) => setTimeout(r, Math.max(appearedAfter + offset, 100))));
    console.log(`cancel e2e: ${Math.round((Date.now() - started) / 1000)}s (a cached run's container appeared after ${appearedAfter} ms)`);
  }, 20 * 60_000);
});
