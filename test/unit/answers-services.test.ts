// Which services a recipe takes: one that asks for them or defaults to some takes any; one that does neither
// refuses them, except the services its manifest names as its own (ownServices) while their `when` holds.
// The rule reads the manifest only, never where an answer came from: detection, a record and a flag alike.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAnswers, type RawAnswers } from '../../src/core/answers.js';
import { validateManifest } from '../../src/core/manifest.js';
import { builtinRecipe } from '../helpers/recipe.js';
import { runCli } from '../helpers/cli-inprocess.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-services-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const resolve = (name: string, raw: RawAnswers) => resolveAnswers(builtinRecipe(name).recipe, raw, { interactive: false });
const APP_OWN = 'recipe app runs no services but its own (nginx + php-fpm when stack is php); drop --service, or use --recipe custom';

describe('a recipe that runs no services', () => {
  it('refuses --service, naming the flag', async () => {
    await expect(resolve('go', { services: ['nginx'] })).rejects.toThrow('--service: recipe go runs no extra services; drop --service, or use --recipe custom');
  });

  it('names the answers file when the services came from one', async () => {
    await expect(resolve('tomcat', { services: ['redis'], from: { services: '--answers services' } })).rejects.toThrow('--answers services: recipe tomcat runs no extra services; drop --answers services');
  });

  it('through the CLI: exit 2 and one line naming --service', async () => {
    const r = await runCli([path.join(tmp, 'go'), '--recipe', 'go', '--service', 'nginx', '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['create-image: --service: recipe go runs no extra services; drop --service, or use --recipe custom']);
  });
});

describe('a recipe with services of its own (app: nginx + php-fpm for PHP)', () => {
  it('takes exactly its own services while the condition holds, from any source', async () => {
    for (const from of [{ services: 'detected services' }, { services: '.create-image.json answers.services' }, undefined]) {
      const a = await resolve('app', { services: ['php-fpm', 'nginx'], set: { stack: 'php' }, ...(from ? { from } : {}) });
      expect(a.services).toEqual(['php-fpm', 'nginx']);
    }
  });

  it('refuses them when the condition does not hold', async () => {
    await expect(resolve('app', { services: ['nginx', 'php-fpm'], set: { stack: 'node' } })).rejects.toThrow(`--service: ${APP_OWN}`);
  });

  it('refuses a part of them, or another service, whatever the stack', async () => {
    await expect(resolve('app', { services: ['nginx'], set: { stack: 'php' } })).rejects.toThrow(`--service: ${APP_OWN}`);
    await expect(resolve('app', { services: ['nginx', 'php-fpm', 'redis'], set: { stack: 'php' } })).rejects.toThrow(`--service: ${APP_OWN}`);
    await expect(resolve('app', { services: ['redis'], set: { stack: 'php' } })).rejects.toThrow(`--service: ${APP_OWN}`);
  });

  it('a detected PHP project gets nginx + php-fpm, and update replays them from the record', async () => {
    const dir = path.join(tmp, 'php');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'composer.json'), '{"require":{"php":">=8.2"}}');
    writeFileSync(path.join(dir, 'index.php'), '<?php echo "hi";\n');
    const g = await runCli([dir, '--yes']);
    expect(g.exitCode, g.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, '.create-image.json'), 'utf8')).answers.services).toEqual(['nginx', 'php-fpm']);
    const u = await runCli(['update', dir]);
    expect(u.exitCode, u.stderr).toBe(0);
  });

  it('a detected node project refuses --service', async () => {
    const dir = path.join(tmp, 'node');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'package.json'), '{"name":"x","scripts":{"start":"node s.js"}}');
    const r = await runCli([dir, '--yes', '--service', 'nginx', '--service', 'php-fpm']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`create-image: --service: ${APP_OWN}`);
  });
});

describe('ownServices in a manifest', () => {
  const base = { name: 'web', description: 'd', version: '1.0.0', bases: { families: ['debian'], default: 'debian:bookworm-slim' }, files: [{ template: 'Dockerfile.eta', path: 'Dockerfile' }] };

  it('is checked: known services, a condition naming a question, and only where the user cannot choose services', () => {
    expect(validateManifest({ ...base, ownServices: { services: ['nginx'], when: { question: 'http' } } })).toEqual([]);
    expect(validateManifest({ ...base, ownServices: { services: ['mysql'], when: { question: 'nosuch' } } })).toEqual([
      { path: 'ownServices.when.question', message: 'names no question of this recipe ("nosuch")' },
      { path: 'ownServices.services', message: expect.stringMatching(/^unknown service "mysql"; accepted: nginx, /) },
    ]);
    expect(validateManifest({ ...base, ask: ['services'], ownServices: { services: ['nginx'] } })).toEqual([
      { path: 'ownServices', message: 'only for a recipe that neither asks services nor defaults to any (the others take any service)' },
    ]);
    expect(validateManifest({ ...base, ownServices: { services: [] } })).toEqual([{ path: 'ownServices.services', message: expect.any(String) }]);
  });
});
