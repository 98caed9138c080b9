// The exact `docker run` line printed as a next step: ports, named volumes, secret hints.
import path from 'node:path';
import { shCommand } from './escape.js';
import type { PortSpec } from './types.js';
import { parseImageRef } from './validate.js';

export interface RunCommandOptions {
  image: string;
  ports: PortSpec[];
  /** Container paths (`/var/lib/app`) get a named volume; a full `SRC:DEST[:opts]` spec is kept as written. */
  volumes: string[];
  /**
   * Secrets become `-e NAME_FILE=/run/secrets/name` hints (never values). A non-secret with a `value`
   * becomes `-e NAME=value`; one without is left to the image's default.
   */
  env: { name: string; secret: boolean; value?: string }[];
  /** Container name; also the prefix of derived volume names (default: the image's repository name). */
  name?: string;
  /** Client to print, default `docker`. */
  bin?: string;
  /** When set (an absolute host path), each secret file is mounted from this dir: `-v DIR/ftp_pass:/run/secrets/ftp_pass:ro`. */
  secretsDir?: string;
}

/**
 * e.g. `docker run -d --name app -p 8080:8080 -p 21100-21110:21100-21110 -p 53:53/udp
 *       -v app-data:/var/lib/app -e FTP_PASS_FILE=/run/secrets/ftp_pass IMAGE`
 */
export function dockerRunCommand(o: RunCommandOptions): string {
  const args: string[] = [o.bin ?? 'docker', 'run', '-d'];
  if (o.name) args.push('--name', o.name);
  for (const p of o.ports) args.push('-p', portMapping(p));
  const prefix = o.name || repoBaseName(o.image);
  for (const v of volumeArgs(o.volumes, prefix)) args.push('-v', v);
  for (const e of o.env) {
    if (e.secret) {
      const file = `/run/secrets/${e.name.toLowerCase()}`;
      if (o.secretsDir) args.push('-v', `${o.secretsDir.replace(/\/+$/, '')}/${e.name.toLowerCase()}:${file}:ro`);
      args.push('-e', `${e.name}_FILE=${file}`);
    } else if (e.value !== undefined) {
      args.push('-e', `${e.name}=${e.value}`);
    }
  }
  args.push(o.image);
  return shCommand(args);
}

/** `8080:8080`, `21100-21110:21100-21110`, `53:53/udp`. */
export function portMapping(p: PortSpec): string {
  const range = p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`;
  return `${range}:${range}${p.proto === 'udp' ? '/udp' : ''}`;
}

/** Named volumes `<prefix>-<last path segment>`; a segment equal to the prefix (`/var/lib/app` for app) is `data`. */
export function volumeArgs(volumes: string[], prefix: string): string[] {
  const used = new Set<string>();
  return volumes.map((v) => {
    if (!v.startsWith('/')) return v; // already `name:/path` or `./dir:/path`
    if (v.includes(':')) return v; // `/host:/container`
    const seg = volumeSlug(path.posix.basename(path.posix.normalize(v)));
    const base = `${prefix}-${seg === '' || seg === prefix ? 'data' : seg}`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    return `${name}:${v}`;
  });
}

/** Docker volume names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. */
function volumeSlug(s: string): string {
  return s.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^[^a-zA-Z0-9]+|-+$/g, '');
}

function repoBaseName(image: string): string {
  const r = parseImageRef(image);
  const last = (r?.repository ?? image).split('/').pop() ?? '';
  return volumeSlug(last.replace(/[:@].*$/, '')) || 'app';
}
