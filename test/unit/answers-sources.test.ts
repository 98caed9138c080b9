// Answers from every source behave alike: the record replays as an answers file, answers files are
// checked by one schema, `update` changes answers through the same layers, and the CLI's words and
// JSON say what happened. Run in process through the CLI's error boundary.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rawAnswersFrom } from '../../src/core/raw-answers.js';
import { editDistance } from '../../src/core/suggest.js';
import type { PortSpec } from '../../src/core/types.js';
import { checkImageName, containerName, formatPort, imageTag } from '../../src/core/validate.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { portsWithAddedServices } from '../../src/update/update.js';
import { execa } from 'execa';
import { shCommand } from '../../src/core/escape.js';
import { runCli } from '../helpers/cli-inprocess.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(tmp, `t${n++}`);
const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('the record is an answers file', () => {
  it('--answers .create-image.json renders the same files (CA certificates read back from certs/)', async () => {
    const a = fresh();
    const cert = path.join(tmp, 'proxy.pem');
    writeFileSync(cert, CERT);
    const flags = ['--recipe', 'custom', '--yes', '--name', 'acme/web:1.2', '--tz', 'Asia/Shanghai', '--locale', 'de_DE.UTF-8', '--runtime', 'node', '--service', 'nginx', '--service', 'redis', '--supervisor', 'watchdog', '--port', '8080', '--port', '53/udp', '--env', 'GREETING=hi "there"\nsecond line', '--set', 'app=srv', '--ca-cert', cert];
    expect((await runCli([a, ...flags])).exitCode).toBe(0);
    const b = fresh();
    const r = await runCli([b, '--answers', path.join(a, '.create-image.json'), '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    const files = (d: string) => readdirSync(d, { recursive: true }).map(String).filter((f) => !f.startsWith('.create-image/')).sort();
    expect(files(b).join('\n')).toBe(files(a).join('\n'));
    for (const f of files(a)) if (statSync(path.join(a, f)).isFile()) expect(read(b, f), f).toBe(read(a, f));
  });
});

describe('answers files are checked by one schema', () => {
  it.each([
    ['a mapping', 'env:\n  FOO: bar\n  N: 5\n'],
    ['one KEY=VALUE string', 'env: FOO=bar\n'],
    ['a list of KEY=VALUE strings', 'env: [FOO=bar, "N=5"]\n'],
  ])('env as %s', async (_what, yaml) => {
    const file = path.join(tmp, `env-${n}.yaml`);
    writeFileSync(file, yaml);
    const t = fresh();
    const r = await runCli([t, '--recipe', 'custom', '--yes', '--answers', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(t, 'Dockerfile')).toContain('FOO="bar"');
  });

  it('wrong types name their field, all at once', () => {
    const layer = { values: { tz: 5, recipe: ['a'], base: { a: 1 }, services: [1], env: { A: { b: 1 } }, set: 'nokey' }, path: (k: string) => `--answers ${k}`, keys: ['tz', 'recipe', 'base', 'services', 'env', 'set'] };
    expect(() => rawAnswersFrom([layer])).toThrow(
      [
        '--answers recipe: expected a string, got a list',
        '--answers base: expected a string, got a mapping',
        '--answers tz: expected a string, got a number (5)',
        '--answers services[0]: expected a string, got a number (1)',
        '--answers env A: expected a string, got a mapping',
        '--answers set: "nokey" is not an assignment: expected key=value (e.g. --set admin_user=alice)',
      ].join('\n'),
    );
  });

  it('an issue about a value from the file names the file field, not a flag the user never typed', async () => {
    const file = path.join(tmp, 'tz.json');
    writeFileSync(file, JSON.stringify({ tz: 'Asia/Shangai', env: { TZ: 'UTC' } }));
    const r = await runCli([fresh(), '--recipe', 'custom', '--yes', '--answers', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('create-image: --answers tz: "Asia/Shangai" is not a known time zone: did you mean Asia/Shanghai?');
    expect(r.stderr).toContain('create-image: --answers env TZ: is set by --tz');
  });
});

describe('image names', () => {
  it('follow the reference grammar, and what is derived uses them as given', () => {
    for (const ok of ['web', 'acme/web', 'localhost:5000/team/app:1.0', 'ghcr.io/a_b/c-d:v1', 'a.b__c']) expect(checkImageName(ok), ok).toBeUndefined();
    for (const bad of ['$(id)', 'Evil Name', 'UPPER', 'app@sha256:' + 'a'.repeat(64), '', '-x', 'a//b', 'a:']) expect(checkImageName(bad), bad).toMatch(/is not an image name: use lower-case/);
    expect(imageTag('acme/web')).toBe('acme/web:latest');
    expect(imageTag('localhost:5000/web')).toBe('localhost:5000/web:latest');
    expect(imageTag('acme/web:1.2')).toBe('acme/web:1.2');
    expect(containerName('ghcr.io/acme/web:1.2')).toBe('web');
  });

  it('a registry name with a tag reaches the next steps and compose unchanged', async () => {
    const t = fresh();
    const r = await runCli([t, '--recipe', 'custom', '--yes', '--name', 'localhost:5000/team/web:2.0', '--compose']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('docker build -t localhost:5000/team/web:2.0 .');
    expect(r.stdout).toContain('docker run --rm -it --name web localhost:5000/team/web:2.0');
    expect(read(t, 'compose.yaml')).toMatch(/^ {4}image: "?localhost:5000\/team\/web:2\.0"?$/m);
  });
});

describe('--json', () => {
  it('prints one object on success (ok: true) and on failure ({ ok: false, exitCode, error: { code, message, flag } })', async () => {
    const ok = JSON.parse((await runCli([fresh(), '--recipe', 'custom', '--yes', '--json'])).stdout);
    expect(ok.ok).toBe(true);
    const bad = await runCli([fresh(), '--recipe', 'custom', '--yes', '--json', '--tz', 'Mars/Base', '--port', '0']);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'usage', flag: '--tz', issues: [{ path: '--tz' }, { path: '--port' }] } });
    const conflict = fresh();
    mkdirSync(conflict);
    writeFileSync(path.join(conflict, 'Dockerfile'), 'FROM scratch\n');
    const c = await runCli([conflict, '--recipe', 'custom', '--yes', '--json']);
    expect(JSON.parse(c.stdout)).toMatchObject({ ok: false, exitCode: 1, error: { code: 'conflict', flag: null } });
  });
});

describe('a build that fails after the files are written', () => {
  it('--json says so in one document, with the files written; an empty reason is said as such', async () => {
    const docker = path.join(tmp, 'silent-docker');
    writeFileSync(docker, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    const before = process.env.CREATE_IMAGE_DOCKER;
    process.env.CREATE_IMAGE_DOCKER = docker;
    try {
      const t = fresh();
      const r = await runCli([t, '--recipe', 'custom', '--yes', '--name', 'acme/web:1.2', '--build', '--json']);
      expect(r.exitCode).toBe(1);
      const doc = JSON.parse(r.stdout);
      expect(doc).toMatchObject({ ok: false, exitCode: 1, error: { code: 'tool', flag: null }, details: { target: t } });
      expect(doc.details.written).toContain('Dockerfile');
      expect(doc.error.message).toContain(`${docker} --version failed (from CREATE_IMAGE_DOCKER): exit 3 with no output;`);
      // the hint builds the name as given, never a re-spelt tag
      expect(doc.error.message).toContain('docker build -t acme/web:1.2');
    } finally {
      if (before === undefined) delete process.env.CREATE_IMAGE_DOCKER;
      else process.env.CREATE_IMAGE_DOCKER = before;
    }
  });
});

describe('mistyped subcommands', () => {
  it('a word near a command stops with did-you-mean, unless an existing folder, --yes with a recipe, or a path says otherwise', async () => {
    const r = await runCli(['lst', '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('create-image: unknown command "lst": did you mean list? (to generate into a folder named lst, add --recipe <name> --yes, or create the folder first)\n');
    const t = path.join(tmp, 'lst');
    expect((await runCli([t, '--yes'])).exitCode, 'a path').toBe(0);
    expect((await runCli(['bulid', '--recipe', 'custom', '--yes'], { cwd: tmp })).exitCode).toBe(0);
    expect(readdirSync(path.join(tmp, 'bulid'))).toContain('Dockerfile');
    const help = await runCli(['help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: create-image/);
  });

  it.each([
    [['infoo', 'custom'], 'unknown command "infoo": did you mean info?'],
    [['valiate', 'x'], 'unknown command "valiate": did you mean validate?'],
    [['hepl'], 'unknown command "hepl": did you mean help? (to generate into a folder named hepl, add --recipe <name> --yes, or create the folder first)'],
    [['recipe', 'nwe'], 'unknown command "nwe": did you mean new?'],
  ])('%j gets one did-you-mean line, also in --json', async (args, said) => {
    const r = await runCli(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`create-image: ${said}\n`);
    const j = await runCli([...args, '--json']);
    expect(j.exitCode).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { code: 'usage', message: said } });
  });

  it('a value commander refuses names its flag in --json', async () => {
    const r = await runCli([fresh(), '--recipe', 'custom', '--yes', '--supervisor', 'bad', '--json']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'usage', flag: '--supervisor' } });
  });

  it('edit distance', () => {
    expect(editDistance('lst', 'list')).toBe(1);
    expect(editDistance('Asia/Shangai', 'Asia/Shanghai')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'xyz123', 2)).toBe(3);
  });
});

describe('changing answers later', () => {
  it('a dry run exits as the real run would, and both name update; update changes tz, locale, services and ports', async () => {
    const t = fresh();
    expect((await runCli([t, '--recipe', 'custom', '--yes'])).exitCode).toBe(0);
    const dry = await runCli([t, '--recipe', 'custom', '--yes', '--tz', 'Europe/Berlin', '--dry-run']);
    const real = await runCli([t, '--recipe', 'custom', '--yes', '--tz', 'Europe/Berlin']);
    expect(dry.exitCode).toBe(1);
    expect(real.exitCode).toBe(1);
    for (const r of [dry, real]) expect(r.stderr).toMatch(/run create-image update .* with the new flags, which merges your edits; or --force/);

    writeFileSync(path.join(t, 'Dockerfile'), `# my edit\n${read(t, 'Dockerfile')}`);
    const u = await runCli(['update', t, '--tz', 'Europe/Berlin', '--locale', 'de_DE.UTF-8', '--service', 'nginx', '--port', '8080']);
    expect(u.exitCode, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/^Re-rendered custom \d+\.\d+\.\d+ with the changed answers \(builtin\)/);
    const df = read(t, 'Dockerfile');
    expect(df).toContain('/usr/share/zoneinfo/Europe/Berlin');
    expect(df).toContain('de_DE.UTF-8');
    expect(df).toContain('nginx');
    expect(df).toContain('EXPOSE 8080');
    expect(df).toContain('# my edit');
    const again = await runCli(['update', t, '--tz', 'Europe/Berlin']);
    expect(again.stdout).toMatch(/^Already up to date: custom \d+\.\d+\.\d+ \(builtin\)\n/);
    expect(again.stdout).toContain('  nothing to change\n');
    expect(again.stdout).not.toMatch(/custom (\S+) -> custom \1/);
    const bad = await runCli(['update', t, '--env', 'LANG=C']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--env LANG: is set by --locale');
  });
});

describe('update --service without --port', () => {
  // the record keeps each port as { from, to, proto }
  const ports = (t: string) => (JSON.parse(read(t, '.create-image.json')).answers.ports as PortSpec[]).map(formatPort);

  it('exposes the default port of each service it adds, as a fresh generation would', async () => {
    const t = fresh();
    expect((await runCli([t, '--recipe', 'custom', '--yes'])).exitCode).toBe(0);
    expect(ports(t)).toEqual([]);
    const nginx = await runCli(['update', t, '--service', 'nginx']);
    expect(nginx.exitCode, nginx.stderr).toBe(0);
    expect(ports(t)).toEqual(['8080']);
    expect(read(t, 'Dockerfile')).toMatch(/^EXPOSE 8080\/tcp$/m);
    // the recorded ports stay; redis (on loopback unless its port is asked for) and cron add none
    const more = await runCli(['update', t, '--service', 'nginx', '--service', 'redis', '--service', 'cron', '--supervisor', 'watchdog']);
    expect(more.exitCode, more.stderr).toBe(0);
    expect(ports(t)).toEqual(['8080']);
    expect(read(t, 'config/redis.conf')).toMatch(/^bind 127\.0\.0\.1$/m);
    // --port is the user's whole list, as at generation
    const given = await runCli(['update', t, '--service', 'cron', '--service', 'redis', '--port', '7000']);
    expect(given.exitCode, given.stderr).toBe(0);
    expect(ports(t)).toEqual(['7000']);
    // redis's port asked for: redis listens beyond loopback
    const asked = await runCli(['update', t, '--service', 'redis', '--port', '6379']);
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect(read(t, 'config/redis.conf')).toMatch(/^bind 0\.0\.0\.0$/m);
    // a port range already covering the default one
    const f = fresh();
    expect((await runCli([f, '--recipe', 'custom', '--yes', '--port', '8000-9000'])).exitCode).toBe(0);
    expect((await runCli(['update', f, '--service', 'nginx'])).exitCode).toBe(0);
    expect(ports(f)).toEqual(['8000-9000']);
  });

  it('adds only what the added services bring, and nothing where the recipe names default ports', () => {
    const custom = loadRecipeDir(path.join(builtinRecipesDir(), 'custom'));
    expect(portsWithAddedServices(custom, ['8080'], ['nginx'], ['nginx', 'cron'])).toEqual(['8080']);
    expect(portsWithAddedServices(custom, ['8080/udp'], [], ['nginx'])).toEqual(['8080/udp', '8080']);
    expect(portsWithAddedServices(custom, [], ['nginx'], ['nginx'])).toEqual([]);
    expect(portsWithAddedServices(custom, [], [], ['redis'])).toEqual([]);
    const fixed = { ...custom, manifest: { ...custom.manifest, defaults: { ...custom.manifest.defaults, ports: ['9000'] } } };
    expect(portsWithAddedServices(fixed, ['9000'], [], ['nginx'])).toEqual(['9000']);
  });
});

describe('wording', () => {
  it('says why nothing is asked, and blames what the user typed', async () => {
    const ci = process.env.CI;
    process.env.CI = '1';
    try {
      const r = await runCli([]);
      // the repository is itself a node project: nothing is written into it without --yes
      expect(r.stderr).toMatch(/^create-image: target-dir: required with CI set: \. holds .*create-image \. --yes/);
      expect(r.stderr).not.toContain('TTY');
      const elsewhere = await runCli(['--json'], { cwd: tmp });
      expect(elsewhere.stdout).toContain('--recipe: required with --json (or pass --yes for custom)');
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
    const empty = await runCli(['', '--yes']);
    expect(empty.stderr).toBe('create-image: target-dir: is empty: name a folder, e.g. create-image my-image ...\n');
    const info = await runCli(['info', 'cstom']);
    expect(info.stderr).toMatch(/^create-image: info <recipe>: unknown recipe "cstom" \(did you mean custom\?\)/);
    const v = await runCli(['validate', path.join(tmp, 'nonexistent')]);
    expect(v.exitCode).toBe(2);
    const rt = await runCli([fresh(), '--recipe', 'custom', '--yes', '--runtime', 'node@abc']);
    expect(rt.stderr).toBe('create-image: --runtime: version "abc" is not a version like 20 or 3.12\n');
  });

  it('a target that cannot be a folder is refused before anything is written', async () => {
    const file = path.join(tmp, 'plain-file');
    writeFileSync(file, 'x');
    const target = fresh();
    mkdirSync(target);
    writeFileSync(path.join(target, 'config'), 'a file where the recipe needs a folder');
    const r = await runCli([target, '--recipe', 'custom', '--service', 'nginx', '--yes']);
    expect(r.stderr).toBe('create-image: target-dir: config is a file in the target, but the recipe writes config/nginx.conf inside a folder of that name\n');
    expect(readdirSync(target)).toEqual(['config']);
    expect((await runCli([path.join(file, 'sub'), '--recipe', 'custom', '--yes'])).stderr).toContain('is a file, not a folder');
  });
});

describe('--ca-cert takes certificates only', () => {
  const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
  it('refuses a PEM holding a private key, naming the file, from the flag and from a folder config', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'both.pem'), KEY + CERT);
    const r = await runCli([path.join(dir, 'out'), '--recipe', 'custom', '--yes', '--ca-cert', path.join(dir, 'both.pem')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`create-image: --ca-cert: ${path.join(dir, 'both.pem')} holds a private key: give the CA's certificate alone (certificates only; a key must never reach the image)`]);
    writeFileSync(path.join(dir, 'create-image.config.json'), JSON.stringify({ caCerts: ['both.pem'] }));
    const c = await runCli(['out', '--recipe', 'custom', '--yes'], { cwd: dir });
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toMatch(/caCerts of .*create-image\.config\.json: .*both\.pem holds a private key/);
    expect(readdirSync(dir)).not.toContain('out');
  });

  it('fails fast on a device, a FIFO or a huge file; keeps only the certificate blocks; says where they came from', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'big.pem'), Buffer.alloc(2 * 1024 * 1024, 0x41));
    for (const [file, said] of [['/dev/zero', 'is a device, not a regular file'], [path.join(dir, 'big.pem'), 'is over 1 MB (2 MB)']]) {
      const start = Date.now();
      const r = await runCli([path.join(dir, 'out'), '--recipe', 'custom', '--yes', '--ca-cert', file!]);
      expect(Date.now() - start).toBeLessThan(2000);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`--ca-cert: ${file} ${said}`);
    }
    writeFileSync(path.join(dir, 'ca.pem'), `-----BEGIN X509 CRL-----\nMIIC\n-----END X509 CRL-----\n${CERT}`);
    writeFileSync(path.join(dir, 'create-image.config.json'), JSON.stringify({ caCerts: ['ca.pem'] }));
    const r = await runCli(['out', '--recipe', 'custom', '--yes'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/CA certificates from caCerts of .*create-image\.config\.json \(01-ca\.crt\): certificates only; the image keeps them in the layer that copies certs\//);
    expect(read(path.join(dir, 'out'), 'certs/01-ca.crt')).toBe(CERT);
  });
});

