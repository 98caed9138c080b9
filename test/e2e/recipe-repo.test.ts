// A company recipe repo end to end, with the built bin: a bare git repo on disk (file:// URL) holding two
// recipes; generate from it by URL and tag; hand-edit; publish new versions; update merges three ways.
// No container engine needed: nothing is built.
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/engine.js';

let root: string;
let env: Record<string, string>;
let work: string;
let url: string;

const git = async (args: string[], cwd = work) => (await execa('git', args, { cwd, env })).stdout.trim();
const run = (args: string[]) => cli(args, { cwd: root, env: { ...env, CI: '1' } });
const read = (p: string) => readFileSync(join(root, p), 'utf8');

/** Edits a recipe (`a` unless named) in the work tree, commits and tags a release, pushes it to the bare repo. */
async function publish(version: string, edit: (dockerfileTemplate: string) => string, recipe = 'a'): Promise<void> {
  const manifest = join(work, recipe, 'recipe.json');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/"version": "[^"]+"/, `"version": "${version}"`));
  const tpl = join(work, recipe, 'Dockerfile.eta');
  writeFileSync(tpl, edit(readFileSync(tpl, 'utf8')));
  await git(['commit', '-qam', `${recipe} ${version}`]);
  await git(['tag', '-a', '-m', `release ${version}`, `v${version}`]);
  await git(['push', '-q', join(root, 'repo.git'), 'HEAD:refs/heads/main', '--tags']);
}

beforeAll(async () => {
  root = await tempDir('ci-recipe-repo-');
  env = {
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'home', '.config'),
    XDG_CACHE_HOME: join(root, 'home', '.cache'),
    GIT_AUTHOR_NAME: 'Recipe Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Recipe Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
  };
  mkdirSync(env.HOME!, { recursive: true });
  work = join(root, 'work');
  mkdirSync(work);
  await git(['init', '-q', '--bare', join(root, 'repo.git')], root);
  await git(['init', '-q']);
  for (const name of ['a', 'b']) {
    const r = await run(['recipe', 'new', name, '--dir', work]);
    expect(r.exitCode, r.stderr).toBe(0);
  }
  const m = join(work, 'a', 'recipe.json');
  writeFileSync(m, readFileSync(m, 'utf8').replace('"version": "0.1.0"', '"version": "1.0.0"'));
  await git(['add', '-A']);
  await git(['commit', '-qm', 'two recipes']);
  await git(['tag', 'v1.0.0']);
  await git(['push', '-q', join(root, 'repo.git'), 'HEAD:refs/heads/main', '--tags']);
  url = `file://${join(root, 'repo.git')}`;
});

