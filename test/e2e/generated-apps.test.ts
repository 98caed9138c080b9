// Apps as users make them today: each made at test time by its own generator from the npm registry
// (create-vite's vanilla and react-ts templates; its version is printed), then generated
// in place by detection alone, built on the real engine (Debian 13's node, or the stand-in official
// node image a pin picks: scripts/ci/node-images.sh), run, and its own page fetched from outside.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { caCertFile, cli, containerLogs, describeEngine, freePort, httpGet, removeImageLater, runContainer, tempDir, uniqueName, waitFor } from '../helpers/engine.js';

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
}

const CASES: Generated[] = [
  { name: 'vite-vanilla', pkg: 'create-vite', make: ['npm', 'create', '--yes', 'vite@latest', 'app', '--', '--template', 'vanilla', '--no-interactive'], port: 8080, expect: '<title>app</title>', detected: /serve: static files from dist\// },
  { name: 'vite-react-ts', pkg: 'create-vite', make: ['npm', 'create', '--yes', 'vite@latest', 'app', '--', '--template', 'react-ts', '--no-interactive'], port: 8080, expect: '<div id="root"></div>', detected: /serve: static files from dist\// },
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
      void engine;
    }, 900_000);
  }
});
