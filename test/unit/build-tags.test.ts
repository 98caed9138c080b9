// Tags: one reference grammar (core/validate.ts) behind the build helpers, and the default tag policy.
import { describe, expect, it } from 'vitest';
import { defaultTag, imageNameFromDir, registryOf, repositoryOf, validateTag } from '../../src/build/tags.js';
import { sh as shellQuote } from '../../src/core/escape.js';
import { dockerRunCommand } from '../../src/core/run-command.js';
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
  it('quotes what needs quoting and maps ports, volumes and secret hints', () => {
    expect(dockerRunCommand({ image: 'reg:5000/team/ftp:1', ports: [{ from: 21, to: 21, proto: 'tcp' }, { from: 21100, to: 21110, proto: 'tcp' }, { from: 53, to: 53, proto: 'udp' }], volumes: ['/var/lib/ftp', '/data'], env: [{ name: 'FTP_PASS', secret: true }, { name: 'GREETING', secret: false, value: "it's $HOME" }] })).toBe(
      "docker run -d -p 21:21 -p 21100-21110:21100-21110 -p 53:53/udp -v ftp-data:/var/lib/ftp -v ftp-data-2:/data -e FTP_PASS_FILE=/run/secrets/ftp_pass -e 'GREETING=it'\"'\"'s '\"\\$\"'HOME' reg:5000/team/ftp:1",
    );
    expect(shellQuote('plain-1.0:x/y')).toBe('plain-1.0:x/y');
    expect(shellQuote('')).toBe("''");
  });
});
