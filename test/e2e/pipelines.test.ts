// The generated pipelines' commands, run for real: the GitLab jobs' script lines (build, test,
// release) in a local bash with the CI variables GitLab would set, against the local engine and a
// local registry with auth; the GitHub workflow's plain-shell smoke step the same way. The GitHub
// action steps (checkout, buildx, login, metadata, build-push) only run on GitHub's runners: they are
// checked against the workflow schema in test/unit/pipelines-generate.test.ts, not executed here.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Recipe } from '../../src/core/types.js';
import { smokeScript } from '../../src/pipelines/smoke.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { caCertFile, cli, describeEngine, docker, removeImageLater, startEngine, startRegistry, tempDir, uniqueName, type Registry } from '../helpers/engine.js';

interface Job {
  script: string[];
  rules?: Array<{ if?: string }>;
}

describeEngine('generated pipelines run for real', () => {
  let reg: Registry;
  let dir: string;
  let ci: Record<string, any>;
  let env: Record<string, string>;
  let image: string;
  const sha = randomBytes(20).toString('hex');
  const name = uniqueName('ci-pipe');

  /** GitLab's `$VAR` expansion of a `variables:` value (enough for `$CI_REGISTRY_IMAGE`). */
  const expand = (v: string, vars: Record<string, string>) => v.replace(/\$\{?(\w+)\}?/g, (_, k: string) => vars[k] ?? '');

  /** Runs before_script + a job's script the way the runner does: one bash, stop at the first failure. */
  async function runJob(job: string, extra: Record<string, string> = {}) {
    const j = ci[job] as Job;
    const script = ['set -eo pipefail', ...(ci.default.before_script as string[]), ...j.script].join('\n');
    const r = await execa('bash', ['-c', script], { cwd: dir, env: { ...env, ...extra }, extendEnv: false, reject: false, all: true, timeout: 15 * 60_000 });
    return { exitCode: r.exitCode ?? 1, all: String(r.all) };
  }

  async function registryGet(pathname: string, method = 'GET') {
    const res = await fetch(`http://${reg.host}${pathname}`, {
      method,
      headers: { Authorization: `Basic ${Buffer.from(`${reg.user}:${reg.password}`).toString('base64')}`, Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' },
      signal: AbortSignal.timeout(5000),
    });
    return { status: res.status, digest: res.headers.get('docker-content-digest'), body: method === 'HEAD' ? '' : await res.text() };
  }
  const repoPath = () => image.slice(reg.host.length + 1);
  const tags = async () => ((JSON.parse((await registryGet(`/v2/${repoPath()}/tags/list`)).body) as { tags?: string[] }).tags ?? []).sort();
  const digestOf = async (tag: string) => (await registryGet(`/v2/${repoPath()}/manifests/${tag}`, 'HEAD')).digest;

  beforeAll(async () => {
    reg = await startRegistry();
    dir = path.join(await tempDir('pipelines-gitlab-'), name);
    // --ca-cert: the pipeline must still build (certs/ is part of the build context).
    const gen = await cli([dir, '--recipe', 'custom', '--service', 'nginx', '--port', '8080', '--yes', '--ci', 'gitlab', '--ca-cert', caCertFile()]);
    // stderr holds only the notice of what the image keeps of the certificates
    expect(gen.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^create-image: CA certificates from --ca-cert /)]);
    expect(gen.exitCode).toBe(0);
    ci = parse(readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8')) as Record<string, any>;

    image = `${reg.host}/group/${name}`;
    for (const t of [sha, 'main', 'latest']) removeImageLater(`${image}:${t}`);
    // BuildKit for the pipeline's build (inline cache): Debian's 20.10 client has it built in.
    const bin = await tempDir('pipelines-bin-');
    symlinkSync('/usr/bin/docker', path.join(bin, 'docker'));
    const gitlabVars: Record<string, string> = {
      CI: 'true',
      GITLAB_CI: 'true',
      CI_REGISTRY: reg.host,
      CI_REGISTRY_USER: reg.user,
      CI_REGISTRY_PASSWORD: reg.password,
      CI_REGISTRY_IMAGE: image,
      CI_COMMIT_SHA: sha,
      CI_COMMIT_REF_SLUG: 'main',
      CI_COMMIT_BRANCH: 'main',
      CI_DEFAULT_BRANCH: 'main',
      CI_PROJECT_URL: 'https://gitlab.example.com/group/project',
    };
    const fileVars = Object.fromEntries(Object.entries(ci.variables as Record<string, string>).map(([k, v]) => [k, expand(String(v), gitlabVars)]));
    // No dind service: the build jobs get a fresh engine of their own (buildJob), the others the local
    // engine; no tcp:// host, no TLS; BUILD_FLAGS without --pull (offline).
    for (const k of ['DOCKER_HOST', 'DOCKER_TLS_CERTDIR', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) delete fileVars[k];
    fileVars.BUILD_FLAGS = '';
    const dockerConfig = await tempDir('pipelines-docker-config-');
    env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: process.env.HOME ?? '/root',
      DOCKER_CONFIG: dockerConfig,
      BUILDKIT_PROGRESS: 'plain',
      ...gitlabVars,
      ...fileVars,
    };
    expect(env.IMAGE).toBe(image);
  }, 120_000);

  // Each build job gets a fresh engine of its own, as each GitLab job gets a new docker:dind service:
  // what other builds on the shared engine do (concurrent builds share BuildKit's work) cannot leak
  // into the job, and the second build can only get its cache from the registry.
  // (That engine has no bridge network of its own, hence --network host for the build's RUN steps.)
  const buildJob = async () => {
    const host = await startEngine();
    return { ...(await runJob('build', { DOCKER_HOST: host, BUILD_FLAGS: '--network host' })), client: { name: 'buildkit' as const, bin: '/usr/bin/docker', env: { DOCKER_HOST: host } } };
  };

  it('the build job builds with the CA cert in context and pushes $CI_COMMIT_SHA and $CI_COMMIT_REF_SLUG', async () => {
    const t0 = Date.now();
    const r = await buildJob();
    expect(r.exitCode, r.all.slice(-3000)).toBe(0);
    expect(r.all).toMatch(/Login Succeeded/);
    expect(await tags()).toEqual([sha, 'main'].sort());
    expect(await digestOf(sha)).toBe(await digestOf('main'));
    const labels = JSON.parse((await docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', `${image}:${sha}`], { client: r.client })).stdout) as Record<string, string>;
    expect(labels['org.opencontainers.image.revision']).toBe(sha);
    // credentials went to the temporary DOCKER_CONFIG, nowhere near the image
    expect(readFileSync(path.join(env.DOCKER_CONFIG!, 'config.json'), 'utf8')).toContain(reg.host);
    console.log(`pipelines e2e: first build job ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 15 * 60_000);

  it('a second build reuses the pushed image as cache', async () => {
    const t0 = Date.now();
    const r = await buildJob();
    const secs = (Date.now() - t0) / 1000;
    expect(r.exitCode, r.all.slice(-3000)).toBe(0);
    expect(r.all).toMatch(/CACHED/);
    expect(r.all).toMatch(new RegExp(`importing cache manifest from ${image.replace(/[.]/g, '\\.')}:main`));
    // nothing downloaded by apt: the package layer came from the cache
    expect(r.all).not.toMatch(/Setting up |Get:\d+ http/);
    console.log(`pipelines e2e: cached build job ${secs.toFixed(1)} s`);
  }, 15 * 60_000);

  it('the test job pulls the pushed image and passes its smoke check', async () => {
    await docker(['image', 'rm', '-f', `${image}:${sha}`], { reject: false });
    const r = await runJob('smoke-test');
    expect(r.exitCode, r.all.slice(-3000)).toBe(0);
    expect(r.all).toMatch(/smoke: container state: running healthy/);
    expect(r.all).toMatch(/smoke: OK/);
  }, 5 * 60_000);

  it('the release job runs on the default branch only and pushes latest = the tested sha', async () => {
    const rule = (ci['release-latest'] as Job).rules![0]!.if!;
    expect(rule).toBe('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH');
    const applies = (vars: Record<string, string>) => expand(rule.split(' == ')[0]!, vars) === expand(rule.split(' == ')[1]!, vars);
    expect(applies({ ...env, CI_COMMIT_BRANCH: 'feature-x' })).toBe(false);
    expect(applies(env)).toBe(true);
    const r = await runJob('release-latest');
    expect(r.exitCode, r.all.slice(-3000)).toBe(0);
    expect(await tags()).toEqual([sha, 'latest', 'main'].sort());
    expect(await digestOf('latest')).toBe(await digestOf(sha));
  }, 5 * 60_000);

  it('the smoke script checks http for real, and fails when the expectation does not hold', async () => {
    const recipe: Recipe = loadRecipeDir(path.join(builtinRecipesDir(), 'custom'));
    const http = (expect: string) => smokeScript(recipe, name, [{ kind: "http", port: 8080, path: "/", expect }]);
    const scripts = await tempDir('pipelines-smoke-');
    writeFileSync(path.join(scripts, 'ok.sh'), http('<'));
    writeFileSync(path.join(scripts, 'bad.sh'), http('no such text $(id) "x"'));
    const run = (file: string) => execa('sh', [path.join(scripts, file), `${image}:${sha}`], { env: { PATH: env.PATH!, SMOKE_TIMEOUT: '8' }, extendEnv: false, reject: false, all: true });
    const ok = await run('ok.sh');
    expect(ok.exitCode, String(ok.all)).toBe(0);
    expect(String(ok.all)).toMatch(/smoke: http:\/\/127\.0\.0\.1:\d+\/ answered/);
    const bad = await run('bad.sh');
    expect(bad.exitCode).not.toBe(0);
    expect(String(bad.all)).toMatch(/smoke: requests http:\/\/<engine>:<port>\/ .*: no answer from http:\/\/127\.0\.0\.1:\d+\/ with 'no such text \$\(id\) "x"' after 8s; last body: </);
    // its containers are gone either way
    const left = await docker(['ps', '-a', '--filter', `ancestor=${image}:${sha}`, '--format', '{{.Names}}']);
    expect(left.stdout.trim()).toBe('');
  }, 5 * 60_000);

  it("the GitHub workflow's smoke step (plain shell) passes against the same image", async () => {
    const gh = path.join(await tempDir('pipelines-github-'), name);
    const gen = await cli([gh, '--recipe', 'custom', '--service', 'nginx', '--port', '8080', '--yes', '--ci', 'github', '--compose']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    const wf = parse(readFileSync(path.join(gh, '.github/workflows/image.yml'), 'utf8')) as any;
    const step = (wf.jobs['smoke-test'].steps as any[]).find((s) => s.run);
    const r = await execa('bash', ['-eo', 'pipefail', '-c', step.run], { cwd: gh, env: { PATH: env.PATH!, SMOKE_IMAGE: `${image}:${sha}` }, extendEnv: false, reject: false, all: true });
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(String(r.all)).toMatch(/smoke: OK/);
    // and the compose file written beside it names the same build
    const compose = parse(readFileSync(path.join(gh, 'compose.yaml'), 'utf8')) as any;
    expect(compose.services[name].build.context).toBe('.');
  }, 5 * 60_000);
});

describeEngine('pipeline flags and files', () => {
  it('--ci accepts gitlab|github only: one line, exit 2', async () => {
    const d = await tempDir('pipelines-flags-');
    const r = await cli([path.join(d, 'x'), '--yes', '--ci', 'jenkins']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--ci.*gitlab, github/);
    const r2 = await cli(['ci', 'recipes', d, '--ci', 'travis']);
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an existing pipeline is not overwritten without --force', async () => {
    const d = path.join(await tempDir('pipelines-keep-'), 'site');
    mkdirSync(d);
    writeFileSync(path.join(d, '.gitlab-ci.yml'), 'mine: {}\n');
    const r = await cli([d, '--recipe', 'custom', '--yes', '--ci', 'gitlab']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('.gitlab-ci.yml');
    expect(readFileSync(path.join(d, '.gitlab-ci.yml'), 'utf8')).toBe('mine: {}\n');
    const dry = await cli([d, '--recipe', 'custom', '--yes', '--ci', 'gitlab', '--dry-run']);
    expect(dry.stdout).toMatch(/change \.gitlab-ci\.yml/);
    const f = await cli([d, '--recipe', 'custom', '--yes', '--ci', 'gitlab', '--force']);
    expect(f.exitCode, f.stderr).toBe(0);
    expect(readFileSync(path.join(d, '.gitlab-ci.yml'), 'utf8')).toMatch(/release-latest:/);
  });

  it('ci recipes writes one parallel job per recipe folder, and keeps an edited file', async () => {
    const repo = await tempDir('pipelines-repo-');
    expect((await cli(['ci', 'recipes', repo])).exitCode).toBe(2); // no recipes yet
    for (const n of ['web', 'worker']) cpSync(path.join(builtinRecipesDir(), 'custom'), path.join(repo, 'recipes', n), { recursive: true });
    const gl = await cli(['ci', 'recipes', repo]);
    expect(gl.exitCode, gl.stderr).toBe(0);
    const doc = parse(readFileSync(path.join(repo, '.gitlab-ci.yml'), 'utf8')) as any;
    expect(doc['recipe-test'].parallel.matrix[0].RECIPE_DIR).toEqual(['recipes/web', 'recipes/worker']);
    const gh = await cli(['ci', 'recipes', repo, '--ci', 'github', '--json']);
    expect(gh.exitCode, gh.stderr).toBe(0);
    expect(JSON.parse(gh.stdout).written).toEqual(['.github/workflows/recipes.yml']);
    const wf = parse(readFileSync(path.join(repo, '.github/workflows/recipes.yml'), 'utf8')) as any;
    expect(wf.jobs['recipe-test'].strategy.matrix.recipe).toEqual(['recipes/web', 'recipes/worker']);
    writeFileSync(path.join(repo, '.gitlab-ci.yml'), 'edited: {}\n');
    const again = await cli(['ci', 'recipes', repo]);
    expect(again.exitCode).not.toBe(0);
    expect(readFileSync(path.join(repo, '.gitlab-ci.yml'), 'utf8')).toBe('edited: {}\n');
  });
});
