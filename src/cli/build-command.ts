// `--build` after generation and `create-image build [dir]`: the build flags checked, then the build
// (src/engines/build-dir.ts) with progress on stderr (one updating line on a TTY) and the summary on stdout.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { buildDir, VerifyError, type BuildDirOptions, type BuildReport, type VerifyReport } from '../engines/build-dir.js';
import { manualBuildHint, reproducibleRefused, type Builder, type BuilderKind } from '../engines/builder.js';
import { imageFacts } from '../engines/image-facts.js';
import { formatBytes, shortInstruction, type LayerSummary } from '../core/layers.js';
import { publishPorts } from '../core/families.js';
import type { SbomReport } from '../engines/sbom-file.js';
import { createProgressRenderer } from '../engines/progress.js';
import { smokeChecks, type CheckAnswers, type ResolvedSmoke } from '../core/smoke.js';
import { imageNameFromDir } from '../engines/tags.js';
import { CreateImageError, ToolError, UsageError } from '../core/errors.js';
import { shCommand } from '../core/escape.js';
import type { RecordFile } from '../core/record.js';
import { findRecord } from '../edges/record-store.js';
import type { Manifest, Plan, PortSpec, SmokeCheck } from '../core/types.js';
import { checkImageName, checkTag, imageTag, parseEnvAssignment, parsePort } from '../core/validate.js';
import { builtinSource, loadRecipeDir, MANIFEST } from '../recipes/load.js';
import { conflictMarkerLines } from '../update/merge.js';
import { givenBuildFlags, type BuildFlags } from './flags.js';
import { VERSION } from './version.js';
import { out } from './output.js';

export type { BuildReport } from '../engines/build-dir.js';

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
    const given = givenBuildFlags(flags);
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
  checkBuildxFlags(flags);
  if (flags.reproducible && (flags.builder === 'docker' || flags.builder === 'buildx')) throw reproducibleRefused();
  if (flags.verifyTimeout !== undefined) {
    if (flags.verify === false) throw new UsageError([{ path: '--verify-timeout', message: 'applies to the verification, which --no-verify skips' }]);
    verifySeconds(flags.verifyTimeout);
  }
  return { tags, buildArgs };
}

/** --verify-timeout as a number of seconds, 1 to 3600. */
export function verifySeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 3600) throw new UsageError([{ path: '--verify-timeout', message: `"${value}" is not a number of seconds from 1 to 3600` }]);
  return n;
}

/** A buildx builder name as `docker buildx create --name` accepts it. */
const BUILDX_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** --buildx-builder and the cache flags belong to buildx: named, not silently ignored, with another builder. */
function checkBuildxFlags(flags: BuildFlags): void {
  const buildx = flags.builder === 'buildx' || (flags.builder === undefined && flags.buildxBuilder !== undefined);
  if (flags.buildxBuilder !== undefined) {
    if (!buildx) throw new UsageError([{ path: '--buildx-builder', message: `applies to --builder buildx, not --builder ${flags.builder}` }]);
    if (!BUILDX_NAME.test(flags.buildxBuilder)) {
      throw new UsageError([{ path: '--buildx-builder', message: `"${flags.buildxBuilder}" is not a buildx builder name (letters, digits, ".", "_" and "-"; \`docker buildx ls\` lists them)` }]);
    }
  }
  for (const [flag, values] of [['--cache-from', flags.cacheFrom], ['--cache-to', flags.cacheTo]] as const) {
    if (!values?.length) continue;
    if (!buildx) throw new UsageError([{ path: flag, message: `applies to --builder buildx (registry or other BuildKit cache, e.g. ${flag} type=registry,ref=registry.example.com/app:cache)` }]);
    for (const v of values) {
      if (v.trim() === '' || /[\r\n]/.test(v)) throw new UsageError([{ path: flag, message: `"${v}" is not a cache reference: a ref or type=...,key=value list on one line` }]);
    }
  }
}

/** The builder asked for: --buildx-builder alone means buildx. */
function builderOf(flags: BuildFlags): BuilderKind | undefined {
  return (flags.builder ?? (flags.buildxBuilder !== undefined ? 'buildx' : undefined)) as BuilderKind | undefined;
}

/** How a directory is named in messages: relative to the cwd when that is shorter. */
function shown(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') && rel.length > dir.length ? dir : rel;
}

