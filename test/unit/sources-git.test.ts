// Git sources against a real repository on disk (file:// URL): shallow checkout by tag, cache reuse,
// offline fallback with --refresh, newest tag. Needs git, no network.
import { execaSync } from 'execa';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitCheckout, gitLatestTag } from '../../src/recipes/providers/git.js';
import { resolveSpec } from '../../src/recipes/providers/index.js';
import { parseSpec } from '../../src/recipes/spec.js';

let tmp: string;
let url: string;
const env0 = { ...process.env };
const git = (args: string[], cwd: string) => execaSync('git', args, { cwd, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', HOME: tmp } }).stdout;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ci-git-'));
  process.env.XDG_CACHE_HOME = join(tmp, 'cache');
  const work = join(tmp, 'work');
  mkdirSync(join(work, 'recipes', 'r1'), { recursive: true });
  git(['init', '-q', '--bare', join(tmp, 'repo.git')], tmp);
  git(['init', '-q'], work);
  writeFileSync(join(work, 'recipes', 'r1', 'recipe.json'), '{"v":1}\n');
  git(['add', '-A'], work);
  git(['commit', '-qm', 'one'], work);
  git(['tag', 'v1.0.0'], work);
  writeFileSync(join(work, 'recipes', 'r1', 'recipe.json'), '{"v":2}\n');
  git(['commit', '-qam', 'two'], work);
  git(['tag', '-a', '-m', 'release', 'v1.1.0'], work);
  git(['push', '-q', join(tmp, 'repo.git'), 'HEAD:refs/heads/main', '--tags'], work);
  url = `file://${join(tmp, 'repo.git')}`;
});
afterAll(() => {
  process.env = env0;
  rmSync(tmp, { recursive: true, force: true });
});

describe('git sources', () => {
  it('checks out a tag shallowly and records its commit', async () => {
    const co = await gitCheckout(url, 'v1.0.0');
    expect(co.fresh).toBe(true);
    expect(readFileSync(join(co.dir, 'recipes/r1/recipe.json'), 'utf8')).toBe('{"v":1}\n');
    expect(co.commit).toBe(git(['rev-parse', 'v1.0.0'], join(tmp, 'work')));
    expect(git(['rev-parse', '--is-shallow-repository'], co.dir)).toBe('true');
    expect(co.dir.startsWith(join(tmp, 'cache', 'create-image', 'git'))).toBe(true);
  });

  it('finds recipes in recipes/ and names the source by URL and ref', async () => {
    const s = await resolveSpec(parseSpec(`${url}#v1.1.0`));
    expect(s.dir.endsWith('/recipes')).toBe(true);
    expect(s.label).toBe(`${url}#v1.1.0`);
    expect(s.trustKey).toBe(url);
    expect(readFileSync(join(s.dir, 'r1/recipe.json'), 'utf8')).toBe('{"v":2}\n');
  });

  it('reuses the cache offline; --refresh that cannot fetch warns and uses it', async () => {
    const moved = join(tmp, 'moved.git');
    renameSync(join(tmp, 'repo.git'), moved);
    try {
      const again = await gitCheckout(url, 'v1.0.0');
      expect(again.fresh).toBe(false);
      const warnings: string[] = [];
      const refreshed = await gitCheckout(url, 'v1.0.0', { refresh: true, warn: (s) => warnings.push(s) });
      expect(refreshed.commit).toBe(again.commit);
      expect(warnings.join('\n')).toMatch(/cannot refresh .*using the cached copy/);
      await expect(gitCheckout(url, 'v9.9.9')).rejects.toThrow(/cannot fetch recipes from file:.* at v9\.9\.9/);
    } finally {
      renameSync(moved, join(tmp, 'repo.git'));
    }
  });

  it('a repository that is not there: git\'s own reason, not its advice', async () => {
    const missing = `file://${join(tmp, 'nowhere.git')}`;
    await expect(gitCheckout(missing, undefined)).rejects.toThrow(/^cannot fetch recipes from \S+nowhere\.git: git fetch failed: '\S+nowhere\.git' does not appear to be a git repository$/);
  });

  it('knows the newest release tag', async () => {
    expect(await gitLatestTag(url)).toBe('v1.1.0');
  });
});
