// The custom recipe's default command with no services and no command: the runtime's REPL when its
// packages ship one, else a shell (Debian's JRE has no jshell: that image would exit 127).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { composeFiles } from '../../src/pipelines/compose.js';

const recipe = loadRecipeDir(path.join(builtinRecipesDir(), 'custom'));
const cmdOf = async (runtime: string) => {
  const plan = renderPlan(recipe, await resolveAnswers(recipe, { imageName: 'x', runtime }, { interactive: false }), '0.0.0');
  const dockerfile = plan.files.find((f) => f.path === 'Dockerfile')!.content;
  return /^CMD (.*)$/m.exec(dockerfile)?.[1];
};

describe('custom: the default command per runtime', () => {
  it('java runs a shell, not the JDK-only jshell', async () => {
    expect(await cmdOf('java')).toBe('["sh"]');
  });
  it('node, python, php and no runtime keep their REPL or the shell', async () => {
    expect(await cmdOf('node')).toBe('["node"]');
    expect(await cmdOf('python')).toBe('["python3"]');
    expect(await cmdOf('php')).toBe('["php", "-a"]');
    expect(await cmdOf('none')).toBe('["sh"]');
  });
});

describe('custom: apache serves the folder the site is copied to', () => {
  const dockerfileOf = async (family: 'debian' | 'alpine' | 'rhel') => {
    const raw = { imageName: 'x', family, services: ['apache'], ports: ['8080'] };
    return renderPlan(recipe, await resolveAnswers(recipe, raw, { interactive: false }), '0.0.0').files.find((f) => f.path === 'Dockerfile')!.content;
  };
  it("alpine: httpd.conf's document root is moved from /var/www/localhost/htdocs to /var/www/html", async () => {
    const df = await dockerfileOf('alpine');
    expect(df).toContain('COPY site/ /var/www/html/');
    expect(df).toContain("sed -i 's#/var/www/localhost/htdocs#/var/www/html#g' /etc/apache2/httpd.conf");
  });
  it('rhel serves /var/www/html already: its httpd.conf is left alone', async () => {
    expect(await dockerfileOf('rhel')).not.toContain('htdocs');
  });
});

describe('custom: cron runs its jobs as a non-root account on every family', () => {
  const planOf = async (family: 'debian' | 'ubuntu' | 'alpine' | 'rhel') =>
    renderPlan(recipe, await resolveAnswers(recipe, { imageName: 'x', family, services: ['cron', 'nginx'], ports: ['8080'] }, { interactive: false }), '0.0.0');
  const file = (plan: Awaited<ReturnType<typeof planOf>>, p: string) => plan.files.find((f) => f.path === p)!.content;

  for (const family of ['debian', 'ubuntu', 'rhel'] as const) {
    it(`${family}: the system crontab names app, the image makes the account`, async () => {
      const plan = await planOf(family);
      const jobs = file(plan, 'config/crontab').split('\n').filter((l) => l && !l.startsWith('#'));
      expect(jobs).toEqual([`*/15 * * * * app echo "cron is alive" > /run/create-image/cron.log 2>&1`]);
      expect(file(plan, 'Dockerfile')).toMatch(/useradd --system --uid 10001 --gid app .* app/);
      expect(file(plan, 'Dockerfile')).toContain('COPY config/crontab /etc/cron.d/create-image');
    });
  }

  it("alpine: busybox crond's table of the app account", async () => {
    const plan = await planOf('alpine');
    expect(file(plan, 'Dockerfile')).toContain('COPY config/crontab /etc/crontabs/app');
    expect(file(plan, 'Dockerfile')).toMatch(/adduser -S -D -u 10001 -G app .* app/);
    // a per-user table: no user field
    expect(file(plan, 'config/crontab').split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['*/15 * * * * echo "cron is alive" > /run/create-image/cron.log 2>&1']);
  });

  it('the entrypoint makes the pipe the jobs reach the container log through, writable by their group only', async () => {
    const entry = file(await planOf('debian'), 'docker-entrypoint.sh');
    expect(entry).toContain('mkfifo -m 0620 "$cron_log"');
    expect(entry).toContain('chown root:app "$cron_log"');
    expect(entry).toContain('cat 0<>"$cron_log" &');
    expect(entry.indexOf('cat 0<>')).toBeLessThan(entry.indexOf('exec "$@"'));
  });
});

