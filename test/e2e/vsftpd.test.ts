// vsftpd recipe end to end: generate, build (BuildKit client), then log in with curl over 127.0.0.1,
// upload in passive mode, list, download and compare bytes, restart, log in again; with FTP_PASS,
// FTP_PASS_FILE, a generated password (log or FTP_PASS_OUTPUT_FILE) and a bad setting; and the
// process tree the Dockerfile promises (tini PID 1, vsftpd its only child, in the foreground), kept
// through the session pattern that kills vsftpd when it is PID 1 itself, and a prompt docker stop.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cli, containerLogs, describeEngine, docker, dockerExec, freePort, removeImageLater, runContainer, tempDir, uniqueName, waitFor, waitHealthy, APT_CACHE_BUILD_ARGS } from '../helpers/engine.js';

/** `n` consecutive ports free on 127.0.0.1: passive ports must be published on the same numbers. */
async function freeRange(n: number): Promise<[number, number]> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20000 + Math.floor(Math.random() * 40000);
    let ok = true;
    for (let p = first; p < first + n && ok; p++) ok = await free(p);
    if (ok) return [first, first + n - 1];
  }
  throw new Error(`no ${n} consecutive free ports`);
}

/** Reads the server's greeting line on the control port. */
function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    s.setTimeout(3000, () => s.destroy(new Error('timeout')));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\n')) {
        s.destroy();
        resolve(buf.trim());
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(buf.trim()));
  });
}

interface Ftp {
  id: string;
  port: number;
}

async function startFtp(image: string, env: Record<string, string>, args: string[] = []): Promise<Ftp> {
  const [min, max] = await freeRange(3);
  // a port just released can be handed out again: the control port must not fall in the passive range
  let port = await freePort();
  while (port >= min && port <= max) port = await freePort();
  const id = await runContainer(image, {
    ports: [[port, '21']],
    env: { PASV_ADDRESS: '127.0.0.1', PASV_MIN_PORT: String(min), PASV_MAX_PORT: String(max), ...env },
    args: ['-p', `127.0.0.1:${min}-${max}:${min}-${max}`, ...args],
  });
  await waitFor(`vsftpd greeting on ${port}`, async () => (await greeting(port)).startsWith('220'), 30_000);
  return { id, port };
}

const curl = (args: string[]) => execa('curl', ['-sS', '--max-time', '20', ...args], { reject: false, encoding: 'buffer' });

/** Upload (passive, EPSV), list (PASV with the advertised address), download, compare. */
async function roundTrip(ftp: Ftp, user: string, pass: string, dir: string, name: string): Promise<void> {
  const url = `ftp://127.0.0.1:${ftp.port}`;
  const data = randomBytes(200_000);
  const src = path.join(dir, `${name}.src`);
  const back = path.join(dir, `${name}.back`);
  await writeFile(src, data);
  const up = await curl(['--ftp-pasv', '--user', `${user}:${pass}`, '-T', src, `${url}/${name}`]);
  expect(up.exitCode, Buffer.from(up.stderr).toString()).toBe(0);
  // PASV (not EPSV) and curl told to use the address in the reply: proves PASV_ADDRESS is sent.
  const list = await curl(['--disable-epsv', '--no-ftp-skip-pasv-ip', '--user', `${user}:${pass}`, `${url}/`]);
  expect(list.exitCode, Buffer.from(list.stderr).toString()).toBe(0);
  expect(Buffer.from(list.stdout).toString()).toMatch(new RegExp(`\\s${data.length}\\s.*\\s${name.replace('.', '\\.')}\\r?$`, 'm'));
  const down = await curl(['--user', `${user}:${pass}`, '-o', back, `${url}/${name}`]);
  expect(down.exitCode, Buffer.from(down.stderr).toString()).toBe(0);
  expect((await readFile(back)).equals(data)).toBe(true);
}

interface Proc {
  pid: number;
  ppid: number;
  state: string;
  comm: string;
}

