import { describe, expect, it } from 'vitest';
import type { RawAnswers } from '../../src/core/answers.js';
import { UsageError } from '../../src/core/errors.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { builtinRecipe } from '../helpers/recipe.js';

const lnmp = builtinRecipe('lnmp', { imageName: 'site' });
const recipe = lnmp.recipe;

async function render(raw: RawAnswers = {}) {
  const plan = await lnmp.render(raw);
  const file = (p: string) => plan.files.find((x) => x.path === p);
  return { plan, file, df: file('Dockerfile')!.content };
}

describe('lnmp recipe', () => {
  it('extends custom: reuses its nginx, php-fpm and supervisord config', () => {
    expect(recipe.manifest.extends).toBe('custom');
    expect(recipe.parents?.[0]).toMatch(/recipes[/\\]custom$/);
  });

  it('the extensions asked for are installed on Alpine (one package each) and the rhel family (php-process, php-ffi)', async () => {
    const alpine = (await render({ base: 'alpine', set: { extensions: ['ctype', 'posix', 'sysvsem'] } })).df;
    expect(alpine).toMatch(/apk add --no-cache .*php83-fpm.* php83-ctype php83-posix php83-sysvsem;/);
    expect(alpine).not.toContain('php83-exif');
    const rhel = (await render({ base: 'rhel', set: { extensions: ['ffi', 'shmop'] } })).df;
    expect(rhel).toMatch(/install .*php-fpm.* php-ffi php-process;/);
    expect((await render({ base: 'rhel', set: { extensions: ['ctype'] } })).df).not.toMatch(/php-process|php-ffi/);
  });

  for (const base of ['debian', 'ubuntu', 'alpine', 'rhel']) {
    it(`renders lint-clean files on ${base}, with and without the MySQL client`, async () => {
      for (const mysql of [false, true]) {
        const { plan } = await render({ base, set: { mysql } });
        expect(await lintPlanFiles(plan.files), `${base} mysql=${mysql}`).toEqual([]);
      }
    });
  }

  it('defaults to nginx + php-fpm under supervisord on 8080, as a non-root user', async () => {
    const { df, file, plan } = await render();
    expect(df).toMatch(/apt-get install -y --no-install-recommends .*\bnginx php-fpm supervisor\b/);
    expect(df).toContain('CMD ["supervisord", "-c", "/etc/create-image/supervisord.conf"]');
    expect(df).toMatch(/^EXPOSE 8080\/tcp$/m);
    expect(df).toMatch(/^USER app$/m);
    expect(df).toContain('COPY site/ /var/www/html/');
    expect(file('config/nginx.conf')!.content).toContain('listen 8080;');
    expect(file('config/nginx.conf')!.content).toContain('fastcgi_pass 127.0.0.1:9000;');
    expect(file('config/supervisord.conf')!.content).toMatch(/\[program:nginx\][\s\S]*\[program:php-fpm\]/);
    expect(file('site/index.php')!.content).toContain("'Computed by PHP' => '6 * 7 = ' . (6 * 7)");
    expect(file('site/index.html')).toBeUndefined();
    expect(plan.image.ports.map((p) => p.from)).toEqual([8080]);
  });

  it('installs the MySQL client and PHP drivers per family when asked', async () => {
    expect((await render()).df).not.toContain('mysql');
    expect((await render({ set: { mysql: true } })).df).toMatch(/--no-install-recommends .* default-mysql-client php-mysql;/);
    expect((await render({ base: 'alpine', set: { mysql: true } })).df).toContain('mariadb-client php83-mysqli php83-pdo_mysql');
    const rhel = (await render({ base: 'rhel', set: { mysql: true } })).df;
    // The seed's CentOS + EPEL: supervisor comes from EPEL, enabled before the main install.
    expect(rhel).toContain('FROM quay.io/centos/centos:stream9');
    expect(rhel).toMatch(/dnf install -y epel-release; \\\n\s+dnf install -y .* nginx php-fpm supervisor .* mysql php-mysqlnd php-process;/);
  });

  it('serves the user app dir at / instead of the sample', async () => {
    const { df, file } = await render({ set: { app: 'public/' } });
    expect(df).toContain('COPY public/ /var/www/html/');
    expect(df).not.toContain('COPY site/');
    expect(file('site/index.php')).toBeUndefined();
  });

  it('rejects an app dir outside the target dir', async () => {
    const err = await render({ set: { app: '../etc' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('--set app');
  });

  it('installs only what serving PHP needs: no curl, no systemd, only the php-common extensions asked for (Debian)', async () => {
    const { df, file } = await render();
    const install = /apt-get install -y --no-install-recommends ([^;]*);/.exec(df)![1]!.split(' ');
    expect(install).toContain('systemd-standalone-tmpfiles'); // php-fpm depends on systemd | systemd-tmpfiles
    expect(install).not.toContain('curl');
    expect(df).toContain('CMD ["/usr/local/bin/lnmp-healthcheck"]');
    expect(file('lnmp-healthcheck')!.content).toContain("exec php -n -d allow_url_fopen=1 -r '");
    // excluded before the install (dpkg keeps them out), disabled after it
    const excludes = df.slice(df.indexOf('path-exclude'), df.indexOf('/etc/dpkg/dpkg.cfg.d/create-image-lnmp'));
    expect(excludes).toContain("'/usr/lib/php/*/fileinfo.so'");
    expect(excludes).toContain('/usr/lib/file/magic.mgc');
    expect(excludes).not.toContain('ctype.so');
    expect(df.indexOf('create-image-lnmp')).toBeLessThan(df.indexOf('apt-get install'));
    expect(df).toMatch(/phpdismod -v ALL -s ALL ffi fileinfo ftp shmop sysvmsg sysvsem sysvshm;/);
    const asked = await render({ set: { extensions: 'fileinfo,ctype' } });
    expect(asked.df).not.toContain("'/usr/lib/php/*/fileinfo.so'");
    expect(asked.df).toContain("'/usr/lib/php/*/calendar.so'");
    // Alpine and the rhel family: their php-fpm brings no PHP command line; the healthcheck uses curl
    for (const base of ['alpine', 'rhel']) {
      const other = await render({ base });
      expect(other.df).toMatch(/\bcurl\b/);
      expect(other.df).not.toContain('path-exclude');
    }
  });

  it('uses the watchdog instead of supervisord when asked', async () => {
    const { df, file } = await render({ supervisor: 'watchdog' });
    expect(df).toContain('ENTRYPOINT ["tini", "--", "/usr/local/bin/docker-entrypoint.sh"]');
    expect(file('watchdog.sh')).toBeDefined();
  });
});
