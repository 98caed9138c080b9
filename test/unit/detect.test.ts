// Detection: each app fixture (copied to a temp dir) gives the expected facts and answers; a pin no
// Debian package meets maps to the official image and says so; hostile folders (links out, huge files,
// dependency trees) are walked within bounds. Each provider's markers lead detection to its apps, and
// what a stack adds to the answers comes from its provider.
import { cpSync, mkdirSync, readFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appAnswers, detectApps, evidenceLine, PROVIDERS } from '../../src/detect/detect.js';
import { satisfies } from '../../src/detect/versions.js';
import { MAX_FILE_BYTES, snapshotDir } from '../../src/edges/project-snapshot.js';
import { runCli } from '../helpers/cli-inprocess.js';
import { APP_FIXTURES } from '../helpers/golden-cases.js';

const ROOT_DIR = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-detect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
/** A fixture copied to a temp dir, plus `extra` files written into the copy. */
function project(fixture: string | undefined, extra: Record<string, string> = {}): string {
  const dir = path.join(tmp, `${n++}-${fixture ?? 'empty'}`);
  if (fixture) cpSync(path.join(APP_FIXTURES, fixture), dir, { recursive: true });
  else mkdirSync(dir);
  for (const [f, text] of Object.entries(extra)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}
const detect = (dir: string) => detectApps(snapshotDir(dir));
const only = (dir: string) => {
  const apps = detect(dir);
  expect(apps.map((a) => a.stack)).toHaveLength(1);
  return apps[0]!;
};

describe('detection per fixture', () => {
  const expected: Record<string, { stack: string; set: Record<string, unknown>; port?: number; env?: Record<string, string>; evidence: RegExp }> = {
    'node-npm': { stack: 'node', set: { pm: 'npm', start: 'node app.js' }, port: 3001, env: { PORT: '3001', HOST: '0.0.0.0' }, evidence: /node 18 \(package\.json engines: >=18\), npm \(package-lock\.json\), start: node app\.js \(scripts\.start\), port 3001 \(\$PORT default in app\.js\), listen: 0\.0\.0\.0 \(HOST=0\.0\.0\.0\)/ },
    'node-yarn': { stack: 'node', set: { pm: 'yarn', start: 'node server.js' }, port: 3000, evidence: /node 18 \(\.nvmrc\), yarn \(yarn\.lock\)/ },
    'node-pnpm': { stack: 'node', set: { pm: 'pnpm', pmVersion: '9.15.9', start: 'node index.js' }, port: 4000, evidence: /pnpm 9\.15\.9 \(pnpm-lock\.yaml, packageManager\), start: node index\.js \(package\.json main\)/ },
    'node-ts': { stack: 'node', set: { build: 'build', start: 'node dist/server.js' }, port: 8081, evidence: /build: npm run build \(TypeScript\).*port 8081 \(\$PORT default in src\/server\.ts\)/ },
    spa: { stack: 'node', set: { build: 'build', serve: 'static', output: 'dist' }, port: 8080, evidence: /serve: static files from dist\/ \(scripts\.build and no server; build\.mjs writes dist\/\)/ },
    'go-cmd': { stack: 'go', set: { pkg: './cmd/server', args: '-addr=:8090', warm: 'flag fmt log net/http' }, port: 8090, evidence: /go 1\.19 \(go\.mod go directive\), main package: \.\/cmd\/server.*listen: 0\.0\.0\.0 \(-addr=:8090\)/ },
    'go-vendor': { stack: 'go', set: { pkg: '.', vendor: true, warm: 'example.com/greet fmt net/http os' }, port: 8080, evidence: /vendored \(-mod=vendor\) \(vendor\/modules\.txt\)/ },
    flask: { stack: 'python', set: { deps: 'pip', start: 'gunicorn --bind 0.0.0.0:5000 app:app' }, port: 5000, evidence: /framework: flask .*app = Flask\(\.\.\.\) in app\.py, gunicorn in the dependencies/ },
    'python-stdlib': { stack: 'python', set: { deps: 'none', start: 'python app.py' }, port: 8000, env: { PORT: '8000', HOST: '0.0.0.0' }, evidence: /python 3\.11 \(\.python-version\), none \(standard library only\)/ },
    'php-site': { stack: 'php', set: { root: '' }, port: 8080, evidence: /serve: nginx \+ php-fpm on 8080/ },
    'php-composer': { stack: 'php', set: { composer: true, root: 'public' }, port: 8080, evidence: /composer install --no-dev \(composer\.json\)/ },
    'static-site': { stack: 'static', set: { ignore: '**/*.bak drafts' }, port: 8080, evidence: /static files on 8080/ },
    'java-maven': { stack: 'java', set: { tool: 'maven', artifact: 'jar' }, port: 8080, evidence: /java 17 \(pom\.xml compiler release\)/ },
    'ruby-rack': { stack: 'ruby', set: { start: 'bundle exec puma -b tcp://0.0.0.0:9292 config.ru' }, port: 9292, evidence: /config\.ru, puma in the Gemfile/ },
  };
  for (const [fixture, want] of Object.entries(expected)) {
    it(`${fixture}: ${want.stack}`, () => {
      const app = only(project(fixture));
      expect(app.stack).toBe(want.stack);
      expect(app.set).toMatchObject(want.set);
      expect(app.port).toBe(want.port);
      if (want.env) expect(app.env).toEqual(want.env);
      expect(evidenceLine(app)).toMatch(want.evidence);
    });
  }

  it("every answer detection sets is a question of the app recipe, so the render sees it", async () => {
    type Question = { name: string; type: string; when?: { question: string; equals?: unknown; in?: unknown[] } };
    const manifest = JSON.parse(readFileSync(path.join(ROOT_DIR, 'recipes/app/recipe.json'), 'utf8')) as { questions: Question[] };
    // asked for this stack: no condition on the stack, or one the stack meets
    const askedFor = (q: Question, stack: string) => q.when?.question !== 'stack' || q.when.equals === stack || (q.when.in ?? []).includes(stack);
    for (const fixture of Object.keys(expected)) {
      const app = only(project(fixture));
      for (const [key, value] of Object.entries(app.set)) {
        const q = manifest.questions.find((x) => x.name === key && askedFor(x, app.stack));
        expect(q, `${fixture}: ${key} is no question of the ${app.stack} stack`).toBeDefined();
        expect(typeof value === 'boolean', `${fixture}: ${key}'s type`).toBe(q!.type === 'boolean');
      }
    }
  });

  it('monorepo: a workspace root is not an app; its two apps are', () => {
    expect(detect(project('monorepo')).map((a) => `${a.dir} ${a.stack}`)).toEqual(['apps/api node', 'apps/site static']);
  });

  it('an empty folder and a folder of notes hold no app', () => {
    expect(detect(project(undefined))).toEqual([]);
    expect(detect(project(undefined, { 'notes.txt': 'x', 'docs/index.html': '<p>docs</p>' }))).toEqual([]);
  });

  it('a Go module with several main packages asks which', () => {
    const app = only(project(undefined, { 'go.mod': 'module x\n\ngo 1.19\n', 'cmd/a/main.go': 'package main\n', 'cmd/b/main.go': 'package main\n' }));
    expect(app.choices).toEqual({ key: 'pkg', values: ['./cmd/a', './cmd/b'] });
  });

  it('yarn 2+ and a server dependency are told apart from yarn 1 and a front end', () => {
    const app = only(project(undefined, { 'package.json': JSON.stringify({ scripts: { build: 'vite build', start: 'node server.js' }, dependencies: { express: '4' }, devDependencies: { vite: '5' } }), 'yarn.lock': '__metadata:\n  version: 8\n', 'server.js': 'app.listen(process.env.PORT || 5173)' }));
    expect(app.set).toMatchObject({ pm: 'yarn-berry', build: 'build', start: 'node server.js' });
    expect(app.set.serve).toBeUndefined();
    expect(app.port).toBe(5173);
  });
});

describe('markers', () => {
  for (const provider of PROVIDERS) {
    for (const marker of provider.markers) {
      it(`${marker} alone in a subfolder is a ${provider.stack} app there`, () => {
        const dir = project(undefined, { [`apps/one/${marker}`]: marker.endsWith('.json') ? '{}' : '' });
        expect(detect(dir).map((a) => `${a.dir} ${a.stack}`)).toEqual([`apps/one ${provider.stack}`]);
      });
    }
  }

  it('a folder with no app names every marker', async () => {
    const r = await runCli(['detect', project(undefined, { 'notes.txt': 'x' })]);
    expect(r.exitCode).toBe(0);
    const named = /: no (.*)\.$/m.exec(r.stdout)?.[1]?.split(/, | or /);
    expect(named).toEqual(PROVIDERS.flatMap((p) => p.markers));
  });
});

describe('runtime pins and bases', () => {
  it('reads pins as the ecosystems write them', () => {
    expect(satisfies('18.19', '>=18')).toBe(true);
    expect(satisfies('18.19', '^20.1')).toBe(false);
    expect(satisfies('18.19', '18.x')).toBe(true);
    expect(satisfies('18.19', '16 || 18')).toBe(true);
    expect(satisfies('3.11', '>=3.9,<4')).toBe(true);
    expect(satisfies('3.11', '~=3.12')).toBe(false);
    expect(satisfies('18.19', 'lts/*')).toBe(true);
  });

  it('a pin Debian bookworm cannot meet picks the official image and says so in one line, with the override', () => {
    const app = only(project('node-yarn', { '.nvmrc': '20\n' }));
    const { values, notes } = appAnswers(app);
    expect(values.base).toBe('node:20-bookworm-slim');
    expect(notes).toContain("node 20 (.nvmrc) is not Debian bookworm's node 18.19: the image builds on node:20-bookworm-slim; --base debian:bookworm-slim builds on Debian's 18.19 instead.");
    const chosen = appAnswers(app, 'debian:bookworm-slim');
    expect(chosen.values.base).toBeUndefined();
    expect(chosen.notes.join('\n')).toMatch(/^node 20 \(\.nvmrc\) is not met by debian:bookworm-slim, which packages node 18\.19: the image runs 18\.19; --base node:20-bookworm-slim brings 20\.$/m);
    const go = appAnswers(only(project('go-cmd', { 'go.mod': 'module example.com/hello\n\ngo 1.22\n' })));
    expect((go.values.set as Record<string, unknown>).builder).toBe('golang:1.22-bookworm');
  });

  it("a chosen base of the runtime's own image meets the pin; another says it does not", () => {
    const app = only(project('java-maven', { 'pom.xml': '<project><properties><maven.compiler.release>21</maven.compiler.release></properties></project>' }));
    expect(appAnswers(app, 'eclipse-temurin:21-jre').notes).toEqual([]);
    expect(appAnswers(app, 'docker.io/library/openjdk:21').notes).toEqual([]);
    expect(appAnswers(app, 'debian:bookworm-slim').notes.join('\n')).toMatch(/^java 21 \(pom\.xml compiler release\) is not met by debian:bookworm-slim, which packages java 17: the image runs 17\.$/m);
  });

  it("php's answers add nginx and php-fpm under the watchdog, each app its own copy", () => {
    const app = only(project('php-site'));
    const first = appAnswers(app).values;
    expect(first).toMatchObject({ services: ['nginx', 'php-fpm'], supervisor: 'watchdog' });
    (first.services as string[]).push('redis');
    expect(appAnswers(app).values.services).toEqual(['nginx', 'php-fpm']);
  });
});

describe('hostile folders', () => {
  it('does not follow links out of the folder, read files over 1 MB, or walk dependency and VCS folders', () => {
    const outside = project(undefined, { 'secret.txt': 'TOKEN' });
    const dir = project('node-npm', { 'big.js': `const PORT = 9999;\n${'x'.repeat(MAX_FILE_BYTES)}`, 'node_modules/x/package.json': '{}', '.git/HEAD': 'ref', '.venv/pyvenv.cfg': '', 'env2/pyvenv.cfg': '', 'env2/lib/site.py': '' });
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'leak.js'));
    symlinkSync(outside, path.join(dir, 'out'));
    symlinkSync(dir, path.join(dir, 'loop'));
    const snap = snapshotDir(dir);
    expect(snap.paths).not.toContain('leak.js');
    expect(snap.paths.some((p) => p.startsWith('out') || p.startsWith('loop'))).toBe(false);
    expect(snap.text('leak.js')).toBeUndefined();
    expect(snap.text('../' + path.basename(outside) + '/secret.txt')).toBeUndefined();
    expect(snap.text('big.js')).toBeUndefined();
    expect(snap.paths).toEqual(expect.arrayContaining(['node_modules/', '.git/', '.venv/', 'env2/']));
    expect(snap.paths.some((p) => p.startsWith('node_modules/x') || p.startsWith('env2/lib'))).toBe(false);
    // the big file's PORT is not read: the port still comes from app.js
    expect(only(dir).port).toBe(3001);
  });

  it('walks a 20,000-file project with node_modules and .git without listing them', () => {
    const dir = project('node-npm');
    for (let i = 0; i < 200; i++) {
      for (const top of ['node_modules/pkg', '.git/objects']) {
        const d = path.join(dir, `${top}${i}`);
        mkdirSync(d, { recursive: true });
        for (let j = 0; j < 50; j++) writeFileSync(path.join(d, `f${j}.js`), 'module.exports = 1;\n');
      }
    }
    const snap = snapshotDir(dir);
    expect(snap.paths.length).toBeLessThan(20);
    expect(only(dir).set.start).toBe('node app.js');
  });
});
