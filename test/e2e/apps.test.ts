// Apps in front of us: each buildable fixture of test/fixtures/apps is copied to a temp dir, generated
// in place by detection alone (node ones with --ca-cert: npm's registry is reached through this
// machine's CA), built on the real engine, run, and its page fetched over HTTP from outside. Then one
// source file is edited and the image rebuilt: the dependency layer must come from the cache.
import { execa } from 'execa';
import { appendFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { PROBE_OUTPUT, PROBE_URL, startTlsProbe, zoneLine, type TlsProbe } from '../helpers/tls-probe.js';
import { ROOT, caCertFile, cli, containerLogs, describeEngine, docker, freePort, httpGet, removeImageLater, runContainer, tempDir, uniqueName, waitFor, waitHealthy, type DockerClient, APT_CACHE_BUILD_ARGS } from '../helpers/engine.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/apps');

interface AppCase {
  fixture: string;
  port: number;
  expect: string;
  /** The source file edited before the rebuild. */
  edit: string;
  /** The steps that must come from the cache after the edit (the dependency layers). */
  cached: RegExp[];
  /** The step that must run again. */
  rebuilt: RegExp;
  ca?: boolean;
  /** A variant of the fixture: its own name, files written over the copy, and flags beside detection. */
  name?: string;
  files?: Record<string, string>;
  flags?: string[];
  /** argv run in the image (its entrypoint replaced) that must exit 0: what the runtime must still have. */
  check?: string[];
  /** Turns the copied fixture into the variant (after `files`). */
  prepare?: (dir: string) => Promise<void>;
  /**
   * The stack probe: the image is generated with the TLS probe server's CA (--ca-cert, --ca-in-final) and
   * --tz Asia/Shanghai, runs on the server's network, and this resolves the server's name, fetches its page
   * over TLS and prints the zone: argv run in the image (its entrypoint replaced), or a page of the app
   * asked with ?url=. `untrusted`: the environment that takes the CA away from the argv probe's runtime.
   */
  probe?: { argv: string[]; untrusted: Record<string, string> } | { page: string };
}

// each prints: resolved <host> true / tls <status> <body> / zone <+hh:mm>
const NODE_PROBE = [
  "const { hostname: host } = new URL(process.argv[1]);",
  "require('dns').lookup(host, (e) => {",
  "  console.log('resolved', host, !e);",
  "  require('https').get(process.argv[1], (r) => {",
  "    let b = ''; r.on('data', (d) => (b += d));",
  "    r.on('end', () => {",
  "      const o = -new Date().getTimezoneOffset(), p = (n) => String(Math.floor(n)).padStart(2, '0');",
  "      console.log('tls', r.statusCode, b); console.log('zone', (o < 0 ? '-' : '+') + p(Math.abs(o) / 60) + ':' + p(Math.abs(o) % 60));",
  "    });",
  "  }).on('error', (err) => { console.log('tls failed:', err.message); process.exit(1); });",
  "});",
].join('\n');
const PYTHON_PROBE = [
  'import socket, sys, time, urllib.parse, urllib.request',
  'url = sys.argv[1]; host = urllib.parse.urlsplit(url).hostname',
  "print('resolved', host, str(bool(socket.getaddrinfo(host, 443))).lower())",
  'r = urllib.request.urlopen(url)',
  "print('tls', r.status, r.read().decode())",
  "z = time.strftime('%z'); print('zone', z[:3] + ':' + z[3:])",
].join('\n');

const YARN_BERRY = '4.18.1';

/**
 * node-yarn as a Yarn 4 project: the release committed under .yarn/releases (yarnPath, from npm's
 * @yarnpkg/cli-dist), Yarn's default PnP linker, a lockfile of Yarn 4's.
 */
async function yarnBerry(dir: string): Promise<void> {
  const pack = await tempDir('ci-yarn-release-');
  const env = { NODE_EXTRA_CA_CERTS: caCertFile() };
  await execa('npm', ['pack', `@yarnpkg/cli-dist@${YARN_BERRY}`], { cwd: pack, env });
  await execa('tar', ['xzf', `yarnpkg-cli-dist-${YARN_BERRY}.tgz`], { cwd: pack });
  const release = `.yarn/releases/yarn-${YARN_BERRY}.cjs`;
  await mkdir(path.join(dir, '.yarn/releases'), { recursive: true });
  await cp(path.join(pack, 'package/bin/yarn.js'), path.join(dir, release));
  await writeFile(path.join(dir, '.yarnrc.yml'), `yarnPath: ${release}\n`);
  await rm(path.join(dir, 'yarn.lock'));
  await execa('node', [release, 'install', '--mode=update-lockfile'], { cwd: dir, env: { ...env, YARN_ENABLE_TELEMETRY: '0' } });
}

