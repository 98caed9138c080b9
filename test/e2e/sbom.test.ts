// --sbom on a real build: a small image (debian:bookworm-slim, no apt install) with lockfiles copied in
// and one left out. The SBOM's Debian packages are exactly those `dpkg-query -W` lists in the image,
// the lockfiles' packages carry purls, and the document validates against the CycloneDX schema.
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cli, describeEngine, docker, removeImageLater, tempDir, uniqueName, type CliResult } from '../helpers/engine.js';

interface Bom {
  specVersion: string;
  metadata: { component: { type: string; name: string } };
  components: Array<{ name: string; version: string; purl: string; properties?: Array<{ name: string; value: string }> }>;
}

describeEngine('--sbom on a real build', () => {
  const name = uniqueName('ci-sbom');
  let dir: string;
  let built: CliResult;
  let bom: Bom;

  beforeAll(async () => {
    dir = path.join(await tempDir('ci-sbom-'), 'img');
    const gen = await cli([dir, '--recipe', 'custom', '--base', 'debian:bookworm-slim', '--name', name, '--yes'], { env: { CI: '1' } });
    expect(gen.exitCode, gen.stderr).toBe(0);
    mkdirSync(path.join(dir, 'app'));
    writeFileSync(path.join(dir, 'app', 'package-lock.json'), JSON.stringify({ name: 'web', lockfileVersion: 3, packages: { '': { name: 'web' }, 'node_modules/@scope/left-pad': { version: '1.3.0' }, 'node_modules/express': { version: '4.21.2' }, 'node_modules/express/node_modules/debug': { version: '2.6.9' } } }));
    writeFileSync(path.join(dir, 'app', 'requirements.txt'), 'Flask==3.1.0\nzope.interface==7.2 ; python_version >= "3.8"\n# a comment\nrequests>=2\n');
    writeFileSync(path.join(dir, 'go.sum'), 'golang.org/x/text v0.21.0 h1:abc=\ngolang.org/x/text v0.21.0/go.mod h1:def=\n');
    writeFileSync(
      path.join(dir, 'Dockerfile'),
      ['FROM debian:bookworm-slim', 'COPY app/ /srv/app/', 'CMD ["sh"]', ''].join('\n'),
    );
    removeImageLater(`${name}:latest`);
    built = await cli(['build', dir, '--no-verify', '--sbom'], { env: { CI: '1' } });
    expect(built.exitCode, built.stderr).toBe(0);
    bom = JSON.parse(readFileSync(path.join(dir, 'sbom.cdx.json'), 'utf8')) as Bom;
  }, 300_000);

  it('lists exactly the Debian packages dpkg-query -W shows in the image, with deb purls', async () => {
    const listed = (await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'dpkg-query', `${name}:latest`, '-W', '-f', '${Package} ${Version}\\n'])).stdout.trim().split('\n');
    const debs = bom.components.filter((c) => c.purl.startsWith('pkg:deb/debian/'));
    expect(debs.length).toBe(listed.length);
    expect(debs.map((c) => `${c.name} ${c.version}`).sort()).toEqual([...listed].sort());
    expect(debs.find((c) => c.name === 'bash')!.purl).toMatch(/^pkg:deb\/debian\/bash@[^?]+\?arch=amd64&distro=debian-12$/);
    expect(built.stdout).toMatch(new RegExp(`^ {2}sbom {4}sbom\\.cdx\\.json: ${listed.length} OS packages \\(dpkg\\), 3 from app/package-lock\\.json, 2 from app/requirements\\.txt$`, 'm'));
  });

  it('lists the packages of the lockfiles copied in, not of one left out', () => {
    const purls = bom.components.map((c) => c.purl);
    expect(purls).toEqual(expect.arrayContaining(['pkg:npm/%40scope/left-pad@1.3.0', 'pkg:npm/express@4.21.2', 'pkg:npm/debug@2.6.9', 'pkg:pypi/flask@3.1.0', 'pkg:pypi/zope-interface@7.2']));
    expect(purls.filter((p) => p.startsWith('pkg:pypi/'))).toHaveLength(2); // requests>=2 pins nothing
    expect(purls.some((p) => p.startsWith('pkg:golang/'))).toBe(false); // go.sum is not copied in
    expect(bom.components.find((c) => c.name === 'express')!.properties).toEqual([{ name: 'create-image:lockfile', value: 'app/package-lock.json' }]);
    expect(bom.metadata.component).toMatchObject({ type: 'container', name });
  });

  it('validates against the CycloneDX schema (and the validator refuses a broken one)', async () => {
    expect(bom.specVersion).toBe('1.6');
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(JSON.stringify(bom))).toBeNull();
    const broken = { ...bom, components: [{ ...bom.components[0], type: 'not-a-type' }] };
    expect(await validator.validate(JSON.stringify(broken))).not.toBeNull();
  });
});
