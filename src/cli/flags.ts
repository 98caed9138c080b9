// The flags each command takes, as commander hands them over (see main.ts for their definitions).

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
  json?: boolean;
}

export interface GenerateFlags extends BuildFlags, SourceFlags {
  recipe?: string;
  base?: string;
  family?: string;
  runtime?: string;
  tz?: string;
  locale?: string;
  service?: string[];
  supervisor?: string;
  port?: string[];
  env?: string[];
  set?: string[];
  answers?: string;
  name?: string;
  caCert?: string[];
  caInFinal?: boolean;
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

export interface UpdateFlags extends SourceFlags {
  check?: boolean;
  dryRun?: boolean;
  set?: string[];
  env?: string[];
  tz?: string;
  locale?: string;
  runtime?: string;
  service?: string[];
  supervisor?: string;
  port?: string[];
  name?: string;
  json?: boolean;
}

export interface RecipeTestFlags {
  build?: boolean;
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
