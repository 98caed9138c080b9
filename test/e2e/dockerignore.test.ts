// What a builder really sends: every built-in recipe, rendered by the built bin with --compose, keeps compose
// secrets, the update base (.create-image/), .env files and node_modules out of the build context, and
// still sends what its Dockerfile copies. The context is listed by the real engine with a Dockerfile kept
// outside it (the builder reads .dockerignore from the context dir), with each docker client present.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { BASE_IMAGE, cli, describeEngine, docker, removeImageLater, ROOT, tempDir, uniqueName } from '../helpers/engine.js';

// The recipe folders as they are on disk, not as the code under test lists them.
const RECIPES = readdirSync(path.join(ROOT, 'recipes'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(path.join(ROOT, 'recipes', e.name, 'recipe.json')))
  .map((e) => e.name)
  .sort();

const MARK = 'ctx-entry';

/** Files a user keeps next to the generated ones that must never reach an image. */
const PRIVATE = {
  'secrets/db_password': 'hunter2\n',
  '.create-image/build.log': 'a build log\n',
  '.env': 'DB_PASS=hunter2\n',
  'node_modules/x': 'a dependency\n',
};
const isPrivate = (entry: string) => /^\/ctx\/(secrets|\.create-image|\.env|node_modules)(\/|$)/.test(entry);

/** Context paths the Dockerfile's own COPY/ADD instructions read (not --from, not wildcards, not the whole context: `.`). */
function copySources(dockerfile: string): string[] {
  return dockerfile
    .split('\n')
    .filter((l) => /^(COPY|ADD)\s/.test(l) && !/\s--from=/.test(l))
    .flatMap((l) => {
      const words = l.trim().split(/\s+/).slice(1).filter((w) => !w.startsWith('--'));
      return words.slice(0, -1);
    })
    .filter((src) => !/[*?[]/.test(src))
    .map((src) => src.replace(/\/+$/, '').replace(/^\.\//, ''))
    .filter((src) => src !== '.' && src !== '');
}

describeEngine('.dockerignore of the built-in recipes, as the engine applies it', (status) => {
  it('finds the recipes on disk', () => {
    expect(RECIPES).toEqual(expect.arrayContaining(['custom', 'go', 'hexo-apache']));
  });

  for (const name of RECIPES) {
    it(`${name}: no secrets/, .create-image/, .env or node_modules in the context; the Dockerfile's sources are`, { timeout: 300_000 }, async () => {
      const dir = await tempDir(`ctx-${name}-`);
      const target = path.join(dir, 'out');
      // app in a folder that does not exist yet has nothing to detect: its stack is named
      const r = await cli([target, '--recipe', name, '--yes', '--compose', ...(name === 'app' ? ['--set', 'stack=static'] : [])], { env: { CI: '1' } });
      expect(r.exitCode, r.stderr).toBe(0);
      for (const [file, content] of Object.entries(PRIVATE)) {
        mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
        writeFileSync(path.join(target, file), content);
      }
      const dockerfile = readFileSync(path.join(target, 'Dockerfile'), 'utf8');
      const sources = copySources(dockerfile);
      // a Dockerfile that copies the whole context (the app recipe on a project folder) names no single source
      if (!/^COPY \.\/? /m.test(dockerfile)) expect(sources.length).toBeGreaterThan(0);

      const lister = path.join(dir, 'list-context.Dockerfile');
      writeFileSync(lister, `FROM ${BASE_IMAGE}\nCOPY . /ctx\nRUN find /ctx -mindepth 1 | sort | sed 's/^/${MARK} /'\n`);
      for (const client of status.clients) {
        const tag = uniqueName(`ctx-${name}-${client.name}`);
        removeImageLater(tag);
        const args = ['build', '--no-cache', '-f', lister, '-t', tag, ...(client.name === 'buildkit' ? ['--progress=plain'] : []), target];
        const b = await docker(args, { client });
        const entries = [...`${b.stdout}\n${b.stderr}`.matchAll(new RegExp(`${MARK} (/ctx/\\S+)`, 'g'))].map((m) => m[1]!);
        expect(entries.length, `${client.name}: no listing in the build output`).toBeGreaterThan(0);
        expect(entries.filter(isPrivate), `${client.name}: private files in the context`).toEqual([]);
        for (const src of sources) expect(entries, `${client.name}: ${src} (copied by the Dockerfile)`).toContain(`/ctx/${src}`);
      }
    });
  }
});
