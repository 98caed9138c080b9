import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RawAnswers } from '../../src/core/answers.js';
import { UsageError } from '../../src/core/errors.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { builtinRecipe } from '../helpers/recipe.js';

const gitlab = builtinRecipe('gitlab', { imageName: 'gitlab' });
const recipe = gitlab.recipe;

async function render(raw: RawAnswers = {}) {
  const plan = await gitlab.render(raw);
  const file = (p: string) => {
    const f = plan.files.find((x) => x.path === p);
    if (!f) throw new Error(`no ${p} in plan: ${plan.files.map((x) => x.path).join(', ')}`);
    return f;
  };
  return { plan, file };
}

describe('gitlab recipe', () => {
  for (const base of ['ubuntu', 'debian']) {
    it(`renders lint-clean files on ${base} (Dockerfile lint + shellcheck)`, async () => {
      const { plan } = await render({ base });
      expect(await lintPlanFiles(plan.files)).toEqual([]);
    });
  }

  it('puts every component version in a build arg with a pinned default, overridable with --set', async () => {
    const { file } = await render({ set: { gitlab_version: '18.6.2', ruby_version: '3.2.8' } });
    const df = file('Dockerfile').content;
    expect(df).toMatch(/^ARG GITLAB_VERSION=18\.6\.2$/m);
    expect(df).toMatch(/^ARG RUBY_VERSION=3\.2\.8$/m);
    expect(df).toMatch(/^ARG GOLANG_VERSION=\d+\.\d+\.\d+$/m);
    expect(df).toMatch(/^ARG GITLAB_SHELL_VERSION=\d+\.\d+\.\d+$/m);
    // workhorse, pages and gitaly follow GitLab's release unless pinned separately
    expect(df).toMatch(/^ARG GITLAB_WORKHORSE_VERSION=\$\{GITLAB_VERSION\}$/m);
    expect(df).toMatch(/^ARG GITLAB_PAGES_VERSION=\$\{GITLAB_VERSION\}$/m);
    expect(df).toMatch(/^ARG GITALY_SERVER_VERSION=\$\{GITLAB_VERSION\}$/m);
    const pinned = (await render({ set: { gitaly_server_version: '18.6.1' } })).file('Dockerfile').content;
    expect(pinned).toMatch(/^ARG GITALY_SERVER_VERSION=18\.6\.1$/m);
  });

  it('has the seed image shape: install script, runtime assets, ports, volumes, entrypoint + app:start', async () => {
    const { file, plan } = await render();
    const df = file('Dockerfile').content;
    expect(df).toContain('COPY assets/build/ ${GITLAB_BUILD_DIR}/');
    expect(df).toContain('RUN bash "${GITLAB_BUILD_DIR}/install.sh"');
    expect(df).toContain('COPY assets/runtime/ ${GITLAB_RUNTIME_DIR}/');
    expect(df).toMatch(/^EXPOSE 22\/tcp 80\/tcp 443\/tcp$/m);
    expect(df).toContain('VOLUME ["/home/git/data", "/var/log/gitlab"]');
    expect(df).toMatch(/^HEALTHCHECK .*\n\s+CMD \["curl", "-fsS", "-o", "\/dev\/null", "http:\/\/127\.0\.0\.1\/-\/liveness"\]$/m);
    expect(df).toMatch(/^ENTRYPOINT \["\/sbin\/entrypoint\.sh"\]\nCMD \["app:start"\]$/m);
    expect(file('entrypoint.sh').mode).toBe(0o755);
    expect(file('assets/build/install.sh').content).toMatch(/^#!\/bin\/bash\n/);
    expect(plan.image.ports.map((p) => p.from)).toEqual([22, 80, 443]);
    expect(plan.image.volumes).toEqual(['/home/git/data', '/var/log/gitlab']);
  });

  it('never bakes secrets into the image, and refuses them as --env', async () => {
    const { file } = await render();
    const df = file('Dockerfile').content;
    for (const name of ['DB_PASS', 'GITLAB_SECRETS_DB_KEY_BASE', 'GITLAB_SECRETS_SECRET_KEY_BASE', 'GITLAB_SECRETS_OTP_KEY_BASE', 'GITLAB_ROOT_PASSWORD']) {
      expect(df).not.toContain(`${name}=`);
    }
    const err = await render({ env: ['DB_PASS=hunter2'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('--env DB_PASS');
  });

  it('rejects a malformed version with the flag that set it', async () => {
    const err = await render({ set: { gitlab_version: 'latest' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('--set gitlab_version');
  });

  it('ships YAML config templates whose only placeholders are known settings', async () => {
    const { file, plan } = await render();
    const envNames = new Set((recipe.manifest.env ?? []).map((e) => e.name));
    const derived = file('assets/runtime/functions.sh').content;
    for (const f of plan.files.filter((x) => x.path.startsWith('assets/runtime/config/'))) {
      for (const m of f.content.matchAll(/\{\{(raw:)?([A-Za-z_][A-Za-z0-9_]*)\}\}/g)) {
        const name = m[2]!;
        // Each placeholder is a documented env var or a value functions.sh derives/defaults and exports.
        expect(envNames.has(name) || new RegExp(`\\b${name}=`).test(derived) || new RegExp(`\\$\\{${name}:=`).test(derived), `${f.path}: ${name}`).toBe(true);
      }
      if (f.path.endsWith('.yml')) {
        // With the placeholders as plain scalars the templates are valid YAML with a production section.
        const doc = parse(f.content.replace(/\{\{(raw:)?[A-Za-z_][A-Za-z0-9_]*\}\}/g, '1')) as Record<string, unknown>;
        expect(f.path.includes('gitlab-shell') ? doc.user : doc.production, f.path).toBeDefined();
      }
    }
  });

  it('README says what needs the network and documents the entrypoint commands', async () => {
    const readme = (await render()).file('README.md').content;
    expect(readme).toMatch(/Building needs the network: GitLab, gitlab-shell, gitaly and gitlab-pages are cloned from gitlab\.com/);
    expect(readme).toContain('app:config');
    expect(readme).toContain('`GITLAB_SECRETS_OTP_KEY_BASE` | *(secret');
  });
});
