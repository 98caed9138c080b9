// Writes never follow a link inside the target to a place it does not own, and a target on a kernel
// file system (/proc, /sys) fails at once.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-write-links-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

describe('links inside the target', () => {
  it('a folder link to .git is refused and nothing lands in .git', async () => {
    const dir = path.join(tmp, `t${n++}`);
    mkdirSync(path.join(dir, '.git'), { recursive: true });
    symlinkSync('.git', path.join(dir, 'ci'));
    const r = await runCli([dir, '--recipe', 'custom', '--yes', '--ci', 'gitlab']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe('create-image: target-dir: ci is a link in the target dir; refusing to write ci/smoke-test.sh through it (make it a folder, or remove it)');
    expect(readdirSync(path.join(dir, '.git'))).toEqual([]);
  });

  it('a file link is neither read nor replaced', async () => {
    const dir = path.join(tmp, `t${n++}`);
    mkdirSync(dir);
    writeFileSync(path.join(tmp, 'private.txt'), 'do not show');
    symlinkSync(path.join(tmp, 'private.txt'), path.join(dir, 'Dockerfile'));
    const r = await runCli([dir, '--recipe', 'custom', '--yes', '--force']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Dockerfile is a link in the target dir; refusing to read or replace it');
    expect(r.stdout + r.stderr).not.toContain('do not show');
  });
});

describe('kernel file systems', () => {
  it.each([
    [['recipe', 'new', 'x', '--dir', '/proc'], '--dir: /proc/x is in /proc, a kernel file system: name a folder on disk'],
    [['/proc/self/x', '--recipe', 'custom', '--yes'], 'target-dir: /proc/self/x is in /proc, a kernel file system: name a folder on disk'],
    [['/sys/x', '--recipe', 'custom', '--yes'], 'target-dir: /sys/x is in /sys, a kernel file system: name a folder on disk'],
  ])('%j fails fast', async (args, said) => {
    const start = Date.now();
    const r = await runCli(args);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(`create-image: ${said}`);
    expect(existsSync('/proc/x')).toBe(false);
  });
});
