// `create-image check` end to end with the built bin: a recipe in a folder (a dir source), a folder
// generated from it, then the outcomes a scheduled CI job meets: current, a file edited, the recipe
// bumped, a base with a newer release. Nothing is built: no engine needed.
import { execa } from 'execa';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, tempDir } from '../helpers/engine.js';

let root: string;
let recipes: string;
let env: Record<string, string>;
const run = (args: string[]) => cli(args, { cwd: root, env });
const read = (p: string) => readFileSync(join(root, p), 'utf8');

/** Runs a printed command line verbatim in `sh`, with `create-image` and `npx` (fetching create-image) being the built bin. */
async function shell(line: string) {
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'create-image'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  // npx --yes create-image@<version> ARGS...: the version asked for must be this one
  const version = (JSON.parse(readFileSync(join(BIN, '../../package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(bin, 'npx'), `#!/bin/sh\n[ "$1" = --yes ] && [ "$2" = create-image@${version} ] || { echo "npx: unexpected $*" >&2; exit 99; }\nshift 2\nexec create-image "$@"\n`);
  for (const f of ['create-image', 'npx']) chmodSync(join(bin, f), 0o755);
  return execa('sh', ['-c', line], { cwd: root, env: { ...env, PATH: `${bin}:${process.env.PATH}` }, reject: false });
}

/** Each project keeps its recipes in its own folder (a record names only the project's own recipes): both are bumped. */
function bump(version: string): void {
  for (const dir of ['site', 'old']) {
    const m = join(root, dir, 'recipes', 'web', 'recipe.json');
    writeFileSync(m, readFileSync(m, 'utf8').replace(/"version": "[^"]+"/, `"version": "${version}"`));
    const t = join(root, dir, 'recipes', 'web', 'Dockerfile.eta');
    writeFileSync(t, `${readFileSync(t, 'utf8')}LABEL org.example.release="${version}"\n`);
  }
}

beforeAll(async () => {
  root = await tempDir('ci-check-');
  env = { HOME: join(root, 'home'), XDG_CONFIG_HOME: join(root, 'home', '.config'), XDG_CACHE_HOME: join(root, 'home', '.cache'), CI: '1' };
  mkdirSync(env.HOME!, { recursive: true });
  recipes = join(root, 'recipes');
  mkdirSync(recipes);
  // the recipes folders the records name are trusted in the user's own config, as a team's would be
  const config = join(env.XDG_CONFIG_HOME!, 'create-image', 'config.json');
  mkdirSync(join(env.XDG_CONFIG_HOME!, 'create-image'), { recursive: true });
  writeFileSync(config, JSON.stringify({ trusted: ['site', 'old'].map((dir) => join(root, dir, 'recipes')) }));
  for (const [dir, base] of [['site', 'debian:trixie-slim'], ['old', 'debian:bookworm-slim']] as const) {
    const own = join(root, dir, 'recipes');
    expect((await run(['recipe', 'new', 'web', '--dir', own])).exitCode).toBe(0);
    const m = join(own, 'web', 'recipe.json');
    writeFileSync(m, readFileSync(m, 'utf8').replace(/"version": "[^"]+"/, '"version": "1.0.0"'));
    const gen = await run([dir, '--recipes', own, '--recipe', 'web', '--base', base, '--yes']);
    expect(gen.exitCode, gen.stderr).toBe(0);
  }
});

describe('create-image check', () => {
  it('current: exit 0, the recipe and files as rendered, no newer base', async () => {
    const r = await run(['check', 'site']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^recipe: up to date \(web 1\.0\.0 from \S+recipes\)$/m);
    expect(r.stdout).toContain('base: no newer release of the base images\nfiles: as last rendered');
    const j = await run(['check', 'site', '--json']);
    expect(j.exitCode).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, recipe: { name: 'web', current: '1.0.0', latest: '1.0.0', newer: false }, files: [], bases: [], updateAvailable: false });
  });

  it('a base with a newer release in the release table: exit 10, the FROM line and the release named', async () => {
    const r = await run(['check', 'old']);
    expect(r.exitCode).toBe(10);
    expect(r.stdout).toMatch(/^base: Dockerfile:\d+ debian:bookworm-slim has a newer release: debian:trixie-slim \(debian:bookworm supported until 2028-06-30, debian:trixie until 2030-06-30\)$/m);
    const j = JSON.parse((await run(['check', 'old', '--json'])).stdout);
    expect(j.bases).toEqual([expect.objectContaining({ file: 'Dockerfile', image: 'debian:bookworm-slim', suggested: 'debian:trixie-slim' })]);
    // the FROM as it is now counts: changed by hand to the newer release, the folder is current
    const df = read('old/Dockerfile');
    writeFileSync(join(root, 'old/Dockerfile'), df.replace('FROM debian:bookworm-slim', 'FROM debian:trixie-slim'));
    const after = await run(['check', 'old']);
    expect(after.exitCode, after.stdout).toBe(0);
    expect(after.stdout).toContain('edited: Dockerfile');
  });

  it('files edited or removed since the last render are listed; alone they are no update (exit 0)', async () => {
    const df = read('site/Dockerfile');
    writeFileSync(join(root, 'site/Dockerfile'), `${df}LABEL com.example.team="payments"\n`);
    rmSync(join(root, 'site/greeting.txt'));
    const r = await run(['check', 'site']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('edited: Dockerfile\nmissing: greeting.txt');
    const j = JSON.parse((await run(['check', 'site', '--json'])).stdout);
    expect(j.files).toEqual([{ path: 'Dockerfile', state: 'edited' }, { path: 'greeting.txt', state: 'missing' }]);
    writeFileSync(join(root, 'site/Dockerfile'), df);
    const restored = await run(['check', 'site']);
    expect(restored.stdout).toContain('missing: greeting.txt');
    expect(restored.stdout).not.toContain('edited: Dockerfile');
  });

  it('recipe bumped: exit 10 naming the new version; the printed update brings it in, then check is current', async () => {
    bump('1.1.0');
    const r = await run(['check', 'site']);
    expect(r.exitCode).toBe(10);
    expect(r.stdout).toMatch(/^recipe: newer version 1\.1\.0 available \(web 1\.0\.0 -> 1\.1\.0 from \S+recipes\)$/m);
    const line = /^Update available: run (.+)$/m.exec(r.stdout)![1]!;
    expect(line).toBe('create-image update site');
    const j = JSON.parse((await run(['check', 'site', '--json'])).stdout);
    expect(j).toMatchObject({ recipe: { current: '1.0.0', latest: '1.1.0', newer: true }, updateAvailable: true, next: line });
    const up = await shell(line);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(read('site/Dockerfile')).toContain('LABEL org.example.release="1.1.0"');
    const after = await run(['check', 'site']);
    expect(after.exitCode, after.stdout).toBe(0);
    expect(after.stdout).toMatch(/^recipe: up to date \(web 1\.1\.0 /m);
  });

  it('--ci github and gitlab write a scheduled job whose command runs the check (failing while an update waits)', async () => {
    const gh = await run(['check', 'site', '--ci', 'github']);
    expect(gh.exitCode, gh.stderr).toBe(0);
    expect(gh.stdout).toContain('Wrote .github/workflows/create-image-check.yml');
    const wf = parse(read('site/.github/workflows/create-image-check.yml')) as { on: { schedule: Array<{ cron: string }> }; jobs: { check: { steps: Array<{ run?: string }> } } };
    expect(wf.on.schedule[0]!.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    const ghLine = wf.jobs.check.steps.find((s) => s.run)!.run!;
    // written also when the check then finds the folder behind (old is at 1.0.0)
    const gl = await run(['check', 'old', '--ci', 'gitlab']);
    expect(gl.exitCode).toBe(10);
    expect(gl.stdout).toContain('Wrote .gitlab/create-image-check.yml (include it from .gitlab-ci.yml and add a pipeline schedule)');
    const job = (parse(read('old/.gitlab/create-image-check.yml')) as Record<string, { rules: Array<{ if: string }>; script: string[] }>)['create-image-check']!;
    expect(job.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    expect(job.script).toHaveLength(1);
    // the jobs run in the folder's root
    const siteRun = await shellIn('site', ghLine);
    expect(siteRun.exitCode, siteRun.stderr).toBe(0);
    expect(siteRun.stdout).toMatch(/^recipe: up to date/m);
    bump('1.2.0');
    const behind = await shellIn('old', job.script[0]!);
    expect(behind.exitCode).toBe(10);
    expect(behind.stdout).toMatch(/^recipe: newer version 1\.2\.0 available \(web 1\.0\.0 -> 1\.2\.0 /m);
    // an existing, different job file is not overwritten without --force
    writeFileSync(join(root, 'old/.gitlab/create-image-check.yml'), '# mine\n');
    const refused = await run(['check', 'old', '--ci', 'gitlab']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/create-image-check\.yml .*--force/);
    expect(read('old/.gitlab/create-image-check.yml')).toBe('# mine\n');
  });

  it('usage and failures: no record (2), a bad --ci (2)', async () => {
    const none = await run(['check', 'recipes']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/has no \.create-image\.json/);
    const bad = await run(['check', 'site', '--ci', 'jenkins']);
    expect(bad.exitCode).toBe(2);
  });
});

async function shellIn(dir: string, line: string) {
  const saved = root;
  root = join(saved, dir);
  try {
    return await shell(line);
  } finally {
    root = saved;
  }
}
