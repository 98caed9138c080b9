// Build a generated folder, tag it, optionally push every tag, and say how to run the result. The
// caller shows progress (the hooks) and prints the report; nothing here writes to the terminal.
import { join } from 'node:path';
import { BUILD_LOG } from '../core/record.js';
import { ensureStateGitignore } from '../edges/record-store.js';
import { runSteps } from '../core/run-command.js';
import { buildImage } from './build.js';
import { summarizeLayers, type LayerSummary } from '../core/layers.js';
import { readLayers } from './layers.js';
import { writeSbom, type SbomReport } from './sbom-file.js';
import type { ResolvedSmoke } from '../core/smoke.js';
import { detectBuilder, reproducibleRefused, usesDockerEngine, type Builder, type BuilderKind } from './builder.js';
import type { ImageFacts } from './image-facts.js';
import type { Progress } from './progress.js';
import { pushImage } from './push.js';
import { smokeTest, type SmokeResult } from './smoke.js';
import { ToolError } from '../core/errors.js';
import { normalisePlatform } from './build.js';

/** How long the verification of a build (health, then smoke check) may take. */
export const VERIFY_TIMEOUT_SECONDS = 120;

/** The built image failed its verification; `tail` holds the container's last log lines. */
export class VerifyError extends ToolError {
  constructor(message: string, tail?: string) {
    super(message, undefined, tail);
  }
}

/** What verifying the built image found: passed (with what and how long), or why it did not run. */
export type VerifyReport = ({ status: 'passed' } & SmokeResult) | { status: 'skipped'; reason: string };

export interface BuildDirOptions {
  /** Tags, checked; the first names the image in the run command. */
  tags: string[];
  /** Container name (and volume prefix) in the run command. */
  name: string;
  push?: boolean;
  platform?: string;
  noCache?: boolean;
  buildArgs?: Record<string, string>;
  builder?: BuilderKind;
  /** With builder buildx: an existing builder instance, used as it is. */
  buildxBuilder?: string;
  /** buildx: registry cache flags, passed through. */
  cacheFrom?: string[];
  cacheTo?: string[];
  /**
   * Run the image before anything is pushed: its HEALTHCHECK at a short interval, then each check
   * (core/smoke.ts smokeChecks; none: the health check alone). false: --no-verify.
   */
  verify: { checks: readonly ResolvedSmoke[]; timeoutSeconds?: number } | false;
  /** What to say about building by hand when no builder is found. */
  manualHint: string;
  /** Pin the image's timestamps (buildah/podman --timestamp 0); refused for the docker engine's builders. */
  reproducible?: boolean;
  /** Write an SBOM of the built image into the folder (sbom.cdx.json), stamped with this tool version. */
  sbom?: { toolVersion: string };
  /** What the image exposes, for the run command; a function is asked after the build. */
  image: ImageFacts | ((b: Builder, imageId: string) => Promise<ImageFacts>);
}

export interface BuildHooks {
  onProgress?: (p: Progress) => void;
  /** Around the verification. */
  onVerify?: (phase: 'start' | 'done') => void;
  /** Around each push. */
  onPush?: (tag: string, phase: 'start' | 'done') => void;
}

export interface BuildReport {
  imageId: string;
  size: number;
  tags: string[];
  logFile: string;
  builder: BuilderKind;
  seconds: number;
  /** Absent with --no-verify. */
  verify?: VerifyReport;
  pushed: { tag: string; digest: string }[];
  /** The exact command that runs the built image. */
  run: string;
  /** With --sbom: the file written and what it lists. */
  sbom?: SbomReport;
  /** Where the bytes went: the largest layers and the waste hints (absent when the engine cannot say). */
  layers?: LayerSummary;
  /** Every step to run it: the secret files it mounts (made in the built folder, after a `cd` there when it is not the current one), then `run`. */
  runSteps: string[];
}

export async function buildDir(dir: string, o: BuildDirOptions, hooks: BuildHooks = {}): Promise<BuildReport> {
  const builder = await detectBuilder({ ...(o.builder ? { builder: o.builder } : {}), ...(o.buildxBuilder ? { buildxBuilder: o.buildxBuilder } : {}), hint: o.manualHint });
  if (o.reproducible && usesDockerEngine(builder)) throw reproducibleRefused();
  const started = Date.now();
  ensureStateGitignore(dir);
  const result = await buildImage(builder, {
    dir,
    tags: o.tags,
    ...(o.platform ? { platform: o.platform } : {}),
    ...(o.noCache ? { noCache: true } : {}),
    ...(o.reproducible ? { reproducible: true } : {}),
    buildArgs: o.buildArgs ?? {},
    ...(o.cacheFrom?.length ? { cacheFrom: o.cacheFrom } : {}),
    ...(o.cacheTo?.length ? { cacheTo: o.cacheTo } : {}),
    logFile: join(dir, BUILD_LOG),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  });
  const seconds = Math.round((Date.now() - started) / 100) / 10;

  let verify: VerifyReport | undefined;
  if (o.verify) {
    const foreign = foreignPlatform(o.platform);
    if (foreign) verify = { status: 'skipped', reason: foreign };
    else {
      hooks.onVerify?.('start');
      try {
        verify = { status: 'passed', ...(await smokeTest(builder, result.imageId, o.verify.checks, { timeoutSeconds: o.verify.timeoutSeconds ?? VERIFY_TIMEOUT_SECONDS })) };
      } catch (e) {
        if (!(e instanceof ToolError)) throw e;
        const what = o.push ? 'nothing was pushed' : 'the image is built and tagged';
        throw new VerifyError(`verification of ${o.tags[0]} failed: ${e.message}; ${what} (--no-verify skips this check)`, e.tail);
      } finally {
        hooks.onVerify?.('done');
      }
    }
  }

  const pushed: { tag: string; digest: string }[] = [];
  if (o.push) {
    for (const tag of o.tags) {
      hooks.onPush?.(tag, 'start');
      try {
        pushed.push(await pushImage(builder, tag));
      } finally {
        hooks.onPush?.(tag, 'done');
      }
    }
  }

  const facts = typeof o.image === 'function' ? await o.image(builder, result.imageId) : o.image;
  const history = await readLayers(builder, result.imageId);
  const sbom = o.sbom ? await writeSbom(builder, dir, { name: o.tags[0]!, imageId: result.imageId, toolVersion: o.sbom.toolVersion }) : undefined;
  const runs = runSteps({
    bin: usesDockerEngine(builder) ? 'docker' : 'podman',
    image: o.tags[0]!,
    name: o.name,
    ports: facts.ports,
    volumes: facts.volumes,
    env: facts.env.filter((e) => e.secret),
    ...(facts.interactive ? { interactive: true } : {}),
  });
  return { imageId: result.imageId, size: result.size, tags: result.tags, logFile: result.logFile, builder: builder.kind, seconds, ...(verify ? { verify } : {}), pushed, run: runs.at(-1)!, runSteps: runs, ...(history?.length ? { layers: summarizeLayers(history) } : {}), ...(sbom ? { sbom } : {}) };
}

/** Why an image built for `platform` cannot run here, or undefined when it can (no platform: the engine's own). */
function foreignPlatform(platform: string | undefined): string | undefined {
  if (!platform) return undefined;
  const here = normalisePlatform(`linux/${process.arch === 'x64' ? 'amd64' : process.arch}`);
  return normalisePlatform(platform) === here ? undefined : `built for ${platform}, which this machine (${here}) does not run`;
}
