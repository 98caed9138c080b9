// The flags each command takes, as commander hands them over (see main.ts for their definitions). The
// answers' flags are made from the answer table, so their types are too.
import type { AnswerTable, FlagValue } from '../core/answer-table.js';

type FlagType<V extends FlagValue> = V extends 'texts' ? string[] : V extends 'boolean' ? boolean : string;
type FlagsOf<E> = { [X in E as X extends { flag: { prop: infer P extends string } } ? P : never]?: X extends { flag: { value: infer V extends FlagValue } } ? FlagType<V> : never };

/** Every answer's flag by commander's property (`service`, `caCert` ...). */
export type AnswerFlags = FlagsOf<AnswerTable[number]>;
/** The answers `update` changes: entries with an update rule. */
export type UpdateAnswerFlags = FlagsOf<{ [K in keyof AnswerTable]: AnswerTable[K] extends { update?: infer U } ? ([NonNullable<U>] extends [never] ? never : AnswerTable[K]) : never }[number]>;

/** Recipe sources: `--recipes`, `--trust`, `--refresh` (generation, list, info, update). */
export interface SourceFlags {
  recipes?: string[];
  trust?: boolean;
  refresh?: boolean;
}

/** Building: `create-image build` and generation with --build. */
export interface BuildFlags {
  tag?: string[];
  push?: boolean;
  platform?: string;
  /** false with --no-cache */
  cache?: boolean;
  buildArg?: string[];
  builder?: string;
  buildxBuilder?: string;
  cacheFrom?: string[];
  cacheTo?: string[];
  /** false with --no-verify */
  verify?: boolean;
  /** Seconds the verification may take (default VERIFY_TIMEOUT_SECONDS). */
  verifyTimeout?: string;
  json?: boolean;
  /** Timestamps pinned (buildah/podman --timestamp 0). */
  reproducible?: boolean;
  /** Write sbom.cdx.json after the build. */
  sbom?: boolean;
}

/**
 * The build flags that mean nothing without --build, as they were given: the one list both the cheap
 * test before the build code is loaded and the error naming them read.
 */
export function givenBuildFlags(f: BuildFlags): string[] {
  return [
    f.tag?.length ? '--tag' : '',
    f.push ? '--push' : '',
    f.platform ? '--platform' : '',
    f.cache === false ? '--no-cache' : '',
    f.buildArg?.length ? '--build-arg' : '',
    f.builder ? '--builder' : '',
    f.buildxBuilder !== undefined ? '--buildx-builder' : '',
    f.cacheFrom?.length ? '--cache-from' : '',
    f.cacheTo?.length ? '--cache-to' : '',
    f.verify === false ? '--no-verify' : '',
    f.verifyTimeout !== undefined ? '--verify-timeout' : '',
    f.sbom ? '--sbom' : '',
    f.reproducible ? '--reproducible' : '',
  ].filter(Boolean);
}

export interface GenerateFlags extends BuildFlags, SourceFlags, AnswerFlags {
  answers?: string;
  yes?: boolean;
  force?: boolean;
  dryRun?: boolean;
  build?: boolean;
  ci?: string;
  compose?: boolean;
  /** Folder of the app to containerize, relative to the target dir (a monorepo's apps/api). */
  app?: string;
}

export interface DetectFlags {
  json?: boolean;
  app?: string;
}

export interface UpdateFlags extends SourceFlags, UpdateAnswerFlags {
  check?: boolean;
  compose?: boolean;
  ci?: string;
  refreshLock?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export interface LockFlags {
  json?: boolean;
}

export interface CheckFlags {
  recipes?: string[];
  refresh?: boolean;
  trust?: boolean;
  json?: boolean;
  ci?: 'gitlab' | 'github';
  force?: boolean;
}

export interface RecipeTestFlags {
  build?: boolean;
  json?: boolean;
  caCert?: string[];
  family?: string;
  builder?: string;
  smokeTimeout?: string;
}

export interface CiRecipesFlags {
  ci?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export interface JsonFlag {
  json?: boolean;
}
