// `--build` after generation and `create-image build [dir]`: build, tag, optionally push, report.
// Progress goes to stderr (one updating line on a TTY); the summary goes to stdout.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildImage, type BuildResult } from '../build/build.js';
import { detectBuilder, exec, manualBuildHint, type Builder, type BuilderKind } from '../build/builder.js';
import { createProgressRenderer } from '../build/progress.js';
import { pushImage } from '../build/push.js';
import { dockerRunCommand } from '../build/run-command.js';
import { defaultTag } from '../build/tags.js';
import { ToolError, UsageError } from '../core/errors.js';
import { RECORD_FILE } from '../core/render.js';
import type { Plan, PortSpec } from '../core/types.js';
import { checkTag, parseEnvAssignment, parsePort } from '../core/validate.js';
import { out } from './output.js';

export interface BuildFlags {
  tag?: string[];
  push?: boolean;
  platform?: string;
  cache?: boolean;
  buildArg?: string[];
  builder?: string;
  json?: boolean;
}

export interface BuildReport {
  imageId: string;
  size: number;
  tags: string[];
  logFile: string;
  builder: BuilderKind;
  seconds: number;
  pushed: { tag: string; digest: string }[];
  /** The exact command that runs the built image. */
  run: string;
}

type ImageFacts = Pick<Plan['image'], 'ports' | 'volumes' | 'env'>;

/** Where the full build log goes (the generated .dockerignore keeps this dir out of the context). */
export const LOG_DIR = '.create-image';

function parseBuildArgs(list: string[] | undefined): Record<string, string> {
  const args: Record<string, string> = {};
  for (const text of list ?? []) {
    const r = parseEnvAssignment(text);
    if (r.error !== undefined) throw new UsageError([{ path: '--build-arg', message: r.error }]);
    args[r.name] = r.value;
  }
  return args;
}

/** `--tag` values checked (flag named in the error), or the default `<name>:latest`. */
export function resolveTags(flags: BuildFlags, imageName: string): string[] {
  const tags = flags.tag?.length ? [...new Set(flags.tag)] : [defaultTag(imageName)];
  const issues = tags.flatMap((t) => {
    const why = checkTag(t);
    return why ? [{ path: '--tag', message: why }] : [];
  });
  if (issues.length) throw new UsageError(issues);
  return tags;
}

/**
 * Checks the build flags before anything is written: bad input is a usage error (exit 2), and build
 * options without --build are a mistake worth naming rather than ignoring.
 */
