// Generated CI pipelines and compose files: parsed as YAML, validated against GitLab's and GitHub's
// own schemas (test/fixtures/schemas), their shell lines shellchecked, their promises checked.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAnswers, type RawAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import { serviceProbes, type ResolvedSmoke } from '../../src/core/smoke.js';
import type { Manifest, Recipe } from '../../src/core/types.js';
import { shellcheck } from '../../src/lint/index.js';
import { parseHealthcheck } from '../../src/pipelines/healthcheck.js';
import { extraFiles } from '../../src/pipelines/index.js';
import { githubRecipesWorkflow, gitlabRecipesPipeline } from '../../src/pipelines/recipes.js';
import { smokeScript } from '../../src/pipelines/smoke.js';
import { ACTIONS } from '../../src/pipelines/versions.js';
import { scalar } from '../../src/pipelines/yaml.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { githubWorkflowErrors, gitlabCiErrors } from '../fixtures/schemas/index.js';

const custom = loadRecipeDir(path.join(builtinRecipesDir(), 'custom'));
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

async function generate(recipe: Recipe, raw: RawAnswers, opts: { ci?: 'gitlab' | 'github'; compose?: boolean }) {
  const answers = await resolveAnswers(recipe, { imageName: 'web', ...raw }, { interactive: false });
  const plan = renderPlan(recipe, answers, '9.9.9');
  const extra = extraFiles(plan, recipe, answers, { ...(opts.ci ? { ci: opts.ci } : {}), compose: !!opts.compose, toolVersion: '9.9.9' });
  const file = (p: string) => {
    const f = extra.find((x) => x.path === p);
    if (!f) throw new Error(`${p} not generated; got ${extra.map((x) => x.path).join(', ')}`);
    return f;
  };
  return { plan, extra, file };
}

/** A recipe with secrets, volumes, an http smoke check and an explicit healthcheck, in a temp dir. */
function secretRecipe(smoke: Manifest['smoke'] = { kind: 'http', port: 8080, path: '/health', expect: 'ok' }): Recipe {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pipelines-recipe-'));
  const manifest: Manifest = {
    name: 'vault-ish',
    description: 'a recipe with secrets',
    version: '1.2.3',
    bases: { families: ['debian'], default: 'debian:bookworm-slim' },
    env: [
      { name: 'DB_PASSWORD', secret: true, required: true, description: 'database password' },
      { name: 'API_TOKEN', secret: true },
      { name: 'GREETING', default: 'cost: $5 # not a comment' },
      { name: 'ADMIN_EMAIL', required: true },
    ],
    ports: ['8080', '5353/udp', '21100-21102'],
    volumes: ['/var/lib/data', '/srv/uploads'],
    healthcheck: { cmd: 'test -f /tmp/ready && echo $HOME', interval: '7s', retries: 4 },
    files: [{ template: 'Dockerfile.eta', path: 'Dockerfile' }],
    ...(smoke ? { smoke } : {}),
  };
  writeFileSync(path.join(dir, 'recipe.json'), JSON.stringify(manifest));
  writeFileSync(path.join(dir, 'Dockerfile.eta'), 'FROM <%= it.base %>\n<%= it.h.healthcheckLine() %>\nCMD ["sh"]\n');
  return loadRecipeDir(dir);
}

/** One job's script lines as a shell script, for shellcheck. */
const asScript = (lines: string[]) => `#!/bin/sh\nset -eu\n${lines.join('\n')}\n`;

async function shellcheckLines(name: string, lines: string[], exclude: string[] = []) {
  const findings = await shellcheck([{ path: `${name}.sh`, content: asScript(lines) }], exclude.length ? ({ exclude } as never) : {});
  return findings.filter((f) => !exclude.includes(f.code)).map((f) => `${f.line}: ${f.code} ${f.message}`);
}

