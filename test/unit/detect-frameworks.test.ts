// Frameworks' production start commands: what detection runs for NestJS, Next.js, Nuxt, SvelteKit, Astro,
// express-generator and fastify-cli projects laid out as their generators make them, and a start line
// that runs a development tool is said and replaced by the production command.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectApps } from '../../src/detect/detect.js';
import type { DetectedApp } from '../../src/detect/types.js';
import { snapshotDir } from '../../src/edges/project-snapshot.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-frameworks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function app(pkg: Record<string, unknown>, files: Record<string, string> = {}): DetectedApp {
  const dir = path.join(tmp, String(n++));
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', ...pkg }));
  writeFileSync(path.join(dir, 'package-lock.json'), '{}');
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  const apps = detectApps(snapshotDir(dir));
  expect(apps).toHaveLength(1);
  return apps[0]!;
}

describe('framework start commands', () => {
  it('NestJS (nest new): scripts.start is the dev CLI; the image runs start:prod, and says why', () => {
    const a = app(
      {
        scripts: { build: 'nest build', start: 'nest start', 'start:dev': 'nest start --watch', 'start:prod': 'node dist/main' },
        dependencies: { '@nestjs/core': '^11.0.1', '@nestjs/common': '^11.0.1' },
        devDependencies: { '@nestjs/cli': '^11.0.0' },
      },
      { 'src/main.ts': 'async function bootstrap() { const app = await NestFactory.create(AppModule); await app.listen(process.env.PORT ?? 3000); }\n', 'tsconfig.json': '{}' },
    );
    expect(a.set.start).toBe('node dist/main');
    expect(a.set.build).toBe('build');
    expect(a.port).toBe(3000);
    expect(a.notes.join('\n')).toContain("scripts.start runs a development tool (nest start): the image runs NestJS's production command, node dist/main.");
  });

  it('NestJS without start:prod runs dist/main', () => {
    const a = app({ scripts: { build: 'nest build', start: 'nest start' }, dependencies: { '@nestjs/core': '^11.0.1' } });
    expect(a.set.start).toBe('node dist/main');
  });

  it('Next.js: next dev is replaced by next start, listening on every address', () => {
    const a = app({ scripts: { dev: 'next dev', build: 'next build', start: 'next dev' }, dependencies: { next: '16.0.0', react: '19.0.0' } });
    expect(a.set.start).toBe('next start');
    expect(a.env).toMatchObject({ HOSTNAME: '0.0.0.0', PORT: '3000' });
    expect(a.notes.join('\n')).toMatch(/runs a development tool \(next dev\)/);
    // its own `next start` stays, without a note
    const b = app({ scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '16.0.0' } });
    expect(b.set.start).toBe('next start');
    expect(b.notes).toEqual([]);
  });

  it('Nuxt, SvelteKit adapter-node and Astro node adapter start their build output', () => {
    const nuxt = app({ scripts: { build: 'nuxt build', dev: 'nuxt dev', preview: 'nuxt preview' }, dependencies: { nuxt: '^4.0.0' } });
    expect(nuxt.set.start).toBe('node .output/server/index.mjs');
    expect(nuxt.set.serve).toBeUndefined();
    expect(nuxt.env.HOST).toBe('0.0.0.0');
    const kit = app({ scripts: { build: 'vite build', dev: 'vite dev' }, devDependencies: { '@sveltejs/kit': '^2.0.0', vite: '^7.0.0' }, dependencies: { '@sveltejs/adapter-node': '^5.0.0' } });
    expect(kit.set.start).toBe('node build');
    expect(kit.set.serve).toBeUndefined();
    const astro = app({ scripts: { build: 'astro build', dev: 'astro dev' }, dependencies: { astro: '^5.0.0', '@astrojs/node': '^9.0.0' } });
    expect(astro.set.start).toBe('node dist/server/entry.mjs');
    expect(astro.port).toBe(4321);
    // Astro without a server adapter stays a static site
    const astroStatic = app({ scripts: { build: 'astro build', dev: 'astro dev' }, dependencies: { astro: '^5.0.0' } });
    expect(astroStatic.set).toMatchObject({ serve: 'static', output: 'dist' });
  });

  it('express-generator keeps bin/www; fastify-cli is told to listen on every address', () => {
    const ex = app({ scripts: { start: 'node ./bin/www' }, dependencies: { express: '~4.16.1' } }, { 'bin/www': "var port = normalizePort(process.env.PORT || '3000');\n", 'app.js': '' });
    expect(ex.set.start).toBe('node ./bin/www');
    expect(ex.port).toBe(3000);
    const fy = app({ scripts: { start: 'fastify start -l info app.js', dev: 'fastify start -w -l info -P app.js' }, dependencies: { fastify: '^5.0.0', 'fastify-cli': '^7.0.0' } }, { 'app.js': '' });
    expect(fy.set.start).toBe('fastify start -l info app.js');
    expect(fy.env.FASTIFY_ADDRESS).toBe('0.0.0.0');
  });

  it('a dev tool without a framework: nodemon runs the file with node; ts-node runs the build output; else it says what to give', () => {
    const nm = app({ scripts: { start: 'nodemon server.js' }, dependencies: { express: '^5.0.0' } }, { 'server.js': 'app.listen(3000)\n' });
    expect(nm.set.start).toBe('node server.js');
    expect(nm.notes.join('\n')).toContain('scripts.start runs a development tool (nodemon server.js): the image runs node server.js instead.');
    const ts = app({ scripts: { build: 'tsc', start: 'ts-node src/index.ts' }, dependencies: { hono: '^4.0.0', '@hono/node-server': '^1.0.0' } }, { 'src/index.ts': 'serve({ fetch: app.fetch, port: 3000 })\n' });
    expect(ts.set.start).toBe('node dist/index.js');
    const none = app({ scripts: { start: 'tsx watch src/index.ts' }, dependencies: { hono: '^4.0.0' } }, { 'src/index.ts': '' });
    expect(none.set.start).toBe('tsx watch src/index.ts');
    expect(none.notes.join('\n')).toMatch(/runs a development tool \(tsx watch src\/index\.ts\): give the production command with --set start=/);
  });
});
