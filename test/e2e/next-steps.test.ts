// Every command the tool prints to run an image is run verbatim, for every built-in recipe (taken from
// `create-image list`, so a new recipe is covered without touching this file): the next steps after
// generating, then the "Run it:" lines of `create-image build` on the same folder. The printed lines go
// to sh as they are, from the folder the tool was run in. A detached `docker run` must give a container
// that stays up and reaches docker's `healthy` (or, for an image without a HEALTHCHECK, is still running
// with no restart after a while); an interactive one (`-it`) must hold a session on a terminal and be
// gone after `exit`. The README's "Build and run" block must be the same lines.
//
// gitlab is the one recipe whose build cannot run here (ubuntu:24.04 base, sources from gitlab.com,
// hours). Its printed build line is the one line not run; the stand-in image (the generated entrypoint
// and runtime assets, see test/helpers/gitlab-stand-in.ts) is tagged with the printed name instead, and
// every other printed line, the secret files and the `docker run`, runs verbatim. `create-image build`
// builds the stand-in too, given the generated image's labels, ports and volumes, and its "Run it:"
// lines run verbatim. What is checked there is that every required secret reaches GitLab's config from
// the files the steps made; staying up and healthy needs GitLab itself plus PostgreSQL and Redis, which
// the stand-in does not have.
import { execa, execaSync } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { BIN, caCertFile, containerLogs, describeEngine, docker, GiveUp, onCleanup, ROOT, tempDir, uniqueName, waitFor, waitHealthy } from '../helpers/engine.js';
import { buildGitlabStandIn, gitlabStandInContext } from '../helpers/gitlab-stand-in.js';

const RECIPES = path.join(ROOT, 'recipes');
// What this machine needs, not the recipe: npm behind this machine's CA (see caCertFile).
// app in a folder that does not exist yet has nothing to detect: its stack is named
const MACHINE_FLAGS: Record<string, string[]> = { 'hexo-apache': ['--ca-cert', caCertFile()], app: ['--set', 'stack=static'] };
// The client on PATH has no buildx: its classic builder, as a user of it gets.
const ENV = { ...process.env, DOCKER_BUILDKIT: '0', NO_COLOR: '1' };

const recipes = (JSON.parse(execaSync(process.execPath, [BIN, 'list', '--json']).stdout).recipes as { name: string }[]).map((r) => r.name);

/** The indented lines under `heading` ("Next steps:", "Run it:") as printed, indent removed. */
function printedLines(stdout: string, heading: string): string[] {
  const at = stdout.indexOf(`${heading}\n`);
  expect(at, stdout).toBeGreaterThanOrEqual(0);
  const lines: string[] = [];
  for (const l of stdout.slice(at + heading.length + 1).split('\n')) {
    if (!l.startsWith('  ')) break;
    lines.push(l.slice(2));
  }
  return lines;
}

/** The README's ```sh block under "Build and run". */
function readmeSteps(readme: string): string[] {
  const m = /## Build and run\n\n```sh\n([\s\S]*?)```/.exec(readme);
  expect(m, readme).not.toBeNull();
  return m![1]!.split('\n').filter(Boolean);
}

/** Removes the container and the named volumes a printed run made for `name`. */
async function removeRun(name: string): Promise<void> {
  await docker(['rm', '-f', '-v', name], { reject: false });
  const vols = (await docker(['volume', 'ls', '-q', '--filter', `name=^${name}-`], { reject: false })).stdout.split('\n').filter(Boolean);
  if (vols.length) await docker(['volume', 'rm', '-f', ...vols], { reject: false });
}

/** That, and the image (its untagged parents stay: the layer cache, see removeImageLater). */
async function removeAll(name: string): Promise<void> {
  await removeRun(name);
  await docker(['image', 'rm', '-f', '--no-prune', `${name}:latest`], { reject: false });
}

