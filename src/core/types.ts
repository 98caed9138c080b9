// The shared vocabulary of create-image. The core is a set of pure functions over these types:
// (Recipe, Answers) -> Plan. Loading, prompting, writing and building are edges around it.

/** Base image families: decides the package manager, user tools and locale mechanics. */
export type Family = 'debian' | 'ubuntu' | 'alpine' | 'rhel';
export const FAMILIES: readonly Family[] = ['debian', 'ubuntu', 'alpine', 'rhel'];

export type RuntimeName = 'none' | 'node' | 'python' | 'go' | 'java' | 'ruby' | 'php';
export const RUNTIMES: readonly RuntimeName[] = ['none', 'node', 'python', 'go', 'java', 'ruby', 'php'];

/** A validation finding: `path` names the flag or manifest field, `message` says what is accepted. */
export interface Issue {
  path: string;
  message: string;
}

/** One EXPOSEd port or range. `from === to` for a single port. */
export interface PortSpec {
  from: number;
  to: number;
  proto: 'tcp' | 'udp';
}

/** A manifest condition: the question `question` has a value equal to `equals`, one of `in`, or not `not`. */
export interface When {
  question: string;
  equals?: unknown;
  in?: unknown[];
  not?: unknown;
}

export interface Choice {
  value: string;
  label?: string;
  hint?: string;
}

export interface Question {
  name: string;
  type: 'string' | 'boolean' | 'number' | 'select' | 'multiselect' | 'path';
  message: string;
  description?: string;
  default?: unknown;
  choices?: Choice[];
  /** ECMAScript regex the whole (string) answer must match. */
  pattern?: string;
  /** What a matching value looks like, for the error line. */
  patternHint?: string;
  required?: boolean;
  when?: When;
}

export interface EnvVar {
  name: string;
  default?: string;
  description?: string;
  /** Never baked into the image or recorded; read at start, with a `NAME_FILE` variant. */
  secret?: boolean;
  /** The entrypoint refuses to start without it (after `NAME_FILE` is read). */
  required?: boolean;
}

export interface FileSpec {
  /** Template path relative to the recipe folder (rendered with eta), or a file copied verbatim when `copy`. */
  template: string;
  /** Output path relative to the target dir. */
  path: string;
  /** Octal string, e.g. "0755". Default "0644". */
  mode?: string;
  copy?: boolean;
  when?: When;
}

export interface Healthcheck {
  /** Shell command run inside the container. */
  cmd: string;
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  retries?: number;
}

/** How a recipe's e2e test talks to the running container. */
export interface SmokeCheck {
  kind: 'http' | 'https' | 'tcp' | 'command';
  port?: number;
  path?: string;
  /** Text the response body (or command output) must contain. */
  expect?: string;
  command?: string[];
}

/** The common questions every recipe may ask (custom asks all of them). */
export type CommonQuestion = 'base' | 'runtime' | 'tz' | 'locale' | 'services' | 'ports' | 'supervisor';

export interface Manifest {
  $schema?: string;
  name: string;
  description: string;
  version: string;
  /** semver range of create-image versions this recipe works with. */
  requires?: string;
  /** Name of a recipe (same source or built-in) whose files and questions this one starts from. */
  extends?: string;
  bases: {
    families: Family[];
    /** Pinned default base image, never `latest`. */
    default: string;
    /** Pinned default per family, used when the user picks a family rather than an image. */
    images?: Partial<Record<Family, string>>;
  };
  ask?: CommonQuestion[];
  defaults?: {
    runtime?: string; // "node" or "node@20"
    tz?: string;
    locale?: string;
    services?: string[];
    ports?: string[];
    supervisor?: 'supervisord' | 'watchdog';
  };
  questions?: Question[];
  env?: EnvVar[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: Healthcheck;
  /** Runs as this non-root user unless the service needs root (then `null`). Default "app". */
  user?: string | null;
  files: FileSpec[];
  smoke?: SmokeCheck;
  /** Patterns the shared .dockerignore adds after its own, under an optional comment line. */
  dockerignore?: { comment?: string; patterns: string[] };
  /** Named package sets per family: templates install `it.packages.NAME`. */
  packages?: Record<string, Partial<Record<Family, string[]>>>;
  /** Other per-family values: templates read `it.byFamily.NAME`. */
  byFamily?: Record<string, Partial<Record<Family, string | number | boolean | string[]>>>;
  /** Human notes shown after generation (e.g. what needs network). */
  notes?: string[];
}

/** A recipe as loaded from disk: manifest plus where it lives. Templates are read through `dir`. */
export interface Recipe {
  manifest: Manifest;
  /** Absolute folder of the recipe (eta `views` root). */
  dir: string;
  /** Where it came from: "builtin", a local dir, a git URL#ref, an npm package. */
  source: string;
  /** Resolved commit for git sources. */
  commit?: string;
  /** Folders of recipes this one extends, nearest first: a template missing in `dir` is looked up there. */
  parents?: string[];
}

export interface Runtime {
  name: RuntimeName;
  /** "" means the family's packaged version. */
  version: string;
}

/** Every answer, resolved (flag ?? prompt ?? default) and validated. */
export interface Answers {
  recipe: string;
  /** Image name used for tags and next steps (from the target dir name by default). */
  imageName: string;
  base: string;
  family: Family;
  runtime: Runtime;
  tz: string;
  locale: string;
  services: string[];
  supervisor: 'supervisord' | 'watchdog';
  ports: PortSpec[];
  /** User-supplied env (--env KEY=VALUE); applied on top of the recipe's env defaults. */
  env: Record<string, string>;
  /** Answers to the recipe's own questions. */
  set: Record<string, unknown>;
  /** CA certificates to trust while building: file names under `certs/` in the target dir. */
  caCerts: PlannedCert[];
  /** Keep the CA certificates in the final image too (default: build stages only). */
  caInFinal: boolean;
}

export interface PlannedCert {
  /** File name written under `certs/` in the target dir. */
  name: string;
  content: string;
}

export interface PlannedFile {
  /** Relative, normalised, inside the target dir. */
  path: string;
  content: string;
  /** Numeric mode, e.g. 0o755. */
  mode: number;
}

export interface Plan {
  files: PlannedFile[];
  image: {
    name: string;
    ports: PortSpec[];
    volumes: string[];
    env: { name: string; value?: string; secret: boolean; description?: string }[];
  };
  /** Exact shell commands to run next (docker build, docker run ...). */
  nextSteps: string[];
  notes: string[];
}