describe('custom: redis is never root', () => {
  const filesOf = async (family: string, services: string[], supervisor = 'watchdog') => {
    const raw = { imageName: 'x', family, services, supervisor };
    const files = renderPlan(recipe, await resolveAnswers(recipe, raw, { interactive: false }), '0.0.0').files;
    return (p: string) => files.find((f) => f.path === p)?.content ?? '';
  };
  it('beside cron (a root image): started as app through setpriv, su-exec on Alpine; one account for it and the jobs', async () => {
    for (const [family, start] of [['debian', 'setpriv --reuid=app --regid=app --init-groups -- redis-server'], ['ubuntu', 'setpriv --reuid=app'], ['rhel', 'setpriv --reuid=app'], ['alpine', 'su-exec app redis-server']] as const) {
      const file = await filesOf(family, ['redis', 'cron']);
      expect(file('watchdog.sh'), family).toContain(`start ${start}`);
      expect(file('Dockerfile').match(/(useradd|adduser) /g), family).toHaveLength(1);
      expect(file('Dockerfile'), family).toContain(`chown app:app /var/lib/create-image/redis`);
      expect(file('docker-entrypoint.sh'), family).toContain('chown app:app "$redis_state/password" "$redis_state/auth.conf"');
    }
    expect((await filesOf('alpine', ['redis', 'cron']))('Dockerfile')).toMatch(/apk add .*su-exec/);
    expect((await filesOf('debian', ['redis', 'openssh'], 'supervisord'))('config/supervisord.conf')).toContain('command=setpriv --reuid=app --regid=app --init-groups -- redis-server /etc/create-image/redis.conf');
  });
  it('in an image that runs as app already: started as it is, no second account, no chown at start', async () => {
    const file = await filesOf('debian', ['redis', 'nginx']);
    expect(file('watchdog.sh')).toContain('start redis-server /etc/create-image/redis.conf');
    expect(file('docker-entrypoint.sh')).not.toContain('chown');
  });
});

