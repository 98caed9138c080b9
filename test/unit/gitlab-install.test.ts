// gitlab's install.sh unpacks the Ruby and Go tarballs only once their sha256 checks out: the pinned
// one (--set ruby_sha256/golang_sha256, build args), else the publisher's. Run here with a stand-in curl.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinRecipe, requireFile } from '../helpers/recipe.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-gitlab-install-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("gitlab's verified downloads", () => {
  it('pins the checksums as build args, and fetch_verified refuses a tarball whose sha256 differs or is unknown', async () => {
    const sum = 'a'.repeat(64);
    const plan = await builtinRecipe('gitlab').render({ set: { ruby_sha256: sum } });
    expect(requireFile(plan, 'Dockerfile')).toContain(`ARG RUBY_SHA256=${sum}\nARG GOLANG_SHA256=\n`);
    const install = requireFile(plan, 'assets/build/install.sh');
    expect(install).not.toMatch(/curl [^\n]*\| *tar/);
    const fn = /^fetch_verified\(\) \{[\s\S]*?^\}$/m.exec(install)?.[0];
    expect(fn).toBeDefined();

    // curl stands in for the network: it writes the "tarball" it is given
    const bin = path.join(tmp, 'bin');
    const tarball = path.join(tmp, 'payload');
    writeFileSync(tarball, 'the tarball\n');
    const good = createHash('sha256').update('the tarball\n').digest('hex');
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(path.join(bin, 'curl'), `#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = -o ] && cp ${JSON.stringify(tarball)} "$2"; shift; done\n`);
    chmodSync(path.join(bin, 'curl'), 0o755);
    const run = (want: string) =>
      spawnSync('bash', ['--norc', '--noprofile', '-c', `set -euo pipefail\n${fn}\nfetch_verified https://example.test/x.tar.gz "$1" "$2"\necho fetched`, 'sh', path.join(tmp, 'x.tar.gz'), want], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: `${bin}:${process.env.PATH}` },
      });
    const ok = run(good);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe('fetched');
    const bad = run(sum);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe(`install.sh: https://example.test/x.tar.gz: sha256 is ${good}, not ${sum}`);
    // no checksum at all (the publisher's list was unreachable): nothing is unpacked
    const none = run('');
    expect(none.status).toBe(1);
    expect(none.stderr.trim()).toBe("install.sh: no sha256 to check https://example.test/x.tar.gz against (got '')");
  });

  it('refuses a checksum that is not 64 hex digits, naming the answer', async () => {
    await expect(builtinRecipe('gitlab').render({ set: { golang_sha256: 'abc' } })).rejects.toThrow(/golang_sha256/);
  });
});
