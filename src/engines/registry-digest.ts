// An image's digest as its registry holds it: a HEAD of the tag's manifest through the registry HTTP API
// (v2), with the credentials `docker login` left in the docker config (`auths` of $DOCKER_CONFIG or
// ~/.docker/config.json; basic, or a bearer token fetched with them). Credential helpers are not run:
// a registry that needs one is answered by the engine's copy instead (engineDigest).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImageRef } from '../core/lock.js';
import { exec, type Builder } from './builder.js';

/** Index and manifest list first: a multi-platform tag is pinned by its index, as `docker pull` resolves it. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

export type RegistryAnswer = { ok: true; digest: string } | { ok: false; reachable: boolean; reason: string };

/** The host the API answers on: Docker Hub's is not the name images carry. */
export const apiHost = (registry: string): string => (registry === 'docker.io' ? 'registry-1.docker.io' : registry);

/** Loopback registries speak plain http, as the docker daemon allows them by default; the rest https. */
export function registryBase(registry: string): string {
  const host = apiHost(registry);
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const loopback = name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '::1';
  return `${loopback ? 'http' : 'https'}://${host}`;
}

/** `user:password` for the registry from the docker config, if `docker login` stored it there. */
export function configCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
  if (!existsSync(file)) return undefined;
  let auths: Record<string, { auth?: string; username?: string; password?: string }> = {};
  try {
    auths = (JSON.parse(readFileSync(file, 'utf8')) as { auths?: typeof auths }).auths ?? {};
  } catch {
    return undefined;
  }
  const keys = registry === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'] : [registry, `https://${registry}`, `http://${registry}`];
  for (const k of keys) {
    const a = auths[k];
    if (a?.auth) return Buffer.from(a.auth, 'base64').toString('utf8');
    if (a?.username && a.password) return `${a.username}:${a.password}`;
  }
  return undefined;
}

/** `Bearer realm="...",service="...",scope="..."` as a map. */
function challenge(header: string | null): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const m = /^(\w+)\s*(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)="([^"]*)"/g)) params[p[1]!.toLowerCase()] = p[2]!;
  return { scheme: m[1]!.toLowerCase(), params };
}

const reasonOf = (e: unknown): string => {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message;
};

/** The registry's digest of `ref`'s tag, or why there is none (unreachable, refused, not found). */
export async function registryDigest(ref: ImageRef, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RegistryAnswer> {
  const url = `${registryBase(ref.registry)}/v2/${ref.repository}/manifests/${ref.tag}`;
  const creds = configCredentials(ref.registry, opts.env);
  const basic = creds ? `Basic ${Buffer.from(creds).toString('base64')}` : undefined;
  const timeout = opts.timeoutMs ?? 15_000;
  const ask = (method: 'HEAD' | 'GET', authorization?: string) => fetch(url, { method, headers: { accept: MANIFEST_ACCEPT, ...(authorization ? { authorization } : {}) }, signal: AbortSignal.timeout(timeout), redirect: 'follow' });
  try {
    let auth: string | undefined;
    let res = await ask('HEAD');
    if (res.status === 401) {
      const c = challenge(res.headers.get('www-authenticate'));
      if (c?.scheme === 'basic') auth = basic;
      else if (c?.scheme === 'bearer' && c.params.realm) {
        const t = new URL(c.params.realm);
        if (c.params.service) t.searchParams.set('service', c.params.service);
        t.searchParams.set('scope', c.params.scope ?? `repository:${ref.repository}:pull`);
        const tr = await fetch(t, { headers: basic ? { authorization: basic } : {}, signal: AbortSignal.timeout(timeout) });
        if (tr.ok) {
          const body = (await tr.json()) as { token?: string; access_token?: string };
          const token = body.token ?? body.access_token;
          if (token) auth = `Bearer ${token}`;
        }
      }
      if (!auth) return { ok: false, reachable: true, reason: `it asks for credentials${creds ? ' and refused those in the docker config' : ' and the docker config has none for it'} (run docker login ${ref.registry})` };
      res = await ask('HEAD', auth);
    }
    if (res.status === 401 || res.status === 403) return { ok: false, reachable: true, reason: `it refused the credentials in the docker config (HTTP ${res.status}; run docker login ${ref.registry})` };
    if (res.status === 404) return { ok: false, reachable: true, reason: `it has no ${ref.repository}:${ref.tag}` };
    if (!res.ok) return { ok: false, reachable: true, reason: `it answered HTTP ${res.status}` };
    const header = res.headers.get('docker-content-digest');
    if (header && /^sha256:[0-9a-f]{64}$/.test(header)) return { ok: true, digest: header };
    // No digest header on HEAD: the digest is the manifest's own bytes.
    const got = await ask('GET', auth);
    if (!got.ok) return { ok: false, reachable: true, reason: `it answered HTTP ${got.status}` };
    return { ok: true, digest: `sha256:${createHash('sha256').update(Buffer.from(await got.arrayBuffer())).digest('hex')}` };
  } catch (e) {
    return { ok: false, reachable: false, reason: `unreachable (${reasonOf(e)})` };
  }
}

/**
 * The digest the engine recorded when it pulled or pushed `ref` (RepoDigests), for a registry that cannot
 * be asked; undefined when the image is not local or was built or imported here (it has none).
 */
export async function engineDigest(b: Builder, ref: ImageRef): Promise<string | undefined> {
  if (b.kind === 'buildah') return undefined;
  const r = await exec(b, ['image', 'inspect', '--format', '{{json .RepoDigests}}', ref.name]);
  if (r.exitCode !== 0) return undefined;
  let digests: unknown;
  try {
    digests = JSON.parse(r.stdout.trim());
  } catch {
    return undefined;
  }
  if (!Array.isArray(digests)) return undefined;
  const repos = new Set(ref.registry === 'docker.io' ? [ref.repository, ref.repository.replace(/^library\//, ''), `docker.io/${ref.repository}`, `docker.io/${ref.repository.replace(/^library\//, '')}`] : [`${ref.registry}/${ref.repository}`]);
  for (const d of digests) {
    if (typeof d !== 'string') continue;
    const [repo, digest] = d.split('@');
    if (repo && digest && repos.has(repo) && /^sha256:[0-9a-f]{64}$/.test(digest)) return digest;
  }
  return undefined;
}
