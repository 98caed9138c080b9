// Apps as users make them today: each made at test time by its own generator from the npm registry
// (create-vite's vanilla and react-ts templates, create-vue, the Nest CLI, express-generator; each
// generator's version is printed), then generated
// in place by detection alone, built on the real engine (Debian 13's node, or the stand-in official
// node image a pin picks: scripts/ci/node-images.sh), run, and its own page fetched from outside. The
// react-ts app gets react-router and a route of its own: a browser opens that deep link (history fallback);
// without a router, a deep link is a 404. Each image stops on docker stop within 3 s.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { screenshotWhen } from '../helpers/browser.js';
import { caCertFile, cli, containerLogs, describeEngine, docker, freePort, httpGet, removeImageLater, runContainer, tempDir, uniqueName, waitFor } from '../helpers/engine.js';

interface Generated {
  name: string;
  /** The generator's package, whose registry version is printed. */
  pkg: string;
  /** argv that makes the app in the current folder, named `app`. */
  make: string[];
  port: number;
  /** Text of the app's own page. */
  expect: string;
  /** What detection must have found. */
  detected: RegExp;
  /** Commands run in the made app before generation (a dependency added as users add it), and files written over it. */
  prepare?: string[][];
  files?: Record<string, string>;
  /** A client-side route: its path, and what the page shows there once the app's scripts ran; undefined: a deep link is a 404. */
  route?: { path: string; shows: string };
}

// react-ts with react-router, as a user adds it: /settings/profile exists only in the browser
const ROUTED_MAIN = [
  "import { createRoot } from 'react-dom/client'",
  "import { BrowserRouter, Route, Routes } from 'react-router'",
  '',
  "createRoot(document.getElementById('root')!).render(",
  '  <BrowserRouter>',
  '    <Routes>',
  '      <Route path="/" element={<p>home</p>} />',
  '      <Route path="/settings/profile" element={<p>the profile route, rendered in the browser</p>} />',
  '    </Routes>',
  '  </BrowserRouter>,',
  ')',
  '',
].join('\n');

const CASES: Generated[] = [
  { name: 'vite-vanilla', pkg: 'create-vite', make: ['npm', 'create', '--yes', 'vite@latest', 'app', '--', '--template', 'vanilla', '--no-interactive'], port: 8080, expect: '<title>app</title>', detected: /serve: static files from dist\// },
  {
    name: 'vite-react-ts',
    pkg: 'create-vite',
    make: ['npm', 'create', '--yes', 'vite@latest', 'app', '--', '--template', 'react-ts', '--no-interactive'],
    port: 8080,
    expect: '<div id="root"></div>',
    detected: /serve: static files from dist\/.*fallback: index\.html for paths with no file \(client-side routes\) \(react-router in the dependencies\)/,
    prepare: [['npm', 'install', 'react-router']],
    files: { 'src/main.tsx': ROUTED_MAIN },
    route: { path: '/settings/profile', shows: 'the profile route, rendered in the browser' },
  },
  // engines ^22.18.0 || >=24.12.0: the smallest line that meets it
  { name: 'vue', pkg: 'create-vue', make: ['npm', 'create', '--yes', 'vue@latest', 'app', '--', '--default'], port: 8080, expect: '<div id="app"></div>', detected: /node 22 \(package\.json engines: .*serve: static files from dist\// },
  // scripts.start is `nest start`, the dev CLI: the image runs start:prod
  { name: 'nest', pkg: '@nestjs/cli', make: ['npx', '--yes', '@nestjs/cli', 'new', 'app', '--package-manager', 'npm', '--skip-git'], port: 3000, expect: 'Hello World!', detected: /start: node dist\/main \(scripts\.start:prod\)/ },
  { name: 'express-generator', pkg: 'express-generator', make: ['npx', '--yes', 'express-generator', '--no-view', 'app'], port: 3000, expect: '<h1>Express</h1>', detected: /start: node \.\/bin\/www \(scripts\.start\)/ },
];

describeEngine('apps made by their generators', (engine) => {
  for (const c of CASES) {
    it(`${c.name}: made by ${c.pkg}, detected, built, and answering with its own page`, async () => {
      const root = await tempDir(`ci-gen-${c.name}-`);
      const version = (await execa('npm', ['view', c.pkg, 'version'])).stdout.trim();
      console.log(`generated-apps: ${c.name} made by ${c.pkg}@${version}`);
      const made = await execa(c.make[0]!, c.make.slice(1), { cwd: root, reject: false, env: { CI: '1' } });
      expect(made.exitCode, made.stderr + made.stdout).toBe(0);
      const dir = path.join(root, 'app');
      for (const argv of c.prepare ?? []) {
        const r = await execa(argv[0]!, argv.slice(1), { cwd: dir, reject: false, env: { CI: '1' } });
        expect(r.exitCode, r.stderr + r.stdout).toBe(0);
      }
      for (const [file, text] of Object.entries(c.files ?? {})) await writeFile(path.join(dir, file), text);

      const tag = `${uniqueName(`gen-${c.name}`)}:test`;
      removeImageLater(tag);
      const gen = await cli(['--yes', '--ca-cert', caCertFile(), '--build', '--tag', tag], { cwd: dir, env: { DOCKER_BUILDKIT: '0' } });
      expect(gen.exitCode, gen.stderr + gen.stdout).toBe(0);
      expect(gen.stdout).toMatch(c.detected);
      const from = /^FROM (\S+)/m.exec(await readFile(path.join(dir, 'Dockerfile'), 'utf8'))?.[1];
      console.log(`generated-apps: ${c.name} built on ${from}`);

      const port = await freePort();
      const id = await runContainer(tag, { ports: [[port, String(c.port)]] });
      const res = await waitFor(`${c.name} to answer`, async () => {
        const r = await httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      }, 60_000).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${await containerLogs(id)}`);
      });
      expect(res.body).toContain(c.expect);
      const missing = await httpGet(`http://127.0.0.1:${port}/assets/no-such-file.js`);
      expect(missing.status).toBe(404);
      if (!c.route) {
        // no client-side router: a path with no file is a 404
        expect((await httpGet(`http://127.0.0.1:${port}/settings/profile`)).status).toBe(404);
      } else {
        // the history fallback: the deep link answers 200 with the index page, whose scripts render the route
        const deep = await httpGet(`http://127.0.0.1:${port}${c.route.path}`);
        expect(deep.status).toBe(200);
        expect(deep.body).toContain(c.expect);
        // a real browser opens the deep link: the page loads its scripts (served with their types) and shows the route
        await screenshotWhen(`http://127.0.0.1:${port}${c.route.path}`, { width: 800, height: 600, until: `document.body.innerText.includes(${JSON.stringify(c.route.shows)})` });
      }
      const stopAt = Date.now();
      await docker(['stop', id]);
      const stopMs = Date.now() - stopAt;
      console.log(`generated-apps: ${c.name} stopped in ${stopMs} ms`);
      expect(stopMs).toBeLessThanOrEqual(3000);
      void engine;
    }, 900_000);
  }
});
