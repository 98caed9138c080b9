// What a built image declares (EXPOSE, VOLUME), read back from the engine: `create-image build` prints
// the run command for whatever the Dockerfile says now, not what it said when it was generated.
import type { Plan, PortSpec } from '../core/types.js';
import { exec, type Builder } from './builder.js';

export type ImageFacts = Pick<Plan['image'], 'ports' | 'volumes' | 'env' | 'interactive'>;

/** Labels (recipes/_partials/labels.eta) saying what running the image needs. */
export const SECRETS_LABEL = 'io.create-image.run.file-vars';
export const INTERACTIVE_LABEL = 'io.create-image.run.interactive';

/**
 * Ports and volumes as the built image declares them, and from its labels the secrets it requires and
 * whether its command is interactive; `fallbackPorts` when the engine cannot say.
 */
export async function imageFacts(b: Builder, imageId: string, fallbackPorts: PortSpec[]): Promise<ImageFacts> {
  const r = await exec(b, ['image', 'inspect', '--format', '{{json .Config.ExposedPorts}} {{json .Config.Volumes}} {{json .Config.Labels}}', imageId]);
  if (r.exitCode !== 0) return { ports: fallbackPorts, volumes: [], env: [] };
  const [p = 'null', v = 'null', ...l] = r.stdout.trim().split(' ');
  let labels: Record<string, string> = {};
  try {
    labels = (JSON.parse(l.join(' ') || 'null') as Record<string, string> | null) ?? {};
  } catch {
    labels = {};
  }
  const env = (labels[SECRETS_LABEL] ?? '').split(/\s+/).filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)).map((name) => ({ name, secret: true, required: true }));
  const interactive = labels[INTERACTIVE_LABEL] === 'true';
  const ports: PortSpec[] = [];
  try {
    for (const key of Object.keys((JSON.parse(p) as Record<string, unknown> | null) ?? {})) {
      const m = /^(\d+)(?:-(\d+))?\/(tcp|udp)$/.exec(key);
      if (m) ports.push({ from: Number(m[1]), to: Number(m[2] ?? m[1]), proto: m[3] as 'tcp' | 'udp' });
    }
  } catch {
    // keep what parsed
  }
  let volumes: string[] = [];
  try {
    volumes = Object.keys((JSON.parse(v) as Record<string, unknown> | null) ?? {});
  } catch {
    volumes = [];
  }
  return { ports: ports.length ? collapsePorts(ports) : fallbackPorts, volumes, env, ...(interactive ? { interactive } : {}) };
}

/** The engine lists an EXPOSEd range port by port: `21100/tcp`, `21101/tcp`, ... -> 21100-21101. */
export function collapsePorts(ports: PortSpec[]): PortSpec[] {
  const sorted = [...ports].sort((a, c) => a.proto.localeCompare(c.proto) || a.from - c.from);
  const outPorts: PortSpec[] = [];
  for (const p of sorted) {
    const last = outPorts.at(-1);
    if (last && last.proto === p.proto && p.from <= last.to + 1) last.to = Math.max(last.to, p.to);
    else outPorts.push({ ...p });
  }
  return outPorts.sort((a, c) => a.from - c.from);
}
