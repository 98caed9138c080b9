import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { findProjectConfig, loadConfig, userConfigFile } from '../../src/recipes/config.js';
import { sourceSpecs } from '../../src/recipes/external.js';
import { trustKey } from '../../src/recipes/providers/index.js';
import { newestSemverTag } from '../../src/recipes/providers/git.js';
import { formatSpec, parseSpec } from '../../src/recipes/spec.js';
import { isTrustedBy } from '../../src/recipes/trust.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ci-spec-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseSpec', () => {
  it('reads git URLs with ref and subdir', () => {
    expect(parseSpec('file:///tmp/x/repo.git#v1.0.0')).toEqual({ kind: 'git', url: 'file:///tmp/x/repo.git', ref: 'v1.0.0' });
    expect(parseSpec('https://git.example.com/acme/recipes.git#main:images')).toEqual({ kind: 'git', url: 'https://git.example.com/acme/recipes.git', ref: 'main', subdir: 'images' });
    expect(parseSpec('git@github.com:acme/recipes.git#:recipes')).toEqual({ kind: 'git', url: 'git@github.com:acme/recipes.git', subdir: 'recipes' });
    expect(parseSpec('git+ssh://git@host/acme/r')).toEqual({ kind: 'git', url: 'ssh://git@host/acme/r' });
  });

  it('round-trips through formatSpec (what .create-image.json records)', () => {
    for (const s of ['file:///tmp/x/repo.git#v1.0.0', 'https://h/r.git#main:images', 'https://h/r.git#:sub', 'https://h/r.git', 'npm:@acme/recipes@2']) {
      expect(formatSpec(parseSpec(s))).toBe(s);
    }
  });

  it('reads dirs, tarballs and npm packages', () => {
    mkdirSync(join(tmp, 'recipes'));
    writeFileSync(join(tmp, 'pkg.tgz'), '');
    expect(parseSpec('recipes', tmp)).toEqual({ kind: 'dir', dir: join(tmp, 'recipes') });
    expect(parseSpec('pkg.tgz', tmp)).toEqual({ kind: 'npm', pkg: `file:${join(tmp, 'pkg.tgz')}` });
    expect(parseSpec('@acme/image-recipes', tmp)).toEqual({ kind: 'npm', pkg: '@acme/image-recipes' });
    expect(parseSpec('npm:file:../x', tmp)).toEqual({ kind: 'npm', pkg: 'file:../x' });
  });

  it('rejects what is none of them, naming the flag', () => {
    expect(() => parseSpec('./missing', tmp)).toThrow(/--recipes: \.\/missing: no such directory/);
    expect(() => parseSpec('https://h/r.git#v1:../up')).toThrow(UsageError);
    expect(() => parseSpec('https://h/r.git#bad ref')).toThrow(/not a valid branch/);
    expect(() => parseSpec('not a package!', tmp, 'CREATE_IMAGE_RECIPES')).toThrow(/^CREATE_IMAGE_RECIPES: /);
    // git+ claims a git URL: words after it are refused here, before git would try them as a path
    expect(() => parseSpec('git+nonsense')).toThrow(/^--recipes: git\+nonsense: "nonsense" is not a git URL; accepted: a directory of recipes, a git URL \(https:\/\/, /);
    expect(parseSpec('git+file:///srv/r.git#v1')).toEqual({ kind: 'git', url: 'file:///srv/r.git', ref: 'v1' });
    expect(parseSpec('git+git@host:acme/r')).toEqual({ kind: 'git', url: 'git@host:acme/r' });
  });

  it('grants trust per repository or package, not per ref', () => {
    expect(trustKey(parseSpec('https://h/r.git#v2'))).toBe('https://h/r.git');
    expect(trustKey(parseSpec('npm:@acme/r@^2'))).toBe('@acme/r');
    expect(isTrustedBy('https://h/r.git', ['https://h/r.git#v1.0.0'])).toBe(true);
    expect(isTrustedBy('https://h/r.git', ['https://h/*'])).toBe(true);
    expect(isTrustedBy('https://h/r.git', ['https://h/other.git', '@acme/r'])).toBe(false);
    expect(isTrustedBy('@acme/r', ['npm:@acme/r'])).toBe(true);
  });
});

