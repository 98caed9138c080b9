// Run the builder over a rendered dir: full output to a log file, progress parsed on the way,
// image id from --iidfile and size from inspect. Failures are ToolErrors carrying the log's tail.
import type { WriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { SystemError, ToolError, UsageError } from '../core/errors.js';
import type { Builder } from './builder.js';
import { exec, lastLine, manualBuildHint, usesDockerEngine } from './builder.js';
import { createProgressParser, stripAnsi, type OutputFormat, type Progress } from './progress.js';
import { shCommand } from '../core/escape.js';
import { validateTag } from './tags.js';
import { describeNetworkFailure, networkFailure } from './network-failure.js';

export interface BuildOptions {
  /** Build context: the rendered dir. */
  dir: string;
  /** Dockerfile path, absolute or relative to `dir`; default `dir/Dockerfile`. */
  dockerfile?: string;
  tags: string[];
  /** e.g. `linux/arm64`; passed only when given. */
  platform?: string;
  noCache?: boolean;
  /** buildah/podman: every timestamp (history, config, file times in the layers) set to the epoch. */
  reproducible?: boolean;
  buildArgs?: Record<string, string>;
  target?: string;
  /** buildx only: `--cache-from` / `--cache-to` values passed as they are (e.g. `type=registry,ref=...`). */
  cacheFrom?: string[];
  cacheTo?: string[];
  /** Every line the builder prints goes here (created, with its dir; overwritten). */
  logFile: string;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface BuildResult {
  imageId: string;
  /** Bytes, as the builder's inspect reports. */
  size: number;
  tags: string[];
  logFile: string;
}

/** Lines of the log a failure carries. */
export const TAIL_LINES = 30;
/** Lines kept to find why a build failed: a failing step's output can run longer than the tail shown. */
const CLASSIFY_LINES = 200;

export async function buildImage(b: Builder, o: BuildOptions): Promise<BuildResult> {
  const issues = o.tags.flatMap((t) => {
    const why = validateTag(t);
    return why ? [{ path: 'tag', message: why }] : [];
  });
  if (issues.length) throw new UsageError(issues);

  const dir = path.resolve(o.dir);
  const dockerfile = path.resolve(dir, o.dockerfile ?? 'Dockerfile');
  if (!(await isFile(dockerfile))) throw new ToolError(`no Dockerfile at ${dockerfile}`);
  if (o.platform !== undefined && b.kind === 'docker' && !b.buildkit) await checkClassicPlatform(b, o.platform);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'create-image-build-'));
  const iidfile = path.join(tmp, 'iid');
  const args = buildArgs(b, { ...o, dir, dockerfile }, iidfile);
  const format: OutputFormat = usesDockerEngine(b) ? (b.buildkit ? 'buildkit' : 'classic') : 'podman';

  let log: WriteStream;
  try {
    await mkdir(path.dirname(path.resolve(o.logFile)), { recursive: true });
    log = (await open(o.logFile, 'w')).createWriteStream();
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw new SystemError(`cannot write the build log ${o.logFile}: ${(e as Error).message}`);
  }
  log.on('error', () => {}); // a full disk must not crash the build; the builder's exit code decides
  const tail = new Tail(CLASSIFY_LINES);
  const parse = createProgressParser(format);
  const started = Date.now();
  let lastStep: string | undefined;
  const onLine = (raw: string) => {
    const line = stripAnsi(raw);
    log.write(`${line}\n`);
    tail.push(line);
    const step = parse(line);
    if (step !== undefined && step !== lastStep) {
      lastStep = step;
      o.onProgress?.({ step, elapsedMs: Date.now() - started });
    }
  };

  try {
    log.write(`$ ${shCommand([b.bin, ...args])}\n`);
    const sub = execa(b.bin, args, {
      env: b.env,
      extendEnv: false,
      reject: false,
      buffer: false,
      stdin: 'ignore',
      ...(o.signal ? { cancelSignal: o.signal, forceKillAfterDelay: 5000 } : {}),
    });
    const out = splitLines(onLine);
    const err = splitLines(onLine);
    sub.stdout?.on('data', (c: Buffer) => out.push(c));
    sub.stderr?.on('data', (c: Buffer) => err.push(c));
    const r = await sub;
    out.end();
    err.end();

    if (r.isCanceled || o.signal?.aborted) {
      throw new ToolError(`${b.kind} build cancelled; log: ${o.logFile}`, o.logFile, tail.text());
    }
    if (r.exitCode === undefined) {
      const why = r.signal ? `was killed by ${r.signal}` : `could not be run: ${r.shortMessage}`;
      const hint = r.signal ? `full log: ${o.logFile}` : manualBuildHint(o.tags[0], dir);
      throw new ToolError(`${b.bin} build ${why}; ${hint}`, o.logFile, tail.text());
    }
    if (r.exitCode !== 0) {
      throw new ToolError(failureMessage(b, r.exitCode, tail.lines(), o.logFile, manualBuildHint(o.tags[0], dir)), o.logFile, tail.text());
    }

    const imageId = (await readFile(iidfile, 'utf8').catch(() => '')).trim();
    if (!imageId) throw new ToolError(`${b.kind} build succeeded but wrote no image id; log: ${o.logFile}`, o.logFile, tail.text());
    const size = await imageSize(b, imageId);
    return { imageId, size, tags: [...o.tags], logFile: o.logFile };
  } finally {
    await closeStream(log);
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The builder's argv after the binary. Exported for tests. */
export function buildArgs(b: Builder, o: Omit<BuildOptions, 'logFile'> & { dir: string; dockerfile: string }, iidfile: string): string[] {
  const args = b.kind === 'buildx' ? ['buildx', 'build'] : ['build'];
  if (b.buildxBuilder !== undefined) args.push('--builder', b.buildxBuilder);
  if (usesDockerEngine(b) && b.buildkit) args.push('--progress=plain');
  // a buildx builder other than docker's own keeps its result in its cache; --load brings it to the
  // engine, where it is verified, tagged and pushed like any other build
  if (b.kind === 'buildx') args.push('--load');
  // the classic builder keeps a failed step's container unless told not to; nobody comes back for it
  if (b.kind === 'docker' && !b.buildkit) args.push('--force-rm');
  // podman and buildah write OCI images by default, which have no HEALTHCHECK: docker's format keeps it,
  // but its config names the build container and its hostname (random per build), so a reproducible
  // build is OCI (measured with buildah 1.28: two --timestamp 0 builds differ in docker format only)
  if (!usesDockerEngine(b)) args.push('--format', o.reproducible ? 'oci' : 'docker');
  if (o.platform !== undefined) args.push('--platform', o.platform);
  if (o.noCache) args.push('--no-cache');
  if (o.reproducible && !usesDockerEngine(b)) args.push('--timestamp', '0');
  if (o.target !== undefined) args.push('--target', o.target);
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  for (const c of o.cacheFrom ?? []) args.push('--cache-from', c);
  for (const c of o.cacheTo ?? []) args.push('--cache-to', c);
  for (const t of o.tags) args.push('-t', t);
  if (path.resolve(o.dockerfile) !== path.join(path.resolve(o.dir), 'Dockerfile')) args.push('-f', o.dockerfile);
  args.push('--iidfile', iidfile, o.dir);
  return args;
}

/** The classic builder runs the host's architecture only: refuse another instead of building the wrong thing. */
async function checkClassicPlatform(b: Builder, platform: string): Promise<void> {
  const r = await exec(b, ['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}']);
  const host = r.exitCode === 0 ? normalisePlatform(r.stdout.trim()) : undefined;
  const wanted = platform.split(',').map((p) => p.trim()).filter(Boolean);
  if (host && wanted.length === 1 && normalisePlatform(wanted[0]!) === host) return;
  throw new ToolError(
    `--platform ${platform} needs BuildKit (docker buildx), but ${b.bin} uses the classic builder, which only builds for the daemon's own platform${host ? ` (${host})` : ''}: ` +
      `install docker-buildx (and QEMU binfmt for foreign architectures), or drop --platform`,
  );
}

/** `linux/x86_64` -> `linux/amd64`, `linux/aarch64` -> `linux/arm64`, `linux/arm64/v8` -> `linux/arm64`. */
export function normalisePlatform(p: string): string {
  const [os = '', arch = '', variant] = p.toLowerCase().split('/');
  const a = ({ x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386', i686: '386' } as Record<string, string>)[arch] ?? arch;
  const v = a === 'arm64' && variant === 'v8' ? undefined : variant;
  return [os, a, v].filter(Boolean).join('/');
}

async function imageSize(b: Builder, id: string): Promise<number> {
  if (b.kind === 'buildah') return buildahSize(b, id);
  const r = await exec(b, ['image', 'inspect', '--format', '{{.Size}}', id]);
  const n = Number(r.stdout.trim());
  if (r.exitCode !== 0 || !Number.isFinite(n)) throw new ToolError(`${b.bin} image inspect ${id} failed: ${lastLine(r.output)}`);
  return n;
}

/** buildah has no Size in inspect; `buildah images --json` reports it human-readable (`78.9 MB`). */
async function buildahSize(b: Builder, id: string): Promise<number> {
  const r = await exec(b, ['images', '--json', '--no-trunc', id]);
  try {
    const s = (JSON.parse(r.stdout) as { size?: number | string }[])[0]?.size;
    if (typeof s === 'number') return s;
    if (typeof s === 'string') return parseHumanSize(s) ?? 0;
  } catch {
    // fall through
  }
  return 0;
}

/** go-units HumanSize (decimal: `3.65 KB`, `78.9 MB`) back to bytes, rounded. */
export function parseHumanSize(s: string): number | undefined {
  const m = /^\s*([\d.]+)\s*([kKMGTP]?)i?B?\s*$/.exec(s);
  if (!m) return undefined;
  const pow = ['', 'K', 'M', 'G', 'T', 'P'].indexOf(m[2]!.toUpperCase());
  return Math.round(Number(m[1]) * 1000 ** pow);
}

/** One line saying what failed, plus hints for the failures people hit most. Exported for tests. */
export function failureMessage(b: Builder, code: number, lines: string[], logFile: string, manual = manualBuildHint()): string {
  const shown = lines.slice(-TAIL_LINES);
  const text = shown.join('\n');
  const network = networkFailure(lines);
  const errLine = network
    ? describeNetworkFailure(network)
    : ([...shown].reverse().find((l) => /returned a non-zero code|did not complete successfully|^ERROR|^Error|error building at STEP/i.test(l.trim()))?.trim() ??
      lastLine(text));
  let hint = '';
  if (/Cannot connect to the Docker daemon|docker daemon is not running|error during connect|permission denied while trying to connect/i.test(text)) {
    hint = ` (is the Docker daemon running and reachable${b.env.DOCKER_HOST ? ` at DOCKER_HOST=${b.env.DOCKER_HOST}` : ''}? the files are written; ${manual})`;
  } else if (/BuildKit is enabled but the buildx component is missing/i.test(text)) {
    hint = ' (install docker-buildx, or set DOCKER_BUILDKIT=0)';
  }
  return `${b.kind} build failed (exit code ${code}): ${errLine}${hint}; last ${TAIL_LINES} lines above, full log: ${logFile}`;
}

/** Keeps the last n lines; its text is the last TAIL_LINES of them. */
class Tail {
  private buf: string[] = [];
  constructor(private readonly n: number) {}
  push(line: string) {
    this.buf.push(line);
    if (this.buf.length > this.n) this.buf.shift();
  }
  lines(): string[] {
    return [...this.buf];
  }
  text(): string {
    return this.buf.slice(-TAIL_LINES).join('\n');
  }
}

/** The last `n` lines of a text (trailing newline ignored). */
export function tailLines(text: string, n = TAIL_LINES): string {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  return lines.slice(-n).join('\n');
}

/** Chunk -> complete lines (\n, \r\n, or a lone \r as a progress bar redraw). */
function splitLines(onLine: (line: string) => void) {
  let rest = '';
  const decoder = new TextDecoder();
  return {
    push(chunk: Buffer) {
      rest += decoder.decode(chunk, { stream: true });
      const parts = rest.split(/\r\n|\n|\r(?!$)/);
      rest = parts.pop() ?? '';
      for (const p of parts) onLine(p);
    },
    end() {
      rest += decoder.decode();
      if (rest.endsWith('\r')) rest = rest.slice(0, -1);
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}

function closeStream(s: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (s.closed) return resolve();
    s.end(() => resolve());
    s.on('error', () => resolve());
  });
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
