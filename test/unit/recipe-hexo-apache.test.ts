// The hexo-apache recipe renders, and lints clean, on every base family it claims; the Dockerfile keeps node
// in the build stage only, orders layers for cheap rebuilds, and the Apache/TLS files say what the issue asks.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { parse as parseYaml } from 'yaml';
import { builtinRecipe, fileIn } from '../helpers/recipe.js';

const { recipe, render } = builtinRecipe('hexo-apache', { imageName: 'blog' });
const FAMILIES = recipe.manifest.bases.families;
const CA = { name: '01-corp.crt', content: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };
const file = fileIn;
function stages(df: string): string[] {
  return df.split(/^(?=FROM )/m).filter((s) => s.startsWith('FROM '));
}

describe('hexo-apache recipe', () => {
  it('claims the families whose Apache layout it configures', () => {
    expect(FAMILIES).toEqual(['debian', 'ubuntu']);
  });

  for (const family of FAMILIES) {
    for (const variant of [{ id: 'sample', set: { domain: 'blog.example.com' } }, { id: 'user site + CA', set: { domain: 'example.org', site: 'myblog' }, ca: true }]) {
      it(`${family} / ${variant.id}: renders and lints clean`, async () => {
        const plan = await render({ base: family, set: variant.set, ...(variant.ca ? { caCerts: [CA] } : {}) });
        expect(await lintPlanFiles(plan.files)).toEqual([]);
        const df = file(plan, 'Dockerfile')!;
        expect(df).not.toMatch(/^# syntax=/m);
        const [build, final] = stages(df);
        expect(stages(df)).toHaveLength(2);
        expect(build).toMatch(/ AS build\n/);
        expect(build).toMatch(/install -y --no-install-recommends .*\bnodejs npm\b/);
        expect(build).toContain('npx --no-install hexo generate');
        // The final stage: apache2-bin (repacked without perl and libxml2, installed by apt), certbot; no node,
        // no apache2 package (its helpers need perl).
        expect(final).toMatch(/install -y --no-install-recommends .*\bcertbot openssl media-types \/tmp\/apache2-bin\/apache2-bin\.deb\b/);
        const download = final.indexOf('apt-get download apache2-bin');
        const repack = final.indexOf('dpkg-deb -b /tmp/apache2-bin/pkg /tmp/apache2-bin/apache2-bin.deb');
        expect(final.indexOf('apt-get update')).toBeLessThan(download);
        expect(download).toBeGreaterThan(0);
        expect(repack).toBeGreaterThan(download);
        expect(final.indexOf('apt-get install')).toBeGreaterThan(repack);
        expect(final).toContain("s/ perl:any,//; s/, perl:any$//");
        const instructions = final.split('\n').filter((l) => !l.startsWith('#')).join('\n');
        expect(instructions).not.toMatch(/\bapache2 certbot\b|a2enmod|a2ensite|apache2ctl/);
        expect(final).toContain('COPY config/apache2.conf /etc/apache2/apache2.conf');
        expect(final).toContain('COPY config/apache-blog.conf /etc/apache2/sites-enabled/blog.conf');
        expect(final).not.toMatch(/nodejs|npm|npx/);
        expect(final).toContain('COPY --from=build /src/public/ /var/www/html/');
        expect(final).toContain(`ENV DOMAIN="${variant.set.domain}"`);
        expect(final).toMatch(/^EXPOSE 80\/tcp 443\/tcp$/m);
        expect(final).toMatch(/^VOLUME \["\/etc\/letsencrypt"\]$/m);
        expect(final).toMatch(/^# lint: allow-root .*reads the root-only Let's Encrypt keys/m);
        expect(final).toMatch(/^HEALTHCHECK /m);
        expect(final).toContain('CMD ["apache2", "-DFOREGROUND"]');
      });
    }
  }

  it('installs npm dependencies before copying the site, apt before npm', async () => {
    const df = file(await render({ set: { domain: 'blog.example.com' } }), 'Dockerfile')!;
    const apt = df.indexOf('nodejs npm');
    const pkg = df.indexOf('COPY site/package.json site/package-lock.json* ./');
    const install = df.indexOf('npm install --no-audit');
    const sources = df.indexOf('COPY site/ ./');
    const gen = df.indexOf('npx --no-install hexo generate');
    expect([apt, pkg, install, sources, gen].every((i) => i > 0)).toBe(true);
    expect(apt).toBeLessThan(pkg);
    expect(pkg).toBeLessThan(install);
    expect(install).toBeLessThan(sources);
    expect(sources).toBeLessThan(gen);
    // The generated site is the last layer of the final image, after every package and config file.
    const copies = df.split('\n').filter((l) => l.startsWith('COPY '));
    expect(copies.at(-1)).toBe('COPY --from=build /src/public/ /var/www/html/');
  });

  it('trusts --ca-cert for npm in the build stage and drops it from the final image', async () => {
    const df = file(await render({ set: { domain: 'blog.example.com' }, caCerts: [CA] }), 'Dockerfile')!;
    const [build, final] = stages(df);
    expect(build).toContain('COPY certs/ /usr/local/share/ca-certificates/create-image/');
    expect(build).toContain('NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm install');
    expect(build).not.toContain('update-ca-certificates --fresh'); // kept for npm
    expect(final).toContain('rm -rf /usr/local/share/ca-certificates/create-image');
    expect(final).toContain('update-ca-certificates --fresh');
  });

  it('writes a sample hexo site with the title and https url, and none when the user names a site dir', async () => {
    const plan = await render({ set: { domain: 'blog.example.com', title: 'Tom\'s "Notes" $(id)' }, tz: 'Asia/Shanghai' });
    const cfg = parseYaml(file(plan, 'site/_config.yml')!);
    expect(cfg.title).toBe('Tom\'s "Notes" $(id)');
    expect(cfg.url).toBe('https://blog.example.com');
    expect(cfg.timezone).toBe('Asia/Shanghai');
    expect(cfg.theme).toBe('landscape');
    const pkg = JSON.parse(file(plan, 'site/package.json')!);
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['hexo', 'hexo-theme-landscape', 'hexo-renderer-marked', 'hexo-renderer-ejs', 'hexo-renderer-stylus']));
    for (const v of Object.values(pkg.dependencies)) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    // the image's name is not in it: renaming the image keeps the npm install layer
    const renamed = await render({ imageName: 'another-blog', set: { domain: 'blog.example.com', title: 'Tom\'s "Notes" $(id)' }, tz: 'Asia/Shanghai' });
    expect(file(renamed, 'site/package.json')).toBe(file(plan, 'site/package.json'));
    expect(file(plan, 'site/source/_posts/hello-world.md')).toContain('Tom&#39;s &#34;Notes&#34; $(id)');
    const own = await render({ set: { domain: 'blog.example.com', site: 'blog/' } });
    expect(own.files.filter((f) => f.path.startsWith('site/'))).toEqual([]);
    expect(file(own, 'Dockerfile')).toContain('COPY blog/ ./');
  });

  it('redirects port 80 to https except ACME challenges, and reads certificates through the links apache-tls sets', async () => {
    const plan = await render({ set: { domain: 'blog.example.com' } });
    const conf = file(plan, 'config/apache-blog.conf')!;
    const v80 = conf.slice(conf.indexOf('<VirtualHost *:80>'), conf.indexOf('</VirtualHost>'));
    expect(v80).toContain('RewriteCond %{REQUEST_URI} !^/\\.well-known/acme-challenge/');
    expect(v80).toContain('RewriteRule ^ https://%{SERVER_NAME}%{REQUEST_URI} [R=301,L,NE]');
    expect(v80).toContain('DocumentRoot /var/www/acme');
    expect(conf).toContain('SSLCertificateFile /etc/apache2/tls/fullchain.pem');
    expect(conf).toContain('SSLCertificateKeyFile /etc/apache2/tls/privkey.pem');
    const tls = file(plan, 'apache-tls.sh')!;
    expect(tls).toContain('live="/etc/letsencrypt/live/$domain"');
    expect(tls).toContain('apache2 -k graceful');
    expect(tls).not.toContain('apache2ctl');
    // The whole server config is ours: modules, privilege drop, logs to the container's output, the sites.
    const main = file(plan, 'config/apache2.conf')!;
    for (const m of ['mpm_event', 'authz_core', 'mime', 'dir', 'rewrite', 'headers', 'socache_shmcb', 'ssl']) {
      expect(main).toContain(`LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`);
    }
    expect(main).toMatch(/^User www-data\nGroup www-data$/m);
    expect(main).toMatch(/^PidFile \/run\/apache2\/apache2\.pid$/m);
    expect(main).toMatch(/^ErrorLog \/dev\/stderr$/m);
    expect(main).toMatch(/^CustomLog \/dev\/stdout /m);
    expect(main).toMatch(/^TypesConfig \/etc\/mime\.types$/m);
    expect(main).toMatch(/^IncludeOptional sites-enabled\/\*\.conf$/m);
    expect(main).not.toContain('APACHE_');
    expect(plan.files.find((f) => f.path === 'apache-tls.sh')!.mode).toBe(0o755);
    const notes = recipe.manifest.notes!.join('\n');
    expect(notes).toContain("certbot certonly --webroot -w /var/www/acme -d $DOMAIN");
    expect(notes).toContain("certbot renew --quiet --deploy-hook 'apache-tls --reload'");
    expect(file(plan, 'README.md')).toContain("--deploy-hook 'apache-tls --reload'");
  });

  it('refuses a bad domain or site path with the flag named', async () => {
    for (const [set, msg] of [
      [{ domain: 'blog example.com' }, /--set domain: must be a host name/],
      [{ domain: '-bad.example.com' }, /--set domain: must be a host name/],
      [{ domain: 'a/../../etc' }, /--set domain: must be a host name/],
      [{ domain: 'ok.example.com', site: '/abs' }, /--set site: must be a relative path/],
    ] as Array<[Record<string, string>, RegExp]>) {
      const err = await render({ set }).then(() => undefined, (e: unknown) => e);
      expect(err, JSON.stringify(set)).toBeInstanceOf(UsageError);
      expect(String((err as Error).message)).toMatch(msg);
    }
  });
});
