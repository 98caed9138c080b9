// `--build` after generation and `create-image build [dir]`: build, tag, optionally push, report.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildImage } from '../build/build.js';
import { detectBuilder, manualBuildHint, type BuilderKind } from '../build/builder.js';
import { createProgressRenderer } from '../build/progress.js';
import { pushImage } from '../build/push.js';
import { dockerRunCommand } from '../build/run-command.js';
import { ToolError, UsageError } from '../core/errors.js';
import { RECORD_FILE } from '../core/render.js';
import type { Plan, PortSpec } from '../core/types.js';
import { parseEnvAssignment, parsePort } from '../core/validate.js';
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
  pushed: { tag: string; digest: string }[];
  run: string;
}

function parseBuildArgs(list: string[] | undefined): Record<string, string> {
  const args: Record<string, string> = {};
  for (const text of list ?? []) {
    const r = parseEnvAssignment(text);
    if (r.error !== undefined) throw new UsageError([{ path: '--build-arg', message: r.error }]);
    args[r.name] = r.value;
  }
  return args;
}

/** Builds `dir`; the image description (ports, volumes, env) comes from the plan or the record file. */
export async function buildDir(dir: string, imageName: string, image: Pick<Plan['image'], 'ports' | 'volumes' | 'env'>, flags: BuildFlags): Promise<BuildReport> {
  const tags = flags.tag?.length ? flags.tag : [`${imageName}:latest`];
  const buildArgs = parseBuildArgs(flags.buildArg);
  let builder;
  try {
    builder = await detectBuilder({ ...(flags.builder ? { builder: flags.builder as BuilderKind } : {}) });
  } catch (e) {
    if (e instanceof ToolError) throw new ToolError(`the files are written, but ${e.message}`);
    throw e;
  }
  const logFile = join(dir, '.create-image', 'build.log');
  const progress = createProgressRenderer(process.stderr);
  const started = Date.now();
  let result;
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
    throw e;
  }
  progress.done(flags.json ? undefined : `built ${tags.join(', ')} in ${Math.round((Date.now() - started) / 1000)}s`);
  const pushed: { tag: string; digest: string }[] = [];
  if (flags.push) {
    for (const tag of tags) {
      const p = await pushImage(builder, tag);
      pushed.push(p);
      if (!flags.json) process.stderr.write(`pushed ${p.tag} ${p.digest}\n`);
    }
  }
  const run = dockerRunCommand({
    bin: builder.kind === 'docker' ? 'docker' : builder.kind === 'podman' ? 'podman' : 'podman',
    image: tags[0]!,
    name: imageName,
    ports: image.ports,
    volumes: image.volumes,
    env: image.env.filter((e) => e.secret),
  });
  const report = { imageId: result.imageId, size: result.size, tags: result.tags, logFile: result.logFile, pushed, run };
  if (!flags.json) {
    out.line(`image ${report.imageId} (${(report.size / 1e6).toFixed(1)} MB) tagged ${report.tags.join(', ')}`);
    out.line(`run it: ${run}`);
  }
  return report;
}

export async function buildGenerated(dir: string, imageName: string, plan: Plan, flags: BuildFlags): Promise<BuildReport> {
  return buildDir(dir, imageName, plan.image, flags);
}

/** `create-image build [dir]`: the record file says what the image is. */
export async function buildCommand(dirArg: string, flags: BuildFlags): Promise<void> {
  const dir = resolve(dirArg);
  const recordFile = join(dir, RECORD_FILE);
  if (!existsSync(join(dir, 'Dockerfile'))) throw new UsageError([{ path: 'dir', message: `${dir} has no Dockerfile; generate one first (create-image ${dirArg})` }]);
  let record: { answers?: { imageName?: string; ports?: PortSpec[] } } = {};
  if (existsSync(recordFile)) {
    try {
      record = JSON.parse(readFileSync(recordFile, 'utf8'));
    } catch (e) {
      throw new UsageError([{ path: RECORD_FILE, message: `is not valid JSON (${(e as Error).message}); ${manualBuildHint()}` }]);
    }
  }
  const imageName = record.answers?.imageName ?? 'app';
  const ports = (record.answers?.ports ?? []).map((p) => (typeof p === 'string' ? parsePort(p).port! : p));
  const report = await buildDir(dir, imageName, { ports, volumes: [], env: [] }, flags);
  if (flags.json) out.json(report);
}
