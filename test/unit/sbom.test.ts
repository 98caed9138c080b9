import { describe, expect, it } from 'vitest';
import { apkPackages, dpkgPackages, LOCKFILES, lockfileKind, purl, rpmPackages } from '../../src/core/sbom.js';

const purls = (kind: string, text: string) => LOCKFILES[kind]!(text).map(purl);

describe('OS package databases', () => {
  it('dpkg: installed packages only', () => {
    const status = 'Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:2.0-1+b1\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n\nPackage: c\nStatus: install ok installed\nArchitecture: all\nVersion: 3\nDescription: x\n more\n';
    expect(dpkgPackages(status, { ID: 'debian', VERSION_ID: '12' }).map(purl)).toEqual(['pkg:deb/debian/a@1%3A2.0-1%2Bb1?arch=amd64&distro=debian-12', 'pkg:deb/debian/c@3?arch=all&distro=debian-12']);
  });
  it('apk and rpm', () => {
    expect(apkPackages('P:musl\nV:1.2.5-r0\nA:x86_64\n\nP:busybox\nV:1.36.1-r2\nA:x86_64\n', { ID: 'alpine', VERSION_ID: '3.22.1' }).map(purl)).toEqual(['pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.22.1', 'pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64&distro=alpine-3.22.1']);
    expect(rpmPackages('bash\t(none)\t5.1.8-9.el9\tx86_64\ngpg-pubkey\t(none)\t1-1\t(none)\ncurl\t1\t7.76.1-26.el9\tx86_64\n', { ID: 'almalinux', VERSION_ID: '9.6' }).map(purl)).toEqual(['pkg:rpm/almalinux/bash@5.1.8-9.el9?arch=x86_64&distro=almalinux-9.6', 'pkg:rpm/almalinux/curl@7.76.1-26.el9?arch=x86_64&distro=almalinux-9.6&epoch=1']);
  });
});

describe('lockfiles', () => {
  it('knows them by name', () => {
    expect(['package-lock.json', 'a/yarn.lock', 'requirements-dev.txt', 'requirements/base.txt', 'go.sum', 'x.txt'].map(lockfileKind)).toEqual(['package-lock.json', 'yarn.lock', 'requirements.txt', 'requirements.txt', 'go.sum', undefined]);
  });
  it('pnpm, yarn (classic and berry)', () => {
    expect(purls('pnpm-lock.yaml', "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      a: 1\n\npackages:\n\n  '@scope/a@1.0.0':\n    resolution: {integrity: x}\n\n  b@2.1.0(react@18.0.0):\n    resolution: {integrity: y}\n\nsnapshots:\n  b@2.1.0: {}\n")).toEqual(['pkg:npm/%40scope/a@1.0.0', 'pkg:npm/b@2.1.0']);
    expect(purls('yarn.lock', '# yarn lockfile v1\n\n"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "7.26.0"\n  resolved "x"\n\nleft-pad@^1.3.0:\n  version "1.3.0"\n')).toEqual(['pkg:npm/%40babel/core@7.26.0', 'pkg:npm/left-pad@1.3.0']);
    expect(purls('yarn.lock', '__metadata:\n  version: 8\n\n"left-pad@npm:^1.3.0":\n  version: 1.3.0\n  resolution: "x"\n')).toEqual(['pkg:npm/left-pad@1.3.0']);
  });
  it('poetry, uv, go.sum, composer, Gemfile.lock', () => {
    expect(purls('poetry.lock', '[[package]]\nname = "Django"\nversion = "5.1.4"\n\n[[package]]\nname = "typing_extensions"\nversion = "4.12.2"\n')).toEqual(['pkg:pypi/django@5.1.4', 'pkg:pypi/typing-extensions@4.12.2']);
    expect(purls('uv.lock', 'version = 1\n\n[[package]]\nname = "flask"\nversion = "3.1.0"\nsource = { registry = "x" }\n')).toEqual(['pkg:pypi/flask@3.1.0']);
    expect(purls('go.sum', 'github.com/a/b v1.2.3 h1:x=\ngithub.com/a/b v1.2.3/go.mod h1:y=\ngithub.com/a/b v1.2.2/go.mod h1:z=\n')).toEqual(['pkg:golang/github.com/a/b@v1.2.3']);
    expect(purls('composer.lock', JSON.stringify({ packages: [{ name: 'monolog/monolog', version: 'v3.8.1' }], 'packages-dev': [{ name: 'phpunit/phpunit', version: '11.0.0' }] }))).toEqual(['pkg:composer/monolog/monolog@3.8.1']);
    expect(purls('Gemfile.lock', 'GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.1.8)\n    nokogiri (1.17.2-x86_64-linux)\n      racc (~> 1.4)\n\nPLATFORMS\n  ruby\n')).toEqual(['pkg:gem/rack@3.1.8', 'pkg:gem/nokogiri@1.17.2']);
  });
});