/** Runs the printed lines with sh, stopping at the first that fails. */
async function runVerbatim(lines: string[], cwd: string, timeout = 30 * 60_000) {
  const r = await execa('sh', ['-ec', lines.join('\n')], { cwd, env: ENV, reject: false, timeout, all: true });
  expect(r.exitCode, `${lines.join('\n')}\n---\n${String(r.all).slice(-4000)}`).toBe(0);
}

/** Detached: healthy by its own HEALTHCHECK, or (without one) still running with no restart after 15 s. */
async function expectUp(name: string): Promise<string> {
  const hc = (await docker(['container', 'inspect', '--format', '{{json .Config.Healthcheck}}', name])).stdout.trim();
  if (hc !== 'null' && hc !== '') {
    await waitHealthy(name, 5 * 60_000);
    return 'healthy';
  }
  await new Promise((r) => setTimeout(r, 15_000));
  const state = (await docker(['container', 'inspect', '--format', '{{.State.Status}} {{.RestartCount}}', name])).stdout.trim();
  expect(state, await containerLogs(name)).toBe('running 0');
  return 'running (no HEALTHCHECK)';
}

/**
 * Interactive: the printed lines, ending in `docker run --rm -it`, on a terminal (script(1) gives them
 * one), a command typed into the session and answered, then `exit`: the session ends and --rm removes
 * the container.
 */
async function expectSession(lines: string[], cwd: string, name: string): Promise<void> {
  // all the printed lines in one shell on the terminal, as typed one after the other
  const session = execa('script', ['-qfec', ['set -e', ...lines].join('\n'), '/dev/null'], { cwd, env: ENV, reject: false, stdin: 'pipe', all: true, timeout: 30 * 60_000 });
  let out = '';
  let ended = false;
  session.all!.on('data', (d: Buffer) => (out += d.toString()));
  void session.finally(() => (ended = true));
  try {
    // the lines before the run may build the image first
    await waitFor('the container to run', async () => {
      if (ended) throw new GiveUp(`the printed lines ended before the container ran:\n${out.slice(-4000)}`);
      return (await docker(['container', 'inspect', '--format', '{{.State.Status}}', name], { reject: false })).stdout.trim() === 'running';
    }, 30 * 60_000, 1000);
    // typed until the shell is reading: the first line may arrive before the session's terminal is set up
    await waitFor('the session to answer', async () => {
      session.stdin!.write('echo "ready-$((6 * 7))"\n');
      await new Promise((r) => setTimeout(r, 500));
      return out.includes('ready-42');
    }, 30_000, 0);
    session.stdin!.write('exit\n');
    const r = await session;
    expect(r.exitCode, out).toBe(0);
    await waitFor('--rm to remove the container after exit', async () => (await docker(['container', 'inspect', name], { reject: false })).exitCode !== 0, 30_000);
  } finally {
    session.kill();
  }
}

/** Runs the printed lines (detached, or on a terminal when the run is `-it`) and checks the container as the file header says. */
async function expectRunning(recipe: string, lines: string[], cwd: string, name: string, what: string): Promise<void> {
  const started = Date.now();
  if (/ -it /.test(lines.at(-1)!)) {
    await expectSession(lines, cwd, name);
    process.stderr.write(`next steps e2e: ${recipe} (${what}) ran as an interactive session\n`);
    return;
  }
  await runVerbatim(lines, cwd);
  const how = await expectUp(name);
  process.stderr.write(`next steps e2e: ${recipe} (${what}) ${how} ${Math.round((Date.now() - started) / 1000)} s after the first printed line\n`);
}

