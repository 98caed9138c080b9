// `--build` after generation and `create-image build [dir]`: the build flags checked, then the build
// (src/build/build-dir.ts) with progress on stderr (one updating line on a TTY) and the summary on stdout.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildDir, type BuildDirOptions, type BuildReport } from '../build/build-dir.js';
import { manualBuildHint, type BuilderKind } from '../build/builder.js';
import { imageFacts } from '../build/image-facts.js';
import { createProgressRenderer } from '../build/progress.js';
import { imageNameFromDir } from '../build/tags.js';
import { CreateImageError, ToolError, UsageError } from '../core/errors.js';
import { shCommand } from '../core/escape.js';
import { findRecord } from '../core/record.js';
import type { Plan, PortSpec } from '../core/types.js';
import { checkImageName, checkTag, imageTag, parseEnvAssignment, parsePort } from '../core/validate.js';
import { conflictMarkerLines } from '../update/merge.js';
import type { BuildFlags } from './flags.js';
import { out } from './output.js';

export type { BuildReport } from '../build/build-dir.js';

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
function resolveTags(flags: BuildFlags, imageName: string): string[] {
  // The default tag is the image name as given (already checked against the one name grammar), never re-spelt.
  const nameErr = flags.tag?.length ? undefined : checkImageName(imageName);
  if (nameErr) throw new UsageError([{ path: '--name', message: nameErr }]);
  const tags = flags.tag?.length ? [...new Set(flags.tag)] : [imageTag(imageName)];
  const issues = tags.flatMap((t) => {
    const why = checkTag(t);
    return why ? [{ path: '--tag', message: why }] : [];
  });
  if (issues.length) throw new UsageError(issues);
  return tags;
}

/**
 * Checks the build flags before anything is written: bad input is a usage error (exit 2), and build
 * options without --build are a mistake worth naming rather than ignoring. With --build, the tags and
 * build args they give.
 */
export function checkBuildFlags(flags: BuildFlags & { build?: boolean }, imageName: string): { tags: string[]; buildArgs: Record<string, string> } | undefined {
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
    return undefined;
  }
  const tags = resolveTags(flags, imageName);
  const buildArgs = parseBuildArgs(flags.buildArg);
  if (flags.platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?(,[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?)*$/.test(flags.platform)) {
    throw new UsageError([{ path: '--platform', message: `"${flags.platform}" is not a platform: use os/arch[/variant], e.g. linux/amd64 or linux/arm64` }]);
  }
  if (flags.push && flags.platform?.includes(',')) {
    throw new UsageError([{ path: '--platform', message: 'one platform per build here (a multi-platform push needs docker buildx build --push)' }]);
  }
  return { tags, buildArgs };
}

/** How a directory is named in messages: relative to the cwd when that is shorter. */
function shown(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') && rel.length > dir.length ? dir : rel;
}

