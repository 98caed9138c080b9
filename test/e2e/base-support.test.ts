// The end-of-support warning of the built bin: one line on stderr for a base past its distribution's
// support, in generation and `info`, judged against CREATE_IMAGE_TODAY (the day is fixed for the test).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/engine.js';

const warning = /^create-image: warning: base image alpine:3\.20 is past its end of support \(2026-04-01\): no more security updates; use a supported release such as alpine:3\.22 \(--base alpine:3\.22\)$/m;

it('generation warns for an unsupported base and not for a supported one', async () => {
  const cwd = await tempDir('ci-e2e-eol-');
  const after = await cli(['old', '--recipe', 'custom', '--base', 'alpine:3.20', '--yes', '--dry-run'], { cwd, env: { CI: '1', CREATE_IMAGE_TODAY: '2026-12-01' } });
  expect(after.exitCode, after.stderr).toBe(0);
  expect(after.stderr).toMatch(warning);
  expect(after.stderr.split('\n').filter((l) => l.includes('end of support'))).toHaveLength(1);
  const before = await cli(['old', '--recipe', 'custom', '--base', 'alpine:3.20', '--yes', '--dry-run'], { cwd, env: { CI: '1', CREATE_IMAGE_TODAY: '2026-03-31' } });
  expect(before.stderr).not.toMatch(/end of support/);
  const current = await cli(['new', '--recipe', 'custom', '--base', 'alpine', '--yes', '--dry-run'], { cwd, env: { CI: '1', CREATE_IMAGE_TODAY: '2026-12-01' } });
  expect(current.stderr).not.toMatch(/end of support/);
});

it('info warns for a recipe whose pinned image is past its end of support', async () => {
  const cwd = await tempDir('ci-e2e-eol-info-');
  const dir = path.join(cwd, 'src', 'legacy');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'recipe.json'), JSON.stringify({ name: 'legacy', description: 'old alpine', version: '1.0.0', extends: 'custom', bases: { families: ['alpine'], default: 'alpine:3.20' } }));
  const r = await cli(['info', 'legacy', '--recipes', path.join(cwd, 'src')], { cwd, env: { CI: '1', CREATE_IMAGE_TODAY: '2026-12-01' } });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stderr).toMatch(warning);
  expect(r.stdout).toMatch(/^legacy 1\.0\.0: old alpine$/m);
});
