// Build a generated folder, tag it, optionally push every tag, and say how to run the result. The
// caller shows progress (the hooks) and prints the report; nothing here writes to the terminal.
import { join } from 'node:path';
import { BUILD_LOG, ensureStateGitignore } from '../core/record.js';
import { runSteps } from '../core/run-command.js';
import { buildImage } from './build.js';
import { detectBuilder, type Builder, type BuilderKind } from './builder.js';
import type { ImageFacts } from './image-facts.js';
import type { Progress } from './progress.js';
import { pushImage } from './push.js';

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
  /** What to say about building by hand when no builder is found. */
  manualHint: string;
  /** What the image exposes, for the run command; a function is asked after the build. */
  image: ImageFacts | ((b: Builder, imageId: string) => Promise<ImageFacts>);
}

export interface BuildHooks {
  onProgress?: (p: Progress) => void;
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
  pushed: { tag: string; digest: string }[];
  /** The exact command that runs the built image. */
  run: string;
  /** Every step to run it: the secret files it mounts (made in the built folder, after a `cd` there when it is not the current one), then `run`. */
  runSteps: string[];
}

export async function buildDir(dir: string, o: BuildDirOptions, hooks: BuildHooks = {}): Promise<BuildReport> {
  const builder = await detectBuilder({ ...(o.builder ? { builder: o.builder } : {}), hint: o.manualHint });
  const started = Date.now();
  ensureStateGitignore(dir);
  const result = await buildImage(builder, {
    dir,
    tags: o.tags,
    ...(o.platform ? { platform: o.platform } : {}),
    ...(o.noCache ? { noCache: true } : {}),
    buildArgs: o.buildArgs ?? {},
    logFile: join(dir, BUILD_LOG),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  });
  const seconds = Math.round((Date.now() - started) / 100) / 10;

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
  const runs = runSteps({
    bin: builder.kind === 'docker' ? 'docker' : 'podman',
    image: o.tags[0]!,
    name: o.name,
    ports: facts.ports,
    volumes: facts.volumes,
    env: facts.env.filter((e) => e.secret),
    ...(facts.interactive ? { interactive: true } : {}),
  });
  return { imageId: result.imageId, size: result.size, tags: result.tags, logFile: result.logFile, builder: builder.kind, seconds, pushed, run: runs.at(-1)!, runSteps: runs };
}
