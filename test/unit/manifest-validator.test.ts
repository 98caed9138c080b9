// The generated files committed beside recipes.schema.json (the standalone validator and the manifest's
// TypeScript types) must be what the schema generates today. `npm test` runs the build first, which
// rewrites both in the working tree, so comparing with the working tree could never fail: the generators
// run here in memory (nothing is written) and their output is compared with the files as git has them
// (staged or committed). Outside a git checkout (a packed copy) the files on disk are all there is.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { generate as generateTypes, OUT as TYPES } from '../../scripts/gen-types.mjs';
// @ts-expect-error: a plain .mjs build script without types
import { generate as generateValidator, OUT as VALIDATOR } from '../../scripts/gen-validator.mjs';
import { validateManifest } from '../../src/core/manifest.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const git = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
const inGit = git(['rev-parse', '--is-inside-work-tree']).stdout?.trim() === 'true';

/** The file as git has it (the index: staged, else committed), or as it is on disk outside git. */
function committed(file: string): string {
  if (!inGit) return readFileSync(file, 'utf8');
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  const r = git(['show', `:${rel}`]);
  if (r.status !== 0) throw new Error(`${rel} is not in git: run \`npm run build\` and commit it`);
  return r.stdout;
}

const stale = (file: string) => `${path.relative(ROOT, file)} in git is not what recipes.schema.json generates: run \`npm run build\` and commit it`;

describe('generated from recipes.schema.json', () => {
  it('the standalone validator in git is up to date', () => {
    expect(committed(VALIDATOR) === generateValidator(), stale(VALIDATOR)).toBe(true);
  });

  it('the manifest types in git are up to date', async () => {
    expect(committed(TYPES) === (await generateTypes()), stale(TYPES)).toBe(true);
  });
});

describe('manifest validator', () => {
  // The bundle skips the schema for built-in manifests validated when it was built (src/recipes/load.ts),
  // and the build skips a failing one silently: this is where a wrong built-in fails.
  it('passes every built-in manifest', () => {
    const dir = path.join(ROOT, 'recipes');
    const names = readdirSync(dir).filter((n) => existsSync(path.join(dir, n, 'recipe.json')));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(validateManifest(JSON.parse(readFileSync(path.join(dir, name, 'recipe.json'), 'utf8'))), name).toEqual([]);
  });

  it('reports schema problems as path: message issues', () => {
    const issues = validateManifest({ name: 'x', description: 'd', version: '1.0.0', bases: { families: ['debian'], default: 'debian:bookworm-slim' }, files: [], colour: 1 });
    expect(issues).toContainEqual({ path: 'colour', message: 'is not a known field' });
    expect(validateManifest({})).toEqual(expect.arrayContaining([expect.objectContaining({ path: '(root)' })]));
  });

  const manifest = (files: { template: string; path: string }[], extra: object = {}) => ({ name: 'x', description: 'd', version: '1.0.0', bases: { families: ['debian'], default: 'debian:bookworm-slim' }, files, ...extra });

  it('refuses a smoke check or HEALTHCHECK that cannot fail', () => {
    const DF = [{ template: 'Dockerfile.eta', path: 'Dockerfile' }];
    const noop = /^a check that cannot fail; name what proves the image works/;
    for (const command of [['true'], ['sh', '-c', 'true'], ['/bin/sh', '-c', 'exit 0'], ['/busybox', 'true'], ['/busybox', 'sh', '-c', ':'], ['/usr/bin/true'], []]) {
      expect(validateManifest(manifest(DF, { smoke: { kind: 'command', command } })), JSON.stringify(command)).toEqual([{ path: 'smoke.command', message: expect.stringMatching(noop) }]);
    }
    expect(validateManifest(manifest(DF, { healthcheck: { cmd: 'true' } }))).toEqual([{ path: 'healthcheck.cmd', message: expect.stringMatching(noop) }]);
    // checks that can fail: a real command, or any command whose output is expected
    expect(validateManifest(manifest(DF, { smoke: { kind: 'command', command: ['cat', '/etc/greeting'] }, healthcheck: { cmd: 'pgrep vsftpd' } }))).toEqual([]);
    expect(validateManifest(manifest(DF, { smoke: { kind: 'command', command: ['sh', '-c', 'true'], expect: 'x' } }))).toEqual([]);
    expect(validateManifest(manifest(DF, { smoke: { kind: 'command', command: ['sh', '-c', 'true && test -f /x'] } }))).toEqual([]);
  });

  it('a oneShot check and its env belong to a command check, env to a oneShot one', () => {
    const DF = [{ template: 'Dockerfile.eta', path: 'Dockerfile' }];
    expect(validateManifest(manifest(DF, { smoke: { kind: 'command', oneShot: true, command: ['app:config'], env: { DB_HOST: 'db' }, expect: 'written' } }))).toEqual([]);
    expect(validateManifest(manifest(DF, { smoke: { kind: 'http', port: 80, oneShot: true } }))).toEqual([{ path: 'smoke.oneShot', message: 'applies to a check of kind "command" only' }]);
    expect(validateManifest(manifest(DF, { smoke: { kind: 'command', command: ['cat', '/x'], env: { A: 'b' } } }))).toEqual([{ path: 'smoke.env', message: expect.stringMatching(/^applies with "oneShot": true only/) }]);
  });

  it("refuses output paths that are the tool's record or state, or inside a .git folder", () => {
    const paths = ['.create-image.json', '.Create-Image.JSON', '.create-image/base.json', './.create-image/build.log', '.git/hooks/pre-commit', 'sub/.git/config', '.GIT/HEAD'];
    const issues = validateManifest(manifest(paths.map((p) => ({ template: 't.eta', path: p }))));
    for (const [i, p] of paths.entries()) expect(issues.find((x) => x.path === `files[${i}].path`)?.message, p).toMatch(/create-image's own|inside a \.git folder/);
    expect(validateManifest(manifest([{ template: 't.eta', path: 'config/.create-image.json' }, { template: 't.eta', path: '.gitignore' }, { template: 't.eta', path: '.github/workflows/x.yml' }]))).toEqual([]);
  });

  it('checks that an interactive condition names a question', () => {
    const file = [{ template: 't.eta', path: 'Dockerfile' }];
    expect(validateManifest(manifest(file, { interactive: true }))).toEqual([]);
    expect(validateManifest(manifest(file, { interactive: { question: 'process', equals: 'none' } }))).toEqual([]);
    expect(validateManifest(manifest(file, { interactive: { question: 'nosuch', equals: '' } }))).toEqual([{ path: 'interactive.question', message: 'names no question of this recipe ("nosuch")' }]);
  });
});
