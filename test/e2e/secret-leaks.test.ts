// The check every e2e file runs on the images it built (test/helpers/engine.ts): a value a test gave a
// container as a secret must not be in any of those images' config or layer history. Shown here
// finding one: an image that bakes a password into ENV and into a RUN line, next to one that does not.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { BASE_IMAGE, describeEngine, docker, removeImageLater, secretLeaks, tempDir, uniqueName } from '../helpers/engine.js';

describeEngine('secret values in built images', () => {
  it('finds a password baked into ENV and into a RUN line, and nothing in an image that takes it at run time', async () => {
    const dir = await tempDir('ci-secret-leaks-');
    const build = async (name: string, dockerfile: string) => {
      const ctx = path.join(dir, name);
      await mkdir(ctx, { recursive: true });
      await writeFile(path.join(ctx, 'Dockerfile'), dockerfile);
      const tag = `${uniqueName(`leak-${name}`)}:test`;
      removeImageLater(tag);
      await docker(['build', '-q', '-t', tag, ctx]);
      return tag;
    };
    const baked = await build('baked', `FROM ${BASE_IMAGE}\nENV DB_PASSWORD=s3cr3t-baked\nRUN echo s3cr3t-ran > /dev/null\n`);
    const clean = await build('clean', `FROM ${BASE_IMAGE}\nENV DB_PASSWORD_FILE=/run/secrets/db\n`);
    const values = new Map([
      ['s3cr3t-baked', 'DB_PASSWORD'],
      ['s3cr3t-ran', 'API_TOKEN'],
    ]);
    expect(await secretLeaks([baked, clean], values)).toEqual([
      `${baked}: the value given as DB_PASSWORD is in its config`,
      `${baked}: the value given as DB_PASSWORD is in its layer history`,
      `${baked}: the value given as API_TOKEN is in its layer history`,
    ]);
    expect(await secretLeaks([clean], values)).toEqual([]);
  });
});