/** Builds `dir` with progress on stderr, pushes when asked, and prints the summary (unless --json). */
async function buildWithProgress(dir: string, imageName: string, image: BuildDirOptions['image'], flags: BuildFlags, opts: { printRun: boolean; afterWrite: boolean; checks: readonly ResolvedSmoke[] }): Promise<BuildReport> {
  const { tags, buildArgs } = checkBuildFlags({ ...flags, build: true }, imageName)!;
  const where = shown(dir);
  const progress = createProgressRenderer(process.stderr, { label: `building ${tags[0]}` });
  let pushing: ReturnType<typeof createProgressRenderer> | undefined;
  let verifying: ReturnType<typeof createProgressRenderer> | undefined;
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
        ...(builderOf(flags) ? { builder: builderOf(flags)! } : {}),
        ...(flags.buildxBuilder !== undefined ? { buildxBuilder: flags.buildxBuilder } : {}),
        ...(flags.cacheFrom?.length ? { cacheFrom: flags.cacheFrom } : {}),
        ...(flags.cacheTo?.length ? { cacheTo: flags.cacheTo } : {}),
        verify: flags.verify === false ? false : { checks: opts.checks, ...(flags.verifyTimeout !== undefined ? { timeoutSeconds: verifySeconds(flags.verifyTimeout)! } : {}) },
        ...(flags.sbom ? { sbom: { toolVersion: VERSION } } : {}),
        ...(flags.reproducible ? { reproducible: true } : {}),
        manualHint: `${opts.afterWrite ? 'the files are written; ' : ''}${manualBuildHint(tags[0], where)}`,
        image,
      },
      {
        onProgress: (p) => progress.update(p),
        onVerify: (phase) => {
          if (phase === 'start') {
            progress.done();
            verifying = createProgressRenderer(process.stderr, { label: 'verifying' });
            verifying.update({ step: `${tags[0]}: health, then smoke check`, elapsedMs: 0 });
          } else verifying?.done();
        },
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
    verifying?.done();
    pushing?.done();
    // a failed build (it has a log): its last lines, and how to retry once fixed
    if (e instanceof ToolError && e.logFile && e.tail) process.stderr.write(`${e.tail}\n`);
    // a failed verification: what the container said last
    if (e instanceof VerifyError && e.tail) process.stderr.write(`the container's last log lines:\n${e.tail}\n`);
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
  if (r.layers) lines.push(...layerLines(r.layers));
  if (r.verify) lines.push(...verifyLines(r.verify).map((l, i) => `${i ? ' '.repeat(8) : '  verify'}  ${l}`));
  if (r.sbom) lines.push(`  sbom    ${sbomLine(r.sbom)}`);
  for (const p of r.pushed) lines.push(`  pushed  ${p.tag}  digest ${p.digest}`);
  if (withRun) lines.push('Run it:', ...r.runSteps.map((s) => `  ${s}`));
  return lines;
}

/** `sbom.cdx.json: 88 OS packages (dpkg), 12 from package-lock.json`. */
export function sbomLine(s: SbomReport): string {
  const os = s.database === 'none' ? 'no OS package database in the image' : `${s.osPackages} OS packages (${s.database})`;
  const locks = Object.entries(s.lockfiles).map(([f, n]) => `${n} from ${f}`);
  return [`${s.file}: ${os}`, ...locks, ...(s.unreadable.length ? [`not read: ${s.unreadable.join(', ')}`] : [])].join(', ');
}

/** The largest layers with their instructions, then a hint per known waste. */
export function layerLines(l: LayerSummary): string[] {
  const lines = [`  layers  ${l.count} with bytes (${formatBytes(l.total)}); the largest:`];
  for (const x of l.largest) lines.push(`          ${formatBytes(x.size).padStart(9)}  ${shortInstruction(x.instruction)}`);
  for (const h of l.hints) lines.push(`  hint    ${h}`);
  return lines;
}

/** `passed in 2.1s: healthy`, then each check that passed on a line of its own; or why it did not run. */
export function verifyLines(v: VerifyReport): string[] {
  if (v.status === 'skipped') return [`skipped: ${v.reason}`];
  const health = v.health === 'healthy' ? 'healthy' : v.health === 'not-run' ? 'not started (it needs other services: checked in one-shot runs)' : 'no HEALTHCHECK';
  return v.checks.length ? [`passed in ${v.seconds}s: ${health}`, ...v.checks] : [`passed in ${v.seconds}s: ${health}; no smoke check for these answers`];
}

/** Decimal units, as docker prints them: 330.1 MB. */
export const formatSize = formatBytes;

/** The generation path: files are already written; the plan knows ports, volumes and env. */
export async function buildGenerated(dir: string, imageName: string, plan: Plan, flags: BuildFlags, recipe: Pick<Manifest, 'smoke' | 'questions' | 'ask' | 'ports'>, answers: CheckAnswers): Promise<BuildReport> {
  return buildWithProgress(dir, imageName, plan.image, flags, { printRun: false, afterWrite: true, checks: smokeChecks(recipe, answers) });
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
  // the run line publishes a recorded service's private port (php-fpm's FastCGI) on loopback, as at generation
  const services = recordedServices(record);
  const facts = async (b: Builder, id: string) => {
    const f = await imageFacts(b, id, recordPorts);
    return { ...f, ports: publishPorts(services, f.ports) };
  };
  const report = await buildWithProgress(dir, imageName, facts, flags, { printRun: true, afterWrite: false, checks: recordedChecks(record, recordPorts) });
  if (flags.json) out.json(report);
}

/** The services a record answers; none when it has no such answer (an older version, an edit by hand). */
function recordedServices(record: RecordFile | undefined): string[] {
  const s = record?.answers.services;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The checks of the recipe a record names, when that recipe is at hand (built in, or in a local folder);
 * otherwise the verification is the image's HEALTHCHECK alone.
 */
function recordedChecks(record: RecordFile | undefined, ports: PortSpec[]): ResolvedSmoke[] {
  if (!record) return [];
  const { name, source } = record.recipe;
  const dir = source === 'builtin' ? join(builtinSource().dir, name) : isAbsolute(source) ? join(source, name) : undefined;
  if (!dir || !existsSync(join(dir, MANIFEST))) return [];
  try {
    const a = record.answers;
    // a record from an older version (or edited by hand) may lack an answer: the check then assumes its default
    const services = recordedServices(record);
    const answers = { set: a.set ?? {}, tz: a.tz ?? 'UTC', locale: a.locale ?? 'C.UTF-8', runtime: a.runtime ?? { name: 'none' as const, version: '' }, family: a.family ?? 'debian', services, ports };
    return smokeChecks(loadRecipeDir(dir, source === 'builtin' ? builtinSource() : { dir: source, label: source }).manifest, answers);
  } catch {
    return []; // a recipe that no longer loads: the health check still runs
  }
}
