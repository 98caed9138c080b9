// Node.js: package.json. The package manager from the lockfile, the version from engines / .nvmrc /
// .node-version, a build stage when there is a `build` script, the start command from scripts.start,
// `main` or a Procfile, and a static front end (a build producing dist/ or build/, no server) served as files.
// Frameworks (NestJS, Next.js, Nuxt, SvelteKit, Astro, React Router, Remix) start their production server,
// and a start line that runs a development tool (nest start, ts-node, nodemon, next dev) is said and replaced.
import { sh } from '../core/escape.js';
import { at, exists, fact, fields, filesIn, findPort, listenFacts, managedVersion, procfileWeb, readJson, reportProblem, sourceFiles, versionOf } from './read.js';
import { dependencyNeeds } from './node-needs.js';
import type { DetectedApp, Fact, Provider, Snapshot } from './types.js';

/** Packages that make a server: their presence means the app is not a static front end. */
const SERVERS = ['express', 'fastify', 'koa', '@hapi/hapi', 'hapi', 'next', 'nuxt', '@nestjs/core', '@remix-run/serve', '@react-router/serve', 'restify', 'polka', 'socket.io', '@sveltejs/adapter-node', '@astrojs/node', 'h3', 'hono'];
/** Front-end build tools and the folder each writes by default. */
const FRONTENDS: Record<string, string> = { vite: 'dist', 'react-scripts': 'build', '@vue/cli-service': 'dist', parcel: 'dist', 'parcel-bundler': 'dist', '@angular/cli': 'dist', webpack: 'dist', 'webpack-cli': 'dist', astro: 'dist', gatsby: 'public' };
/** Client-side routers: a front end with one serves its index page for every route's path (a history fallback). */
const ROUTERS = ['react-router', 'react-router-dom', 'vue-router', '@angular/router', '@tanstack/react-router', '@tanstack/vue-router', '@tanstack/solid-router', '@solidjs/router', 'svelte-spa-router', 'wouter', 'preact-router', 'preact-iso', '@reach/router', '@vaadin/router'];
/** Commands that serve a front end in development: never what an image should run. */
const DEV_SERVERS = /^(vite|react-scripts start|vue-cli-service serve|parcel|ng serve|webpack serve|webpack-dev-server|astro dev|gatsby develop)\b/;

/** Start commands that run a development tool (watchers, TypeScript on the fly, dev servers): never what an image should run. */
const DEV_TOOLS = /^(nest start|ts-node(-dev)?|nodemon|tsx|next dev|nuxt dev|nuxi dev|astro dev|remix dev|react-router dev|vite|svelte-kit dev)\b/;

/**
 * Frameworks and their production start: the command, the port it listens on by default, and the
 * environment that makes it listen on every address (several bind localhost unless told otherwise).
 */
interface Framework {
  dep: string;
  name: string;
  port: number;
  env?: Record<string, string>;
  start(pkg: Pkg, snap: Snapshot, dir: string): { command: string; evidence: string };
}
const FRAMEWORKS: readonly Framework[] = [
  { dep: '@nestjs/core', name: 'NestJS', port: 3000, start: (pkg) => plainNode(pkg.scripts?.['start:prod'], 'scripts.start:prod') ?? { command: 'node dist/main', evidence: 'NestJS builds dist/main.js' } },
  { dep: 'next', name: 'Next.js', port: 3000, env: { HOSTNAME: '0.0.0.0' }, start: () => ({ command: 'next start', evidence: "Next.js's production server" }) },
  { dep: 'nuxt', name: 'Nuxt', port: 3000, env: { HOST: '0.0.0.0' }, start: () => ({ command: 'node .output/server/index.mjs', evidence: 'Nuxt (Nitro) builds .output/server' }) },
  { dep: '@sveltejs/adapter-node', name: 'SvelteKit', port: 3000, env: { HOST: '0.0.0.0' }, start: () => ({ command: 'node build', evidence: 'adapter-node builds build/' }) },
  { dep: '@astrojs/node', name: 'Astro', port: 4321, env: { HOST: '0.0.0.0' }, start: () => ({ command: 'node dist/server/entry.mjs', evidence: "Astro's node adapter builds dist/server" }) },
  { dep: '@react-router/serve', name: 'React Router', port: 3000, start: () => ({ command: 'react-router-serve ./build/server/index.js', evidence: 'React Router builds build/server' }) },
  { dep: '@remix-run/serve', name: 'Remix', port: 3000, start: () => ({ command: 'remix-serve ./build/server/index.js', evidence: 'Remix builds build/server' }) },
];

