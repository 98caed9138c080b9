import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describeCheck } from '../../src/engines/smoke.js';
import { setupCheck, smokeForAnswers as smokeFor, type SmokeAnswers } from '../../src/core/smoke.js';
import { builtinRecipe } from '../helpers/recipe.js';

const PLAIN: Omit<SmokeAnswers, 'set'> = { tz: 'UTC', locale: 'C.UTF-8', runtime: { name: 'none', version: '' }, family: 'debian' };
const smokeForAnswers = (m: Parameters<typeof smokeFor>[0], set: Record<string, unknown>) => smokeFor(m, { ...PLAIN, set });

describe('the smoke check a build is verified with', () => {
  const tomcat = builtinRecipe('tomcat', { imageName: 'shop' }).recipe.manifest;
  const lnmp = builtinRecipe('lnmp', { imageName: 'site' }).recipe.manifest;

  it("is the recipe's own while its questions keep their defaults (the sample it describes)", () => {
    expect(smokeForAnswers(tomcat, { war: '', context: '/', defaultWebapps: false })).toEqual(tomcat.smoke);
    expect(smokeForAnswers(tomcat, {})).toEqual(tomcat.smoke);
    // a multiselect in another order is the same answer
    expect(smokeForAnswers(lnmp, { extensions: [...(lnmp.questions!.find((q) => q.name === 'extensions')!.default as string[])].reverse() })).toEqual(lnmp.smoke);
  });

  it('is none once an answer changes what is served (a WAR, another context, an app dir): the HEALTHCHECK is verified instead', () => {
    expect(smokeForAnswers(tomcat, { war: 'app.war', context: '/', defaultWebapps: false })).toBeUndefined();
    expect(smokeForAnswers(tomcat, { war: '', context: '/shop' })).toBeUndefined();
    expect(smokeForAnswers(lnmp, { app: 'src' })).toBeUndefined();
  });

  it('describes each kind of check in one line', () => {
    expect(describeCheck(tomcat.smoke)).toBe('http :8080/ expecting "create-image Tomcat sample"');
    expect(describeCheck({ kind: 'tcp', port: 21, expect: '220' })).toBe('tcp :21 expecting "220"');
    expect(describeCheck({ kind: 'command', command: ['cat', '/etc/greeting'] })).toBe('command cat /etc/greeting');
    expect(describeCheck(undefined)).toBe('none');
  });

  it("custom's is the setup check: the zone, the locale and the runtime answered, each quoted", () => {
    const custom = builtinRecipe('custom', { imageName: 'x' }).recipe.manifest;
    expect(custom.smoke).toEqual({ kind: 'setup' });
    const check = smokeFor(custom, { ...PLAIN, set: {}, tz: 'Asia/Shanghai', locale: 'zh_CN.UTF-8', runtime: { name: 'node', version: '22' } })!;
    expect(check.kind).toBe('command');
    expect(check.command!.slice(0, 2)).toEqual(['sh', '-c']);
    expect(check.command![2]).toContain('zone=Asia/Shanghai\n');
    expect(check.command![2]).toContain('want=zh_CN.utf8\n');
    expect(describeCheck(check)).toBe('setup: zone Asia/Shanghai, locale zh_CN.UTF-8, node 22 runs');
    // no locale to look for where none is compiled (C.UTF-8 is built in; Alpine and RHEL do not localedef)
    expect(setupCheck({ ...PLAIN, family: 'alpine', locale: 'de_DE.UTF-8' }).label).toBe('setup: zone UTC');
  });
});

describe('the setup check, run by sh', () => {
  const run = (a: Omit<SmokeAnswers, 'set'>, env: Record<string, string> = {}) => {
    const [cmd, ...args] = setupCheck(a).command!;
    expect(cmd).toBe('sh');
    return spawnSync('/bin/sh', args, { encoding: 'utf8', env: { PATH: process.env.PATH!, ...env } });
  };
  it('passes where the zone is there, and says what it checked', () => {
    const r = run(PLAIN);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('setup ok: zone UTC');
  });
  it('fails on a zone with no data, a locale not compiled, a runtime missing or of another version', () => {
    const zone = run({ ...PLAIN, tz: 'Nowhere/Atlantis' });
    expect(zone.status).toBe(1);
    expect(zone.stderr.trim()).toBe('setup check: no zone data for Nowhere/Atlantis in /usr/share/zoneinfo');
    const locale = run({ ...PLAIN, locale: 'xx_YY.UTF-8' });
    expect(locale.status).toBe(1);
    expect(locale.stderr.trim()).toBe('setup check: locale xx_YY.utf8 is not compiled (not in locale -a)');
    const missing = run({ ...PLAIN, runtime: { name: 'ruby', version: '' } }, { PATH: '/nonexistent' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^setup check: ruby --version failed: /);
    const node = process.version.slice(1).split('.')[0]!;
    expect(run({ ...PLAIN, runtime: { name: 'node', version: node } }).status).toBe(0);
    const other = run({ ...PLAIN, runtime: { name: 'node', version: '7.99' } });
    expect(other.status).toBe(1);
    expect(other.stderr.trim()).toBe(`setup check: node 7.99 was answered, ${execFileSync('node', ['--version'], { encoding: 'utf8' }).trim()} runs`);
  });
  it('keeps a hostile answer a word: nothing runs from it', () => {
    const r = run({ ...PLAIN, tz: "UTC'; touch /tmp/pwned-setup; echo '" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no zone data for UTC');
  });
});