describe('config files', () => {
  it('finds the project config upward, resolves its paths there, and reads the XDG user config', () => {
    const proj = join(tmp, 'proj');
    mkdirSync(join(proj, 'a', 'b'), { recursive: true });
    writeFileSync(join(proj, 'create-image.config.json'), JSON.stringify({ recipes: ['./company-recipes'], trusted: ['https://git.example.com/r.git'], caCerts: ['certs/corp.pem'] }));
    const env = { XDG_CONFIG_HOME: join(tmp, 'xdg'), HOME: tmp };
    mkdirSync(join(tmp, 'xdg', 'create-image'), { recursive: true });
    writeFileSync(userConfigFile(env), JSON.stringify({ recipes: ['npm:@acme/r'], trusted: ['@acme/r'], caCerts: ['/etc/user.pem'] }));
    expect(findProjectConfig(join(proj, 'a', 'b', 'not-yet'))).toBe(join(proj, 'create-image.config.json'));
    const c = loadConfig(join(proj, 'a', 'b'), env);
    expect(c.recipes.map((r) => r.spec)).toEqual(['./company-recipes', 'npm:@acme/r']);
    expect(c.recipes[0]!.baseDir).toBe(proj);
    // trust comes from the user's config only; the project's "trusted" is ignored, with one warning
    expect(c.trusted).toEqual(['@acme/r']);
    expect(c.warnings).toEqual([`ignoring "trusted" in ${join(proj, 'create-image.config.json')}: a project's config cannot trust sources; use --trust or "trusted" in ${userConfigFile(env)}`]);
    expect(c.caCerts).toEqual([join(proj, 'certs/corp.pem')]);
    expect(loadConfig(tmp, env).caCerts).toEqual(['/etc/user.pem']);
    expect(loadConfig(tmp, env).warnings).toEqual([]);
  });

  it('a project config that trusts everything trusts nothing', () => {
    writeFileSync(join(tmp, 'create-image.config.json'), JSON.stringify({ recipes: ['https://h/r.git'], trusted: ['*'] }));
    const c = loadConfig(tmp, { HOME: join(tmp, 'home') });
    expect(c.trusted).toEqual([]);
    expect(c.warnings).toHaveLength(1);
    expect(c.recipes.map((r) => r.spec)).toEqual(['https://h/r.git']);
  });

  it('rejects unknown keys and bad values with the file named', () => {
    writeFileSync(join(tmp, 'create-image.config.json'), JSON.stringify({ recipe: ['x'] }));
    expect(() => loadConfig(tmp, { HOME: tmp })).toThrow(/create-image\.config\.json: recipe: unknown key; accepted: \$schema, recipes, trusted, caCerts/);
    writeFileSync(join(tmp, 'create-image.config.json'), JSON.stringify({ trusted: 'x' }));
    expect(() => loadConfig(tmp, { HOME: tmp })).toThrow(/trusted: expected an array/);
  });

  it('orders sources: --recipes, CREATE_IMAGE_RECIPES, project config, user config; duplicates once', () => {
    mkdirSync(join(tmp, 'd1'));
    mkdirSync(join(tmp, 'd2'));
    writeFileSync(join(tmp, 'create-image.config.json'), JSON.stringify({ recipes: ['d2', 'https://h/r.git#v1'] }));
    const cfg = loadConfig(tmp, { HOME: tmp });
    const specs = sourceSpecs({ recipes: ['https://h/r.git#v1'] }, cfg, { CREATE_IMAGE_RECIPES: `${join(tmp, 'd1')},npm:@acme/r` });
    expect(specs.map((s) => formatSpec(s.spec))).toEqual(['https://h/r.git#v1', join(tmp, 'd1'), 'npm:@acme/r', join(tmp, 'd2')]);
  });
});

describe('newestSemverTag', () => {
  it('picks the newest release, ignoring pre-releases and other tags', () => {
    expect(newestSemverTag(['v1.0.0', 'v1.10.0', 'v1.9.3', 'v2.0.0-rc.1', 'latest', '1.2.0'])).toBe('v1.10.0');
    expect(newestSemverTag(['nightly'])).toBeUndefined();
  });
});