describe('custom: php-fpm alone', () => {
  const planOf = async (services: string[], ports: string[]) => renderPlan(recipe, await resolveAnswers(recipe, { imageName: 'x', services, ports }, { interactive: false }), '0.0.0');
  it('listens on 9000 for another container, copies the site, and is published on loopback only (FastCGI runs code for whoever reaches it)', async () => {
    const plan = await planOf(['php-fpm'], ['9000']);
    expect(plan.files.find((f) => f.path === 'config/php-fpm.conf')!.content).toMatch(/^listen = 9000$/m);
    expect(plan.files.find((f) => f.path === 'Dockerfile')!.content).toMatch(/^COPY site\/ \/var\/www\/html\/$/m);
    expect(plan.image.ports).toEqual([{ from: 9000, to: 9000, proto: 'tcp', bind: '127.0.0.1' }]);
    expect(plan.nextSteps.at(-1)).toBe('docker run -d --name x -p 127.0.0.1:9000:9000 x:latest');
    const compose = composeFiles(plan, recipe, '0.0.0').find((f) => f.path === 'compose.yaml')!.content;
    expect(compose).toMatch(/^ {4}ports:\n {6}- "127\.0\.0\.1:9000:9000"$/m);
  });
  it('beside nginx it listens on loopback inside the container, and the web port is published as usual', async () => {
    const plan = await planOf(['nginx', 'php-fpm'], ['8080']);
    expect(plan.files.find((f) => f.path === 'config/php-fpm.conf')!.content).toMatch(/^listen = 127\.0\.0\.1:9000$/m);
    expect(plan.nextSteps.at(-1)).toBe('docker run -d --name x -p 8080:8080 x:latest');
  });
  const fileOf = (plan: Awaited<ReturnType<typeof planOf>>, p: string) => plan.files.find((f) => f.path === p)!.content;
  it("its HEALTHCHECK asks php-fpm's ping page over FastCGI with PHP's CLI, with no curl installed for it", async () => {
    const plan = await planOf(['php-fpm'], ['9000']);
    expect(fileOf(plan, 'config/php-fpm.conf')).toMatch(/^ping\.path = \/fpm-ping\nping\.response = pong$/m);
    const dockerfile = fileOf(plan, 'Dockerfile');
    const check = /^ {2}CMD (\[.*\])$/m.exec(dockerfile.slice(dockerfile.indexOf('HEALTHCHECK')))?.[1];
    const argv = JSON.parse(check!) as string[];
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv.at(-1)).toContain('"SCRIPT_NAME" => "/fpm-ping"');
    expect(argv.at(-1)).toContain('strpos($out, "pong") === false ? 1 : 0');
    expect(dockerfile).not.toMatch(/\bcurl\b/);
  });
  it("beside nginx the web server's check is the image's, and php-fpm has no ping page", async () => {
    const plan = await planOf(['php-fpm', 'nginx'], ['8080']);
    expect(fileOf(plan, 'config/php-fpm.conf')).not.toContain('ping.path');
    expect(fileOf(plan, 'Dockerfile')).toMatch(/^ {2}CMD \["curl", "-fsS", "-o", "\/dev\/null", "http:\/\/127\.0\.0\.1:8080\/"\]$/m);
  });
  it("redis alone: its check is redis-cli's, and no curl is installed for it", async () => {
    const dockerfile = fileOf(await planOf(['redis'], []), 'Dockerfile');
    expect(dockerfile).toContain('redis-cli -p 6379 ping | grep -q PONG');
    expect(dockerfile).not.toMatch(/\bcurl\b/);
  });
});

describe('custom: node trusts the --ca-cert CAs at run time with --ca-in-final', () => {
  const CA = { name: '01-proxy.crt', content: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };
  const dockerfileOf = async (raw: Record<string, unknown>) =>
    renderPlan(recipe, await resolveAnswers(recipe, { imageName: 'x', ...raw }, { interactive: false }), '0.0.0').files.find((f) => f.path === 'Dockerfile')!.content;
  it("node's own CA list gets the system bundle, which holds them (debian's path, rhel's)", async () => {
    expect(await dockerfileOf({ runtime: 'node', caCerts: [CA], caInFinal: true })).toMatch(/^ENV NODE_EXTRA_CA_CERTS="\/etc\/ssl\/certs\/ca-certificates\.crt"$/m);
    expect(await dockerfileOf({ runtime: 'node', base: 'rockylinux:9', caCerts: [CA], caInFinal: true })).toContain('NODE_EXTRA_CA_CERTS="/etc/pki/tls/certs/ca-bundle.crt"');
  });
  it('not without --ca-in-final, not for another runtime, and a value the user gives wins', async () => {
    expect(await dockerfileOf({ runtime: 'node', caCerts: [CA], caInFinal: false })).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(await dockerfileOf({ runtime: 'python', caCerts: [CA], caInFinal: true })).not.toContain('NODE_EXTRA_CA_CERTS');
    const own = await dockerfileOf({ runtime: 'node', caCerts: [CA], caInFinal: true, env: { NODE_EXTRA_CA_CERTS: '/etc/own.pem' } });
    expect(own.match(/NODE_EXTRA_CA_CERTS=/g)).toHaveLength(1);
    expect(own).toContain('NODE_EXTRA_CA_CERTS="/etc/own.pem"');
  });
});