/**
 * The container's processes from /proc (the slim image has no ps), leaving out the listing shell and
 * anything it started. Shell builtins only, so the listing adds no process of its own.
 */
async function processes(id: string): Promise<Proc[]> {
  const script = 'echo "$$"; for d in /proc/[0-9]*; do read -r stat <"$d/stat" 2>/dev/null && echo "$stat"; done';
  const r = await dockerExec(id, ['sh', '-c', script]);
  expect(r.exitCode, r.stderr).toBe(0);
  const [self, ...lines] = r.stdout.trim().split('\n');
  const procs = lines.map((line) => {
    const m = /^(\d+) \((.*)\) (\S) (\d+) /.exec(line);
    if (!m) throw new Error(`unexpected /proc stat line: ${line}`);
    return { pid: Number(m[1]), ppid: Number(m[4]), state: m[3]!, comm: m[2]! };
  });
  return procs.filter((p) => String(p.pid) !== self && String(p.ppid) !== self);
}

const tree = (ps: Proc[]) => ps.map((p) => `${p.pid}<-${p.ppid} ${p.comm} (${p.state})`).join(', ');
const shape = (ps: Proc[]) => ps.map((p) => `${p.pid}<-${p.ppid} ${p.comm}`).join(', ');

/** Log in on a raw control connection and drop it without QUIT (a client that dies mid-session). */
function loginAndDrop(port: number, user: string, pass: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const steps: Array<[RegExp, string]> = [[/^220 /m, `USER ${user}`], [/^331 /m, `PASS ${pass}`], [/^230 /m, 'PASV']];
    let buf = '';
    s.setTimeout(5000, () => s.destroy(new Error(`timeout, got: ${buf}`)));
    s.on('data', (d) => {
      buf += d.toString();
      while (steps.length && steps[0]![0].test(buf)) s.write(`${steps.shift()![1]}\r\n`);
      if (!steps.length) {
        s.destroy();
        resolve(buf);
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(buf));
  });
}

async function loginWorks(ftp: Ftp, user: string, pass: string): Promise<boolean> {
  const r = await curl(['--user', `${user}:${pass}`, `ftp://127.0.0.1:${ftp.port}/`]);
  return r.exitCode === 0;
}

async function restart(ftp: Ftp): Promise<void> {
  const started = Date.now();
  await docker(['restart', ftp.id]);
  // tini forwards SIGTERM to vsftpd, so a restart does not sit out docker's 10 s stop timeout.
  expect(Date.now() - started).toBeLessThan(8000);
  await waitFor('vsftpd greeting after restart', async () => (await greeting(ftp.port)).startsWith('220'), 30_000);
}

