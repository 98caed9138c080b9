// Detection: each app fixture (copied to a temp dir) gives the expected facts and answers; a pin no
// Debian package meets maps to the official image and says so; hostile folders (links out, huge files,
// dependency trees) are walked within bounds. Each provider's markers lead detection to its apps, and
// what a stack adds to the answers comes from its provider.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appAnswers as appAnswersOn, detectApps, evidenceLine, PROVIDERS } from '../../src/detect/detect.js';
import { satisfies } from '../../src/detect/versions.js';
import { commandWords } from '../../src/core/command-words.js';
import { MAX_FILE_BYTES, snapshotDir } from '../../src/edges/project-snapshot.js';
import { crashIn, runCli } from '../helpers/cli-inprocess.js';
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
/** The answers as on the day the expectations were written: node's active LTS line is 26. */
const appAnswers = (app: Parameters<typeof appAnswersOn>[0], base?: string, day = '2026-12-07') => appAnswersOn(app, base, day);
const only = (dir: string) => {
  const apps = detect(dir);
  expect(apps.map((a) => a.stack)).toHaveLength(1);
  return apps[0]!;
};

describe('detection per fixture', () => {
  const expected: Record<string, { stack: string; set: Record<string, unknown>; port?: number; env?: Record<string, string>; evidence: RegExp }> = {
    'node-npm': { stack: 'node', set: { pm: 'npm', start: 'node app.js' }, port: 3001, env: { PORT: '3001', HOST: '0.0.0.0' }, evidence: /node 18 \(package\.json engines: >=18\), npm \(package-lock\.json\), start: node app\.js \(scripts\.start\), port 3001 \(\$PORT default in app\.js\), listen: 0\.0\.0\.0 \(HOST=0\.0\.0\.0\)/ },
    'node-yarn': { stack: 'node', set: { pm: 'yarn', start: 'node server.js' }, port: 3000, evidence: /node 20 \(\.nvmrc\), yarn \(yarn\.lock\)/ },
    'node-pnpm': { stack: 'node', set: { pm: 'pnpm', pmVersion: '9.15.9', start: 'node index.js' }, port: 4000, evidence: /pnpm 9\.15\.9 \(pnpm-lock\.yaml, packageManager\), start: node index\.js \(package\.json main\)/ },
    'node-ts': { stack: 'node', set: { build: 'build', start: 'node dist/server.js' }, port: 8081, evidence: /build: npm run build \(TypeScript\).*port 8081 \(\$PORT default in src\/server\.ts\)/ },
    spa: { stack: 'node', set: { build: 'build', serve: 'static', output: 'dist' }, port: 8080, evidence: /serve: static files from dist\/ \(scripts\.build and no server; build\.mjs writes dist\/\)/ },
    'spa-router': { stack: 'node', set: { build: 'build', serve: 'static', output: 'dist', fallback: 'index.html' }, port: 8080, evidence: /fallback: index\.html for paths with no file \(client-side routes\) \(vue-router in the dependencies\)/ },
    'go-cmd': { stack: 'go', set: { pkg: './cmd/server', args: '-addr=:8090', warm: 'flag fmt io log net net/http net/url os time' }, port: 8090, evidence: /go 1\.19 \(go\.mod go directive\), main package: \.\/cmd\/server.*listen: 0\.0\.0\.0 \(-addr=:8090\)/ },
    'go-vendor': { stack: 'go', set: { pkg: '.', vendor: true, warm: 'example.com/greet fmt net/http os' }, port: 8080, evidence: /vendored \(-mod=vendor\) \(vendor\/modules\.txt\)/ },
    flask: { stack: 'python', set: { deps: 'pip', start: 'gunicorn --bind 0.0.0.0:5000 app:app' }, port: 5000, evidence: /framework: flask .*app = Flask\(\.\.\.\) in app\.py, gunicorn in the dependencies/ },
    'python-stdlib': { stack: 'python', set: { deps: 'none', start: 'python app.py' }, port: 8000, env: { PORT: '8000', HOST: '0.0.0.0' }, evidence: /python 3\.13 \(\.python-version\), none \(standard library only\)/ },
    'php-site': { stack: 'php', set: { root: '' }, port: 8080, evidence: /serve: nginx \+ php-fpm on 8080/ },
    'php-composer': { stack: 'php', set: { composer: true, root: 'public' }, port: 8080, evidence: /composer install --no-dev \(composer\.json\)/ },
    'static-site': { stack: 'static', set: { ignore: '**/*.bak drafts' }, port: 8080, evidence: /static files on 8080/ },
    'java-maven': { stack: 'java', set: { tool: 'maven', artifact: 'jar' }, port: 8080, evidence: /java 17 \(pom\.xml compiler release\)/ },
    'java-gradle': { stack: 'java', set: { tool: 'gradle', artifact: 'jar' }, port: 8080, evidence: /build: gradle from the official gradle image .*java 21 \(build\.gradle toolchain\)/ },
    'java-gradle-wrapper': { stack: 'java', set: { tool: 'gradle', wrapper: true }, port: 8080, evidence: /build: gradle through its wrapper \(\.\/gradlew\).* \(gradle\/wrapper\/gradle-wrapper\.properties\)/ },
    'ruby-rails': { stack: 'ruby', set: { rails: true, assets: true, gemLibs: 'pg', start: 'bundle exec rails server -b 0.0.0.0 -p 3000' }, port: 3000, evidence: /native gems: pg: their C libraries installed \(Gemfile\), assets: rails assets:precompile in a build stage \(propshaft in the Gemfile\)/ },
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

  it('a front end without a client-side router has no history fallback: a path with no file stays a 404', () => {
    expect(only(project('spa')).set.fallback).toBeUndefined();
    // a router in devDependencies counts too (bundled into the build)
    const app = only(project(undefined, { 'package.json': JSON.stringify({ scripts: { build: 'vite build' }, devDependencies: { vite: '7', wouter: '3' } }), 'index.html': '<div id="app"></div>' }));
    expect(app.set).toMatchObject({ serve: 'static', fallback: 'index.html' });
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

describe('yarn 2+ projects', () => {
  const pkg = JSON.stringify({ scripts: { start: 'node server.js' }, dependencies: { ms: '2.1.3' } });
  it("its committed release (yarnPath), plugins and patches are copied with the manifests; PnP is noted as installed with node_modules", () => {
    const app = only(project(undefined, { 'package.json': pkg, 'yarn.lock': '__metadata:\n  version: 8\n', '.yarnrc.yml': 'yarnPath: .yarn/releases/yarn-4.18.1.cjs\n', '.yarn/releases/yarn-4.18.1.cjs': '//', '.yarn/plugins/@yarnpkg/plugin-x.cjs': '//', '.yarn/patches/ms.patch': '', '.yarn/cache/ms.zip': '', 'server.js': '' }));
    expect(app.set).toMatchObject({ pm: 'yarn-berry', yarnPath: '.yarn/releases/yarn-4.18.1.cjs', yarnDirs: '.yarn/releases/ .yarn/plugins/ .yarn/patches/' });
    expect(app.notes.join('\n')).toMatch(/Yarn's pnp linker \(\.yarnrc\.yml nodeLinker, the default\): the image installs with the node-modules linker/);
  });
  it('a yarnPath that names no file in the project is not used; the node-modules linker needs no note', () => {
    const app = only(project(undefined, { 'package.json': pkg, 'yarn.lock': '__metadata:\n  version: 8\n', '.yarnrc.yml': 'yarnPath: .yarn/releases/yarn-9.cjs\nnodeLinker: node-modules\n', 'server.js': '' }));
    expect(app.set.yarnPath).toBeUndefined();
    expect(app.set.yarnDirs).toBeUndefined();
    expect(app.notes.join('\n')).not.toContain('linker');
  });
});

describe('php entries other than index.php', () => {
  it('a single .php file at the root is the app, and nginx serves it as the index', async () => {
    const dir = project(undefined, { 'tinyfilemanager.php': '<?php echo "hi";\n', 'README.md': '# files\n' });
    const app = only(dir);
    expect(app.stack).toBe('php');
    expect(app.set).toMatchObject({ root: '', index: 'tinyfilemanager.php' });
    expect(evidenceLine(app)).toContain('index: tinyfilemanager.php (the only .php file in the app folder)');
    const r = await runCli([dir, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    const conf = readFileSync(path.join(dir, 'config/nginx.conf'), 'utf8');
    expect(conf).toMatch(/^\s*index tinyfilemanager\.php index\.html;$/m);
    expect(conf).toContain('try_files $uri $uri/ /tinyfilemanager.php?$query_string;');
  });

  it('one in public/ sets the document root; several ask which, index.php wins without asking', () => {
    expect(only(project(undefined, { 'public/app.php': '<?php\n' })).set).toMatchObject({ root: 'public', index: 'app.php' });
    const several = only(project(undefined, { 'a.php': '<?php\n', 'b.php': '<?php\n' }));
    expect(several.choices).toEqual({ key: 'index', values: ['a.php', 'b.php'] });
    expect(several.set.index).toBeUndefined();
    const withIndex = only(project(undefined, { 'a.php': '<?php\n', 'index.php': '<?php\n' }));
    expect(withIndex.choices).toBeUndefined();
    expect(withIndex.set.index).toBeUndefined();
  });
});

describe('a folder nothing recognises', () => {
  it('--yes without --recipe stops with one line naming what was looked for and --recipe custom; an empty folder is a new one', async () => {
    const dir = project(undefined, { 'notes.txt': 'hello\n' });
    const r = await runCli([dir, '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--recipe: no app recognised in .* \(looked for package\.json, .* and \.php files at its root or in public\/\); to write a generic image here: --recipe custom/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect((await runCli([dir, '--yes', '--recipe', 'custom'])).exitCode).toBe(0);
    expect((await runCli([project(undefined), '--yes'])).exitCode).toBe(0);
  });
});

describe('markers', () => {
  for (const provider of PROVIDERS) {
    for (const marker of provider.markers) {
      it(`${marker} alone in a subfolder is a ${provider.stack} app there`, () => {
        // the least each marker needs to be valid: an object, a module line
        const dir = project(undefined, { [`apps/one/${marker}`]: marker.endsWith('.json') ? '{}' : marker === 'go.mod' ? 'module one\n' : '' });
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

  it('a pin Debian trixie cannot meet picks the official image and says so in one line, with the override', () => {
    const app = only(project('node-yarn', { '.nvmrc': '22\n' }));
    const { values, notes } = appAnswers(app);
    expect(values.base).toBe('node:22-trixie-slim');
    expect(notes).toContain("node 22 (.nvmrc) is not Debian trixie's node 20.19: the image builds on node:22-trixie-slim; --base debian:trixie-slim builds on Debian's 20.19 instead.");
    const chosen = appAnswers(app, 'debian:trixie-slim');
    expect(chosen.values.base).toBeUndefined();
    expect(chosen.notes.join('\n')).toMatch(/^node 22 \(\.nvmrc\) is not met by debian:trixie-slim, which packages node 20\.19: the image runs 20\.19; --base node:22-trixie-slim brings 22\.$/m);
    // a chosen bookworm is held to what bookworm packages
    const old = appAnswers(only(project('node-yarn', { '.nvmrc': '20\n' })), 'debian:bookworm-slim');
    expect(old.notes.join('\n')).toMatch(/^node 20 \(\.nvmrc\) is not met by debian:bookworm-slim, which packages node 18\.19: the image runs 18\.19; --base node:20-trixie-slim brings 20\.$/m);
    // node 20 is past its end of life on the day: kept as pinned, and said
    expect(appAnswers(only(project('node-yarn', { '.nvmrc': '20\n' }))).notes).toEqual(["node 20 (.nvmrc) is a line past its end of life (2026-04-30): the image runs Debian's 20.19 as pinned, with no more security fixes from the Node.js project; pin the active LTS line, 26."]);
    // before that day, Debian's 20.19 meets the pin with nothing to say
    expect(appAnswers(only(project('node-yarn', { '.nvmrc': '20\n' })), undefined, '2026-01-01').notes).toEqual([]);
    // go.mod's go line is a minimum: Debian's newer Go meets it; a newer one gets its own build stage
    const go = appAnswers(only(project('go-cmd', { 'go.mod': 'module example.com/hello\n\ngo 1.25\n' })));
    expect((go.values.set as Record<string, unknown>).builder).toBe('golang:1.25-trixie');
    const older = appAnswers(only(project('go-cmd', { 'go.mod': 'module example.com/hello\n\ngo 1.19\n' })));
    expect((older.values.set as Record<string, unknown>).builder).toBeUndefined();
  });

  it("a chosen base of the runtime's own image meets the pin; another says it does not", () => {
    const app = only(project('java-maven', { 'pom.xml': '<project><properties><maven.compiler.release>21</maven.compiler.release></properties></project>' }));
    expect(appAnswers(app, 'eclipse-temurin:21-jre').notes).toEqual([]);
    expect(appAnswers(app, 'docker.io/library/openjdk:21').notes).toEqual([]);
    expect(appAnswers(app, 'debian:bookworm-slim').notes.join('\n')).toMatch(/^java 21 \(pom\.xml compiler release\) is not met by debian:bookworm-slim, which packages java 17: the image runs 17\.$/m);
    expect(appAnswers(app, 'debian:trixie-slim').notes).toEqual([]);
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

describe('project files read as untrusted data', () => {
  const detectCli = (dir: string) => runCli(['detect', dir]);

  it('notes a field of the wrong type naming the file and the field, and goes on', async () => {
    const dir = project(undefined, { 'package.json': '{"scripts":{"start":123,"build":["x"]},"engines":{"node":123},"main":7,"dependencies":{"express":1}}', 'index.js': 'x' });
    const app = only(dir);
    expect(app.set.start).toBe('node index.js');
    expect(app.notes).toEqual(expect.arrayContaining(['package.json: scripts.start is a number, not a string; ignored.', 'package.json: engines.node is a number, not a string; ignored.', 'package.json: main is a number, not a string; ignored.', 'package.json: dependencies.express is a number, not a string; ignored.']));
    const r = await detectCli(dir);
    expect(r.exitCode).toBe(0);
    expect(crashIn(r.stdout + r.stderr)).toBeUndefined();
  });

  it('a start line with a line break names package.json and the field', () => {
    const app = only(project(undefined, { 'package.json': JSON.stringify({ scripts: { start: 'node a.js\nrm -rf /' } }), 'server.js': 'x' }));
    expect(app.set.start).toBe('node server.js');
    expect(app.notes).toContain('package.json: scripts.start has a line break or NUL; ignored (give the start command with --set start="...").');
  });

  it.each([
    ['invalid JSON', '{"name": ', /package\.json is not valid JSON \(.+\): not read\./],
    ['an array', '[1,2,3]', /package\.json is not a JSON object \(an array\)/],
    ['null', 'null', /package\.json is not a JSON object \(null\)/],
    ['a workspace root', '{"workspaces":["packages/*"]}', /package\.json is a workspace root/],
  ])('says what is wrong with a package.json that is %s, never "no package.json"', async (_, text, said) => {
    const r = await detectCli(project(undefined, { 'package.json': text }));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(said);
    expect(r.stdout).not.toMatch(/no package\.json/);
  });

  it('a broken manifest in a subfolder does not stop the parent', async () => {
    const dir = project('node-npm', { 'svc/package.json': '{"scripts":{"start":123}}', 'tools/package.json': '{bad' });
    const r = await detectCli(dir);
    expect(r.exitCode).toBe(0);
    expect(crashIn(r.stdout + r.stderr)).toBeUndefined();
  });

  it('keeps a main with spaces and quotes one word of the CMD', async () => {
    for (const main of ['my server.js', "a b'c.js"]) {
      const dir = project(undefined, { 'package.json': JSON.stringify({ main }), [main]: 'require("http").createServer().listen(3000)' });
      const r = await runCli([dir, '--yes', '--recipe', 'app']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain(`CMD ["node", ${JSON.stringify(main)}]`);
    }
  });

  it('`generate with` runs as printed for two stacks in one folder and for apps in two folders', async () => {
    const root = project(undefined, {
      't1/package.json': JSON.stringify({ scripts: { start: 'node s.js' } }),
      't1/s.js': 'require("http").createServer().listen(3000)\n',
      't1/requirements.txt': 'flask\n',
      't1/app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      'web/index.html': '<p>hi</p>\n',
    });
    const r = await runCli(['detect', '.'], { cwd: root });
    expect(r.exitCode, r.stderr).toBe(0);
    const commands = [...r.stdout.matchAll(/^ {2}generate with: {3}(.+)$/gm)].map((m) => m[1]!);
    expect(commands).toEqual(['npx create-image . --app t1 --set stack=node', 'npx create-image . --app t1 --set stack=python', 'npx create-image . --app web']);
    for (const [i, line] of commands.entries()) {
      const parsed = commandWords(line);
      if (parsed.error !== undefined) throw new Error(parsed.error);
      expect(parsed.words.slice(0, 2)).toEqual(['npx', 'create-image']);
      // each in a copy of the folder: the first generation's files would make the second a re-run
      const copy = path.join(tmp, `gen-with-${i}`);
      cpSync(root, copy, { recursive: true });
      const gen = await runCli([...parsed.words.slice(2), '--dry-run'], { cwd: copy });
      expect(gen.exitCode, `${line}: ${gen.stderr}`).toBe(0);
    }
  });

  it("a folder another recipe generated is not an app: custom's sample site is its own", async () => {
    const dir = path.join(tmp, 'generated-custom');
    expect((await runCli([dir, '--recipe', 'custom', '--service', 'nginx', '--port', '8080', '--yes'])).exitCode).toBe(0);
    const r = await runCli(['detect', dir]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('.create-image.json says recipe custom generated this folder: its files are not an app');
    expect(r.stdout).not.toMatch(/\(static\)/);
    // an app folder's own record (recipe app) keeps it an app
    const app = project('node-npm');
    expect((await runCli([app, '--yes'])).exitCode).toBe(0);
    expect((await runCli(['detect', app])).stdout).toMatch(/^\. \(node\)/);
  });

  it("a Procfile's start that reads $PORT is given a port: exposed, set, probed", async () => {
    const procfile = 'web: gunicorn app:app --bind 0.0.0.0:$PORT\n';
    const flask = only(project(undefined, { Procfile: procfile, 'requirements.txt': 'flask\ngunicorn\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' }));
    expect(flask.port).toBe(5000);
    expect(flask.env.PORT).toBe('5000');
    const plain = project(undefined, { Procfile: procfile, 'requirements.txt': 'gunicorn\n', 'app.py': 'def app(environ, start): pass\n' });
    expect(only(plain).port).toBe(8000);
    const r = await runCli([plain, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    const dockerfile = readFileSync(path.join(plain, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('ENV PORT="8000"');
    expect(dockerfile).toMatch(/^EXPOSE 8000\/tcp$/m);
    expect(dockerfile).toContain('http://127.0.0.1:8000/');
  });

  it('an empty web: line, an empty go.mod and one without a module line are notes, not commands', () => {
    const app = only(project(undefined, { Procfile: 'web:\nworker: x\n', 'package.json': '{}' }));
    expect(app.set.start).toBeUndefined();
    expect(app.notes).toContain('Procfile has an empty web: line; ignored.');
    expect(detect(project(undefined, { 'go.mod': '' }))).toEqual([]);
    expect(detect(project(undefined, { 'go.mod': 'go 1.22\n', 'main.go': 'package main' }))).toEqual([]);
  });
});

describe('special files and trees, each within 2 s', () => {
  const timed = async (dir: string) => {
    const start = Date.now();
    const r = await runCli(['detect', dir]);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(crashIn(r.stdout + r.stderr)).toBeUndefined();
    expect(r.exitCode).toBe(0);
    return r;
  };
  it('a FIFO named package.json or requirements.txt', async () => {
    for (const name of ['package.json', 'requirements.txt']) {
      const dir = project(undefined, { 'app.py': 'print(1)' });
      execFileSync('mkfifo', [path.join(dir, name)]);
      expect((await timed(dir)).stdout).toContain(`${name} is a FIFO, not a regular file`);
    }
  }, 10_000);
  it('a socket named package.json', async () => {
    const dir = project(undefined);
    const server = net.createServer().listen(path.join(dir, 'package.json'));
    await new Promise((r) => server.once('listening', r));
    try {
      expect((await timed(dir)).stdout).toContain('package.json is a socket, not a regular file');
    } finally {
      server.close();
    }
  });
  it('a link to a device, a link loop and a dangling link', async () => {
    const dir = project(undefined);
    symlinkSync('/dev/zero', path.join(dir, 'package.json'));
    symlinkSync('go.mod', path.join(dir, 'go.mod'));
    symlinkSync('missing.txt', path.join(dir, 'requirements.txt'));
    const r = await timed(dir);
    expect(r.stdout).toContain('package.json is a link out of the project folder');
  });
  it('a file no one may read (root still can: it is read as usual)', async () => {
    const dir = project('node-npm');
    chmodSync(path.join(dir, 'package.json'), 0o000);
    const r = await timed(dir);
    if (process.getuid?.() === 0) expect(r.stdout).toMatch(/^\. \(node\)/);
    else expect(r.stdout).toContain('package.json cannot be read (EACCES)');
  });
  it('a 50 MB package.json', async () => {
    const dir = project(undefined);
    writeFileSync(path.join(dir, 'package.json'), Buffer.alloc(50 * 1024 * 1024, 0x20));
    expect((await timed(dir)).stdout).toContain('package.json is over 1 MB (50 MB): not read.');
  });
  it('60,000 files', async () => {
    const dir = project('node-npm');
    // made by touch in batches: 60,000 writeFileSync calls take a minute on a busy machine
    execFileSync('sh', ['-c', 'for i in $(seq 60); do mkdir -p "src/m$i" && (cd "src/m$i" && seq 1000 | sed s/^/f/ | xargs touch); done'], { cwd: dir });
    expect((await timed(dir)).stdout).toMatch(/^\. \(node\)/);
  }, 120_000);
});

describe('--recipe app where nothing is recognised', () => {
  it('is a usage error naming --set stack, for an empty folder and one not made yet; a named stack renders', async () => {
    const empty = project(undefined);
    const r = await runCli([empty, '--recipe', 'app', '--yes']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^create-image: --recipe: app: no app recognised in \S+ \(see `create-image detect`\); name its stack with --set stack=node\|python\|go\|java\|php\|ruby\|static, or use --recipe custom$/);
    expect(readdirSync(empty)).toEqual([]);
    const later = path.join(empty, 'later');
    const l = await runCli([later, '--recipe', 'app', '--yes']);
    expect(l.exitCode).toBe(2);
    expect(l.stderr).toContain('later is not a folder yet; name its stack with --set stack=');
    const ok = await runCli([empty, '--recipe', 'app', '--set', 'stack=static', '--yes']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    // a new site: its port exposed and probed, and a starter page for the probe to find
    const dockerfile = readFileSync(path.join(empty, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('busybox httpd -f -v -p 8080');
    expect(dockerfile).toMatch(/^EXPOSE 8080\/tcp$/m);
    expect(dockerfile).toContain('"http://127.0.0.1:8080/"');
    expect(readFileSync(path.join(empty, 'index.html'), 'utf8')).toContain('replace this page with your own files');
    expect(ok.stdout).toContain(' -p 8080:8080 ');
    // a detected site has its own index.html: no starter over it
    const site = project(undefined, { 'index.html': '<p>mine</p>\n' });
    const own = await runCli([site, '--recipe', 'app', '--set', 'stack=static', '--yes']);
    expect(own.exitCode, own.stderr).toBe(0);
    expect(readFileSync(path.join(site, 'index.html'), 'utf8')).toBe('<p>mine</p>\n');
  });
});

describe('a .gitignore that lists a file the build copies', () => {
  it('keeps it out of .dockerignore, with a note; the other lines stay', async () => {
    const dir = project('node-pnpm', { '.gitignore': 'pnpm-lock.yaml\n*.lock\ncoverage/\n.env.local\n' });
    const app = only(dir);
    expect(String(app.set.ignore).split(' ')).toEqual(['**/coverage', '**/.env.local']);
    expect(app.notes).toContain('.gitignore lists pnpm-lock.yaml, which the build copies: kept out of .dockerignore.');
    const r = await runCli([dir, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    const ignored = readFileSync(path.join(dir, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).not.toContain('**/pnpm-lock.yaml');
    expect(ignored).toContain('**/coverage');
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('pnpm-lock.yaml');
  });
});

describe('versions pinned by a tool-version manager', () => {
  const nodeOf = (extra: Record<string, string>) => only(project('node-npm', extra));
  it('reads .tool-versions, mise.toml and volta, after .nvmrc and before engines', () => {
    expect(nodeOf({ '.tool-versions': '# pins\nruby 3.3.0\nnodejs 22.11.0 20.0.0\n' }).runtime).toMatchObject({ name: 'node', version: '22' });
    expect(nodeOf({ '.tool-versions': 'nodejs 22.11.0\n' }).facts).toContainEqual(expect.objectContaining({ key: 'runtime', evidence: '.tool-versions nodejs 22.11.0' }));
    expect(nodeOf({ 'mise.toml': '[env]\nX = "1"\n[tools]\npython = "3.12"\nnode = "24"\n[settings]\nnode = "9"\n' }).runtime).toMatchObject({ version: '24' });
    expect(nodeOf({ '.mise.toml': '[tools]\nnode = ["22", "20"]\n' }).runtime).toMatchObject({ version: '22' });
    expect(nodeOf({ 'mise.toml': '[tools]\nnode = { version = "20.18" }\n' }).runtime).toMatchObject({ version: '20' });
    const pkg = JSON.parse(readFileSync(path.join(APP_FIXTURES, 'node-npm', 'package.json'), 'utf8'));
    expect(nodeOf({ 'package.json': JSON.stringify({ ...pkg, volta: { node: '22.3.0' } }) }).runtime).toMatchObject({ version: '22' });
    // .nvmrc first
    expect(nodeOf({ '.nvmrc': '24\n', '.tool-versions': 'nodejs 22.11.0\n' }).runtime).toMatchObject({ version: '24' });
    // a wrong type in volta is a note, not a crash
    const odd = nodeOf({ 'package.json': JSON.stringify({ ...pkg, volta: { node: 22 } }) });
    expect(odd.notes.join('\n')).toMatch(/volta\.node/);
  });
  it('python: .tool-versions and mise.toml, after .python-version', () => {
    const py = (extra: Record<string, string>) => {
      const dir = project('python-stdlib', extra);
      rmSync(path.join(dir, '.python-version'));
      return only(dir);
    };
    expect(py({ '.tool-versions': 'python 3.12.4\n' }).runtime).toMatchObject({ name: 'python', version: '3.12' });
    expect(py({ 'mise.toml': '[tools]\npython = "3.11"\n' }).runtime).toMatchObject({ version: '3.11' });
    // the fixture's own .python-version (3.13) first
    expect(only(project('python-stdlib', { 'mise.toml': '[tools]\npython = "3.11"\n' })).runtime).toMatchObject({ version: '3.13' });
  });
});

describe("node's active LTS line where Debian's node is past its end of life", () => {
  it('an unpinned app, or a range the LTS line meets, builds on the official image of that line; a chosen Debian base is warned', () => {
    const app = only(project('node-npm'));
    const { values, notes } = appAnswers(app);
    expect(values.base).toBe('node:26-trixie-slim');
    expect(notes).toContain("Debian trixie's node 20.19 is past its end of life (2026-04-30): the image builds on node:26-trixie-slim, node's active LTS line, which meets >=18; --base debian:trixie-slim builds on Debian's 20.19 instead.");
    const chosen = appAnswers(app, 'debian:trixie-slim');
    expect(chosen.values.base).toBeUndefined();
    expect(chosen.notes).toContain('node 20.19, which debian:trixie-slim packages, is past its end of life (2026-04-30): no more security fixes from the Node.js project; --base node:26-trixie-slim brings node 26, the active LTS line.');
    // before node 20's end, Debian's node is the default as before
    expect(appAnswers(app, undefined, '2026-03-01').values.base).toBeUndefined();
    // a later day: still the line the table says is active then
    expect(appAnswers(app, undefined, '2027-06-01').values.base).toBe('node:26-trixie-slim');
  });
});