export function checkBuildFlags(flags: BuildFlags & { build?: boolean }, imageName: string): void {
  if (!flags.build) {
    const given = [
      flags.tag?.length ? '--tag' : '',
      flags.push ? '--push' : '',
      flags.platform ? '--platform' : '',
      flags.cache === false ? '--no-cache' : '',
      flags.buildArg?.length ? '--build-arg' : '',
      flags.builder ? '--builder' : '',
    ].filter(Boolean);
    if (given.length) throw new UsageError([{ path: given[0]!, message: `only applies with --build (add --build, or build later with \`create-image build DIR ${given.join(' ')} ...\`)` }]);
    return;
  }
  resolveTags(flags, imageName);
  parseBuildArgs(flags.buildArg);
  if (flags.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?(,[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?)*$/.test(flags.platform)) {
    throw new UsageError([{ path: '--platform', message: `"${flags.platform}" is not a platform: use os/arch[/variant], e.g. linux/amd64 or linux/arm64` }]);
  }
}

/** How a directory is named in messages: relative to the cwd when that is shorter. */
function shown(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') && rel.length > dir.length ? dir : rel;
}

/**
 * Builds `dir`, pushes when asked, and prints the summary (unless --json). `image` describes the image
 * for the run command; a function is called after the build with the builder and the image id.
 */
export async function buildDir(
  dir: string,
  imageName: string,
  image: ImageFacts | ((b: Builder, imageId: string) => Promise<ImageFacts>),
  flags: BuildFlags,
  opts: { printRun?: boolean; afterWrite?: boolean } = {},
): Promise<BuildReport> {
  if (flags.push && flags.platform?.includes(',')) {
    throw new UsageError([{ path: '--platform', message: 'one platform per build here (a multi-platform push needs docker buildx build --push)' }]);
  }
  checkBuildFlags({ ...flags, build: true }, imageName);
  const tags = resolveTags(flags, imageName);
  const buildArgs = parseBuildArgs(flags.buildArg);
  const where = shown(dir);
  const manual = `${opts.afterWrite ? 'the files are written; ' : ''}${manualBuildHint(tags[0], where)}`;
  const builder = await detectBuilder({ ...(flags.builder ? { builder: flags.builder as BuilderKind } : {}), hint: manual });

  const logFile = join(dir, LOG_DIR, 'build.log');
  const progress = createProgressRenderer(process.stderr, { label: `building ${tags[0]}` });
  const started = Date.now();
  let result: BuildResult;
  try {
    result = await buildImage(builder, {
      dir,
      tags,
      ...(flags.platform ? { platform: flags.platform } : {}),
      ...(flags.cache === false ? { noCache: true } : {}),
      buildArgs,
      logFile,
      onProgress: (p) => progress.update(p),
    });
  } catch (e) {
    progress.done();
    if (e instanceof ToolError && e.tail) process.stderr.write(`${e.tail}\n`);
    if (e instanceof ToolError && opts.afterWrite) {
      throw new ToolError(`${e.message}; the files are written: fix and rebuild with \`create-image build ${where}\``, e.logFile, e.tail);
    }
    throw e;
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  progress.done();

  const pushed: { tag: string; digest: string }[] = [];
  if (flags.push) {
    for (const tag of tags) {
      const p = createProgressRenderer(process.stderr, { label: 'pushing' });
      p.update({ step: tag, elapsedMs: 0 });
      try {
        pushed.push(await pushImage(builder, tag));
      } finally {
        p.done();
      }
    }
  }

  const facts = typeof image === 'function' ? await image(builder, result.imageId) : image;
  const run = dockerRunCommand({
    bin: builder.kind === 'docker' ? 'docker' : 'podman',
    image: tags[0]!,
    name: imageName,
    ports: facts.ports,
    volumes: facts.volumes,
    env: facts.env.filter((e) => e.secret),
  });
  const report: BuildReport = { imageId: result.imageId, size: result.size, tags: result.tags, logFile: result.logFile, builder: builder.kind, seconds, pushed, run };
  if (!flags.json) printSummary(report, opts.printRun ?? true);
  return report;
}

/** `Built app:latest in 77.2s` and the facts a user needs next; the run command unless the caller prints it. */
export function summaryLines(r: BuildReport, withRun = true): string[] {
  const lines = [`Built ${r.tags[0]} in ${r.seconds}s with ${r.builder}.`];
  lines.push(`  image   ${r.imageId}`);
  lines.push(`  size    ${formatSize(r.size)}`);
  lines.push(`  tags    ${r.tags.join(', ')}`);
  for (const p of r.pushed) lines.push(`  pushed  ${p.tag}  digest ${p.digest}`);
  if (withRun) lines.push('Run it:', `  ${r.run}`);
  return lines;
}

function printSummary(r: BuildReport, withRun: boolean): void {
  for (const l of summaryLines(r, withRun)) out.line(l);
}

/** Decimal units, as docker prints them: 330.1 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** The generation path: files are already written; the plan knows ports, volumes and env. */
export async function buildGenerated(dir: string, imageName: string, plan: Plan, flags: BuildFlags): Promise<BuildReport> {
  return buildDir(dir, imageName, plan.image, flags, { printRun: false, afterWrite: true });
}

/** `create-image build [dir]`: the record file names the image; the built image says what it exposes. */
export async function buildCommand(dirArg: string, flags: BuildFlags): Promise<void> {
  const dir = resolve(dirArg);
  const recordFile = join(dir, RECORD_FILE);
  if (!existsSync(join(dir, 'Dockerfile'))) {
    throw new UsageError([{ path: 'dir', message: `${dir} has no Dockerfile; generate one first (create-image ${dirArg} --recipe ...)` }]);
  }
  let record: { answers?: { imageName?: string; ports?: (PortSpec | string)[] } } = {};
  if (existsSync(recordFile)) {
    try {
      record = JSON.parse(readFileSync(recordFile, 'utf8'));
    } catch (e) {
      throw new UsageError([{ path: RECORD_FILE, message: `is not valid JSON (${(e as Error).message}); ${manualBuildHint()}` }]);
    }
  }
  const imageName = typeof record.answers?.imageName === 'string' ? record.answers.imageName : defaultTag(dir).replace(/:latest$/, '');
  const recordPorts = (record.answers?.ports ?? []).flatMap((p) => (typeof p === 'string' ? (parsePort(p).port ? [parsePort(p).port!] : []) : [p]));
  const report = await buildDir(dir, imageName, (b, id) => imageFacts(b, id, recordPorts), flags);
  if (flags.json) out.json(report);
}

/** Ports and volumes as the built image declares them (EXPOSE/VOLUME, whatever the Dockerfile now says). */
async function imageFacts(b: Builder, imageId: string, fallbackPorts: PortSpec[]): Promise<ImageFacts> {
  const r = await exec(b, ['image', 'inspect', '--format', '{{json .Config.ExposedPorts}} {{json .Config.Volumes}}', imageId]);
  if (r.exitCode !== 0) return { ports: fallbackPorts, volumes: [], env: [] };
  const [p = 'null', v = 'null'] = r.stdout.trim().split(' ');
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
  return { ports: ports.length ? collapsePorts(ports) : fallbackPorts, volumes, env: [] };
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
