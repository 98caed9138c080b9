// Every pipeline and compose file the golden cases render, checked by independent validators: GitLab's
// ci.json, SchemaStore's GitHub workflow schema and the Compose Specification's schema (test/fixtures/schemas),
// plus what compose.yaml promises: quoted environment values, companions a recipe needs, no restart loop.
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { resolveAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import { extraFiles } from '../../src/pipelines/index.js';
import { goldenCases, GOLDEN_VERSION, type GoldenCase } from '../helpers/golden-cases.js';
import { composeErrors, githubWorkflowErrors, gitlabCiErrors } from '../fixtures/schemas/index.js';

async function extras(c: GoldenCase, ci: 'gitlab' | 'github') {
  const answers = await resolveAnswers(c.recipeObj, c.raw, { interactive: false });
  const plan = renderPlan(c.recipeObj, answers, GOLDEN_VERSION);
  const files = extraFiles(plan, c.recipeObj, answers, { ci, compose: true, toolVersion: GOLDEN_VERSION });
  const text = (p: string) => files.find((f) => f.path === p)!.content;
  return { plan, text };
}

const cases = goldenCases();

describe('generated pipelines and compose files pass the independent schemas', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const gl = await extras(c, 'gitlab');
    expect(gitlabCiErrors(parse(gl.text('.gitlab-ci.yml')))).toEqual([]);
    expect(composeErrors(parse(gl.text('compose.yaml')))).toEqual([]);
    const gh = await extras(c, 'github');
    expect(githubWorkflowErrors(parse(gh.text('.github/workflows/image.yml')))).toEqual([]);
  });

  it('the compose schema check is live: it rejects a broken file', () => {
    expect(composeErrors({ services: { web: { image: 'x', restart: 5, ports: [{ bogus: true }] } } }).length).toBeGreaterThan(0);
  });
});

const one = (id: string) => cases.find((c) => c.id === id)!;

describe('compose.yaml details', () => {
  it('quotes every environment value, so a YAML 1.1 reader keeps LOG_STDOUT a string', async () => {
    const { text } = await extras(one('vsftpd/debian'), 'gitlab');
    const doc = parseDocument(text('compose.yaml'), { version: '1.1' });
    const env = (doc.toJS() as any).services.vsftpd.environment;
    expect(env.LOG_STDOUT).toBe('yes');
    expect(text('compose.yaml')).toMatch(/^ {6}LOG_STDOUT: "yes"$/m);
    for (const line of text('compose.yaml').split('\n').filter((l) => /^ {6}[A-Z_]+: /.test(l))) expect(line).toMatch(/^ {6}[A-Z_]+: ".*"$/);
  });

  it('gitlab gets the PostgreSQL and Redis it names, on pinned official images, healthy before it starts', async () => {
    const { text } = await extras(one('gitlab/debian'), 'gitlab');
    const doc = parse(text('compose.yaml')) as any;
    expect(Object.keys(doc.services)).toEqual(['gitlab', 'postgresql', 'redis']);
    expect(doc.services.postgresql.image).toMatch(/^postgres:\d+\.\d+-bookworm$/);
    expect(doc.services.redis.image).toMatch(/^redis:\d+\.\d+\.\d+-bookworm$/);
    expect(doc.services.gitlab.depends_on).toEqual({ postgresql: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(doc.services.gitlab.environment.DB_HOST).toBe('postgresql');
    expect(doc.services.gitlab.environment.REDIS_HOST).toBe('redis');
    expect(doc.services.postgresql.environment).toEqual({ POSTGRES_USER: 'gitlab', POSTGRES_DB: 'gitlabhq_production', POSTGRES_PASSWORD_FILE: '/run/secrets/db_pass' });
    expect(doc.services.postgresql.secrets).toEqual(['db_pass']);
    expect(doc.services.gitlab.environment.DB_PASS_FILE).toBe('/run/secrets/db_pass');
    expect(doc.services.postgresql.healthcheck.test).toEqual(['CMD', 'pg_isready', '-U', 'gitlab', '-d', 'gitlabhq_production']);
    expect(Object.keys(doc.volumes)).toEqual(expect.arrayContaining(['postgresql-data', 'redis-data']));
  });

  it('never restarts a command that exits; services keep unless-stopped', async () => {
    const oneShot = await extras({ ...one('custom/debian'), raw: { ...one('custom/debian').raw, runtime: 'python', services: [], ports: [] } }, 'gitlab');
    expect(oneShot.plan.image.oneShot).toBe(true);
    expect((parse(oneShot.text('compose.yaml')) as any).services.custom.restart).toBe('no');
    expect(oneShot.text('compose.yaml')).toContain('docker compose run --rm custom');
    for (const id of ['custom/debian-node-nginx', 'vsftpd/debian', 'go/debian', 'gitlab/debian']) {
      const { plan, text } = await extras(one(id), 'gitlab');
      expect(plan.image.oneShot).toBeUndefined();
      expect(Object.values((parse(text('compose.yaml')) as any).services).map((s: any) => s.restart)).not.toContain('no');
    }
  });
});