describe('secrets never become image config', () => {
  it.each(['API_TOKEN', 'NPM_AUTH', 'GITHUB_PAT', 'DB_PWD', 'SSH_KEY', 'apiKey', 'AWS_CREDENTIALS', 'MY_PASS'])('--env %s=... is refused and pointed at --secret', async (name) => {
    const r = await runCli([fresh(), '--recipe', 'custom', '--yes', '--env', `${name}=x`]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`--env ${name}: looks like a secret`);
    expect(r.stderr).toContain(`declare it with --secret ${name}`);
  });

  it('a URL with a password is refused whatever the name; names that are not secrets pass', async () => {
    const r = await runCli([fresh(), '--recipe', 'custom', '--yes', '--env', 'DATABASE_URL=postgres://app:s3cr3t@db/app']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--env DATABASE_URL: is a URL with a password in it');
    for (const env of ['PUBLIC_KEY=abc', 'DATABASE_URL=postgres://db/app', 'KEYBOARD=us', 'PASSAGE=x']) {
      const ok = await runCli([fresh(), '--recipe', 'custom', '--yes', '--env', env]);
      expect(ok.exitCode, `${env}: ${ok.stderr}`).toBe(0);
    }
  });

  it('--secret NAME: the entrypoint reads NAME_FILE, compose mounts a secret, the printed run command a file; no value in the image', async () => {
    const dir = fresh();
    const r = await runCli([dir, '--recipe', 'custom', '--yes', '--secret', 'API_TOKEN', '--service', 'nginx', '--compose']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(dir, 'docker-entrypoint.sh')).toContain('file_env API_TOKEN\n');
    expect(read(dir, 'compose.yaml')).toMatch(/API_TOKEN_FILE: "\/run\/secrets\/api_token"[\s\S]*secrets:\n {6}- api_token[\s\S]*api_token:\n {4}file: \.\/secrets\/api_token/);
    expect(r.stdout).toContain('-v ./secrets/api_token:/run/secrets/api_token:ro -e API_TOKEN_FILE=/run/secrets/api_token');
    expect(read(dir, 'Dockerfile')).not.toMatch(/^ENV[\s\S]*API_TOKEN=/m);
    const bad = await runCli([fresh(), '--recipe', 'custom', '--yes', '--secret', '1BAD']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^create-image: --secret: 1BAD: /);
  });
});

describe('a --set value for a question these answers do not ask', () => {
  it('is refused, naming the flag and the condition, rather than dropped', async () => {
    const t = fresh();
    const r = await runCli([t, '--recipe', 'custom', '--service', 'nginx', '--set', 'command=node x.js', '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe('create-image: --set command: not used with these answers (Command the container runs (when no service is chosen)): it applies only when process is none; drop --set command, or change the answer it depends on');
    expect(existsSync(t)).toBe(false);
    // asked: no service, the command is the container's
    const ok = await runCli([t, '--recipe', 'custom', '--set', 'command=node x.js', '--yes']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(read(t, 'Dockerfile')).toContain('CMD ["node", "x.js"]');
  });
});

describe('a file system that refuses the write', () => {
  it('is exit 1 with --json code "system", nothing written', async () => {
    const ro = path.join(tmp, 'read-only');
    mkdirSync(ro, { mode: 0o555 });
    const t = path.join(ro, 'x');
    // root writes anywhere: the built bin is run as another user, whom the read-only folder refuses
    const BIN = path.resolve(import.meta.dirname, '../../bin/create-image.cjs');
    if (process.getuid?.() === 0) {
      const r = await execa('su', ['nobody', '-s', '/bin/sh', '-c', `${shCommand([process.execPath, BIN, t, '--recipe', 'custom', '--yes', '--json'])}`], { reject: false });
      expect(r.exitCode).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 1, error: { code: 'system', flag: null } });
      expect(r.stderr).toMatch(/^create-image: cannot write to \S+: EACCES: permission denied \(nothing was written\)$/m);
    } else {
      const r = await runCli([t, '--recipe', 'custom', '--yes', '--json']);
      expect(r.exitCode).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'system' } });
    }
    expect(existsSync(t)).toBe(false);
  });
});
