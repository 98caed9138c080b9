// Push a built tag and report the digest the registry stored. Credentials stay with the builder:
// this never asks for, reads or stores them; on an auth failure it says which login to run.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ToolError } from '../core/errors.js';
import type { Builder } from './builder.js';
import { exec, lastLine, usesDockerEngine } from './builder.js';
import { registryOf, repositoryOf, validateTag } from './tags.js';

export interface PushResult {
  tag: string;
  /** `sha256:<64 hex>` */
  digest: string;
}

const DIGEST = /\bdigest: (sha256:[0-9a-f]{64})\b/;
const AUTH_FAILURE =
  /unauthorized|authentication required|no basic auth credentials|denied: requested access|access to the resource is denied|insufficient_scope|401 Unauthorized|403 Forbidden/i;
const HTTPS_TO_HTTP = /server gave HTTP response to HTTPS client/i;

export async function pushImage(b: Builder, tag: string, opts: { signal?: AbortSignal } = {}): Promise<PushResult> {
  const bad = validateTag(tag);
  if (bad) throw new ToolError(`cannot push: ${bad}`);
  const tmp = usesDockerEngine(b) ? undefined : await mkdtemp(path.join(os.tmpdir(), 'create-image-push-'));
  try {
    const digestFile = tmp ? path.join(tmp, 'digest') : undefined;
    const args = digestFile ? ['push', '--digestfile', digestFile, tag] : ['push', tag];
    const r = await exec(b, args, opts);
    if (r.exitCode !== 0) throw pushError(b, tag, r.exitCode, r.output);

    const fromOutput = DIGEST.exec(r.output)?.[1];
    const fromFile = digestFile ? (await readFile(digestFile, 'utf8').catch(() => '')).trim() : '';
    const digest = fromOutput ?? (/^sha256:[0-9a-f]{64}$/.test(fromFile) ? fromFile : await repoDigest(b, tag));
    if (!digest) throw new ToolError(`${b.kind} push ${tag} succeeded but no digest could be read from its output or from inspect`, undefined, r.output);
    return { tag, digest };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** The RepoDigest recorded for the tag's repository (index 0 may belong to another repository). */
async function repoDigest(b: Builder, tag: string): Promise<string | undefined> {
  const r = await exec(b, ['image', 'inspect', '--format', '{{range .RepoDigests}}{{println .}}{{end}}', tag]);
  if (r.exitCode !== 0) return undefined;
  const repo = repositoryOf(tag);
  const all = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const mine = all.find((d) => d.startsWith(`${repo}@`)) ?? all.find((d) => d.replace(/^docker\.io\/(library\/)?/, '').startsWith(`${repo}@`));
  return mine?.slice(mine.indexOf('@') + 1);
}

export function pushError(b: Builder, tag: string, code: number, output: string): ToolError {
  const registry = registryOf(tag);
  const client = b.kind === 'buildah' ? 'buildah' : b.kind === 'podman' ? 'podman' : 'docker';
  let message: string;
  if (AUTH_FAILURE.test(output)) {
    message =
      `push of ${tag} was refused by ${registry} (not logged in, or no push access to ${repositoryOf(tag)}): ` +
      `run \`${client} login ${registry}\` and try again; create-image never handles registry credentials`;
  } else if (HTTPS_TO_HTTP.test(output)) {
    message = `push of ${tag} failed: ${registry} speaks plain HTTP; add it to the daemon's "insecure-registries" (or use TLS) and try again`;
  } else {
    message = `${client} push ${tag} failed (exit code ${code}): ${lastLine(output)}`;
  }
  return new ToolError(message, undefined, output.split(/\r?\n/).slice(-30).join('\n'));
}
