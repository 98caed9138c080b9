// Which image builder to drive: docker (classic or BuildKit), podman or buildah.
// A thin layer: the environment is passed through untouched (DOCKER_HOST, DOCKER_CONTEXT,
// DOCKER_CONFIG, CONTAINER_HOST ... keep working), credentials stay with the builder.
import { access, constants, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ToolError, UsageError } from '../core/errors.js';
import { sh } from '../core/escape.js';

export type BuilderKind = 'docker' | 'podman' | 'buildah' | 'buildx';
/** Looked for on PATH, in this order, when no builder is chosen. */
export const BUILDER_KINDS: readonly BuilderKind[] = ['docker', 'podman', 'buildah'];
/** What --builder accepts: buildx (an existing BuildKit builder driven by `docker buildx`) only when asked for. */
export const BUILDER_CHOICES: readonly BuilderKind[] = [...BUILDER_KINDS, 'buildx'];

export interface Builder {
  kind: BuilderKind;
  /** Client binary: a name looked up on PATH or an absolute path. */
  bin: string;
  /** Environment every builder command runs with (the caller's, plus DOCKER_BUILDKIT pinned for docker). */
  env: NodeJS.ProcessEnv;
  /** BuildKit output (`#7 [2/5] RUN ...`, `--progress=plain`) rather than the classic builder's. */
  buildkit: boolean;
  /** buildx: the existing builder instance to build on (`--builder NAME`); none: buildx's current one. */
  buildxBuilder?: string;
}

/** docker and buildx builds end up in the docker engine's image store, run and push with the docker client. */
export function usesDockerEngine(b: Builder): boolean {
  return b.kind === 'docker' || b.kind === 'buildx';
}

export interface DetectOptions {
  builder?: BuilderKind;
  /** With builder buildx: the builder instance to use as it is (never created or changed here). */
  buildxBuilder?: string;
  env?: NodeJS.ProcessEnv;
  /** What to say about building by hand when nothing can build (default: manualBuildHint()). */
  hint?: string;
}

/** What to tell someone when nothing can build: the files are written, this is how to build them. */
export function manualBuildHint(tag = 'NAME', dir = 'DIR'): string {
  const [t, d] = [sh(tag), sh(dir)];
  return `build it by hand with: docker build -t ${t} ${d}  (or: podman build -t ${t} ${d})`;
}

/**
 * Pick the builder: an explicit choice wins; else `$CREATE_IMAGE_DOCKER`, then `docker`, `podman`,
 * `buildah` on PATH. A docker-compatible client that is really podman (podman-docker) is treated as podman.
 */
export async function detectBuilder(opts: DetectOptions = {}): Promise<Builder> {
  const env = { ...(opts.env ?? process.env) };
  const hint = opts.hint ?? manualBuildHint();
  const override = env.CREATE_IMAGE_DOCKER?.trim() || undefined;

  if (opts.builder === 'buildx') return detectBuildx(override ?? 'docker', env, hint, opts.buildxBuilder);
  const candidates: { kind: BuilderKind; bin: string; why: string }[] = [];
  if (opts.builder) {
    const bin = opts.builder === 'docker' && override ? override : opts.builder;
    candidates.push({ kind: opts.builder, bin, why: bin === override ? 'CREATE_IMAGE_DOCKER' : `--builder ${opts.builder}` });
  } else {
    if (override) candidates.push({ kind: 'docker', bin: override, why: 'CREATE_IMAGE_DOCKER' });
    else for (const kind of BUILDER_KINDS) candidates.push({ kind, bin: kind, why: 'PATH' });
  }

  for (const c of candidates) {
    const file = await findExecutable(c.bin, env);
    if (!file) {
      // An explicit choice that is missing is an error of its own, not a reason to try others.
      if (c.why !== 'PATH') {
        throw new ToolError(`${c.bin} (from ${c.why}) was not found or is not executable; ${hint}`);
      }
      continue;
    }
    const version = await exec({ kind: c.kind, bin: c.bin, env, buildkit: false }, ['--version']);
    if (version.exitCode !== 0) {
      if (c.why !== 'PATH') {
        throw new ToolError(`${c.bin} --version failed (from ${c.why}): ${lastLine(version.output) || `exit ${version.exitCode} with no output`}; ${hint}`);
      }
      continue;
    }
    // podman-docker installs a `docker` that is podman: its output and flags are podman's.
    const kind: BuilderKind = c.kind === 'docker' && /^podman\b/i.test(version.output.trim()) ? 'podman' : c.kind;
    if (kind !== 'docker') return { kind, bin: c.bin, env, buildkit: false };
    const buildkit = await dockerUsesBuildkit(c.bin, env, version.output);
    // Pin the mode we detected so the client cannot decide differently (e.g. a daemon with BuildKit on).
    return { kind, bin: c.bin, env: { ...env, DOCKER_BUILDKIT: buildkit ? '1' : '0' }, buildkit };
  }
  throw new ToolError(`no image builder found (looked for docker, podman and buildah on PATH); ${hint}`);
}

