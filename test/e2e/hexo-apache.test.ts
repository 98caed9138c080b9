// hexo-apache: generate with the built bin (npm needs this machine's CA: --ca-cert), build on
// debian:bookworm-slim, run with /etc/letsencrypt on a volume, and check from outside: port 80 answers 301
// to https except ACME challenges; https serves the blog with its title over the self-signed certificate made
// at start; a Let's Encrypt-style lineage for the domain (made here with openssl) is served once certbot's
// deploy hook runs, and after a restart; `certbot renew` with the recipe's deploy hook runs clean offline.
import { execa } from 'execa';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { expect, it } from 'vitest';
import { caCertFile, cli, describeEngine, docker, dockerExec, freePort, httpGet, onCleanup, removeImageLater, runContainer, tempDir, uniqueName, waitFor } from '../helpers/engine.js';

const CLASSIC = { DOCKER_BUILDKIT: '0' };
const DOMAIN = 'blog.example.com';
const TITLE = 'Create Image E2E Blog';

interface HttpsResult {
  status: number;
  body: string;
  cert: X509Certificate;
}

/** GET over TLS to 127.0.0.1 with SNI for the domain, accepting any certificate (we inspect it instead). */
function httpsGet(port: number, urlPath = '/'): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: urlPath, servername: DOMAIN, headers: { host: DOMAIN }, rejectUnauthorized: false, timeout: 5000, agent: false }, (res) => {
      const raw = (res.socket as TLSSocket).getPeerX509Certificate();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (raw ? resolve({ status: res.statusCode ?? 0, body, cert: raw }) : reject(new Error('no peer certificate'))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** A Let's Encrypt-shaped lineage for DOMAIN, as certbot lays it out: archive/ files, live/ links, renewal conf. */
async function makeLineage(dir: string): Promise<string> {
  const archive = path.join(dir, 'archive', DOMAIN);
  const live = path.join(dir, 'live', DOMAIN);
  await mkdir(archive, { recursive: true });
  await mkdir(live, { recursive: true });
  await mkdir(path.join(dir, 'renewal'), { recursive: true });
  await execa('openssl', [
    'req', '-x509', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-sha256', '-days', '90',
    '-subj', `/O=create-image e2e/CN=${DOMAIN}`, '-addext', `subjectAltName=DNS:${DOMAIN}`,
    '-keyout', path.join(archive, 'privkey1.pem'), '-out', path.join(archive, 'cert1.pem'),
  ]);
  const cert = await readFile(path.join(archive, 'cert1.pem'), 'utf8');
  await writeFile(path.join(archive, 'chain1.pem'), cert);
  await writeFile(path.join(archive, 'fullchain1.pem'), cert);
  for (const f of ['cert', 'chain', 'fullchain', 'privkey']) await symlink(`../../archive/${DOMAIN}/${f}1.pem`, path.join(live, `${f}.pem`));
  await writeFile(
    path.join(dir, 'renewal', `${DOMAIN}.conf`),
    [
      'version = 2.1.0',
      `archive_dir = /etc/letsencrypt/archive/${DOMAIN}`,
      ...['cert', 'privkey', 'chain', 'fullchain'].map((f) => `${f} = /etc/letsencrypt/live/${DOMAIN}/${f}.pem`),
      '',
      '[renewalparams]',
      'account = 0123456789abcdef0123456789abcdef',
      'authenticator = webroot',
      'webroot_path = /var/www/acme,',
      'server = https://acme-v02.api.letsencrypt.org/directory',
      'key_type = ecdsa',
      'renew_hook = apache-tls --reload',
      '[[webroot_map]]',
      `${DOMAIN} = /var/www/acme`,
      '',
    ].join('\n'),
  );
  return cert;
}

describeEngine('hexo-apache recipe (hexo build stage, apache + certbot)', () => {
  it('redirects http, serves the blog over https, switches to a mounted certificate and renews clean', async () => {
    const root = await tempDir('ci-hexo-');
    const dir = path.join(root, 'blog');
    const tag = `${uniqueName('hexo')}:test`;
    removeImageLater(tag);
    const gen = await cli([dir, '--recipe', 'hexo-apache', '--set', `domain=${DOMAIN}`, '--set', `title=${TITLE}`, '--ca-cert', caCertFile(), '--yes', '--build', '--tag', tag], { env: CLASSIC });
    expect(gen.exitCode, gen.stderr + gen.stdout).toBe(0);

    // No node.js in the final image.
    const nodeCheck = await docker(['run', '--rm', '--entrypoint', 'sh', tag, '-c', 'command -v node || command -v npm || ls /usr/lib/node_modules 2>/dev/null || echo none']);
    expect(nodeCheck.stdout.trim()).toBe('none');

    const volume = uniqueName('hexo-le');
    await docker(['volume', 'create', volume]);
    // Registered before the container's own cleanup, so it runs after it (cleanups run in reverse order).
    onCleanup(() => docker(['volume', 'rm', '-f', volume], { reject: false }));
    const http = await freePort();
    const tls = await freePort();
    const name = uniqueName('hexo-c');
    const id = await runContainer(tag, { name, ports: [[http, '80'], [tls, '443']], args: ['-v', `${volume}:/etc/letsencrypt`] });

    // https: the blog with its title, on the self-signed certificate made at start.
    const first = await waitFor('https to answer', () => httpsGet(tls).catch(() => undefined), 60_000);
    expect(first.status).toBe(200);
    expect(first.body).toContain(`<title>${TITLE}</title>`);
    expect(first.body).toContain('Hello World');
    expect(first.cert.subject).toContain(`CN=${DOMAIN}`);
    expect(first.cert.issuer).toBe(first.cert.subject);
    expect((await httpsGet(tls, '/2024/01/01/hello-world/')).body).toContain('Welcome to Create Image E2E Blog.');

    // http: a 301 to https for everything but the ACME challenge directory (certbot --webroot -w /var/www/acme).
    const redirect = await httpGet(`http://127.0.0.1:${http}/2024/01/01/hello-world/?a=1`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('https://127.0.0.1/2024/01/01/hello-world/?a=1');
    const token = 'e2e-token-' + Date.now();
    const write = await dockerExec(id, ['sh', '-c', `printf %s ${token} > /var/www/acme/.well-known/acme-challenge/${token}`]);
    expect(write.exitCode, write.stderr).toBe(0);
    const challenge = await httpGet(`http://127.0.0.1:${http}/.well-known/acme-challenge/${token}`);
    expect(challenge.status).toBe(200);
    expect(challenge.body).toBe(token);

    // Apache is the repacked apache2-bin with the recipe's own config: no perl packages (the apache2
    // package's helpers need them), no libxml2/ICU, apt's dependency state still consistent, the config valid.
    const pkgs = await dockerExec(id, ['dpkg-query', '-W', '-f', '${db:Status-Abbrev} ${Package}\n']);
    expect(pkgs.exitCode, pkgs.stderr).toBe(0);
    const installed = new Set(pkgs.stdout.split('\n').filter((l) => l.startsWith('ii ')).map((l) => l.trim().split(/\s+/)[1]));
    expect([...installed].filter((p) => /^(perl|libperl.*|perl-modules-.*|libxml2|libicu.*|apache2|apache2-utils)$/.test(p))).toEqual([]);
    for (const p of ['apache2-bin', 'certbot', 'media-types']) expect(installed.has(p), p).toBe(true);
    const aptCheck = await dockerExec(id, ['apt-get', 'check']);
    expect(aptCheck.exitCode, aptCheck.stdout + aptCheck.stderr).toBe(0);
    const syntax = await dockerExec(id, ['apache2', '-t']);
    expect(syntax.exitCode, syntax.stderr).toBe(0);
    expect(syntax.stderr).toContain('Syntax OK');

    // Apache's parent is root (it binds 80/443 and reads the keys); the workers are www-data.
    const top = await docker(['top', id, '-o', 'pid,user,comm']);
    const users = new Set(top.stdout.trim().split('\n').slice(1).filter((l) => l.includes('apache2')).map((l) => l.trim().split(/\s+/)[1]));
    expect(users).toEqual(new Set(['root', 'www-data']));

    // The documented renew command, with nothing issued yet: nothing to do, exit 0.
    const renewEmpty = await dockerExec(id, ['certbot', 'renew', '--quiet', '--deploy-hook', 'apache-tls --reload']);
    expect(renewEmpty.exitCode, renewEmpty.stdout + renewEmpty.stderr).toBe(0);
    const renewEmptyVerbose = await dockerExec(id, ['certbot', 'renew', '--deploy-hook', 'apache-tls --reload']);
    expect(renewEmptyVerbose.exitCode).toBe(0);
    expect(renewEmptyVerbose.stdout + renewEmptyVerbose.stderr).toContain('No renewals were attempted');

    // A certificate for the domain appears on the volume (as certbot would leave it) and the deploy hook runs:
    // apache is reloaded, without a restart, and serves that certificate.
    const le = path.join(root, 'letsencrypt');
    const pem = await makeLineage(le);
    const ours = new X509Certificate(pem);
    await docker(['cp', `${le}/.`, `${id}:/etc/letsencrypt/`]);
    const parentBefore = (await dockerExec(id, ['cat', '/run/apache2/apache2.pid'])).stdout.trim();
    const hook = await dockerExec(id, ['apache-tls', '--reload'], { env: { RENEWED_LINEAGE: `/etc/letsencrypt/live/${DOMAIN}` } });
    expect(hook.exitCode, hook.stderr).toBe(0);
    expect(hook.stderr).toContain('apache-tls: apache reloaded');
    const switched = await waitFor('the mounted certificate to be served', async () => {
      const r = await httpsGet(tls).catch(() => undefined);
      return r && r.cert.fingerprint256 === ours.fingerprint256 ? r : undefined;
    }, 30_000);
    expect(switched.cert.subject).toContain('O=create-image e2e');
    expect(switched.cert.subject).toContain(`CN=${DOMAIN}`);
    expect(switched.body).toContain(`<title>${TITLE}</title>`);
    // A graceful reload of the same server (apache2 -k graceful), not a new one.
    expect(parentBefore).toMatch(/^\d+$/);
    expect((await dockerExec(id, ['cat', '/run/apache2/apache2.pid'])).stdout.trim()).toBe(parentBefore);
    expect((await docker(['logs', id])).stderr).toContain('SIGUSR1 received.  Doing graceful restart');

    // The renew command reads that lineage's renewal settings, finds it not due and exits clean (offline:
    // a due certificate would need Let's Encrypt).
    const renew = await dockerExec(id, ['certbot', 'renew', '--deploy-hook', 'apache-tls --reload']);
    const renewOut = renew.stdout + renew.stderr;
    expect(renew.exitCode, renewOut).toBe(0);
    expect(renewOut).toContain(`/etc/letsencrypt/live/${DOMAIN}/fullchain.pem expires on`);
    expect(renewOut).toMatch(/not due for renewal/);
    expect(renewOut).toContain('No renewals were attempted');
    expect(renewOut).not.toMatch(/parse failure|broken/i);

    // After a restart the entrypoint picks the certificate from the volume straight away.
    await docker(['restart', '-t', '5', id]);
    const restarted = await waitFor('https after restart', () => httpsGet(tls).catch(() => undefined), 60_000);
    expect(restarted.cert.fingerprint256).toBe(ours.fingerprint256);

    // The image's healthcheck command passes.
    const hc = JSON.parse((await docker(['inspect', '--format', '{{json .Config.Healthcheck.Test}}', id])).stdout) as string[];
    expect(hc[0]).toBe('CMD');
    const health = await dockerExec(id, hc.slice(1));
    expect(health.exitCode, health.stderr).toBe(0);
  }, 900_000);
});
