// The built bin, run the way users and scripts run it: exit codes, one-line errors, safe writes,
// dry runs, JSON output, answers files, the inspection commands, and the packed tarball.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers/engine.js';
import { installCopy } from '../helpers/install-copy.js';

const NO_TTY = { CI: '1' };
const oneLine = (s: string) => s.trim().split('\n').length === 1;

describe('create-image (built bin)', () => {
  it('--help and --version answer and exit 0', async () => {
    const help = await cli(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Usage: create-image/);
    for (const flag of ['--recipe', '--base', '--runtime', '--tz', '--locale', '--service', '--port', '--env', '--set', '--answers', '--yes', '--force', '--dry-run', '--json', '--build', '--tag', '--push']) {
      expect(help.stdout).toContain(flag);
    }
    const version = await cli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('the lone --help served from dist/help.txt is exactly what commander prints', async () => {
    const fast = await cli(['--help']);
    const full = await execa(process.execPath, ['-e', `require(${JSON.stringify(path.join(ROOT, 'dist/cli.cjs'))}).run(['node', 'create-image', '--help']).then((c) => { process.exitCode = c; });`], { env: { COLUMNS: '80' } });
    expect(fast.stdout).toBe(full.stdout);
    // other help goes through commander as usual
    const sub = await cli(['build', '--help']);
    expect(sub.stdout).toMatch(/Usage: create-image build/);
  });

  it.each([
    [['--recipe', 'custom', '--tz', 'Mars/Base'], '--tz'],
    [['--recipe', 'custom', '--port', '70000'], '--port'],
    [['--recipe', 'custom', '--port', '80/sctp'], '--port'],
    [['--recipe', 'custom', '--locale', 'xx_YY.UTF-8'], '--locale'],
    [['--recipe', 'custom', '--env', '1BAD=x'], '--env'],
    [['--recipe', 'custom', '--base', 'debian:latest'], '--base'],
    [['--recipe', 'custom', '--base', 'Debian:Bookworm'], '--base'],
    [['--recipe', 'custom', '--service', 'mysql'], '--service'],
    [['--recipe', 'custom', '--runtime', 'cobol'], '--runtime'],
    [['--recipe', 'custom', '--set', 'nosuch=1'], '--set'],
    [['--recipe', 'nosuch'], '--recipe'],
    [['--bogus-flag'], 'bogus-flag'],
  ])('bad input %j: one line naming %s, exit 2, nothing written', async (args, flag) => {
    const dir = await tempDir();
    const target = path.join(dir, 'out');
    const r = await cli([target, '--yes', ...args], { env: NO_TTY });
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toContain(flag);
    expect(existsSync(target)).toBe(false);
  });

  it('an installation missing its own files says so in one line, exit 1, never a stack', async () => {
    const copy = await tempDir('ci-partial-install-');
    cpSync(path.join(ROOT, 'bin'), path.join(copy, 'bin'), { recursive: true });
    cpSync(path.join(ROOT, 'dist'), path.join(copy, 'dist'), { recursive: true });
    const r = await execa(process.execPath, [path.join(copy, 'bin/create-image.cjs'), path.join(copy, 'out'), '--recipe', 'custom', '--yes'], { reject: false, env: NO_TTY });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(`create-image: the installation is incomplete: no recipes.schema.json in ${path.join(copy, 'dist')} or above it; reinstall create-image`);
    expect(existsSync(path.join(copy, 'out'))).toBe(false);
  });

  it('without a TTY a missing required answer is an error naming the flag (never a prompt)', async () => {
    const dir = await tempDir();
    const r = await cli([path.join(dir, 'x')], { env: NO_TTY });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--recipe/);
  });

  it('writes every promised file; the record holds answers but no secrets', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'web');
    const r = await cli([target, '--recipe', 'custom', '--runtime', 'node', '--service', 'nginx', '--port', '8080', '--env', 'MODE=prod', '--yes'], { env: NO_TTY });
    expect(r.exitCode, r.stderr).toBe(0);
    const files = readdirSync(target);
    for (const f of ['Dockerfile', 'docker-entrypoint.sh', '.dockerignore', 'README.md', '.create-image.json']) expect(files).toContain(f);
    const record = JSON.parse(readFileSync(path.join(target, '.create-image.json'), 'utf8'));
    expect(record.recipe.name).toBe('custom');
    expect(record.answers.env).toEqual({ MODE: 'prod' });
    expect(readFileSync(path.join(target, 'README.md'), 'utf8')).toMatch(/docker run[^\n]*-p 8080:8080/);
    expect(r.stdout).toMatch(/docker build -t web:latest/);
    expect(r.stdout).toMatch(/docker run .*-p 8080:8080/);
    // the entrypoint is executable, as written
    expect(readFileSync(path.join(target, 'docker-entrypoint.sh'), 'utf8').startsWith('#!/bin/sh')).toBe(true);
  });

  it('refuses a target with files it would change, listing them; --force overwrites; same content is fine', async () => {
    const target = await tempDir();
    writeFileSync(path.join(target, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(path.join(target, 'keep.txt'), 'mine\n');
    const refused = await cli([target, '--recipe', 'custom', '--yes'], { env: NO_TTY });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('Dockerfile');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(path.join(target, 'Dockerfile'), 'utf8')).toBe('FROM scratch\n');
    expect(existsSync(path.join(target, '.create-image.json'))).toBe(false); // nothing half-written

    const forced = await cli([target, '--recipe', 'custom', '--yes', '--force'], { env: NO_TTY });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(path.join(target, 'Dockerfile'), 'utf8')).toMatch(/^FROM debian:trixie-slim$/m);
    expect(readFileSync(path.join(target, 'keep.txt'), 'utf8')).toBe('mine\n');

    const again = await cli([target, '--recipe', 'custom', '--yes'], { env: NO_TTY });
    expect(again.exitCode, again.stderr).toBe(0); // identical files are not conflicts
  });

  it('--dry-run prints the plan and a unified diff for changed files, and writes nothing', async () => {
    const target = await tempDir();
    writeFileSync(path.join(target, 'Dockerfile'), 'FROM scratch\n');
    const r = await cli([target, '--recipe', 'custom', '--yes', '--dry-run'], { env: NO_TTY });
    // the run without --dry-run would refuse to overwrite the Dockerfile: the dry run exits as it would
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/without --dry-run this would stop: .*Dockerfile.*--force/);
    expect(r.stdout).toMatch(/create\s+docker-entrypoint\.sh/);
    expect(r.stdout).toMatch(/change\s+Dockerfile/);
    expect(r.stdout).toContain('-FROM scratch');
    expect(r.stdout).toContain('+FROM debian:trixie-slim');
    expect(readdirSync(target)).toEqual(['Dockerfile']);

    const j = await cli([target, '--recipe', 'custom', '--yes', '--dry-run', '--json'], { env: NO_TTY });
    const data = JSON.parse(j.stdout);
    expect(data.dryRun).toBe(true);
    expect(data.ok).toBe(false);
    expect(data.wouldRefuse).toMatch(/Dockerfile/);
    expect(data.files.find((f: { path: string }) => f.path === 'Dockerfile').status).toBe('changed');
    expect(readdirSync(target)).toEqual(['Dockerfile']);
  });

  it('--json prints one JSON document with the files and next steps', async () => {
    const dir = await tempDir();
    const r = await cli([path.join(dir, 'api'), '--recipe', 'custom', '--service', 'redis', '--port', '6379', '--yes', '--json'], { env: NO_TTY });
    expect(r.exitCode, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.written).toContain('Dockerfile');
    expect(data.nextSteps.some((s: string) => s.startsWith('docker build'))).toBe(true);
    expect(data.nextSteps.some((s: string) => /docker run .*-p 6379:6379/.test(s))).toBe(true);
  });

  it('--answers reads YAML (flags win over the file)', async () => {
    const dir = await tempDir();
    const answers = path.join(dir, 'answers.yaml');
    writeFileSync(answers, 'recipe: custom\ntz: Europe/Paris\nlocale: fr_FR.UTF-8\nservices: [nginx]\nports: ["8081"]\nenv:\n  GREETING: "bonjour"\n');
    const target = path.join(dir, 'out');
    const r = await cli([target, '--answers', answers, '--tz', 'Asia/Tokyo'], { env: NO_TTY });
    expect(r.exitCode, r.stderr).toBe(0);
    const rec = JSON.parse(readFileSync(path.join(target, '.create-image.json'), 'utf8'));
    expect(rec.answers.tz).toBe('Asia/Tokyo');
    expect(rec.answers.locale).toBe('fr_FR.UTF-8');
    expect(readFileSync(path.join(target, 'Dockerfile'), 'utf8')).toContain('GREETING="bonjour"');

    writeFileSync(answers, 'recipe: custom\ncolour: blue\n');
    const bad = await cli([path.join(dir, 'out2'), '--answers', answers], { env: NO_TTY });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--answers colour/);
  });

  it('a secret never lands in the Dockerfile: a secret-looking --env is refused with what to do instead', async () => {
    const dir = await tempDir();
    const r = await cli([path.join(dir, 'x'), '--recipe', 'custom', '--env', 'DB_PASSWORD=hunter2', '--yes'], { env: NO_TTY });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--env DB_PASSWORD: .*run time/);
    expect(r.stderr).not.toContain('hunter2');
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
    const ok = await cli([path.join(dir, 'y'), '--recipe', 'custom', '--env', 'DB_PASSWORD_FILE=/run/secrets/db', '--yes'], { env: NO_TTY });
    expect(ok.exitCode, ok.stderr).toBe(0);
  });

  it('a symlink in the target that points outside is never followed', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 't');
    const outside = path.join(dir, 'outside');
    mkdirSync(target);
    mkdirSync(outside);
    await execa('ln', ['-s', outside, path.join(target, 'config')]);
    const r = await cli([target, '--recipe', 'custom', '--service', 'nginx', '--yes', '--force'], { env: NO_TTY });
    expect(r.exitCode).not.toBe(0);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('list, info and validate', async () => {
    const list = await cli(['list', '--json']);
    expect(list.exitCode).toBe(0);
    expect(JSON.parse(list.stdout).ok).toBe(true);
    const names = JSON.parse(list.stdout).recipes.map((r: { name: string }) => r.name);
    expect(names).toContain('custom');
    const info = await cli(['info', 'custom', '--json']);
    const data = JSON.parse(info.stdout);
    expect(data.name).toBe('custom');
    expect(JSON.stringify(data)).toContain('app');
    const human = await cli(['info', 'custom']);
    expect(human.stdout).toMatch(/custom/);
    const ok = await cli(['validate', path.join(ROOT, 'recipes/custom')]);
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    const missing = await cli(['info', 'nosuch']);
    expect(missing.exitCode).toBe(2);
  });

  it('validate points at file:line of a broken manifest and a broken template', async () => {
    const dir = await tempDir();
    const recipe = path.join(dir, 'broken');
    mkdirSync(recipe);
    writeFileSync(path.join(recipe, 'recipe.json'), '{\n  "name": "broken",\n  "version": "1.0.0",\n  "description": "x",\n  "bases": { "families": ["debian"], "default": "debian:latest" },\n  "files": [{ "template": "Dockerfile.eta", "path": "Dockerfile" }]\n}\n');
    writeFileSync(path.join(recipe, 'Dockerfile.eta'), 'FROM <%= it.base %>\n');
    const r = await cli(['validate', recipe]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/recipe\.json:5/);

    writeFileSync(path.join(recipe, 'recipe.json'), '{\n  "name": "broken",\n  "version": "1.0.0",\n  "description": "x",\n  "bases": { "families": ["debian"], "default": "debian:bookworm-slim" },\n  "files": [{ "template": "Dockerfile.eta", "path": "Dockerfile" }]\n}\n');
    writeFileSync(path.join(recipe, 'Dockerfile.eta'), 'FROM <%= it.base %>\n\nRUN <%= it.nosuch.deeper %>\n');
    const t = await cli(['validate', recipe]);
    expect(t.exitCode).not.toBe(0);
    expect(t.stdout + t.stderr).toMatch(/Dockerfile\.eta:3/);
  });


  it('the lazy bundle uses the main bundle’s modules instead of carrying copies', () => {
    const main = readFileSync(path.join(ROOT, 'dist/cli.cjs'), 'utf8');
    const lazyName = /lazy-[0-9a-f]{10}\.cjs/.exec(main)?.[0];
    expect(lazyName).toBeDefined();
    const lazy = readFileSync(path.join(ROOT, 'dist', lazyName!), 'utf8');
    // messages from modules both halves use (core validation, errors, render, writing) live in the main bundle only
    for (const text of ['is not a known time zone', 'would leave the target dir', 'leaves the target dir']) {
      if (!main.includes(text)) continue;
      expect(lazy.includes(text), `${text} is in ${lazyName}`).toBe(false);
    }
    expect(main.includes('is not a known time zone')).toBe(true);
    expect(/require\(["']\.\/cli\.cjs["']\)\.__shared/.test(lazy)).toBe(true);
  });

  it('the V8 code cache: written on the first run, used after, and never in the way', async () => {
    const dir = await tempDir();
    const cacheHome = path.join(dir, 'cache');
    const v8dir = path.join(cacheHome, 'create-image', 'v8');
    const render = (n: string, env: Record<string, string> = {}) => cli([path.join(dir, n), '--recipe', 'go', '--name', 'app', '--yes'], { env: { XDG_CACHE_HOME: cacheHome, ...env } });
    const dockerfile = (n: string) => readFileSync(path.join(dir, n, 'Dockerfile'), 'utf8');

    // kept from a generation only: a cache from `--version` would hold little of what a render compiles
    expect((await cli(['--version'], { env: { XDG_CACHE_HOME: cacheHome } })).exitCode).toBe(0);
    expect(existsSync(v8dir)).toBe(false);

    const first = await render('a');
    expect(first.exitCode, first.stderr).toBe(0);
    const files = readdirSync(v8dir);
    expect(files).toHaveLength(1);
    const cacheFile = path.join(v8dir, files[0]!);
    const written = statSync(cacheFile);
    expect(written.size).toBeGreaterThan(10_000);

    // a second run reads it and leaves it alone
    const second = await render('b');
    expect(second.exitCode, second.stderr).toBe(0);
    expect(dockerfile('b')).toBe(dockerfile('a'));
    expect(statSync(cacheFile).mtimeMs).toBe(written.mtimeMs);

    // garbage in the cache: V8 rejects it, the run compiles as usual and writes a good one
    writeFileSync(cacheFile, 'not a code cache');
    const third = await render('c');
    expect(third.exitCode, third.stderr).toBe(0);
    expect(dockerfile('c')).toBe(dockerfile('a'));
    expect(statSync(cacheFile).size).toBeGreaterThan(10_000);

    // no usable cache dir (a file where the dir should be), or turned off: runs all the same
    const blocked = path.join(dir, 'blocked');
    writeFileSync(blocked, '');
    const fourth = await render('d', { XDG_CACHE_HOME: blocked });
    expect(fourth.exitCode, fourth.stderr).toBe(0);
    expect(fourth.stderr).toBe('');
    const off = await render('e', { XDG_CACHE_HOME: path.join(dir, 'off'), CREATE_IMAGE_NO_CODE_CACHE: '1' });
    expect(off.exitCode, off.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'off'))).toBe(false);
    expect(dockerfile('e')).toBe(dockerfile('a'));
  });

  it('recipe new points $schema at a schema the recipe can keep: an install of its project, else the published URL', async () => {
    const dir = await tempDir();
    const schemaOf = (recipeDir: string) => (JSON.parse(readFileSync(path.join(recipeDir, 'recipe.json'), 'utf8')) as { $schema: string }).$schema;
    // run through npx: the package lives in npx's cache, which is no place to point at
    const npxBin = installCopy(path.join(dir, 'home', '.npm', '_npx', '0123abcd'));
    const viaNpx = await execa(process.execPath, [npxBin, 'recipe', 'new', 'web', '--dir', path.join(dir, 'mine')], { reject: false });
    expect(viaNpx.exitCode, viaNpx.stderr).toBe(0);
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(schemaOf(path.join(dir, 'mine', 'web'))).toBe(`https://unpkg.com/create-image@${version}/recipes.schema.json`);
    // a project that installs create-image: a relative path into its node_modules, whichever copy runs
    const project = path.join(dir, 'project');
    installCopy(project);
    const inProject = await execa(process.execPath, [npxBin, 'recipe', 'new', 'api', '--dir', path.join(project, 'recipes')], { reject: false });
    expect(inProject.exitCode, inProject.stderr).toBe(0);
    const ref = schemaOf(path.join(project, 'recipes', 'api'));
    expect(ref).toBe('../../node_modules/create-image/recipes.schema.json');
    expect(existsSync(path.resolve(project, 'recipes', 'api', ref))).toBe(true);
  });

  it('the V8 code cache stays bounded however many install locations run', async () => {
    const dir = await tempDir();
    const cacheHome = path.join(dir, 'cache');
    const v8dir = path.join(cacheHome, 'create-image', 'v8');
    const bins: string[] = [];
    for (let i = 0; i < 7; i++) bins.push(installCopy(path.join(dir, 'npx', `entry${i}`)));
    for (const [i, bin] of bins.entries()) {
      const r = await execa(process.execPath, [bin, path.join(dir, `out${i}`), '--recipe', 'go', '--yes'], { env: { XDG_CACHE_HOME: cacheHome, NO_COLOR: '1' }, reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readdirSync(v8dir).length).toBeLessThanOrEqual(4);
    }
    const files = readdirSync(v8dir);
    expect(files).toHaveLength(4);
    expect(files.every((f) => f.endsWith('.bin'))).toBe(true);
    // the newest location's cache is among them, and it is used: a second run leaves it alone
    const newest = files.map((f) => ({ f, t: statSync(path.join(v8dir, f)).mtimeMs })).sort((a, b) => b.t - a.t)[0]!;
    await execa(process.execPath, [bins.at(-1)!, path.join(dir, 'again'), '--recipe', 'go', '--yes'], { env: { XDG_CACHE_HOME: cacheHome } });
    expect(statSync(path.join(v8dir, newest.f)).mtimeMs).toBe(newest.t);
    expect(readdirSync(v8dir)).toHaveLength(4);
  });

  it('built-in manifests are validated at build time; any other manifest text still is at run time', async () => {
    // the bundle carries the sha256 of every built-in manifest that passed (scripts/build.mjs)
    const bundle = readFileSync(path.join(ROOT, 'dist/cli.cjs'), 'utf8');
    for (const name of ['custom', 'go', 'vsftpd']) {
      const text = readFileSync(path.join(ROOT, 'recipes', name, 'recipe.json'), 'utf8');
      expect(bundle, name).toContain(createHash('sha256').update(text).digest('hex'));
    }
    // a copy of a built-in with one field broken is a different text: validated, refused with file:line
    const dir = await tempDir();
    const copy = path.join(dir, 'go');
    cpSync(path.join(ROOT, 'recipes/go'), copy, { recursive: true });
    const manifest = readFileSync(path.join(copy, 'recipe.json'), 'utf8');
    writeFileSync(path.join(copy, 'recipe.json'), manifest.replace(/"version": "[^"]+"/, '"version": "not-semver"'));
    const r = await cli([path.join(dir, 'out'), '--recipes', dir, '--trust', '--recipe', 'go', '--yes'], { env: NO_TTY });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/recipe\.json:\d+: version/);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });
  it('npm pack, then npx ./create-image-<version>.tgz --help works from another dir', async () => {
    const dir = await tempDir();
    const work = path.join(dir, 'elsewhere');
    mkdirSync(work);
    const packed = await execa('npm', ['pack', '--pack-destination', work, '--ignore-scripts'], { cwd: ROOT });
    const tgz = packed.stdout.trim().split('\n').pop()!;
    expect(existsSync(path.join(work, tgz))).toBe(true);
    const r = await execa('npx', ['--yes', `./${tgz}`, '--help'], { cwd: work, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Usage: create-image/);
    const gen = await execa('npx', ['--yes', `./${tgz}`, 'out', '--recipe', 'custom', '--yes'], { cwd: work, reject: false, env: { CI: '1' } });
    expect(gen.exitCode, gen.stderr).toBe(0);
    expect(existsSync(path.join(work, 'out', 'Dockerfile'))).toBe(true);
  }, 180_000);
});