/**
 * `docker buildx` on an existing builder (a team's kubernetes, remote or cloud BuildKit): used as it is;
 * a missing plugin or builder is named, not created.
 */
async function detectBuildx(bin: string, env: NodeJS.ProcessEnv, hint: string, name: string | undefined): Promise<Builder> {
  if (!(await findExecutable(bin, env))) throw new ToolError(`${bin} (for --builder buildx) was not found or is not executable; ${hint}`);
  const b: Builder = { kind: 'buildx', bin, env, buildkit: true, ...(name ? { buildxBuilder: name } : {}) };
  const version = await exec(b, ['buildx', 'version']);
  if (version.exitCode !== 0) {
    throw new ToolError(`--builder buildx needs the docker buildx plugin, but \`${bin} buildx version\` failed: ${lastLine(version.output)} (install docker-buildx, or choose --builder docker)`);
  }
  if (name) {
    const found = await exec(b, ['buildx', 'inspect', name]);
    if (found.exitCode !== 0) {
      throw new ToolError(`--buildx-builder ${name}: no such buildx builder (${lastLine(found.output)}); \`${bin} buildx ls\` lists the builders, \`${bin} buildx create\` makes one`);
    }
  }
  return b;
}

/** DOCKER_BUILDKIT wins; else BuildKit when buildx is installed and is the client's default builder. */
async function dockerUsesBuildkit(bin: string, env: NodeJS.ProcessEnv, versionOutput: string): Promise<boolean> {
  const raw = env.DOCKER_BUILDKIT;
  const probe = { kind: 'docker' as const, bin, env, buildkit: false };
  if (raw !== undefined && raw !== '') {
    const value = parseGoBool(raw);
    if (value === undefined) throw new ToolError(`DOCKER_BUILDKIT=${raw} is not a boolean (use 1 or 0)`);
    if (value && clientMajor(versionOutput) >= 23 && !(await hasBuildx())) {
      throw new ToolError(
        `DOCKER_BUILDKIT=${raw} but ${bin} has no buildx component, which docker ${clientMajor(versionOutput)}+ needs for BuildKit: install docker-buildx, or set DOCKER_BUILDKIT=0 for the classic builder`,
      );
    }
    return value;
  }
  if (!(await hasBuildx())) return false; // classic builder
  if (clientMajor(versionOutput) >= 23) return true; // buildx is the default builder since docker 23
  return (await readDockerConfig(env))?.aliases?.builder === 'buildx'; // `docker buildx install`

  async function hasBuildx(): Promise<boolean> {
    return (await exec(probe, ['buildx', 'version'])).exitCode === 0;
  }
}

/** Go's strconv.ParseBool, which is what docker applies to DOCKER_BUILDKIT. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

function clientMajor(versionOutput: string): number {
  const m = /version (\d+)\./i.exec(versionOutput);
  return m ? Number(m[1]) : 0;
}

async function readDockerConfig(env: NodeJS.ProcessEnv): Promise<{ aliases?: { builder?: string } } | undefined> {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
  try {
    return JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Absolute path of an executable named or given as a path, looked up on env.PATH. */
export async function findExecutable(bin: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const isPath = bin.includes('/') || bin.includes(path.sep);
  const dirs = isPath ? [''] : (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const file = isPath ? path.resolve(bin) : path.join(dir, bin);
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  return undefined;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved. */
  output: string;
}

/** Run a short builder command to completion, never rejecting (a missing binary gives exit code 127). */
export async function exec(b: Builder, args: string[], opts: { input?: string; signal?: AbortSignal } = {}): Promise<ExecResult> {
  const r = await execa(b.bin, args, {
    env: b.env,
    extendEnv: false,
    reject: false,
    all: true,
    stripFinalNewline: false,
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  const code = typeof r.exitCode === 'number' ? r.exitCode : 127;
  return { exitCode: code, stdout: r.stdout ?? '', stderr: r.stderr ?? '', output: r.all ?? (r.failed && r.exitCode === undefined ? r.message : '') };
}

export function lastLine(s: string): string {
  const lines = s.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.at(-1)?.trim() ?? '';
}

/** How to name the client in messages: `docker`, or the overriding path. */
export function clientName(b: Builder): string {
  return b.bin;
}

/** --reproducible with the docker engine: one line naming the builders that pin timestamps. */
export function reproducibleRefused(): UsageError {
  return new UsageError([{ path: '--reproducible', message: "needs a builder that pins the image's timestamps: --builder buildah or --builder podman (--timestamp 0); docker's classic builder has none, and BuildKit's SOURCE_DATE_EPOCH needs BuildKit 0.13+ with rewrite-timestamp, which create-image does not drive" }]);
}