/** A script that is a plain `node <file>` line, as a start command. */
function plainNode(script: string | undefined, evidence: string): { command: string; evidence: string } | undefined {
  return script && /^node\s+[\w./-]+$/.test(script.trim()) ? { command: script.trim(), evidence } : undefined;
}

type Pkg = { scripts?: Record<string, string>; engines?: { node?: string }; volta?: { node?: string }; main?: string; packageManager?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; workspaces?: unknown };

export const node: Provider = {
  stack: 'node',
  markers: ['package.json'],
  bases: { packaged: '20.19', images: ['node'], official: (v) => `node:${v}-trixie-slim` },
  detect(snap, dir) {
    const raw = readJson(snap, at(dir, 'package.json'));
    if (!raw) return undefined;
    const notes: string[] = [];
    const pkg = typedPkg(raw, at(dir, 'package.json'), notes);
    const scripts = pkg.scripts ?? {};
    const deps = { ...pkg.dependencies };
    const all = { ...pkg.devDependencies, ...deps };
    const facts: Fact[] = [];
    const set: DetectedApp['set'] = { stack: 'node', app: dir === '.' ? '' : dir };

    // A workspace root with nothing to start or build is a monorepo, not an app.
    if (pkg.workspaces && !scripts.start && !scripts.build && !pkg.main) {
      reportProblem(snap, at(dir, 'package.json'), 'is a workspace root with no start, build or main: its packages are the apps (detect one with --app)');
      return undefined;
    }

    const version = nodeVersion(snap, dir, pkg);
    if (version) facts.push(fact('runtime', `node ${version.value}`, version.evidence));
    const needs = dependencyNeeds(snap, dir, all, facts);
    const runtime: DetectedApp['runtime'] = { name: 'node', ...(version ? { version: version.value, spec: version.spec } : {}), ...(needs.length ? { needs } : {}) };

    const pm = packageManager(snap, dir, pkg);
    facts.push(fact('package manager', pm.name + (pm.version ? ` ${pm.version}` : ''), pm.evidence));
    set.pm = pm.name;
    if (pm.version) set.pmVersion = pm.version;
    if (pm.name === 'yarn-berry') {
      // Yarn's own files the install reads: the release yarnPath names, plugins, and the patches patch: resolutions apply
      const files = filesIn(snap, dir);
      const yarnDirs = YARN_DIRS.filter((d) => files.some((f) => f.startsWith(d)));
      if (yarnDirs.length) {
        set.yarnDirs = yarnDirs.join(' ');
        facts.push(fact('yarn files', yarnDirs.join(', '), 'copied with the manifests: the install reads them'));
      }
      const yarnrc = snap.text(at(dir, '.yarnrc.yml')) ?? '';
      // the release the project commits (yarnPath): run with node, no corepack and no download of Yarn itself
      const yarnPath = /^yarnPath:\s*["']?(\.yarn\/releases\/[\w.-]+\.c?js)["']?\s*$/m.exec(yarnrc)?.[1];
      if (yarnPath && files.includes(yarnPath)) {
        set.yarnPath = yarnPath;
        facts.push(fact('yarn', `node ${yarnPath}`, '.yarnrc.yml yarnPath'));
      }
      const linker = /^nodeLinker:\s*["']?([\w-]+)/m.exec(yarnrc)?.[1] ?? 'pnp';
      if (linker !== 'node-modules') notes.push(`Yarn's ${linker} linker (.yarnrc.yml nodeLinker${linker === 'pnp' ? ', the default' : ''}): the image installs with the node-modules linker (YARN_NODE_LINKER), so the final stage has a node_modules and runs node without Yarn's loader.`);
    }
    if (pm.name === 'npm' && !pm.lockfile) notes.push('No lockfile: the image runs `npm install`, so each build may resolve other versions; commit a package-lock.json for repeatable builds.');

    if (scripts.build) {
      set.build = 'build';
      const ts = exists(snap, at(dir, 'tsconfig.json'));
      facts.push(fact('build', `npm run build${ts ? ' (TypeScript)' : ''}`, `scripts.build: ${scripts.build}${ts ? ', tsconfig.json' : ''}`));
    }

    let start = startCommand(snap, dir, pkg);
    const framework = FRAMEWORKS.find((f) => f.dep in deps);
    const dev = start && DEV_TOOLS.exec(start.command)?.[0];
    if (framework && (!start || dev || start.evidence !== 'scripts.start')) {
      const prod = framework.start(pkg, snap, dir);
      if (dev) notes.push(`${start!.evidence} runs a development tool (${start!.command}): the image runs ${framework.name}'s production command, ${prod.command}.`);
      start = prod;
    }
    const frontend = Object.keys(FRONTENDS).find((k) => k in all);
    const server = SERVERS.find((k) => k in deps);
    const isStatic = !!scripts.build && !server && (!start || DEV_SERVERS.test(start.command)) && (!!frontend || exists(snap, at(dir, 'index.html')) || exists(snap, at(dir, 'public/index.html')));
    if (isStatic) {
      const output = outputDir(snap, dir, scripts.build!, frontend);
      set.serve = 'static';
      set.output = output.value;
      facts.push(fact('serve', `static files from ${output.value}/`, `${frontend ? `${frontend} in devDependencies, ` : ''}scripts.build and no server${start ? ` (scripts.start is a dev server: ${start.command})` : ''}; ${output.evidence}`));
      const router = ROUTERS.find((k) => k in all);
      if (router) {
        set.fallback = 'index.html';
        facts.push(fact('fallback', 'index.html for paths with no file (client-side routes)', `${router} in the dependencies`));
      }
      return { stack: 'node', dir, facts, runtime, port: 8080, env: {}, set, notes };
    }

    if (start && dev && !framework) {
      const prod = productionOf(start.command, !!scripts.build);
      notes.push(`${start.evidence} runs a development tool (${start.command}): ${prod ? `the image runs ${prod.command} instead` : 'give the production command with --set start="node dist/main.js"'}.`);
      if (prod) start = prod;
    }
    if (start) {
      set.start = start.command;
      facts.push(fact('start', start.command, start.evidence));
    } else {
      notes.push('No start command found (scripts.start, main, Procfile, server.js or index.js): give one with --set start="node server.js".');
    }

    // The port: from the start file first (its TypeScript source when it runs compiled output), then the rest.
    const entry = start?.command.split(/\s+/).find((w) => /\.[cm]?[jt]s$/.test(w));
    const firsts = entry ? [entry, entry.replace(/^(dist|build|out|lib)\//, 'src/').replace(/\.[cm]?js$/, '.ts')] : [];
    const found = findPort(snap, dir, sourceFiles(snap, dir, ['.js', '.mjs', '.cjs', '.ts', '.mts'], firsts));
    const env: Record<string, string> = {};
    const fallback = framework ? { port: framework.port, evidence: `${framework.name}'s default` } : server ? { port: 3000, evidence: `${server}'s usual default` } : undefined;
    const port = listenFacts(found ?? fallback, facts, env, notes);
    // fastify-cli listens on localhost unless told otherwise
    const bind = framework?.env ?? (start && /^fastify start\b/.test(start.command) ? { FASTIFY_ADDRESS: '0.0.0.0' } : undefined);
    for (const [k, v] of Object.entries(bind ?? {})) {
      if (env[k] !== undefined) continue;
      env[k] = v;
      facts.push(fact('listen', `0.0.0.0 (${k}=${v})`, `${framework?.name ?? 'fastify-cli'} listens on localhost unless ${k} is set`));
    }
    return { stack: 'node', dir, facts, runtime, ...(port ? { port } : {}), env, set, notes };
  },
};

/** package.json's fields read with their types checked: a field of another type is left out with a note. */
function typedPkg(raw: Record<string, unknown>, file: string, notes: string[]): Pkg {
  const f = fields(raw, file, notes);
  const scripts = f.strings('scripts');
  const start = f.nested('scripts', 'start');
  if (start === undefined) delete scripts.start;
  const build = f.nested('scripts', 'build');
  if (build === undefined) delete scripts.build;
  return { scripts, engines: { node: f.nested('engines', 'node') }, volta: { node: f.nested('volta', 'node') }, main: f.string('main'), packageManager: f.string('packageManager'), dependencies: f.strings('dependencies'), devDependencies: f.strings('devDependencies'), workspaces: raw.workspaces };
}

/** The production form of a dev tool's start line: `nodemon app.js` is `node app.js`; TypeScript run on the fly is its build's output. */
function productionOf(command: string, built: boolean): { command: string; evidence: string } | undefined {
  const file = command.split(/\s+/).find((w) => /\.[cm]?[jt]s$/.test(w));
  if (!file) return undefined;
  if (/\.[cm]?js$/.test(file)) return { command: `node ${file}`, evidence: `the file ${command.split(/\s+/)[0]} runs` };
  if (!built) return undefined;
  const out = file.replace(/^(\.\/)?src\//, 'dist/').replace(/\.([cm]?)ts$/, '.$1js');
  return { command: `node ${out}`, evidence: `the build's output of ${file}` };
}

function nodeVersion(snap: Snapshot, dir: string, pkg: Pkg): { value: string; spec: string; evidence: string } | undefined {
  for (const f of ['.nvmrc', '.node-version']) {
    const text = snap.text(at(dir, f))?.trim();
    const v = versionOf(text);
    if (v) return { value: v, spec: text!.replace(/^v/, ''), evidence: f };
  }
  const managed = managedVersion(snap, dir, ['nodejs', 'node']);
  const mv = versionOf(managed?.text);
  if (managed && mv) return { value: mv, spec: managed.text.replace(/^v/, ''), evidence: managed.evidence };
  // Volta pins an exact version in package.json
  const volta = versionOf(pkg.volta?.node);
  if (volta) return { value: volta, spec: pkg.volta!.node!, evidence: `package.json volta.node: ${pkg.volta!.node}` };
  const v = versionOf(pkg.engines?.node);
  return v ? { value: v, spec: pkg.engines!.node!, evidence: `package.json engines: ${pkg.engines!.node}` } : undefined;
}

/** Folders of Yarn 2+'s own that its install reads, when the project has them. */
const YARN_DIRS = ['.yarn/releases/', '.yarn/plugins/', '.yarn/patches/'];

function packageManager(snap: Snapshot, dir: string, pkg: Pkg): { name: string; version?: string; evidence: string; lockfile: boolean } {
  const declared = /^(npm|yarn|pnpm)@(\d[\w.+-]*)/.exec(pkg.packageManager ?? '');
  const version = (name: string) => (declared?.[1] === name ? declared[2] : undefined);
  const with_ = (name: string, evidence: string) => {
    const v = version(name);
    return { name, ...(v ? { version: v } : {}), evidence: v ? `${evidence}, packageManager` : evidence, lockfile: true };
  };
  if (exists(snap, at(dir, 'pnpm-lock.yaml'))) return with_('pnpm', 'pnpm-lock.yaml');
  if (exists(snap, at(dir, 'yarn.lock'))) {
    // Yarn 2+ ("Berry") writes __metadata into yarn.lock and reads .yarnrc.yml.
    const berry = /^__metadata:/m.test(snap.text(at(dir, 'yarn.lock')) ?? '') || exists(snap, at(dir, '.yarnrc.yml')) || /^[2-9]/.test(version('yarn') ?? '');
    return with_(berry ? 'yarn-berry' : 'yarn', berry ? 'yarn.lock (Yarn 2+)' : 'yarn.lock');
  }
  if (exists(snap, at(dir, 'package-lock.json')) || exists(snap, at(dir, 'npm-shrinkwrap.json'))) return with_('npm', exists(snap, at(dir, 'package-lock.json')) ? 'package-lock.json' : 'npm-shrinkwrap.json');
  if (declared) return { ...with_(declared[1]!.replace(/^yarn$/, /^[2-9]/.test(declared[2]!) ? 'yarn-berry' : 'yarn'), 'packageManager'), lockfile: false };
  return { name: 'npm', evidence: 'no lockfile', lockfile: false };
}

function startCommand(snap: Snapshot, dir: string, pkg: Pkg): { command: string; evidence: string } | undefined {
  const s = pkg.scripts?.start;
  if (s) return { command: s, evidence: 'scripts.start' };
  const web = procfileWeb(snap, dir);
  if (web) return { command: web, evidence: 'Procfile' };
  if (pkg.main && exists(snap, at(dir, pkg.main))) return { command: `node ${sh(pkg.main)}`, evidence: 'package.json main' };
  for (const f of ['server.js', 'index.js', 'app.js', 'main.js', 'server.mjs', 'index.mjs']) {
    if (exists(snap, at(dir, f))) return { command: `node ${f}`, evidence: f };
  }
  return undefined;
}

/** Where a front-end build writes: the tool's default, else a folder the build script (or the file it runs) names. */
function outputDir(snap: Snapshot, dir: string, build: string, frontend: string | undefined): { value: string; evidence: string } {
  const viteOut = /outDir\s*:\s*['"]([\w./-]+)['"]/.exec(['vite.config.js', 'vite.config.ts', 'vite.config.mjs'].map((f) => snap.text(at(dir, f)) ?? '').join('\n'))?.[1];
  if (viteOut) return { value: viteOut.replace(/^\.\//, '').replace(/\/$/, ''), evidence: 'build.outDir in vite.config' };
  if (frontend) return { value: FRONTENDS[frontend]!, evidence: `${frontend}'s output folder` };
  const script = /^node\s+([\w./-]+\.[cm]?js)\b/.exec(build)?.[1];
  const text = `${build}\n${script ? (snap.text(at(dir, script)) ?? '') : ''}`;
  const named = /['"`]\.?\/?(dist|build|out|public)\/?['"`]/.exec(text)?.[1] ?? /\b(dist|build|out)\//.exec(text)?.[1];
  if (named) return { value: named, evidence: `${script ?? 'scripts.build'} writes ${named}/` };
  return { value: 'dist', evidence: 'dist/ assumed (override with --set output=DIR)' };
}

