// The setup check (custom's verification: the image is as answered) run in a real container, as the
// verification runs it in an image whose command has exited: it passes on an image that has what was
// answered, and fails, naming what is missing, on one that lacks the locale or the runtime.
import { expect, it } from 'vitest';
import { setupCheck, type SmokeAnswers } from '../../src/core/smoke.js';
import { BASE_IMAGE, describeEngine, docker } from '../helpers/engine.js';

const PLAIN: Omit<SmokeAnswers, 'set'> = { tz: 'Asia/Shanghai', locale: 'C.UTF-8', runtime: { name: 'none', version: '' }, family: 'debian' };

describeEngine('the setup check in a container', () => {
  const inBase = async (a: Omit<SmokeAnswers, 'set'>) => docker(['run', '--rm', BASE_IMAGE, ...setupCheck(a).command!], { reject: false });

  it('passes on the base image for what it has: the zone data', async () => {
    const r = await inBase(PLAIN);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('setup ok: zone Asia/Shanghai');
  });

  it('fails on the base image for a locale it has not compiled and a runtime it lacks', async () => {
    const locale = await inBase({ ...PLAIN, locale: 'zh_CN.UTF-8' });
    expect(locale.exitCode).toBe(1);
    expect(locale.stderr.trim()).toBe('setup check: locale zh_CN.utf8 is not compiled (not in locale -a)');
    const node = await inBase({ ...PLAIN, runtime: { name: 'node', version: '' } });
    expect(node.exitCode).toBe(1);
    expect(node.stderr).toMatch(/^setup check: node --version failed: .*not found/);
  });
});
