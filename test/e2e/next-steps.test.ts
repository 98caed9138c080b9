// Every command the tool prints after generating is run verbatim, for every built-in recipe (taken from
// `create-image list`, so a new recipe is covered without touching this file): the printed lines go to
// sh as they are, from the folder the tool was run in. A detached `docker run` must give a container
// that stays up and reaches docker's `healthy` (or, for an image without a HEALTHCHECK, is still running
// with no restart after a while); an interactive one (`-it`) must hold a session on a terminal and be
// gone after `exit`. The README's "Build and run" block must be the same lines.
//
// gitlab is the one recipe whose build cannot run here (ubuntu:24.04 base, sources from gitlab.com,
// hours). Its printed build line is the one line not run; the stand-in image (the generated entrypoint
// and runtime assets, see test/helpers/gitlab-stand-in.ts) is tagged with the printed name instead, and
// every other printed line, the secret files and the `docker run`, runs verbatim. What is checked there
// is that every required secret reaches GitLab's config from the files the steps made; staying up and
// healthy needs GitLab itself plus PostgreSQL and Redis, which the stand-in does not have.
import { execa, execaSync } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { BIN, caCertFile, containerLogs, describeEngine, docker, onCleanup, tempDir, uniqueName, waitFor, waitHealthy } from '../helpers/engine.js';
import { buildGitlabStandIn } from '../helpers/gitlab-stand-in.js';

// What this machine needs, not the recipe: npm behind this machine's CA (see caCertFile).
const MACHINE_FLAGS: Record<string, string[]> = { 'hexo-apache': ['--ca-cert', caCertFile()] };
// The client on PATH has no buildx: its classic builder, as a user of it gets.
const ENV = { ...process.env, DOCKER_BUILDKIT: '0', NO_COLOR: '1' };

const recipes = (JSON.parse(execaSync(process.execPath, [BIN, 'list', '--json']).stdout) as { name: string }[]).map((r) => r.name);

/** The lines under "Next steps:" as printed (two spaces of indent removed). */
function nextSteps(stdout: string): string[] {
  const at = stdout.indexOf('Next steps:\n');
  expect(at, stdout).toBeGreaterThanOrEqual(0);
  return stdout.slice(at + 'Next steps:\n'.length).split('\n').filter((l) => l.startsWith('  ')).map((l) => l.slice(2));
}

/** The README's ```sh block under "Build and run". */
function readmeSteps(readme: string): string[] {
  const m = /## Build and run\n\n```sh\n([\s\S]*?)```/.exec(readme);
  expect(m, readme).not.toBeNull();
  return m![1]!.split('\n').filter(Boolean);
}

/** Removes the container, the image and the named volumes the printed commands made for `name`. */
async function removeAll(name: string): Promise<void> {
  await docker(['rm', '-f', '-v', name], { reject: false });
  const vols = (await docker(['volume', 'ls', '-q', '--filter', `name=^${name}-`], { reject: false })).stdout.split('\n').filter(Boolean);
  if (vols.length) await docker(['volume', 'rm', '-f', ...vols], { reject: false });
  await docker(['image', 'rm', '-f', `${name}:latest`], { reject: false });
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
 * Interactive: the printed `docker run --rm -it` line on a terminal (script(1) gives it one), a command
 * typed into the session and answered, then `exit`: the session ends and --rm removes the container.
 */
async function expectSession(line: string, cwd: string, name: string): Promise<void> {
  const session = execa('script', ['-qfec', line, '/dev/null'], { cwd, env: ENV, reject: false, stdin: 'pipe', all: true, timeout: 120_000 });
  let out = '';
  session.all!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor('the container to run', async () => (await docker(['container', 'inspect', '--format', '{{.State.Status}}', name], { reject: false })).stdout.trim() === 'running', 60_000);
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

describeEngine('printed next steps run as printed, for every built-in recipe', () => {
  it('covers the built-in recipes', () => {
    expect(recipes).toEqual(expect.arrayContaining(['custom', 'gitlab', 'go', 'hexo-apache', 'lnmp', 'tomcat', 'vsftpd']));
  });

  for (const recipe of recipes) {
    it(`${recipe}: next steps and README run verbatim; the container stays up`, async () => {
      const root = await tempDir(`ci-steps-${recipe}-`);
      const name = uniqueName(`steps-${recipe}`);
      onCleanup(() => removeAll(name));
      const gen = await execa(process.execPath, [BIN, name, '--recipe', recipe, '--yes', ...(MACHINE_FLAGS[recipe] ?? [])], { cwd: root, env: ENV, reject: false });
      expect(gen.exitCode, gen.stderr).toBe(0);
      const steps = nextSteps(gen.stdout);
      const dir = path.join(root, name);
      // the README gives the same commands, to be run in the folder itself
      expect(readmeSteps(await readFile(path.join(dir, 'README.md'), 'utf8'))).toEqual(steps.slice(1));
      expect(steps[0]).toBe(`cd ${name}`);
      const build = steps.findIndex((s) => s.startsWith('docker build '));
      expect(steps[build]).toBe(`docker build -t ${name}:latest .`);
      const run = steps.at(-1)!;
      expect(run).toMatch(/^docker run /);

      if (recipe === 'gitlab') {
        await buildGitlabStandIn(dir, root, `${name}:latest`);
        await runVerbatim(steps.filter((_, i) => i !== build), root, 120_000);
        // every required secret reached the config, from the file the printed steps made
        const out = path.join(root, 'config-out');
        await waitFor('secrets.yml in the container', async () => (await docker(['cp', `${name}:/home/git/gitlab/config/secrets.yml`, out], { reject: false })).exitCode === 0, 60_000);
        const secrets = (parse(await readFile(out, 'utf8')) as { production: Record<string, string> }).production;
        const file = async (f: string) => (await readFile(path.join(dir, 'secrets', f), 'utf8')).trim();
        expect(secrets).toEqual({ db_key_base: await file('gitlab_secrets_db_key_base'), secret_key_base: await file('gitlab_secrets_secret_key_base'), otp_key_base: await file('gitlab_secrets_otp_key_base') });
        expect(secrets.db_key_base).toMatch(/^[0-9a-f]{64}$/);
        expect(await containerLogs(name)).not.toMatch(/is required/);
        process.stderr.write(`next steps e2e: gitlab stand-in got its secrets from the printed steps\n`);
      } else if (/ -it /.test(run)) {
        await runVerbatim(steps.slice(0, -1), root);
        await expectSession(run, root, name);
        process.stderr.write(`next steps e2e: ${recipe} ran as an interactive session\n`);
      } else {
        const started = Date.now();
        await runVerbatim(steps, root);
        const how = await expectUp(name);
        process.stderr.write(`next steps e2e: ${recipe} ${how} ${Math.round((Date.now() - started) / 1000)} s after the first printed line\n`);
      }
      await removeAll(name);
    }, 40 * 60_000);
  }
});