const CASES: AppCase[] = [
  { fixture: 'node-npm', port: 3001, expect: 'hello from the npm app', edit: 'app.js', cached: [/npm ci --omit=dev/], rebuilt: /^COPY \. \.\//, ca: true, probe: { argv: ['node', '-e', NODE_PROBE, PROBE_URL], untrusted: { NODE_EXTRA_CA_CERTS: '/dev/null' } } },
  { fixture: 'node-yarn', port: 3000, expect: 'hello from the yarn app', edit: 'server.js', cached: [/yarn install --frozen-lockfile --production/], rebuilt: /^COPY \. \.\//, ca: true },
  // Yarn 4 with its release committed and the PnP linker: the install runs that release, and node_modules reaches the final stage
  { fixture: 'node-yarn', name: 'node-yarn-berry', prepare: yarnBerry, port: 3000, expect: 'hello from the yarn app', edit: 'server.js', cached: [/^COPY \.yarn\/releases\//, /node \.yarn\/releases\/yarn-[\d.]+\.cjs workspaces focus --all --production/], rebuilt: /^COPY \. \.\//, ca: true },
  { fixture: 'node-pnpm', port: 4000, expect: 'hello from the pnpm app', edit: 'index.js', cached: [/npm install -g pnpm@9\.15\.9/, /pnpm install --frozen-lockfile --prod/], rebuilt: /^COPY \. \.\//, ca: true },
  { fixture: 'node-ts', port: 8081, expect: 'hello from the TypeScript app, compiled', edit: 'src/server.ts', cached: [/npm ci --omit=dev/, /then .*npm ci; else/], rebuilt: /npm run build/, ca: true },
  { fixture: 'spa', port: 8080, expect: 'hello from the SPA', edit: 'src/main.js', cached: [/then .*npm ci; else/], rebuilt: /npm run build/, ca: true },
  // a static binary on scratch: the fixture's own -probe flag, the zone from the database built into it
  { fixture: 'go-cmd', port: 8090, expect: 'hello from the go app', edit: 'cmd/server/main.go', cached: [/RUN (SSL_CERT_DIR=\S+ )?go mod download/, /RUN go build flag fmt io log net net\/http net\/url os time/], rebuilt: /go build -tags timetzdata -ldflags/, probe: { argv: ['/usr/local/bin/app', '-probe', PROBE_URL], untrusted: { SSL_CERT_FILE: '/dev/null', SSL_CERT_DIR: '/nonexistent' } } },
  { fixture: 'go-vendor', port: 8080, expect: 'hello from the vendored go app', edit: 'main.go', cached: [/COPY vendor\//, /RUN go build example\.com\/greet/], rebuilt: /go build -tags timetzdata -ldflags/ },
  // on scratch: TLS with the CA bundle, zone data, sqlite and the other extension modules' libraries, and no shell
  { fixture: 'python-stdlib', probe: { argv: ['python3', '-c', PYTHON_PROBE, PROBE_URL], untrusted: { SSL_CERT_FILE: '/dev/null', SSL_CERT_DIR: '/nonexistent' } }, check: ['python3', '-c', "import ssl, sqlite3, zoneinfo, lzma, ctypes, shutil; assert ssl.create_default_context().cert_store_stats()['x509'] > 100; zoneinfo.ZoneInfo('Europe/Berlin'); sqlite3.connect(':memory:'); assert shutil.which('sh') is None"], port: 8000, expect: 'hello from the python app', edit: 'app.py', cached: [/apt-get install -y --no-install-recommends ca-certificates tzdata python3/], rebuilt: /^COPY \. \.\// },
  // the virtualenv on scratch (an empty requirements.txt: nothing to fetch) and a start line for busybox's sh
  { fixture: 'python-stdlib', name: 'python-venv', files: { 'requirements.txt': '' }, flags: ['--set', 'start=test -n "$PORT" && exec python3 app.py'], port: 8000, expect: 'hello from the python app', edit: 'app.py', cached: [/pip install --no-cache-dir -r requirements\.txt/], rebuilt: /^COPY \. \.\// },
  // through php-fpm itself: the fixture's probe.php (PHP takes its zone from date.timezone, not TZ)
  { fixture: 'php-site', probe: { page: 'probe.php' }, port: 8080, expect: 'hello from the php app', edit: 'index.php', cached: [/apt-get install -y --no-install-recommends .*php-fpm/], rebuilt: /^COPY \. \/srv\/app\// },
  { fixture: 'static-site', port: 8080, expect: 'hello from the static site', edit: 'index.html', cached: [/busybox-static/], rebuilt: /^COPY \.\/ \/srv\/www\// },
];

/** The TLS probe server, started once for the cases that probe. */
let probeServer: Promise<TlsProbe> | undefined;
const tlsProbe = () => (probeServer ??= startTlsProbe());

/** What an argv stack probe prints, run in `image` on the probe server's network. */
async function runProbe(image: string, network: string, argv: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await docker(['run', '--rm', '--network', network, ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), '--entrypoint', argv[0]!, image, ...argv.slice(1)], { reject: false });
  return `${r.stdout}\n${r.stderr}`;
}

/** A classic builder's log as steps: `Step 3/20 : RUN ...` and what followed it. */
function steps(log: string): Array<{ head: string; body: string }> {
  return log.split(/^Step \d+\/\d+ : /m).slice(1).map((s) => ({ head: s.split('\n')[0]!, body: s }));
}

describeEngine('apps detected in their own folder', (engine) => {
  const classic = engine.clients.find((c) => c.name === 'classic')!;

  for (const c of CASES) {
    const name = c.name ?? c.fixture;
    it(`${name}: detected, built, served over HTTP, and rebuilt from the dependency cache after an edit`, async () => {
      const dir = path.join(await tempDir('ci-apps-'), name);
      await cp(path.join(FIXTURES, c.fixture), dir, { recursive: true });
      for (const [file, text] of Object.entries(c.files ?? {})) await writeFile(path.join(dir, file), text);
      await c.prepare?.(dir);
      const tag = `${uniqueName(`app-${name}`)}:test`;
      removeImageLater(tag);
      const tls = c.probe ? await tlsProbe() : undefined;
      const probeFlags = tls ? ['--ca-cert', tls.caFile, '--ca-in-final', '--tz', 'Asia/Shanghai'] : [];
      const gen = await cli(['--yes', ...(c.ca ? ['--ca-cert', caCertFile()] : []), ...probeFlags, ...(c.flags ?? []), '--build', '--tag', tag], { cwd: dir, env: { DOCKER_BUILDKIT: '0' } });
      expect(gen.exitCode, gen.stderr + gen.stdout).toBe(0);
      expect(gen.stdout).toMatch(/^detected /m);
      const dockerfile = await readFile(path.join(dir, 'Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(/^USER (app|10001:10001)$/m);

      const port = await freePort();
      const id = await runContainer(tag, { ports: [[port, String(c.port)]], args: tls ? ['--network', tls.network] : [] });
      const res = await waitFor(`${name} to answer`, async () => {
        const r = await httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      }, 60_000).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await containerLogs(id)}`);
      });
      expect(res.body).toContain(c.expect);
      // not root, from the engine's view
      const top = await docker(['top', id, '-o', 'pid,uid']);
      for (const row of top.stdout.trim().split('\n').slice(1)) expect(row.trim().split(/\s+/)[1]).toBe('10001');
      await waitHealthy(id);
      if (c.probe && tls) {
        const said = 'argv' in c.probe ? await runProbe(tag, tls.network, c.probe.argv) : (await httpGet(`http://127.0.0.1:${port}/${c.probe.page}?url=${encodeURIComponent(PROBE_URL)}`)).body;
        process.stderr.write(`apps e2e: ${name} stack probe: ${said.trim().split('\n').join('; ')}\n`);
        for (const re of [...PROBE_OUTPUT, zoneLine('+08:00')]) expect(said, `${name}'s stack probe`).toMatch(re);
        if ('argv' in c.probe) {
          // the zone is read at run time (Asia/Kolkata has no summer time), and without the CA the TLS request fails
          expect(await runProbe(tag, tls.network, c.probe.argv, { TZ: 'Asia/Kolkata' })).toMatch(zoneLine('+05:30'));
          const untrusted = await runProbe(tag, tls.network, c.probe.argv, c.probe.untrusted);
          expect(untrusted).not.toMatch(PROBE_OUTPUT[1]!);
        }
      }
      if (c.check) {
        const r = await docker(['run', '--rm', '--entrypoint', c.check[0]!, tag, ...c.check.slice(1)], { reject: false });
        expect(r.exitCode, r.stderr + r.stdout).toBe(0);
      }
      // docker stop's SIGTERM ends it (an init, or a server that handles it), well before docker's 10 s SIGKILL
      const stopAt = Date.now();
      await docker(['stop', id]);
      const stopMs = Date.now() - stopAt;
      process.stderr.write(`apps e2e: ${name} stopped in ${stopMs} ms\n`);
      // an init where the main process would ignore it as PID 1 (node, python: tini; the static server: busybox sh with a handler)
      expect(stopMs, `${name}: docker stop took ${stopMs} ms`).toBeLessThanOrEqual(3000);

      // One source file edited: dependencies come from the cache, the sources are copied (and built) again.
      await appendFile(path.join(dir, c.edit), c.edit.endsWith('.html') ? `<!-- edit ${Date.now()} -->\n` : c.edit.endsWith('.php') ? `<?php // edit ${Date.now()}\n` : c.edit.endsWith('.py') ? `# edit ${Date.now()}\n` : `// edit ${Date.now()}\n`);
      const started = Date.now();
      const rebuild = await docker(['build', '-t', tag, dir], { client: classic });
      const ms = Date.now() - started;
      const all = steps(rebuild.stdout);
      for (const re of c.cached) {
        const matching = all.filter((s) => re.test(s.head));
        expect(matching.length, `no step matches ${re}`).toBeGreaterThan(0);
        for (const s of matching) expect(s.body, s.head).toContain('Using cache');
      }
      const rebuilt = all.find((s) => c.rebuilt.test(s.head));
      expect(rebuilt?.body, String(c.rebuilt)).not.toContain('Using cache');
      process.stderr.write(`apps e2e: ${name} rebuilt after an edit in ${ms} ms\n`);

      // A new image name changes one label, the last layer-making steps' neighbour: nothing before it runs again.
      const renamed = await cli(['update', dir, '--name', `${name}-renamed`]);
      expect(renamed.exitCode, renamed.stderr + renamed.stdout).toBe(0);
      const again = steps((await docker(['build', '-t', tag, dir], { client: classic })).stdout);
      const title = again.findIndex((s) => s.head === `LABEL org.opencontainers.image.title="${name}-renamed"`);
      expect(title, again.map((s) => s.head).join('\n')).toBeGreaterThan(0);
      for (const s of again.slice(0, title).filter((x) => /^(RUN|COPY|ADD) /.test(x.head))) expect(s.body, s.head).toContain('Using cache');
    }, 900_000);
  }

  it('builds with BuildKit too (node with npm, through the CA)', async () => {
    const buildkit: DockerClient | undefined = engine.clients.find((c) => c.name === 'buildkit');
    if (!buildkit) return; // only the classic client on this machine: the cases above cover it
    const dir = path.join(await tempDir('ci-apps-'), 'node-npm');
    await cp(path.join(FIXTURES, 'node-npm'), dir, { recursive: true });
    const gen = await cli(['--yes', '--ca-cert', caCertFile()], { cwd: dir });
    expect(gen.exitCode, gen.stderr).toBe(0);
    const tag = `${uniqueName('app-bk')}:test`;
    removeImageLater(tag);
    await docker(['build', ...APT_CACHE_BUILD_ARGS, '-t', tag, dir], { client: buildkit });
    const port = await freePort();
    await runContainer(tag, { ports: [[port, '3001']] });
    const res = await waitFor('the BuildKit image to answer', async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    });
    expect(res.body).toContain('hello from the npm app');
  }, 900_000);
});

describeEngine('apps: the project folder is the user\'s', () => {
  it('never overwrites an existing Dockerfile without --force, and update works on the result', async () => {
    const dir = path.join(await tempDir('ci-apps-'), 'node-yarn');
    await cp(path.join(FIXTURES, 'node-yarn'), dir, { recursive: true });
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
    const refused = await cli([dir, '--yes']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/Dockerfile.*--force/);
    expect(await readFile(path.join(dir, 'Dockerfile'), 'utf8')).toBe('FROM scratch\n');
    const forced = await cli([dir, '--yes', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    const check = await cli(['update', dir, '--check']);
    expect(check.exitCode, check.stderr + check.stdout).toBe(0);
    const changed = await cli(['update', dir, '--set', 'start=node server.js --trace-warnings']);
    expect(changed.exitCode, changed.stderr + changed.stdout).toBe(0);
    expect(await readFile(path.join(dir, 'Dockerfile'), 'utf8')).toContain('CMD ["node", "server.js", "--trace-warnings"]');
  });

  it('a monorepo: exit 2 naming the apps and --app, and --app picks one', async () => {
    const dir = path.join(await tempDir('ci-apps-'), 'monorepo');
    await cp(path.join(FIXTURES, 'monorepo'), dir, { recursive: true });
    const r = await cli([dir, '--yes']);
    expect(r.exitCode).toBe(2);
    // the last line is the error (a note on the workspace root's package.json may come before it)
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^create-image: --app: \S+ holds several apps: apps\/api \(node\), apps\/site \(static\); choose one with --app apps\/api$/);
    const json = await cli(['detect', dir, '--json']);
    expect(JSON.parse(json.stdout).apps.map((a: { dir: string; stack: string }) => `${a.dir} ${a.stack}`)).toEqual(['apps/api node', 'apps/site static']);
    const site = await cli([dir, '--yes', '--app', 'apps/site']);
    expect(site.exitCode, site.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'Dockerfile'), 'utf8')).toContain('COPY apps/site/ /srv/www/');
  });
});