/** gitlab's stand-in, started by the printed lines: every required secret reached its config from the files under `dir`/secrets. */
async function expectGitlabSecrets(lines: string[], cwd: string, name: string, dir: string): Promise<void> {
  await runVerbatim(lines, cwd, 120_000);
  const out = path.join(cwd, `secrets-${name}-${Date.now()}.yml`);
  await waitFor('secrets.yml in the container', async () => (await docker(['cp', `${name}:/home/git/gitlab/config/secrets.yml`, out], { reject: false })).exitCode === 0, 60_000);
  const secrets = (parse(await readFile(out, 'utf8')) as { production: Record<string, string> }).production;
  const file = async (f: string) => (await readFile(path.join(dir, 'secrets', f), 'utf8')).trim();
  expect(secrets).toEqual({ db_key_base: await file('gitlab_secrets_db_key_base'), secret_key_base: await file('gitlab_secrets_secret_key_base'), otp_key_base: await file('gitlab_secrets_otp_key_base') });
  expect(secrets.db_key_base).toMatch(/^[0-9a-f]{64}$/);
  expect(await containerLogs(name)).not.toMatch(/is required/);
  process.stderr.write(`next steps e2e: gitlab stand-in got its secrets from the printed steps (${path.relative(cwd, dir)})\n`);
}

describeEngine('printed next steps run as printed, for every built-in recipe', () => {
  it('covers the built-in recipes', () => {
    expect(recipes).toEqual(expect.arrayContaining(['custom', 'gitlab', 'go', 'hexo-apache', 'lnmp', 'tomcat', 'vsftpd']));
  });

  for (const recipe of recipes) {
    it(`${recipe}: next steps, README and build summary run verbatim; the container stays up`, async () => {
      const root = await tempDir(`ci-steps-${recipe}-`);
      const name = uniqueName(`steps-${recipe}`);
      onCleanup(() => removeAll(name));
      const gen = await execa(process.execPath, [BIN, name, '--recipe', recipe, '--yes', ...(MACHINE_FLAGS[recipe] ?? [])], { cwd: root, env: ENV, reject: false });
      expect(gen.exitCode, gen.stderr).toBe(0);
      const steps = printedLines(gen.stdout, 'Next steps:');
      const dir = path.join(root, name);
      // the README (or the file the recipe names instead: app writes CONTAINER.md beside a project's own README)
      // gives the same commands, to be run in the folder itself
      const readme = (JSON.parse(await readFile(path.join(RECIPES, recipe, 'recipe.json'), 'utf8')) as { readme?: string }).readme ?? 'README.md';
      expect(readmeSteps(await readFile(path.join(dir, readme), 'utf8'))).toEqual(steps.slice(1));
      expect(steps[0]).toBe(`cd ${name}`);
      const build = steps.findIndex((s) => s.startsWith('docker build '));
      expect(steps[build]).toBe(`docker build -t ${name}:latest .`);
      const run = steps.at(-1)!;
      expect(run).toMatch(/^docker run /);

      if (recipe === 'gitlab') {
        await buildGitlabStandIn(dir, root, `${name}:latest`);
        await expectGitlabSecrets(steps.filter((_, i) => i !== build), root, name, dir);
      } else {
        await expectRunning(recipe, steps, root, name, 'next steps');
      }
      await removeRun(name);

      // `create-image build` on the same folder (the layers are cached): its "Run it:" lines, verbatim
      const buildDir = recipe === 'gitlab' ? await gitlabStandInContext(dir, path.join(root, 'gitlab-build'), { declare: true }) : dir;
      // gitlab cannot start alone (PostgreSQL, Redis, its secret files): built with --no-verify, as docs/cli.md says
      const built = await execa(process.execPath, [BIN, 'build', path.relative(root, buildDir), ...(recipe === 'gitlab' ? ['--no-verify'] : [])], { cwd: root, env: ENV, reject: false });
      expect(built.exitCode, built.stderr).toBe(0);
      const runIt = printedLines(built.stdout, 'Run it:');
      // the image says what its run needs: the same line as after generating
      expect(runIt.at(-1)).toBe(run);
      if (recipe === 'gitlab') await expectGitlabSecrets(runIt, root, name, buildDir);
      else await expectRunning(recipe, runIt, root, name, 'build summary');
      await removeAll(name);
    }, 40 * 60_000);
  }
});