/** Builds `dir` with progress on stderr, pushes when asked, and prints the summary (unless --json). */
async function buildWithProgress(dir: string, imageName: string, image: BuildDirOptions['image'], flags: BuildFlags, opts: { printRun: boolean; afterWrite: boolean }): Promise<BuildReport> {
  const { tags, buildArgs } = checkBuildFlags({ ...flags, build: true }, imageName)!;
  const where = shown(dir);
  const progress = createProgressRenderer(process.stderr, { label: `building ${tags[0]}` });
  let pushing: ReturnType<typeof createProgressRenderer> | undefined;
  let report: BuildReport;
  try {
    report = await buildDir(
      dir,
      {
        tags,
        name: imageName,
        ...(flags.push ? { push: true } : {}),
        ...(flags.platform ? { platform: flags.platform } : {}),
        ...(flags.cache === false ? { noCache: true } : {}),
        buildArgs,
        ...(flags.builder ? { builder: flags.builder as BuilderKind } : {}),
        manualHint: `${opts.afterWrite ? 'the files are written; ' : ''}${manualBuildHint(tags[0], where)}`,
        image,
      },
      {
        onProgress: (p) => progress.update(p),
        onPush: (tag, phase) => {
          if (phase === 'start') {
            progress.done();
            pushing = createProgressRenderer(process.stderr, { label: 'pushing' });
            pushing.update({ step: tag, elapsedMs: 0 });
          } else pushing?.done();
        },
      },
    );
  } catch (e) {
    progress.done();
    pushing?.done();
    // a failed build (it has a log): its last lines, and how to retry once fixed
    if (e instanceof ToolError && e.logFile && e.tail) process.stderr.write(`${e.tail}\n`);
    if (e instanceof ToolError && e.logFile && opts.afterWrite) {
      throw new ToolError(`${e.message}; the files are written: fix and rebuild with \`create-image build ${where}\``, e.logFile, e.tail);
    }
    throw e;
  }
  progress.done();
  // `create-image build DIR`: the secret files the run mounts are relative to DIR, so go there first
  // (after generating, the caller's next steps start with that `cd` already)
  if (opts.printRun && report.runSteps.length > 1 && where !== '.') report = { ...report, runSteps: [shCommand(['cd', where]), ...report.runSteps] };
  if (!flags.json) for (const l of summaryLines(report, opts.printRun)) out.line(l);
  return report;
}

/** `Built app:latest in 77.2s` and the facts a user needs next; the run command unless the caller prints it. */
export function summaryLines(r: BuildReport, withRun = true): string[] {
  const lines = [`Built ${r.tags[0]} in ${r.seconds}s with ${r.builder}.`];
  lines.push(`  image   ${r.imageId}`);
  lines.push(`  size    ${formatSize(r.size)}`);
  lines.push(`  tags    ${r.tags.join(', ')}`);
  for (const p of r.pushed) lines.push(`  pushed  ${p.tag}  digest ${p.digest}`);
  if (withRun) lines.push('Run it:', ...r.runSteps.map((s) => `  ${s}`));
  return lines;
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
  return buildWithProgress(dir, imageName, plan.image, flags, { printRun: false, afterWrite: true });
}

/** A file `update` left with conflict blocks would build wrong or fail obscurely: name the first line to fix. */
function refuseConflictMarkers(dir: string, paths: string[]): void {
  const found: string[] = [];
  for (const p of new Set(paths)) {
    const file = join(dir, p);
    if (!existsSync(file)) continue;
    const lines = conflictMarkerLines(readFileSync(file, 'utf8'));
    if (lines.length) found.push(`${p}:${lines[0]}`);
  }
  if (found.length) {
    throw new CreateImageError(
      `unresolved merge conflict${found.length === 1 ? '' : 's'} left by \`create-image update\` at ${found.join(', ')}: keep the lines you want between <<<<<<< and >>>>>>>, delete the marker lines, then build again`,
    );
  }
}

/** `create-image build [dir]`: the record names the image; the built image says what it exposes. */
export async function buildCommand(dirArg: string, flags: BuildFlags): Promise<void> {
  const dir = resolve(dirArg);
  if (!existsSync(resolve(dir, 'Dockerfile'))) {
    throw new UsageError([{ path: 'dir', message: `${dir} has no Dockerfile; generate one first (create-image ${dirArg} --recipe ...)` }]);
  }
  let record: ReturnType<typeof findRecord>;
  try {
    record = findRecord(dir);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${e.message}; ${manualBuildHint()}`);
    throw e;
  }
  refuseConflictMarkers(dir, ['Dockerfile', ...Object.keys(record?.files ?? {})]);
  const imageName = typeof record?.answers.imageName === 'string' ? record.answers.imageName : imageNameFromDir(dir);
  const recordPorts = ((record?.answers.ports ?? []) as (PortSpec | string)[]).flatMap((p) => (typeof p === 'string' ? (parsePort(p).port ? [parsePort(p).port!] : []) : [p]));
  const report = await buildWithProgress(dir, imageName, (b, id) => imageFacts(b, id, recordPorts), flags, { printRun: true, afterWrite: false });
  if (flags.json) out.json(report);
}
