// gitlab: a full build needs gitlab.com and hours, so this runs what can run here for real: the rendered
// entrypoint and runtime assets in a tiny debian:trixie-slim image, turning env vars into config files.
// The recipe's own check (app:config in a one-shot run) is run on it as --build and the CI script do.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { execa } from 'execa';
import { smokeChecks } from '../../src/core/smoke.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { cli, derivedImage, describeEngine, docker, onCleanup, removeImageLater, tempDir, uniqueName, verifyWith, type DockerClient } from '../helpers/engine.js';
import { buildGitlabStandIn } from '../helpers/gitlab-stand-in.js';

const SECRETS = {
  DB_PASS: 'db-pass-1',
  GITLAB_SECRETS_DB_KEY_BASE: 'db-key-base-2',
  GITLAB_SECRETS_SECRET_KEY_BASE: 'secret-key-base-3',
  GITLAB_SECRETS_OTP_KEY_BASE: 'otp-key-base-4',
};
// Quotes, colons, a YAML comment, shell substitutions, a backslash, a tab, a newline and non-ASCII text.
const HOSTILE = `He said "hi": it's $(touch /tmp/pwned) \`touch /tmp/pwned2\` #not-a-comment \\ t\tab\nline2 ünï 東京`;

describeEngine('gitlab recipe (entrypoint config generation in a real container)', ({ clients }) => {
  // BuildKit where this machine has it (the tiny image builds in seconds either way).
  const client: DockerClient = clients.find((c) => c.name === 'buildkit') ?? clients[0]!;
  let image = '';
  let dir = '';

  const envArgs = (env: Record<string, string>) => Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

  /** Runs the image's entrypoint with `cmd`; returns the result and, when asked, copies `copyOut` to the host. */
  async function run(env: Record<string, string>, cmd: string[], opts: { copyOut?: string[]; args?: string[] } = {}) {
    const name = uniqueName('gitlab-cfg');
    onCleanup(() => docker(['rm', '-f', '-v', name], { reject: false }));
    const r = await docker(['run', '--name', name, ...(opts.args ?? []), ...envArgs(env), image, ...cmd], { reject: false });
    const out = await tempDir('ci-gitlab-out-');
    for (const p of opts.copyOut ?? []) await docker(['cp', `${name}:${p}`, path.join(out, path.basename(p))]);
    const diff = (await docker(['diff', name], { reject: false })).stdout;
    return { ...r, out, diff };
  }

  it('info shows the questions, env vars (secrets flagged), ports and volumes', async () => {
    const r = await cli(['info', 'gitlab']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/gitlab_version \(string[^)]*\) default "18\.\d+\.\d+"/);
    expect(r.stdout).toContain('gitaly_server_version');
    expect(r.stdout).toContain('DB_PASS (secret, or DB_PASS_FILE) (required)');
    expect(r.stdout).toContain('GITLAB_SECRETS_OTP_KEY_BASE (secret, or GITLAB_SECRETS_OTP_KEY_BASE_FILE) (required)');
    expect(r.stdout).toMatch(/GITLAB_HOST = "localhost"/);
    expect(r.stdout).toMatch(/ports: +22 80 443/);
    expect(r.stdout).toMatch(/volumes: +\/home\/git\/data \/var\/log\/gitlab/);
    const json = JSON.parse((await cli(['info', 'gitlab', '--json'])).stdout) as { env: { name: string; secret: boolean }[] };
    expect(json.env.filter((e) => e.secret).map((e) => e.name)).toEqual([...Object.keys(SECRETS), 'GITLAB_ROOT_PASSWORD']);
  });

  it('generates the recipe and builds a test image from its entrypoint and runtime assets', async () => {
    const root = await tempDir('ci-gitlab-');
    dir = path.join(root, 'gitlab');
    const r = await cli([dir, '--recipe', 'gitlab', '--ci', 'gitlab', '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    image = `${uniqueName('gitlab-cfg')}:test`;
    removeImageLater(image);
    await buildGitlabStandIn(dir, root, image, client);
  }, 180_000);

  it("its check runs alone (app:config, throwaway secrets), as --build verifies and as ci/smoke-test.sh runs it; a config that cannot be written fails it", async () => {
    const manifest = JSON.parse(await readFile(path.join(builtinRecipesDir(), 'gitlab', 'recipe.json'), 'utf8'));
    const checks = smokeChecks(manifest, { set: {}, tz: 'UTC', locale: 'C.UTF-8', runtime: { name: 'none', version: '' }, family: 'debian' });
    expect(checks).toEqual([expect.objectContaining({ oneShot: true, command: ['app:config'], randomEnv: Object.keys(SECRETS) })]);
    const ok = await verifyWith(image, checks, 60);
    expect(ok).toMatchObject({ health: 'not-run', checks: ['alone: run with app:config expecting "Config written to"'] });
    const ci = (img: string) => execa('sh', [path.join(dir, 'ci/smoke-test.sh'), img], { reject: false, all: true });
    const passed = await ci(image);
    expect(passed.exitCode, String(passed.all)).toBe(0);
    expect(String(passed.all)).toMatch(/^smoke: passed \(run with app:config\)\nsmoke: OK$/m);
    // the image lacking a template its config is written from
    const broken = await derivedImage(image, 'rm /etc/docker-gitlab/runtime/config/gitlabhq/database.yml');
    expect(await verifyWith(broken, checks, 60).then(() => 'passed', (e: Error) => e.message)).toMatch(/^check failed: alone: run with app:config expecting "Config written to": the run exited [1-9]/);
    const failed = await ci(broken);
    expect(failed.exitCode).not.toBe(0);
    expect(String(failed.all)).toMatch(/smoke: run with app:config: the run failed: /);
  }, 180_000);

  it('app:config writes gitlab.yml, database.yml, secrets.yml and resque.yml from the env, values arriving byte for byte', async () => {
    const env = { ...SECRETS, DB_PASS: HOSTILE, GITLAB_EMAIL_DISPLAY_NAME: HOSTILE, GITLAB_HOST: 'git.example.com', GITLAB_PORT: '8443', GITLAB_HTTPS: 'true', DB_HOST: 'db.internal', REDIS_HOST: 'cache', REDIS_DB_NUMBER: '3' };
    const r = await run(env, ['app:config'], { copyOut: ['/home/git/gitlab/config', '/etc/nginx/sites-enabled/gitlab'] });
    expect(r.exitCode, r.stderr).toBe(0);
    const yml = async (f: string) => parse(await readFile(path.join(r.out, 'config', f), 'utf8')) as { production: Record<string, any> };

    const gitlab = (await yml('gitlab.yml')).production;
    expect(gitlab.gitlab).toMatchObject({ host: 'git.example.com', port: 8443, https: true, email_display_name: HOSTILE, email_from: 'gitlab@localhost', time_zone: 'UTC' });
    expect(gitlab.repositories.storages.default.gitaly_address).toBe('unix:/home/git/gitlab/tmp/sockets/private/gitaly.socket');
    expect(gitlab.gitlab_shell.ssh_port).toBe(22);

    const db = (await yml('database.yml')).production;
    for (const conn of [db.main, db.ci]) {
      expect(conn).toMatchObject({ adapter: 'postgresql', host: 'db.internal', port: 5432, username: 'gitlab', database: 'gitlabhq_production', password: HOSTILE, pool: 10 });
    }
    expect(db.ci.database_tasks).toBe(false);

    expect((await yml('secrets.yml')).production).toEqual({
      db_key_base: SECRETS.GITLAB_SECRETS_DB_KEY_BASE,
      secret_key_base: SECRETS.GITLAB_SECRETS_SECRET_KEY_BASE,
      otp_key_base: SECRETS.GITLAB_SECRETS_OTP_KEY_BASE,
    });
    expect((await yml('resque.yml')).production.url).toBe('redis://cache:6379/3');

    const nginx = await readFile(path.join(r.out, 'gitlab'), 'utf8');
    expect(nginx).toContain('listen 0.0.0.0:443 ssl default_server;');
    expect(nginx).toContain('server_name git.example.com;');
    expect(nginx).toContain('return 301 https://git.example.com:8443$request_uri;');
    // Nothing in the values was ever run by a shell.
    expect(r.diff).not.toMatch(/pwned/);
  });

  it('secret config files are 0600 and owned by git; the secret values never reach stdout/stderr', async () => {
    const r = await run(SECRETS, ['sh', '-c', '/sbin/entrypoint.sh app:config && stat -c "%a %U %n" /home/git/gitlab/config/*.yml']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('600 git /home/git/gitlab/config/database.yml');
    expect(r.stdout).toContain('600 git /home/git/gitlab/config/secrets.yml');
    expect(r.stdout).toContain('640 git /home/git/gitlab/config/gitlab.yml');
    for (const v of Object.values(SECRETS)) expect(r.stdout + r.stderr).not.toContain(v);
  });

  it('reads NAME_FILE secrets (Docker secrets style), trailing newline dropped', async () => {
    const secrets = await tempDir('ci-gitlab-secrets-');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(SECRETS)) {
      await writeFile(path.join(secrets, k.toLowerCase()), `${v}-from-file\n`, { mode: 0o644 });
      env[`${k}_FILE`] = `/run/secrets/${k.toLowerCase()}`;
    }
    const r = await run(env, ['app:config'], { copyOut: ['/home/git/gitlab/config'], args: ['-v', `${secrets}:/run/secrets:ro`] });
    expect(r.exitCode, r.stderr).toBe(0);
    const db = parse(await readFile(path.join(r.out, 'config', 'database.yml'), 'utf8')) as { production: { main: { password: string } } };
    expect(db.production.main.password).toBe('db-pass-1-from-file');
    const sec = parse(await readFile(path.join(r.out, 'config', 'secrets.yml'), 'utf8')) as { production: Record<string, string> };
    expect(sec.production.otp_key_base).toBe('otp-key-base-4-from-file');

    const both = await run({ ...env, DB_PASS: 'also-set' }, ['app:config'], { args: ['-v', `${secrets}:/run/secrets:ro`] });
    expect(both.exitCode).not.toBe(0);
    expect(both.stderr).toContain('both DB_PASS and DB_PASS_FILE are set');
  });

  it('fails clearly, naming the variable and its _FILE form, when a required secret is missing', async () => {
    const { GITLAB_SECRETS_OTP_KEY_BASE: _omit, ...rest } = SECRETS;
    const r = await run(rest, ['app:config']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('error: GITLAB_SECRETS_OTP_KEY_BASE is required');
    expect(r.stderr).toContain('GITLAB_SECRETS_OTP_KEY_BASE_FILE');
    expect(r.diff).not.toContain('secrets.yml');
    // The default command (app:start) checks before doing anything else.
    const start = await run({}, []);
    expect(start.exitCode).not.toBe(0);
    expect(start.stderr).toMatch(/^error: DB_PASS is required: set it with -e DB_PASS=\.\.\. or -e DB_PASS_FILE=/m);
  });

  it('rejects a malformed setting by name instead of writing a broken config', async () => {
    const port = await run({ ...SECRETS, GITLAB_PORT: '80; rm -rf /' }, ['app:config']);
    expect(port.exitCode).not.toBe(0);
    expect(port.stderr).toContain('GITLAB_PORT must be a whole number from 1 to 65535');
    const https = await run({ ...SECRETS, GITLAB_HTTPS: 'yes please' }, ['app:config']);
    expect(https.stderr).toContain('GITLAB_HTTPS must be true or false');
    const host = await run({ ...SECRETS, GITLAB_HOST: 'evil.com; return 200' }, ['app:config']);
    expect(host.exitCode).not.toBe(0);
    expect(host.stderr).toContain('GITLAB_HOST must be a host name');
  });

  it('app:sanitize needs no secrets and gives the data volume back to git', async () => {
    const vol = uniqueName('gitlab-data');
    onCleanup(() => docker(['volume', 'rm', '-f', vol], { reject: false }));
    const mount = ['-v', `${vol}:/home/git/data`];
    const seed = await run({}, ['sh', '-c', 'mkdir -p /home/git/data/repositories/group/p.git && touch /home/git/data/repositories/group/p.git/HEAD /home/git/data/restored.tar'], { args: mount });
    expect(seed.exitCode, seed.stderr).toBe(0);
    const r = await run({}, ['app:sanitize'], { args: mount });
    expect(r.exitCode, r.stderr).toBe(0);
    const check = await run({}, ['sh', '-c', 'stat -c "%a %U %n" /home/git/data/repositories/group/p.git /home/git/data/repositories/group/p.git/HEAD /home/git/data/restored.tar /home/git/data/.ssh'], { args: mount });
    expect(check.stdout).toContain('2770 git /home/git/data/repositories/group/p.git\n');
    expect(check.stdout).toMatch(/^\d+ git \/home\/git\/data\/repositories\/group\/p\.git\/HEAD$/m);
    expect(check.stdout).toMatch(/^\d+ git \/home\/git\/data\/restored\.tar$/m);
    expect(check.stdout).toContain('700 git /home/git/data/.ssh');
  });

  it('runs any other command as given (exec), without requiring secrets; app:help lists the commands', async () => {
    const r = await run({}, ['echo', 'hello', 'a  b']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('hello a  b');
    const pid1 = await run({}, ['sh', '-c', 'echo "pid=$$"']);
    expect(pid1.stdout).toBe('pid=1');
    const help = await run({}, ['app:help']);
    expect(help.exitCode).toBe(0);
    for (const c of ['app:start', 'app:init', 'app:config', 'app:sanitize', 'app:rake']) expect(help.stdout).toContain(c);
  });
});
