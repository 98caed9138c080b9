// Tags: one reference grammar (core/validate.ts) behind the build helpers, and the default tag policy.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTag, imageNameFromDir, registryOf, repositoryOf, validateTag } from '../../src/engines/tags.js';
import { sh as shellQuote } from '../../src/core/escape.js';
import { dockerRunCommand, runSteps } from '../../src/core/run-command.js';
import { checkTag } from '../../src/core/validate.js';

describe('tags use the one grammar of core/validate.ts', () => {
  const corpus = ['app', 'app:1.0', 'reg.example.com/team/app:1.0', 'localhost:5000/a/b:c', '[::1]:5000/app:x', 'App:1', 'app:', ':tag', 'a/b//c', 'app:-x', 'a@sha256:' + 'a'.repeat(64), 'x'.repeat(300), 'app:' + 'v'.repeat(129), 'a..b', 'a__b', 'a---b'];
  it('validateTag agrees with checkTag on every input', () => {
    for (const t of corpus) expect(validateTag(t), t).toBe(checkTag(t));
  });
  it('accepts registry names and rejects upper case, empty parts and digests', () => {
    expect(validateTag('reg.example.com:5000/team/app:1.0')).toBeUndefined();
    expect(validateTag('App:1')).toMatch(/lower-case/);
    expect(validateTag('app:')).toMatch(/not a valid image tag/);
    expect(validateTag(`a@sha256:${'a'.repeat(64)}`)).toMatch(/cannot carry a digest/);
  });
  it('registryOf / repositoryOf', () => {
    expect(registryOf('127.0.0.1:5000/e2e/app:1')).toBe('127.0.0.1:5000');
    expect(registryOf('team/app:1')).toBe('docker.io');
    expect(registryOf('localhost/app')).toBe('localhost');
    expect(repositoryOf('127.0.0.1:5000/e2e/app:1')).toBe('127.0.0.1:5000/e2e/app');
    expect(repositoryOf('team/app:1')).toBe('team/app');
  });
});

describe('default tag from the dir name', () => {
  it('sanitises into a valid repository name', () => {
    expect(defaultTag('/tmp/My App')).toBe('my-app:latest');
    expect(imageNameFromDir('Café_Ünïcode')).toBe('cafe_unicode');
    expect(imageNameFromDir('..weird..name..')).toBe('weird-name');
    expect(imageNameFromDir('___')).toBe('app');
    expect(imageNameFromDir('x'.repeat(100))).toHaveLength(64);
    for (const d of ['My App', 'a..b', '-x-', 'UPPER', '日本語', 'a___b', 'x'.repeat(100)]) expect(checkTag(defaultTag(d)), d).toBeUndefined();
  });
});

describe('run command', () => {
  it('makes the file of every required secret it mounts, never one it does not, and keeps one that has content', async () => {
    const steps = runSteps({ image: 'app:latest', name: 'app', ports: [], volumes: [], env: [{ name: 'DB_PASS', secret: true, required: true }, { name: 'ROOT_PASSWORD', secret: true }] });
    expect(steps).toEqual([
      'mkdir -p -m 700 secrets',
      'test -s secrets/db_pass || openssl rand -hex 32 > secrets/db_pass',
      'docker run -d --name app -v ./secrets/db_pass:/run/secrets/db_pass:ro -e DB_PASS_FILE=/run/secrets/db_pass app:latest',
    ]);
    expect(runSteps({ image: 'app:latest', ports: [], volumes: [], env: [{ name: 'ROOT_PASSWORD', secret: true }] })).toEqual(['docker run -d app:latest']);
    // the preparation steps, run as printed by a real shell: a fresh random value, then kept
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ci-secrets-'));
    try {
      const prepare = steps.slice(0, -1).join('\n');
      await execa('sh', ['-ec', prepare], { cwd: dir });
      const first = readFileSync(path.join(dir, 'secrets/db_pass'), 'utf8');
      expect(first).toMatch(/^[0-9a-f]{64}\n$/);
      expect(statSync(path.join(dir, 'secrets')).mode & 0o777).toBe(0o700);
      writeFileSync(path.join(dir, 'secrets/db_pass'), 'mine');
      await execa('sh', ['-ec', prepare], { cwd: dir });
      expect(readFileSync(path.join(dir, 'secrets/db_pass'), 'utf8')).toBe('mine');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quotes what needs quoting and maps ports, volumes and secret hints', () => {
    expect(dockerRunCommand({ image: 'reg:5000/team/ftp:1', ports: [{ from: 21, to: 21, proto: 'tcp' }, { from: 21100, to: 21110, proto: 'tcp' }, { from: 53, to: 53, proto: 'udp' }], volumes: ['/var/lib/ftp', '/data'], env: [{ name: 'FTP_PASS', secret: true, required: true }, { name: 'OPTIONAL_KEY', secret: true }, { name: 'GREETING', secret: false, value: "it's $HOME" }] })).toBe(
      "docker run -d -p 21:21 -p 21100-21110:21100-21110 -p 53:53/udp -v ftp-data:/var/lib/ftp -v ftp-data-2:/data -v ./secrets/ftp_pass:/run/secrets/ftp_pass:ro -e FTP_PASS_FILE=/run/secrets/ftp_pass -e 'GREETING=it'\"'\"'s '\"\\$\"'HOME' reg:5000/team/ftp:1",
    );
    expect(dockerRunCommand({ image: 'box:latest', name: 'box', ports: [], volumes: [], env: [], interactive: true })).toBe('docker run --rm -it --name box box:latest');
    expect(shellQuote('plain-1.0:x/y')).toBe('plain-1.0:x/y');
    expect(shellQuote('')).toBe("''");
  });
});