describe('recipes from a git repo', () => {
  it('refuses an untrusted remote source without a TTY (exit 2, one clear line), writing nothing', async () => {
    const r = await run(['untrusted', '--recipes', `${url}#v1.0.0`, '--recipe', 'a', '--yes']);
    expect(r.exitCode).toBe(2);
    const line = r.stderr.split('\n').find((l) => l.includes('--trust'))!;
    expect(line).toMatch(/^create-image: --trust: recipes from file:\/\/\S+repo\.git are not trusted .*pass --trust, or add "file:\/\/\S+repo\.git" to "trusted" in \S+\/create-image\/config\.json$/);
    expect(existsSync(join(root, 'untrusted'))).toBe(false);
  });

  it("a cloned repository's own config names sources but cannot trust them, nor replace a built-in unannounced", async () => {
    const clone = join(root, 'cloned');
    mkdirSync(join(clone, 'recipes'), { recursive: true });
    await execa('cp', ['-r', join(work, 'a'), join(clone, 'recipes', 'custom')]);
    const m = join(clone, 'recipes', 'custom', 'recipe.json');
    writeFileSync(m, readFileSync(m, 'utf8').replace(/"name": "a"/, '"name": "custom"'));
    writeFileSync(join(clone, 'create-image.config.json'), JSON.stringify({ recipes: [`${url}#v1.0.0`, './recipes'], trusted: ['*'] }));
    const inClone = (args: string[]) => cli(args, { cwd: clone, env: { ...env, CI: '1' } });
    const git = await inClone(['out-git', '--recipe', 'a', '--yes']);
    expect(git.exitCode).toBe(2);
    const lines = git.stderr.trim().split('\n');
    expect(lines).toContain(`create-image: warning: ignoring "trusted" in ${join(clone, 'create-image.config.json')}: a project's config cannot trust sources; use --trust or "trusted" in ${join(env.XDG_CONFIG_HOME!, 'create-image', 'config.json')}`);
    expect(lines.at(-1)).toMatch(/^create-image: --trust: recipes from file:\/\/\S+repo\.git are not trusted/);
    expect(existsSync(join(clone, 'out-git'))).toBe(false);
    // a folder the project's own config names is the project's code: it renders only with --trust, announced
    const refused = await inClone(['out-dir', '--recipe', 'custom', '--yes']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(/^create-image: --trust: recipes from \S+\/cloned\/recipes are not trusted/);
    expect(existsSync(join(clone, 'out-dir'))).toBe(false);
    const shadow = await inClone(['out-dir', '--recipe', 'custom', '--yes', '--trust']);
    expect(shadow.exitCode, shadow.stderr).toBe(0);
    expect(shadow.stderr).toContain(`create-image: recipe "custom" comes from ${join(clone, 'recipes')}, not the built-in "custom"`);
  });

  it('generates by URL and tag, updates with the hand edit kept, then conflicts visibly', async () => {
    const v1 = await git(['rev-parse', 'v1.0.0^{commit}']);
    const gen = await run(['site', '--recipes', `${url}#v1.0.0`, '--recipe', 'a', '--yes', '--trust']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    expect(gen.stderr).toContain(`recipes from ${url}#v1.0.0 (commit ${v1})`);
    const rec1 = JSON.parse(read('site/.create-image.json'));
    expect(rec1.recipe).toEqual({ name: 'a', version: '1.0.0', source: `${url}#v1.0.0`, commit: v1 });

    // The user's hand edit, away from what the next release changes.
    const df0 = read('site/Dockerfile');
    expect(df0).toMatch(/^WORKDIR \/srv\/app$/m);
    writeFileSync(join(root, 'site/Dockerfile'), df0.replace(/^WORKDIR \/srv\/app$/m, 'WORKDIR /srv/app\nLABEL com.example.team="payments"'));

    await publish('1.1.0', (t) => t.replace(/^CMD .*$/m, 'CMD ["sh", "-c", "cat /etc/greeting; echo v1.1; exec tail -f /dev/null"]'));
    const v11 = await git(['rev-parse', 'v1.1.0^{commit}']);

    const check = await run(['update', 'site', '--check']);
    expect(check.exitCode).toBe(10);
    expect(check.stdout.trim()).toMatch(/^newer version 1\.1\.0 available \(a 1\.0\.0 -> 1\.1\.0 from file:\S+#v1\.1\.0\)$/);

    const before = read('site/Dockerfile');
    const dry = await run(['update', 'site', '--dry-run', '--trust']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('+CMD ["sh", "-c", "cat /etc/greeting; echo v1.1; exec tail -f /dev/null"]');
    expect(read('site/Dockerfile')).toBe(before);

    const up = await run(['update', 'site', '--trust']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/merged +Dockerfile/);
    const df1 = read('site/Dockerfile');
    expect(df1).toContain('LABEL com.example.team="payments"');
    expect(df1).toContain('echo v1.1;');
    expect(df1).not.toContain('<<<<<<<');
    const rec2 = JSON.parse(read('site/.create-image.json'));
    expect(rec2.recipe).toEqual({ name: 'a', version: '1.1.0', source: `${url}#v1.1.0`, commit: v11 });
    expect((await run(['update', 'site', '--check'])).stdout.trim()).toMatch(/^up to date \(a 1\.1\.0/);

    // Now the user and the recipe change the same line.
    writeFileSync(join(root, 'site/Dockerfile'), df1.replace('echo v1.1;', 'echo mine;'));
    await publish('1.2.0', (t) => t.replace('echo v1.1;', 'echo v1.2;'));
    const clash = await run(['update', 'site', '--trust']);
    expect(clash.exitCode).toBe(1);
    expect(clash.stdout).toMatch(/CONFLICT Dockerfile \(1 conflict\)/);
    expect(clash.stderr).toMatch(/conflicts in Dockerfile/);
    const df2 = read('site/Dockerfile');
    expect(df2).toMatch(/<<<<<<< yours\nCMD \[.*echo mine;.*\]\n\|\|\|\|\|\|\| base \(a 1\.1\.0\)\nCMD \[.*echo v1\.1;.*\]\n=======\nCMD \[.*echo v1\.2;.*\]\n>>>>>>> recipe \(a 1\.2\.0\)\n/);
    expect(df2).toContain('LABEL com.example.team="payments"');
  });

  it('trusts a source listed in the user config, and update --recipes moves to another ref', async () => {
    mkdirSync(join(env.XDG_CONFIG_HOME!, 'create-image'), { recursive: true });
    writeFileSync(join(env.XDG_CONFIG_HOME!, 'create-image', 'config.json'), JSON.stringify({ trusted: [url] }));
    const list = await run(['list', '--recipes', `${url}#v1.0.0`]);
    expect(list.stdout).toMatch(/^a +TODO.*\(file:\S+#v1\.0\.0\)$/m);
    expect(list.stdout).toMatch(/^b +TODO/m);
    const gen = await run(['pinned', '--recipes', `${url}#v1.0.0`, '--recipe', 'a', '--yes']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    // trusted through the config file, the source is still named with its commit
    expect(gen.stderr).toContain(`recipes from ${url}#v1.0.0 (commit ${await git(['rev-parse', 'v1.0.0^{commit}'])})`);
    expect(read('pinned/Dockerfile')).not.toContain('echo v1.1;');
    const move = await run(['update', 'pinned', '--recipes', `${url}#v1.1.0`]);
    expect(move.exitCode, move.stderr).toBe(0);
    expect(read('pinned/Dockerfile')).toContain('echo v1.1;');
    expect(JSON.parse(read('pinned/.create-image.json')).recipe.source).toBe(`${url}#v1.1.0`);
  });

  it('a LABEL of the user\'s right after the generated labels merges without conflict across two releases', async () => {
    const gen = await run(['labelled', '--recipes', `${url}#v1.0.0`, '--recipe', 'b', '--yes', '--trust']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    const df0 = read('labelled/Dockerfile');
    // Where a user adds their own labels: just below the generated ones, next to the recipe's version stamp.
    expect(df0).toMatch(/^ +io\.create-image\.recipe="b@0\.1\.0"$/m);
    writeFileSync(join(root, 'labelled/Dockerfile'), df0.replace(/^( +io\.create-image\.recipe="b@0\.1\.0")$/m, '$1\nLABEL com.example.team="payments"'));
    const releases: Array<[string, string]> = [['2.0.0', 'echo b2.0;'], ['2.1.0', 'echo b2.1;']];
    for (const [version, marker] of releases) {
      await publish(version, (t) => t.replace(/^CMD .*$/m, `CMD ["sh", "-c", "${marker} cat /etc/greeting; exec tail -f /dev/null"]`), 'b');
      const up = await run(['update', 'labelled', '--trust']);
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).toMatch(/merged +Dockerfile/);
      const df = read('labelled/Dockerfile');
      expect(df).not.toContain('<<<<<<<');
      expect(df).toMatch(new RegExp(`^ +io\\.create-image\\.recipe="b@${version.replace(/\./g, '\\.')}"\nLABEL com\\.example\\.team="payments"$`, 'm'));
      expect(df).toMatch(new RegExp(`^# Generated by create-image \\S+ from recipe b@${version.replace(/\./g, '\\.')}\\.$`, 'm'));
      expect(df).toContain(marker);
      expect(JSON.parse(read('labelled/.create-image.json')).recipe.version).toBe(version);
    }
    // build refuses a file with conflict markers left in it, naming the line
    writeFileSync(join(root, 'labelled/Dockerfile'), read('labelled/Dockerfile').replace(/^CMD .*$/m, '<<<<<<< yours\n$&\n=======\nCMD ["true"]\n>>>>>>> recipe (b 2.1.0)'));
    const build = await run(['build', 'labelled']);
    expect(build.exitCode).toBe(1);
    expect(build.stderr).toMatch(/^create-image: unresolved merge conflict left by `create-image update` at Dockerfile:\d+: keep the lines you want/m);
    // the build log is kept out of git by the tool's own .gitignore
    expect(read('labelled/.create-image/.gitignore')).toMatch(/^build\.log$/m);
  });

  it('reads recipes from an npm package spec (npm pack of a local dir, no network)', async () => {
    const pkg = join(root, 'pkg');
    mkdirSync(join(pkg, 'recipes'), { recursive: true });
    await execa('cp', ['-r', join(work, 'b'), join(pkg, 'recipes', 'b')]);
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/image-recipes', version: '3.1.0', files: ['recipes'] }));
    const gen = await run(['from-npm', '--recipes', `npm:file:${pkg}`, '--recipe', 'b', '--yes', '--trust']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    expect(gen.stderr).toContain(`recipes from npm:file:${pkg} (@acme/image-recipes@3.1.0)`);
    expect(JSON.parse(read('from-npm/.create-image.json')).recipe).toMatchObject({ name: 'b', source: `npm:file:${pkg}`, commit: '@acme/image-recipes@3.1.0' });
  });
});
