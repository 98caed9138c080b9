// Property: a project folder is untrusted input. Random package.json, pyproject.toml, requirements.txt,
// go.mod, Gemfile and Procfile contents (wrong types, huge strings, quotes, newlines, unicode, odd
// nesting): `detect` and a generation each end in exit 0 or 2, never a crash, and what a generation
// writes passes shellcheck and the Dockerfile lint. Case counts are printed; CREATE_IMAGE_PROPERTY_RUNS
// and CREATE_IMAGE_PROPERTY_SEED as in answers-property.test.ts.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lintPlanFiles } from '../../src/lint/index.js';
import { crashIn, runCli } from '../helpers/cli-inprocess.js';
import { HOSTILE } from '../helpers/hostile.js';

const RUNS = Number(process.env.CREATE_IMAGE_PROPERTY_RUNS ?? 100);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-project-property-'));
const count = { cases: 0, rendered: 0, refused: 0, noApp: 0 };
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(`project property: ${count.cases} folders (${count.rendered} generated and linted, ${count.refused} refused with exit 2, ${count.noApp} with no app)\n`);
});

const text = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE.map((h) => h.value), 'my server.js', "a b'c.js", 'node app.js', 'gunicorn app:app --bind 0.0.0.0:$PORT', '') },
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant('x'.repeat(20_000)) },
);
/** Any JSON value, the wrong types a field could hold included. */
const value: fc.Arbitrary<unknown> = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 2 }), fc.dictionary(text, text, { maxKeys: 2 }));
const field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: good }, { weight: 1, arbitrary: value });

const packageJson = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record(
        {
          name: field(fc.constant('app')),
          main: field(fc.constantFrom('index.js', 'my server.js', "a b'c.js", 'server.js')),
          scripts: field(fc.record({ start: field(text), build: field(fc.constantFrom('vite build', 'tsc')) }, { requiredKeys: [] })),
          engines: field(fc.record({ node: field(fc.constantFrom('>=18', '20', '^22.1', 'lts/*')) }, { requiredKeys: [] })),
          packageManager: field(fc.constantFrom('pnpm@9.1.0', 'yarn@4.1.0', 'npm@10')),
          dependencies: field(fc.dictionary(fc.constantFrom('express', 'vite', 'next'), field(fc.constant('^1')), { maxKeys: 2 })),
          workspaces: field(fc.constant(['packages/*'])),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '[1,2,3]', 'null', '{"a":', '"str"', '{}') },
  { weight: 1, arbitrary: text },
);
const lines = (arb: fc.Arbitrary<string>) => fc.array(arb, { maxLength: 4 }).map((l) => l.join('\n'));
const pyproject = lines(fc.oneof(text, fc.constantFrom('[project]', 'requires-python = ">=3.12"', 'dependencies = ["flask", "gunicorn"]', '[tool.poetry]')));
const requirements = lines(fc.oneof(text, fc.constantFrom('flask', 'django>=4', 'fastapi', 'uvicorn', '-r requirements/base.txt', '-e .', 'gunicorn')));
const goMod = lines(fc.oneof(text, fc.constantFrom('module example.com/x', 'go 1.22', 'module', 'require x v1')));
const gemfile = lines(fc.oneof(text, fc.constantFrom("gem 'rails'", "gem 'puma'", "ruby '3.3.0'", "source 'https://rubygems.org'")));
const procfile = lines(fc.oneof(fc.constantFrom('web:', 'web: ', 'web: gunicorn app:app --bind 0.0.0.0:$PORT', 'web: node "my server.js"', 'worker: x'), text.map((t) => `web: ${t}`)));

const files = {
  'package.json': packageJson,
  'pyproject.toml': pyproject,
  'requirements.txt': requirements,
  'go.mod': goMod,
  Gemfile: gemfile,
  Procfile: procfile,
  'app.py': fc.constant('from flask import Flask\napp = Flask(__name__)\n'),
  'my server.js': fc.constant('require("http").createServer().listen(3000)\n'),
  'main.go': fc.constant('package main\nfunc main() {}\n'),
};
const pick = (...keys: (keyof typeof files)[]): fc.Arbitrary<Partial<Record<string, string>>> => {
  const model: Record<string, fc.Arbitrary<string>> = Object.fromEntries(keys.map((k) => [k, files[k]]));
  return fc.record(model, { requiredKeys: [keys[0]!] });
};
/** Mostly one stack's files (several stacks in one folder is a question, asked as exit 2), sometimes all of them. */
const folder = fc.oneof(
  { weight: 3, arbitrary: pick('package.json', 'Procfile', 'my server.js') },
  { weight: 2, arbitrary: pick('requirements.txt', 'pyproject.toml', 'Procfile', 'app.py') },
  { weight: 2, arbitrary: pick('go.mod', 'main.go') },
  { weight: 1, arbitrary: pick('Gemfile', 'Procfile') },
  { weight: 1, arbitrary: fc.record(files, { requiredKeys: [] }) },
);
/** Where the files go: the root, or a subfolder `detect .` on the parent finds. */
const where = fc.constantFrom('', 'svc/', 'apps/api/');

function written(dir: string, skip: Set<string>): { path: string; content: string }[] {
  const out: { path: string; content: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      if (statSync(p).isDirectory()) {
        if (name !== '.create-image') walk(p);
      } else if (!skip.has(rel)) out.push({ path: rel, content: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

async function check(files: Record<string, string>, sub: string, dir: string): Promise<void> {
  count.cases++;
  mkdirSync(path.join(dir, sub), { recursive: true });
  for (const [f, t] of Object.entries(files)) writeFileSync(path.join(dir, sub, f), t);
  const d = await runCli(['detect', dir]);
  expect(crashIn(d.stdout + d.stderr), d.stdout + d.stderr).toBeUndefined();
  expect([0, 2], d.stderr).toContain(d.exitCode);
  if (d.exitCode === 2) expect(d.stderr.trim().split('\n'), d.stderr).toHaveLength(1);

  const own = new Set(Object.keys(files).map((f) => `${sub}${f}`));
  const g = await runCli([dir, '--recipe', 'app', '--yes', ...(sub ? ['--app', sub.replace(/\/$/, '')] : [])]);
  const all = g.stdout + g.stderr;
  expect(crashIn(all), all).toBeUndefined();
  expect([0, 2], all).toContain(g.exitCode);
  if (g.exitCode === 2) {
    expect(g.stderr.trim().split('\n'), g.stderr).toHaveLength(1);
    if (/no app recognised/.test(g.stderr)) count.noApp++;
    else count.refused++;
    return;
  }
  if (!existsDockerfile(dir)) {
    count.noApp++;
    return;
  }
  expect(await lintPlanFiles(written(dir, own))).toEqual([]);
  count.rendered++;
}

const existsDockerfile = (dir: string) => readdirSync(dir).includes('Dockerfile');
const seed = process.env.CREATE_IMAGE_PROPERTY_SEED ? { seed: Number(process.env.CREATE_IMAGE_PROPERTY_SEED) } : {};
let n = 0;

describe('project folders as untrusted input', () => {
  it('detect and a generation end in exit 0 or 2 with one line, and what is written lints clean', async () => {
    await fc.assert(
      fc.asyncProperty(folder, where, async (files, sub) => {
        const dir = path.join(tmp, `p${n++}`);
        try {
          await check(files as Record<string, string>, sub, dir);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, ...seed },
    );
    // the property is about generated files too, not only refusals
    expect(count.rendered).toBeGreaterThan(RUNS / 5);
  }, 900_000);
});