describe('--ci gitlab', async () => {
  const { file, plan } = await generate(custom, { services: ['nginx'], ports: ['8080'] }, { ci: 'gitlab' });
  const text = file('.gitlab-ci.yml').content;
  const doc = parse(text) as Record<string, any>;

  it('is valid against GitLab\'s CI schema', () => {
    expect(gitlabCiErrors(doc)).toEqual([]);
  });

  it('the schema check is live: it rejects a broken pipeline', () => {
    expect(gitlabCiErrors({ ...doc, build: { ...doc.build, script: 5 } }).length).toBeGreaterThan(0);
    expect(gitlabCiErrors({ ...doc, 'release-latest': { ...doc['release-latest'], rules: [{ iff: 'x' }] } }).length).toBeGreaterThan(0);
  });

  it('uses docker:dind over TLS with pinned docker versions', () => {
    expect(doc.default.image).toMatch(/^docker:\d+\.\d+\.\d+$/);
    expect(doc.default.services[0].name).toBe(`${doc.default.image}-dind`);
    expect(doc.default.services[0].alias).toBe('docker');
    expect(doc.variables).toMatchObject({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_CERTDIR: '/certs', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs/client' });
    expect(text).not.toMatch(/2375|:latest-dind|docker:stable|(image|name): docker:dind/);
  });

  it('logs in with --password-stdin from CI variables, never -p', () => {
    const login = (doc.default.before_script as string[]).find((l) => l.includes('docker login'))!;
    expect(login).toContain('docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"');
    expect(login).toMatch(/^printf '%s' "\$CI_REGISTRY_PASSWORD" \|/);
    expect(text).not.toMatch(/docker login[^\n]* -p /);
  });

  it('builds with the last image as cache and pushes the sha and ref-slug tags', () => {
    const build = doc.build.script as string[];
    expect(build[0]).toBe('docker pull "$IMAGE:$CI_COMMIT_REF_SLUG" || docker pull "$IMAGE:latest" || true');
    const b = build.find((l) => l.startsWith('docker build'))!;
    expect(b).toContain('--cache-from "$IMAGE:$CI_COMMIT_REF_SLUG"');
    expect(b).toContain('--build-arg BUILDKIT_INLINE_CACHE=1');
    expect(b).toContain('--tag "$IMAGE:$CI_COMMIT_SHA" --tag "$IMAGE:$CI_COMMIT_REF_SLUG"');
    expect(b).not.toMatch(/--tag "\$IMAGE:latest"/);
    expect(build).toContain('docker push "$IMAGE:$CI_COMMIT_SHA"');
    expect(build).toContain('docker push "$IMAGE:$CI_COMMIT_REF_SLUG"');
    expect(doc.variables.DOCKER_BUILDKIT).toBe('1');
  });

  it('tests the built image with the smoke script, then releases latest only on the default branch', () => {
    expect(doc.stages).toEqual(['build', 'test', 'release']);
    expect(doc['smoke-test'].stage).toBe('test');
    expect(doc['smoke-test'].script).toContain('sh ci/smoke-test.sh "$IMAGE:$CI_COMMIT_SHA"');
    expect(doc['release-latest'].rules).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(doc['release-latest'].script.join('\n')).toContain('docker push "$IMAGE:latest"');
    // latest appears nowhere else as a target
    for (const job of ['build', 'smoke-test']) expect((doc[job].script as string[]).some((l) => /(--tag|push) "\$IMAGE:latest"/.test(l))).toBe(false);
    expect(doc.build.only ?? doc.build.except).toBeUndefined();
  });

  it('documents runners without privileged mode', () => {
    expect(text).toMatch(/privileged/);
    expect(text).toMatch(/buildah build/);
    expect(text).toMatch(/rootless/i);
    expect(text).toMatch(/kaniko/);
  });

  it('writes an executable smoke script that passes shellcheck', async () => {
    const s = file('ci/smoke-test.sh');
    expect(s.mode).toBe(0o755);
    expect(await shellcheck([{ path: s.path, content: s.content }])).toEqual([]);
    expect(plan.files.some((f) => f.path === '.gitlab-ci.yml')).toBe(false); // extras do not touch the recipe plan
  });

  it("every job's script passes shellcheck (BUILD_FLAGS is split on purpose)", async () => {
    for (const job of ['build', 'smoke-test', 'release-latest']) {
      expect(await shellcheckLines(job, [...doc.default.before_script, ...doc[job].script], ['SC2086'])).toEqual([]);
    }
  });

  it('keeps working with --ca-cert: certs/ is in the build context and documented', async () => {
    const { file: f, plan: p } = await generate(custom, { services: ['nginx'], ports: ['8080'], caCerts: [{ name: '01-corp.crt', content: PEM }] }, { ci: 'gitlab' });
    expect(p.files.map((x) => x.path)).toContain('certs/01-corp.crt');
    const dockerignore = p.files.find((x) => x.path === '.dockerignore')!.content;
    expect(dockerignore).not.toMatch(/^certs/m);
    const t = f('.gitlab-ci.yml').content;
    expect(t).toContain('certs/01-corp.crt');
    expect(gitlabCiErrors(parse(t))).toEqual([]);
    expect((parse(t) as any).build.script).toEqual(doc.build.script);
  });
});

describe('--ci github', async () => {
  const { file } = await generate(custom, { services: ['nginx'], ports: ['8080'] }, { ci: 'github' });
  const text = file('.github/workflows/image.yml').content;
  const doc = parse(text) as Record<string, any>;
  const steps = (job: string) => doc.jobs[job].steps as Array<Record<string, any>>;

  it("is valid against SchemaStore's GitHub workflow schema", () => {
    expect(githubWorkflowErrors(doc)).toEqual([]);
    expect(githubWorkflowErrors({ ...doc, jobs: { x: { 'runs-on': 'ubuntu-24.04', steps: [{ uses: 1 }] } } }).length).toBeGreaterThan(0);
  });

  it('pins every action to a full commit SHA with the release in a trailing comment', () => {
    const usesLines = text.split('\n').filter((l) => /^\s*-?\s*uses:/.test(l));
    expect(usesLines.length).toBeGreaterThanOrEqual(8);
    for (const l of usesLines) expect(l).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    const used = new Set(usesLines.map((l) => /uses: ([^@]+)@/.exec(l)![1]));
    for (const a of ['actions/checkout', 'docker/setup-qemu-action', 'docker/setup-buildx-action', 'docker/login-action', 'docker/metadata-action', 'docker/build-push-action']) expect(used).toContain(a);
    for (const a of Object.values(ACTIONS)) expect(a.uses).toMatch(/@[0-9a-f]{40}$/);
  });

  it('builds multi-platform with the GHA cache and pushes only outside pull requests', () => {
    const push = steps('build').find((s) => String(s.uses).startsWith('docker/build-push-action'))!;
    expect(doc.env.PLATFORMS).toBe('linux/amd64,linux/arm64');
    expect(push.with.platforms).toBe('${{ env.PLATFORMS }}');
    expect(push.with['cache-from']).toMatch(/type=gha/);
    expect(push.with['cache-to']).toMatch(/type=gha.*mode=max/);
    expect(push.with.push).toBe(true);
    expect(doc.jobs.build.if).toBe("github.event_name != 'pull_request'");
    expect(steps('build').some((s) => String(s.uses).startsWith('docker/setup-qemu-action'))).toBe(true);
    const meta = steps('build').find((s) => String(s.uses).startsWith('docker/metadata-action'))!;
    expect(meta.with.tags).toMatch(/type=sha,format=long/);
    expect(meta.with.flavor).toBe('latest=false');
    expect(doc.jobs.build.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(doc.permissions).toEqual({ contents: 'read' });
  });

  it("builds only the recipe's platforms: gitlab (compiled from source) on amd64 alone, with no QEMU", async () => {
    const gitlab = loadRecipeDir(path.join(builtinRecipesDir(), 'gitlab'));
    expect(gitlab.manifest.platforms).toEqual(['linux/amd64']);
    const { file: f } = await generate(gitlab, {}, { ci: 'github' });
    const g = parse(f('.github/workflows/image.yml').content) as Record<string, any>;
    expect(g.env.PLATFORMS).toBe('linux/amd64');
    expect((g.jobs.build.steps as Array<Record<string, any>>).some((x) => String(x.uses).startsWith('docker/setup-qemu-action'))).toBe(false);
    expect(f('.github/workflows/image.yml').content).toContain("builds linux/amd64 (the recipe's platforms: no emulation) with buildx");
    expect(githubWorkflowErrors(g)).toEqual([]);
  });

  it('smoke-tests before pushing and moves latest only on the default branch', () => {
    expect(doc.jobs.build.needs).toBe('smoke-test');
    const run = steps('smoke-test').find((s) => s.run)!;
    expect(run.run).toBe('sh ci/smoke-test.sh "$SMOKE_IMAGE"');
    expect(doc.jobs['release-latest'].if).toContain("format('refs/heads/{0}', github.event.repository.default_branch)");
    expect(steps('release-latest').find((s) => s.run)!.run).toContain('imagetools create --tag "$image:latest"');
  });

  it('its plain shell lines pass shellcheck', async () => {
    for (const job of ['smoke-test', 'release-latest']) {
      const lines = steps(job).filter((s) => s.run).map((s) => String(s.run));
      expect(await shellcheckLines(job, lines)).toEqual([]);
    }
  });
});

describe('--compose', async () => {
  const recipe = secretRecipe();
  const { file, extra } = await generate(recipe, { env: { GREETING: 'cost: $5 # not a comment' } }, { compose: true });
  const text = file('compose.yaml').content;
  const doc = parse(text) as Record<string, any>;
  const svc = doc.services.web;

  it('builds the context and names the image, with a restart policy', () => {
    expect(svc.build).toEqual({ context: '.' });
    expect(svc.image).toBe('web:latest');
    expect(svc.restart).toBe('unless-stopped');
  });

  it('publishes every port, udp and ranges included', () => {
    expect(svc.ports).toEqual(['8080:8080', '5353:5353/udp', '21100-21102:21100-21102']);
  });

  it('mounts named volumes declared at the top level', () => {
    expect(svc.volumes).toEqual(['var-lib-data:/var/lib/data', 'srv-uploads:/srv/uploads']);
    expect(Object.keys(doc.volumes)).toEqual(['var-lib-data', 'srv-uploads']);
  });

  it('passes secrets as *_FILE pointing at compose secrets, never the value', () => {
    expect(svc.environment.DB_PASSWORD_FILE).toBe('/run/secrets/db_password');
    expect(svc.environment.DB_PASSWORD).toBeUndefined();
    expect(svc.secrets).toEqual(['db_password']);
    expect(doc.secrets).toEqual({ db_password: { file: './secrets/db_password' } });
    // the optional secret is offered, commented out
    expect(text).toMatch(/# API_TOKEN_FILE: "\/run\/secrets\/api_token"/);
    expect(svc.environment.API_TOKEN_FILE).toBeUndefined();
    expect(extra.find((f) => f.path === 'secrets/.gitignore')!.content).toMatch(/^\*$/m);
  });

  it('writes non-secret values literally (compose interpolation escaped) and requires required ones', () => {
    expect(svc.environment.GREETING).toBe('cost: $$5 # not a comment');
    expect(svc.environment.ADMIN_EMAIL).toMatch(/^\$\{ADMIN_EMAIL:\?/);
  });

  it("carries the image's healthcheck", () => {
    expect(svc.healthcheck).toEqual({ test: ['CMD', '/bin/sh', '-c', 'test -f /tmp/ready && echo $$HOME'], interval: '7s', timeout: '5s', start_period: '10s', retries: 4 });
  });

  it('a custom nginx image gets the default healthcheck and no secrets section', async () => {
    const { file: f } = await generate(custom, { services: ['nginx'], ports: ['8080'] }, { compose: true });
    const d = parse(f('compose.yaml').content) as any;
    expect(d.services.web.healthcheck.test).toEqual(['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8080/']);
    expect(d.secrets).toBeUndefined();
  });
});

describe('smoke script', () => {
  const kinds: Array<[string, ResolvedSmoke[]]> = [
    ['http', [{ kind: 'http', port: 8080, path: "/it's", expect: 'he said "hi" $(x)' }]],
    ['https', [{ kind: 'https', port: 8443 }]],
    ['tcp', [{ kind: 'tcp', port: 6379 }]],
    ['command', [{ kind: 'command', command: ['redis-cli', 'ping'], expect: 'PONG' }]],
    ['none', []],
    // an image that cannot run alone: one run per check, required secrets random, the env quoted
    ['one-shot', [{ kind: 'command', oneShot: true, command: ['app:config'], env: { DB_HOST: "d'b $(x)" }, randomEnv: ['DB_PASS'], expect: 'Config written to' }]],
    // custom's probes for every service at once: each kind, in turn, in one script
    ['services', serviceProbes(['nginx', 'php-fpm', 'redis', 'openssh', 'cron'], [{ from: 8080, to: 8080, proto: 'tcp' }])],
  ];
  for (const [name, checks] of kinds) {
    it(`${name}: passes shellcheck and quotes the recipe's values`, async () => {
      const script = smokeScript(secretRecipe(name === 'services' || name === 'one-shot' ? undefined : checks[0]), 'web', checks);
      expect(await shellcheck([{ path: 'ci/smoke-test.sh', content: script }])).toEqual([]);
      if (name === 'http') expect(script).toContain(`\nexpect='he said "hi" '"\\$"'(x)'\n`);
      if (name === 'command') expect(script).toContain('in_image redis-cli ping');
      if (name === 'one-shot') {
        expect(script).not.toContain('docker run -d');
        const run = /^out=\$\(docker run --rm -e (.*) -e "DB_PASS=\$\(random\)" "\$image" app:config 2>&1\)/m.exec(script);
        expect(run, script).not.toBeNull();
        // the env word, as sh reads it: the value byte for byte, nothing run
        expect(execFileSync('sh', ['-c', `printf %s ${run![1]}`], { encoding: 'utf8' })).toBe("DB_HOST=d'b $(x)");
      }
      if (name === 'services') {
        // every probe is a numbered step with its words, its ports published once each
        expect(script.match(/^# \d\. .*$/gm)).toEqual(checks.map((c, i) => `# ${i + 1}. ${c.label}`));
        expect(script).toContain('-p "$bind::8080/tcp" -p "$bind::22/tcp" "$image"');
        expect(script).toContain("refuse='<?php'");
      }
    });
  }
});

describe('ci recipes pipelines', () => {
  const repo = { dirs: ['ftp', 'lnmp', 'my-app'], toolVersion: '9.9.9' };
  it('GitLab: one parallel:matrix job over the recipes, schema-valid', () => {
    const doc = parse(gitlabRecipesPipeline(repo)) as any;
    expect(gitlabCiErrors(doc)).toEqual([]);
    expect(doc['recipe-test'].parallel.matrix).toEqual([{ RECIPE_DIR: ['ftp', 'lnmp', 'my-app'] }]);
    expect(doc['recipe-test'].script).toEqual(['npx --yes create-image@9.9.9 recipe test "$RECIPE_DIR" --build ${CA_CERT:+--ca-cert "$CA_CERT"}']);
    expect(doc['recipe-test'].services[0].name).toMatch(/^docker:\d+\.\d+\.\d+-dind$/);
  });
  it('GitLab: the job image has node; the job installs the docker client and shellcheck; its lines pass shellcheck', async () => {
    const doc = parse(gitlabRecipesPipeline(repo)) as any;
    const job = doc['recipe-test'];
    expect(job.image).toMatch(/^node:\d+\.\d+\.\d+-bookworm-slim$/);
    expect(job.before_script.join('\n')).toMatch(/apt-get install -y --no-install-recommends ca-certificates docker\.io shellcheck/);
    expect(job.before_script.join('\n')).toContain('update-ca-certificates');
    expect(await shellcheckLines('recipe-test', [...job.before_script, ...job.script])).toEqual([]);
    // where the smoke check reaches the images, and how a proxy CA gets in, is said in the file
    expect(gitlabRecipesPipeline(repo)).toMatch(/host of DOCKER_HOST \(the service alias `docker`\)/);
    expect(gitlabRecipesPipeline(repo)).toMatch(/CA_CERT/);
  });
  it('GitHub: strategy.matrix over the recipes, schema-valid, pinned', async () => {
    const text = githubRecipesWorkflow(repo);
    const doc = parse(text) as any;
    expect(githubWorkflowErrors(doc)).toEqual([]);
    expect(doc.jobs['recipe-test'].strategy.matrix.recipe).toEqual(['ftp', 'lnmp', 'my-app']);
    expect(doc.jobs['recipe-test'].steps.at(-1).run).toBe('npx --yes create-image@9.9.9 recipe test "$RECIPE_DIR" --build ${CA_CERT:+--ca-cert "$CA_CERT"}');
    const runs = (doc.jobs['recipe-test'].steps as any[]).filter((st) => st.run).map((st) => String(st.run));
    expect(runs.some((r) => r.includes('install -y --no-install-recommends shellcheck'))).toBe(true);
    expect(doc.jobs['recipe-test'].steps.at(-1).env.RECIPE_DIR).toBe('${{ matrix.recipe }}');
    for (const l of text.split('\n').filter((x) => /uses:/.test(x))) expect(l).toMatch(/@[0-9a-f]{40} # v/);
    expect(await shellcheckLines('recipe-test-gh', runs)).toEqual([]);
  });
});

describe('helpers', () => {
  it('scalar() round-trips hostile strings through YAML', () => {
    const corpus = ['plain', 'a: b', 'x #y', '- dash', "it's", '"q"', '$(id) `x`', 'yes', 'null', '0777', '1e3', '~', '', ' lead', 'trail ', 'tab\there', 'new\nline', '中文', '@at', '%p', '{a}', '[a]', '*star', '&amp', '!tag', '|pipe', '>gt', '#c', 'a\u2028b'];
    for (const s of corpus) expect((parse(`k: ${scalar(s)}`) as { k: unknown }).k).toBe(s);
  });
  it('parses HEALTHCHECK forms', () => {
    expect(parseHealthcheck('FROM x\nHEALTHCHECK --interval=5s --retries=2 \\\n  CMD ["/bin/sh", "-c", "true"]\n')).toEqual({ interval: '5s', retries: 2, test: { exec: ['/bin/sh', '-c', 'true'] } });
    expect(parseHealthcheck('HEALTHCHECK CMD redis-cli ping || exit 1\n')).toEqual({ test: { shell: 'redis-cli ping || exit 1' } });
    expect(parseHealthcheck('HEALTHCHECK NONE\n')).toBeNull();
    expect(parseHealthcheck('FROM x\n')).toBeUndefined();
  });
});

describe('the smoke check CI runs is the one --build verifies with', () => {
  const recipe = (name: string) => loadRecipeDir(path.join(builtinRecipesDir(), name));
  const ciFiles = async (name: string, set: Record<string, unknown>, ci: 'gitlab' | 'github') => {
    const { file } = await generate(recipe(name), { set }, { ci });
    return { script: file('ci/smoke-test.sh').content, pipeline: file(ci === 'gitlab' ? '.gitlab-ci.yml' : '.github/workflows/image.yml').content };
  };

  it("the recipe's sample check while the answers keep its sample (tomcat's page, lnmp's)", async () => {
    const tomcat = await ciFiles('tomcat', {}, 'gitlab');
    expect(tomcat.script).toContain("\nexpect='create-image Tomcat sample'\n");
    expect(tomcat.script).toMatch(/^url="http:\/\/\$host:\$\(hostport 8080\)"\/$/m);
    expect(tomcat.pipeline).toContain('requests http://<engine>:<port>/ (container port 8080)');
    const lnmp = await ciFiles('lnmp', {}, 'github');
    expect(lnmp.script).toMatch(/^expect=/m);
  });

  it("the HEALTHCHECK alone once an answer replaces the sample (the user's WAR, context or app dir)", async () => {
    for (const [name, set] of [['tomcat', { war: 'shop.war' }], ['tomcat', { context: '/shop' }], ['lnmp', { app: 'src' }]] as const) {
      for (const ci of ['gitlab', 'github'] as const) {
        const { script, pipeline } = await ciFiles(name, set, ci);
        expect(script, `${name} ${JSON.stringify(set)}`).not.toMatch(/^(expect|path|port)=/m);
        expect(script).toContain("then checks that it starts and stays up (the recipe's sample check does not apply to these answers).");
        expect(pipeline).toContain("checks that it starts and stays up (the recipe's sample check does not apply to these answers)");
        expect(await shellcheck([{ path: 'ci/smoke-test.sh', content: script }])).toEqual([]);
      }
    }
  });
});