describeEngine('vsftpd recipe (e2e)', ({ clients }) => {
  let dir: string;
  let image: string;
  const client = clients.find((c) => c.name === 'buildkit') ?? clients[0]!;

  beforeAll(async () => {
    dir = await tempDir('ci-vsftpd-');
    image = `${uniqueName('ci-vsftpd')}:test`;
    const gen = await cli([path.join(dir, 'ftp'), '--recipe', 'vsftpd', '--yes']);
    expect(gen.exitCode, gen.stderr).toBe(0);
    removeImageLater(image);
    await docker(['build', ...APT_CACHE_BUILD_ARGS, '-t', image, path.join(dir, 'ftp')], { client });
  }, 600_000);

  it('with FTP_PASS: upload, list, download, restart, log in again; wrong password refused', async () => {
    const pass = `p@ss w0rd!$%'"x`;
    const ftp = await startFtp(image, { FTP_USER: 'alice', FTP_PASS: pass });
    await roundTrip(ftp, 'alice', pass, dir, 'given.bin');
    expect(await loginWorks(ftp, 'alice', 'wrong')).toBe(false);
    // Only FTP_USER may log in; the image's system accounts cannot.
    expect(await loginWorks(ftp, 'admin', pass)).toBe(false);
    // The transfer log reaches the container log (LOG_STDOUT=yes by default).
    await waitFor('upload line in docker logs', async () => /OK UPLOAD: .*given\.bin/.test(await containerLogs(ftp.id)), 10_000);
    await restart(ftp);
    expect(await loginWorks(ftp, 'alice', pass)).toBe(true);
    const list = await curl(['--user', `alice:${pass}`, `ftp://127.0.0.1:${ftp.port}/`]);
    expect(Buffer.from(list.stdout).toString()).toContain('given.bin');
    const history = await docker(['history', '--no-trunc', image]);
    expect(history.stdout).not.toContain(pass);
    // The config is rendered fresh at each start, not appended to.
    const conf = await dockerExec(ftp.id, ['cat', '/run/vsftpd/vsftpd.conf']);
    expect(conf.stdout.match(/^pasv_min_port=/gm)).toHaveLength(1);
    expect(conf.stdout).toMatch(/^pasv_address=127\.0\.0\.1$/m);
  }, 120_000);

  it('without FTP_PASS: a generated password, shown once, kept across restart, in neither inspect nor history', async () => {
    const ftp = await startFtp(image, {});
    const logs = await waitFor('generated password in the log', async () => /generated password[^:]*: (\S+)/.exec(await containerLogs(ftp.id))?.[1], 10_000);
    const pass = logs;
    expect(pass.length).toBeGreaterThanOrEqual(16);
    await roundTrip(ftp, 'admin', pass, dir, 'generated.bin');
    await restart(ftp);
    expect(await loginWorks(ftp, 'admin', pass)).toBe(true);
    const after = await containerLogs(ftp.id);
    expect(after).toContain("keeping the password generated at this container's first start");
    expect(after.split(pass).length - 1).toBe(1);
    for (const args of [['inspect', ftp.id], ['image', 'inspect', image], ['history', '--no-trunc', image]]) {
      expect((await docker(args)).stdout, args.join(' ')).not.toContain(pass);
    }
    await waitHealthy(ftp.id, 60_000);
  }, 150_000);

  it('FTP_PASS_FILE reads the secret from a file and keeps it out of docker inspect', async () => {
    const secrets = await tempDir('ci-vsftpd-secret-');
    const pass = randomBytes(12).toString('base64url');
    await writeFile(path.join(secrets, 'ftp_pass'), `${pass}\n`);
    await chmod(secrets, 0o755);
    await chmod(path.join(secrets, 'ftp_pass'), 0o644);
    const ftp = await startFtp(image, { FTP_PASS_FILE: '/run/secrets/ftp_pass' }, ['-v', `${secrets}:/run/secrets:ro`]);
    expect(await loginWorks(ftp, 'admin', pass)).toBe(true);
    expect((await docker(['inspect', ftp.id])).stdout).not.toContain(pass);
    expect(await containerLogs(ftp.id)).not.toContain(pass);
  }, 60_000);

  it('FTP_PASS_OUTPUT_FILE receives a generated password instead of the log', async () => {
    const ftp = await startFtp(image, { FTP_PASS_OUTPUT_FILE: '/home/vsftpd/.ftp_pass' });
    const file = await dockerExec(ftp.id, ['cat', '/home/vsftpd/.ftp_pass']);
    const pass = file.stdout.trim();
    expect(pass).toMatch(/^[A-Za-z0-9]{24}$/);
    expect((await dockerExec(ftp.id, ['stat', '-c', '%a', '/home/vsftpd/.ftp_pass'])).stdout.trim()).toBe('600');
    expect(await containerLogs(ftp.id)).not.toContain(pass);
    expect(await loginWorks(ftp, 'admin', pass)).toBe(true);
  }, 60_000);

  it('tini is PID 1 and vsftpd its only child, in the foreground; it survives the sessions that crash vsftpd as PID 1; docker stop is prompt', async () => {
    const pass = randomBytes(12).toString('base64url');
    // No healthcheck: its probe connections would add session processes to the listings.
    const ftp = await startFtp(image, { FTP_USER: 'bob', FTP_PASS: pass }, ['--no-healthcheck']);
    // Idle (once the greeting probe's session has gone): tini, and vsftpd as its direct child, nothing
    // else. The entrypoint shell has exec'd away (no sh), and there is no second, daemonised listener.
    const idle = await waitFor('an idle process tree', async () => {
      const ps = await processes(ftp.id);
      return ps.length === 2 ? ps : undefined;
    }, 10_000, 200).catch(async (e) => {
      throw new Error(`${(e as Error).message}; processes: ${tree(await processes(ftp.id))}`);
    });
    const [init, listener] = [idle.find((p) => p.pid === 1), idle.find((p) => p.pid !== 1)];
    expect(init?.comm, tree(idle)).toBe('tini');
    expect(listener, tree(idle)).toMatchObject({ ppid: 1, comm: 'vsftpd' });
    const cmdline = await dockerExec(ftp.id, ['cat', `/proc/${listener!.pid}/cmdline`]);
    expect(cmdline.stdout.split('\0').filter(Boolean)).toEqual(['vsftpd', '/run/vsftpd/vsftpd.conf']);

    // Each of these sessions leaves a session process to be reaped by PID 1 (its session parent exits
    // first); vsftpd 3.0.3 as PID 1 segfaults on the first one. Under tini the listener lives on.
    const url = `ftp://127.0.0.1:${ftp.port}`;
    const src = path.join(dir, 'reap.src');
    await writeFile(src, randomBytes(50_000));
    for (let i = 0; i < 5; i++) {
      const up = await curl(['--user', `bob:${pass}`, '-T', src, `${url}/reap${i}.bin`]);
      expect(up.exitCode, Buffer.from(up.stderr).toString()).toBe(0);
    }
    expect(await loginWorks(ftp, 'bob', 'wrong')).toBe(false);
    expect(await loginAndDrop(ftp.port, 'bob', pass)).toMatch(/^230 /m);
    expect(await loginWorks(ftp, 'bob', pass)).toBe(true);

    // Back to the same two processes: same listener pid, and no zombie left (tini reaped the orphans).
    const after = await waitFor('the idle tree again', async () => {
      const ps = await processes(ftp.id);
      return ps.length === 2 ? ps : undefined;
    }, 10_000, 200).catch(async (e) => {
      throw new Error(`${(e as Error).message}; processes: ${tree(await processes(ftp.id))}`);
    });
    expect(shape(after)).toBe(shape(idle));
    expect(after.filter((p) => p.state === 'Z'), tree(after)).toEqual([]);
    const state = await docker(['inspect', '--format', '{{.State.Status}} {{.RestartCount}}', ftp.id]);
    expect(state.stdout.trim()).toBe('running 0');

    // docker stop: tini passes SIGTERM to vsftpd, which ends at once (exit 128+15), long before
    // docker's 10 s timeout and its SIGKILL (which would show as 137).
    const started = Date.now();
    await docker(['stop', ftp.id]);
    expect(Date.now() - started).toBeLessThan(5000);
    const exit = await docker(['inspect', '--format', '{{.State.ExitCode}}', ftp.id]);
    expect(exit.stdout.trim()).toBe('143');
  }, 90_000);

  it('a bad setting stops the container with a one-line reason', async () => {
    const id = await runContainer(image, { env: { PASV_MIN_PORT: '80' } });
    const status = await waitFor('container to exit', async () => {
      const r = await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', id]);
      return r.stdout.startsWith('exited') ? r.stdout.trim() : undefined;
    }, 20_000);
    expect(status).toBe('exited 1');
    expect(await containerLogs(id)).toContain('error: PASV_MIN_PORT=80: must be between 1024 and 65535');
  }, 60_000);
});
