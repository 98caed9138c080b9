// The recipe-repo pipeline of `create-image ci recipes --ci gitlab`, its job run for real: the job's own
// before_script and script lines, in a container made like the job's image (node:<v>-bookworm-slim is
// debian:bookworm-slim with node and npm in /usr/local), with only what that image has on PATH; npx fetches
// create-image from a stand-in registry on loopback. The engine
// is reached over tcp:// at an address other than 127.0.0.1, as a job reaches the dind service `docker`, so
// the smoke check must find the published port at DOCKER_HOST's host. The recipe extends the built-in
// custom recipe (nginx, an added package, a dropped question) and is built and smoke-checked over http.
import { execa } from 'execa';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cp } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BASE_IMAGE, caCertFile, cli, describeEngine, docker, freePort, removeImageLater, ROOT, tempDir, uniqueName } from '../helpers/engine.js';

describeEngine('ci recipes --ci gitlab: the job runs', (status) => {
  const classic = status.clients.find((c) => c.name === 'classic')!;
  let repo: string;
  let job: { image: string; before_script: string[]; script: string[] };
  let standIn: string;
  let proxy: net.Server;
  let engineAddr: string;
  let registry: http.Server;
  let registryUrl: string;

  beforeAll(async () => {
    repo = await tempDir('ci-e2e-recipe-pipeline-');
    const site = path.join(repo, 'recipes', 'static-site');
    mkdirSync(site, { recursive: true });
    writeFileSync(
      path.join(site, 'recipe.json'),
      JSON.stringify({
        name: 'static-site',
        description: 'A static site on nginx, from the company repo',
        version: '1.0.0',
        extends: 'custom',
        bases: { families: ['debian'], default: BASE_IMAGE },
        ask: ['base', 'tz'],
        defaults: { services: ['nginx'], ports: ['8080'] },
        addPackages: { debian: ['openssl'] },
        dropQuestions: ['command'],
        smoke: { kind: 'http', port: 8080, path: '/', expect: 'Served by nginx' },
      }),
    );
    const gen = await cli(['ci', 'recipes', repo, '--ci', 'gitlab'], { env: { CI: '1' } });
    expect(gen.exitCode, gen.stderr).toBe(0);
    job = (parse(readFileSync(path.join(repo, '.gitlab-ci.yml'), 'utf8')) as Record<string, typeof job>)['recipe-test']!;
    expect(job.image).toMatch(/^node:\d+\.\d+\.\d+-bookworm-slim$/);

    // The job image: debian:bookworm-slim with this machine's node and npm where the node image keeps them.
    const ctx = await tempDir('ci-e2e-job-image-');
    copyFileSync(process.execPath, path.join(ctx, 'node'));
    await cp(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'), path.join(ctx, 'npm'), { recursive: true });
    writeFileSync(
      path.join(ctx, 'Dockerfile'),
      [
        // the job's image is node:<v>-bookworm-slim: its stand-in is Debian 12 too (on Debian 13 the docker CLI is a package of its own)
        'FROM debian:bookworm-slim',
        'COPY node /usr/local/bin/node',
        'COPY npm /usr/local/lib/node_modules/npm',
        'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx',
        '',
      ].join('\n'),
    );
    standIn = `${uniqueName('create-image-test-recipe-job')}:1`;
    removeImageLater(standIn);
    const built = await docker(['build', '-q', '-t', standIn, ctx], { client: classic, timeout: 300_000 });
    expect(built.exitCode, built.stderr).toBe(0);

    // `npx --yes create-image@<version>` fetches this package from a registry: here a stand-in registry on
    // loopback serves it (npm pack of this checkout). The bundle needs no dependencies, so its manifest lists none.
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', ctx], { cwd: ROOT });
    const packed = (JSON.parse(pack.stdout) as Array<{ filename: string; integrity: string }>)[0]!;
    const tgz = readFileSync(path.join(ctx, packed.filename));
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const regPort = await freePort();
    registryUrl = `http://127.0.0.2:${regPort}/`;
    const manifest = { name: pkg.name, version: pkg.version, bin: pkg.bin, engines: pkg.engines, dist: { tarball: `${registryUrl}create-image/-/${packed.filename}`, integrity: packed.integrity } };
    registry = http.createServer((req, res) => {
      if (req.url === '/create-image') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ name: pkg.name, 'dist-tags': { latest: pkg.version }, versions: { [String(pkg.version)]: manifest } }));
      } else if (req.url === `/create-image/-/${packed.filename}`) res.end(tgz);
      else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((r) => registry.listen(regPort, '127.0.0.2', r));

    // The engine behind tcp:// on 127.0.0.2 (a loopback address that is not 127.0.0.1), as dind is behind `docker:2376`.
    const socket = (process.env.DOCKER_HOST ?? '').startsWith('unix://') ? process.env.DOCKER_HOST!.slice(7) : '/var/run/docker.sock';
    const port = await freePort();
    proxy = net.createServer((c) => {
      const u = net.connect(socket);
      c.pipe(u).pipe(c);
      c.on('error', () => u.destroy());
      u.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => proxy.listen(port, '127.0.0.2', r));
    engineAddr = `tcp://127.0.0.2:${port}`;
  }, 600_000);

  afterAll(async () => {
    await new Promise((r) => proxy?.close(r));
    await new Promise((r) => registry?.close(r));
  });

  it('the image alone lacks docker and shellcheck: the job installs them', async () => {
    const r = await docker(['run', '--rm', standIn, 'sh', '-c', 'for t in node npm npx docker shellcheck; do command -v "$t" > /dev/null && echo "has $t" || echo "lacks $t"; done'], { client: classic });
    expect(r.stdout.trim().split('\n')).toEqual(['has node', 'has npm', 'has npx', 'lacks docker', 'lacks shellcheck']);
  }, 120_000);

  it("runs the job's lines: renders, lints with shellcheck, builds on the engine and smoke-checks over http at DOCKER_HOST's host", async () => {
    // The GitLab variables the job sets, but a plain tcp:// engine here (dind's TLS files come from its service).
    const lines = [...job.before_script, ...job.script].join('\n');
    const r = await docker(
      [
        'run', '--rm', '--network', 'host',
        '-v', `${repo}:/builds/acme/recipes`, '-w', '/builds/acme/recipes',
        '-v', `${caCertFile()}:/run/ci/ca.crt:ro`,
        '-e', 'RECIPE_DIR=recipes/static-site', '-e', `DOCKER_HOST=${engineAddr}`, '-e', 'CA_CERT=/run/ci/ca.crt', '-e', 'CI=true', '-e', `NPM_CONFIG_REGISTRY=${registryUrl}`,
        standIn, 'sh', '-ec', lines,
      ],
      { client: classic, timeout: 900_000 },
    );
    const out = r.stdout + r.stderr;
    expect(r.exitCode, out.slice(-4000)).toBe(0);
    expect(out).toMatch(/extends custom \(\S+\/recipes\/custom\)/);
    expect(out).toMatch(/Dockerfile\.eta inherited from \S+\/recipes\/custom\/Dockerfile\.eta/);
    expect(out).toMatch(/ok +debian +defaults: \d+ files, lint clean/);
    expect(out).toMatch(/ok +debian +built and smoke-checked \((healthy; )?http :\d+\/ expecting /);
  }, 900_000);
});
