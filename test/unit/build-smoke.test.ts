import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/core/families.js';
import { serviceProbes, setupCheck, smokeChecks, smokeForAnswers as smokeFor, type SmokeAnswers } from '../../src/core/smoke.js';
import type { PortSpec } from '../../src/core/types.js';
import { describeCheck } from '../../src/engines/smoke.js';
import { builtinRecipe, requireFile } from '../helpers/recipe.js';

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
    expect(describeCheck(tomcat.smoke!)).toBe('http :8080/ expecting "create-image Tomcat sample"');
    expect(describeCheck({ kind: 'tcp', port: 21, expect: '220' })).toBe('tcp :21 expecting "220"');
    expect(describeCheck({ kind: 'command', command: ['cat', '/etc/greeting'] })).toBe('command cat /etc/greeting');
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


describe("the probes of custom's services", () => {
  const custom = builtinRecipe('custom', { imageName: 'x' });
  const answers = (services: string[], ports: PortSpec[]) => ({ ...PLAIN, set: {}, services, ports });
  const tcp = (...ps: number[]): PortSpec[] => ps.map((p) => ({ from: p, to: p, proto: 'tcp' }));

  it('follow the setup check, one per thing to prove, in the order the services were chosen', () => {
    const checks = smokeChecks(custom.recipe.manifest, answers(['nginx', 'php-fpm', 'redis', 'openssh', 'cron'], tcp(8080, 6379, 22)));
    expect(checks.map((c) => c.label)).toEqual([
      'setup: zone UTC',
      'GET :8080/ answered',
      'GET :8080/index.php ran PHP (no source in the body)',
      'redis PING: NOAUTH without the password, PONG with it',
      'tcp :22 answered an SSH banner',
      'cron process running',
    ]);
    expect(checks[2]).toMatchObject({ kind: 'http', port: 8080, path: '/index.php', refuse: '<?php' });
    // php-fpm with no web server in front: its process is what can be asked
    expect(serviceProbes(['php-fpm'], []).map((c) => c.label)).toEqual(['FastCGI :9000 ran PHP']);
    // a recipe that does not let its user choose services (lnmp's are its own) keeps its own check alone
    const lnmp = builtinRecipe('lnmp').recipe.manifest;
    expect(smokeChecks(lnmp, answers(['nginx', 'php-fpm'], []))).toEqual([lnmp.smoke]);
  });

  it("a web server's port is the first one answered that redis or ssh does not own, in the config, the HEALTHCHECK and the probe alike", async () => {
    const plan = await custom.render({ services: ['nginx', 'redis'], ports: ['6379', '8081'] });
    expect(requireFile(plan, 'config/nginx.conf')).toMatch(/^\s*listen 8081;$/m);
    expect(requireFile(plan, 'Dockerfile')).toContain('"http://127.0.0.1:8081/"');
    expect(serviceProbes(['nginx', 'redis'], tcp(6379, 8081))[0]).toMatchObject({ port: 8081, path: '/' });
    expect(serviceProbes(['nginx'], [])[0]).toMatchObject({ port: 8080 });
  });

  it('a process probe passes while a process of that name runs, and fails when none does', async () => {
    const [probe] = SERVICES.cron!.probes({ port: 0, services: ['cron'] });
    const run = () => spawnSync(probe!.command![0]!, probe!.command!.slice(1), { encoding: 'utf8' });
    expect(run().status).toBe(1);
    // a process whose name (comm) is crond: sleep under that name
    const dir = mkdtempSync(path.join(os.tmpdir(), 'probe-'));
    copyFileSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), path.join(dir, 'crond'));
    const daemon = spawn(path.join(dir, 'crond'), ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const r = run();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(probe!.expect!);
    } finally {
      daemon.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
