// The exact `docker run` line printed as a next step: ports, named volumes, secret hints.
import path from 'node:path';
import { sh, shCommand } from './escape.js';
import type { PortSpec } from './types.js';
import { parseImageRef } from './validate.js';

/** The folder (inside the generated one) holding one file per secret: compose.yaml's secrets use it too. */
export const SECRETS_DIR = 'secrets';

export interface RunCommandOptions {
  image: string;
  ports: PortSpec[];
  /** Container paths (`/var/lib/app`) get a named volume; a full `SRC:DEST[:opts]` spec is kept as written. */
  volumes: string[];
  /**
   * A required secret is read from a file under ./secrets (made by `secretSteps`), mounted read-only at
   * /run/secrets/<name> and named by `NAME_FILE`; an optional one is left out (the image runs without
   * it). A non-secret with a `value` becomes `-e NAME=value`; one without is left to the image's default.
   */
  env: { name: string; secret: boolean; required?: boolean; value?: string }[];
  /** Container name; also the prefix of derived volume names (default: the image's repository name). */
  name?: string;
  /** Client to print, default `docker`. */
  bin?: string;
  /** The image's default command is a shell or REPL: `run --rm -it` (it would exit at once detached). */
  interactive?: boolean;
}

/** The file under ./secrets that holds secret `name`, and where the container sees it. */
export function secretFile(name: string): { host: string; container: string } {
  const file = name.toLowerCase();
  return { host: `${SECRETS_DIR}/${file}`, container: `/run/secrets/${file}` };
}

/**
 * Every step that runs the image, from the generated folder: the secret files the run mounts (each a
 * fresh random value, never replacing one that has content), then the run itself.
 */
export function runSteps(o: RunCommandOptions): string[] {
  return [...secretSteps(o.env.filter((e) => e.secret && e.required).map((e) => e.name)), dockerRunCommand(o)];
}

/** `mkdir -p -m 700 secrets`, then `test -s secrets/x || openssl rand -hex 32 > secrets/x` per secret. */
export function secretSteps(names: string[]): string[] {
  if (!names.length) return [];
  return [
    shCommand(['mkdir', '-p', '-m', '700', SECRETS_DIR]),
    ...names.map((n) => {
      const file = secretFile(n).host;
      return `${shCommand(['test', '-s', file])} || ${shCommand(['openssl', 'rand', '-hex', '32'])} > ${sh(file)}`;
    }),
  ];
}

/**
 * e.g. `docker run -d --name app -p 8080:8080 -p 21100-21110:21100-21110 -p 53:53/udp
 *       -v app-data:/var/lib/app -v ./secrets/db_pass:/run/secrets/db_pass:ro -e DB_PASS_FILE=/run/secrets/db_pass IMAGE`
 */
export function dockerRunCommand(o: RunCommandOptions): string {
  const args: string[] = [o.bin ?? 'docker', 'run', ...(o.interactive ? ['--rm', '-it'] : ['-d'])];
  if (o.name) args.push('--name', o.name);
  for (const p of o.ports) args.push('-p', portMapping(p));
  const prefix = o.name || repoBaseName(o.image);
  for (const v of volumeArgs(o.volumes, prefix)) args.push('-v', v);
  for (const e of o.env) {
    if (e.secret) {
      if (!e.required) continue;
      const file = secretFile(e.name);
      // relative to the generated folder, where the steps run (docker 23+ and podman take ./ paths)
      args.push('-v', `./${file.host}:${file.container}:ro`, '-e', `${e.name}_FILE=${file.container}`);
    } else if (e.value !== undefined) {
      args.push('-e', `${e.name}=${e.value}`);
    }
  }
  args.push(o.image);
  return shCommand(args);
}

/** `8080:8080`, `21100-21110:21100-21110`, `53:53/udp`, `127.0.0.1:9000:9000`. */
export function portMapping(p: PortSpec): string {
  const range = p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`;
  return `${p.bind ? `${p.bind}:` : ''}${range}:${range}${p.proto === 'udp' ? '/udp' : ''}`;
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
