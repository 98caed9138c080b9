// The smoke check: run an image and wait until it passes the recipe's `smoke` check (http, https, tcp or
// a command). One implementation for `recipe test --build` and the end-to-end tests; the container is
// always removed afterwards. (ci/smoke-test.sh, src/pipelines/smoke.ts, is the same check as a shell
// script for CI runners.)
import { ToolError } from '../core/errors.js';
import type { SmokeCheck } from '../core/types.js';
import { exec, type Builder } from './builder.js';

export interface SmokeOptions {
  /** How long the check may take to pass. */
  timeoutSeconds: number;
  /** Pause between two tries. Default 1000 ms. */
  everyMs?: number;
}

/** Resolves with the seconds it took to pass; throws a ToolError saying why not (with the container's last log lines). */
export async function smokeTest(builder: Builder, image: string, smoke: SmokeCheck, opts: SmokeOptions): Promise<{ seconds: number }> {
  const started = Date.now();
  const host = engineHost();
  const args = ['run', '-d'];
  // A local engine publishes on loopback only; a remote one (dind) on its own interfaces, reached by its name.
  if (smoke.kind !== 'command') args.push('-p', host === LOOPBACK ? `${LOOPBACK}::${smokePort(smoke)}` : `${smokePort(smoke)}`);
  const run = await exec(builder, [...args, image]);
  if (run.exitCode !== 0) throw new ToolError(`cannot start the image: ${run.stderr.trim().split('\n').pop()}`);
  const id = run.stdout.trim();
  try {
    const deadline = started + opts.timeoutSeconds * 1000;
    for (;;) {
      const state = await exec(builder, ['inspect', '--format', '{{.State.Running}}', id]);
      if (state.stdout.trim() === 'false') throw new ToolError(`the container exited before the smoke check passed:\n${await lastLogLines(builder, id)}`);
      const why = await checkOnce(builder, id, smoke, host).catch((e: Error) => e.message);
      if (why === '') return { seconds: Math.round((Date.now() - started) / 100) / 10 };
      if (Date.now() > deadline) throw new ToolError(`smoke check (${smoke.kind}) failed within ${opts.timeoutSeconds}s: ${why}`);
      await new Promise((r) => setTimeout(r, opts.everyMs ?? 1000));
    }
  } finally {
    await exec(builder, ['rm', '-f', id]);
  }
}

const LOOPBACK = '127.0.0.1';

/**
 * Where published ports are reached: the host of a `tcp://` DOCKER_HOST (under GitLab's docker:dind, the
 * service alias `docker`: containers run there, not in the job's container), else this machine's loopback.
 */
export function engineHost(env: NodeJS.ProcessEnv = process.env): string {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)/.exec(env.DOCKER_HOST ?? '');
  return m ? m[1]!.replace(/^\[|\]$/g, '') : LOOPBACK;
}

/** The container port a network check reaches (https defaults to 443, the rest to 80). */
export const smokePort = (s: SmokeCheck): number => s.port ?? (s.kind === 'https' ? 443 : 80);

async function lastLogLines(builder: Builder, id: string, n = 20): Promise<string> {
  const logs = await exec(builder, ['logs', id]);
  return logs.output.trim().split('\n').slice(-n).join('\n');
}

/** '' when the check passes, else why not. */
async function checkOnce(builder: Builder, id: string, smoke: SmokeCheck, host: string): Promise<string> {
  if (smoke.kind === 'command') {
    const r = await exec(builder, ['exec', id, ...(smoke.command ?? ['true'])]);
    if (r.exitCode !== 0) return `${(smoke.command ?? []).join(' ')} exited ${r.exitCode}: ${r.output.trim().split('\n').pop() ?? ''}`;
    return smoke.expect && !r.output.includes(smoke.expect) ? `output lacks "${smoke.expect}": ${r.output.trim().slice(0, 200)}` : '';
  }
  const mapped = await exec(builder, ['port', id, `${smokePort(smoke)}/tcp`]);
  const hostPort = Number(/:(\d+)\s*$/m.exec(mapped.stdout)?.[1]);
  if (!hostPort) return `port ${smokePort(smoke)} is not published`;
  if (smoke.kind === 'tcp') {
    const net = await import('node:net');
    return new Promise((res) => {
      const s = net.connect(hostPort, host, () => {
        s.destroy();
        res('');
      });
      s.on('error', (e) => res(e.message));
      s.setTimeout(3000, () => {
        s.destroy();
        res('timeout');
      });
    });
  }
  const mod = smoke.kind === 'https' ? await import('node:https') : await import('node:http');
  return new Promise((res) => {
    const req = mod.get({ host, port: hostPort, path: smoke.path ?? '/', timeout: 5000, rejectUnauthorized: false }, (resp) => {
      let body = '';
      resp.on('data', (d: Buffer) => (body += d.toString()));
      resp.on('end', () => {
        if ((resp.statusCode ?? 500) >= 400) res(`HTTP ${resp.statusCode}`);
        else res(smoke.expect && !body.includes(smoke.expect) ? `body lacks "${smoke.expect}"` : '');
      });
    });
    req.on('error', (e) => res(e.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}
