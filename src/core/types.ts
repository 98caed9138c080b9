// The shared vocabulary of create-image. The core is a set of pure functions over these types:
// (Recipe, Answers) -> Plan. Loading, prompting, writing and building are edges around it.

import type { Family, RecipeManifest, SmokeCheck } from './manifest.generated.js';

// The manifest's types are generated from recipes.schema.json (scripts/gen-types.mjs): the schema is
// their one source, so a field cannot be added to one and forgotten in the other.
export type { Choice, CommonQuestion, EnvVar, Family, FileSpec, Healthcheck, Question, SmokeCheck, When } from './manifest.generated.js';

const FAMILY_LIST = ['debian', 'ubuntu', 'alpine', 'rhel'] as const;
/** Every family of the schema, in the order they are offered. */
export const FAMILIES: readonly Family[] = FAMILY_LIST;
// A family the schema has and FAMILY_LIST lacks is a compile error here.
type MissingFamily = Exclude<Family, (typeof FAMILY_LIST)[number]>;
const _allFamilies: [MissingFamily] extends [never] ? true : MissingFamily = true;
void _allFamilies;

/** A recipe.json as written: a recipe that `extends` another may leave out `bases` and `files`. */
export type ManifestFile = RecipeManifest;

/** A manifest as recipes are loaded (`extends` resolved): `bases` and `files` are always there. */
export type Manifest = RecipeManifest & Required<Pick<RecipeManifest, 'bases' | 'files'>>;

export type RuntimeName = 'none' | 'node' | 'python' | 'go' | 'java' | 'ruby' | 'php';
export const RUNTIMES: readonly RuntimeName[] = ['none', 'node', 'python', 'go', 'java', 'ruby', 'php'];

/**
 * A check of a running container: the manifest's `smoke` kinds, with words for people and text the
 * response must not contain (a PHP page's source, served when PHP did not run).
 */
export type Probe = SmokeCheck & { label: string; refuse?: string };

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
  /** Published on this host address only (`127.0.0.1`): a port that must not be open to the network. */
  bind?: string;
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
  /** Answers to questions an extending recipe drops (`dropQuestions`): their defaults, seen by templates as answers. */
  fixedAnswers?: Record<string, unknown>;
  /** How the renderer reads the recipe's files (made where the recipe is loaded): the core looks up no folders itself. */
  files: RecipeFiles;
}

export interface RecipeFiles {
  /** The folder holding `template`: the recipe's own, else the nearest recipe it extends; undefined when none has it. */
  folderOf(template: string): string | undefined;
  /** A file's text as it is (`copy` files). */
  read(folder: string, template: string): string;
  /** A shared partial by its include name (`@header`), or undefined when there is none. */
  partial(name: string): string | undefined;
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
  /** Variables read at run time from NAME or NAME_FILE (--secret), required, never in the image. */
  secrets: string[];
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
    env: { name: string; value?: string; secret: boolean; required?: boolean; description?: string }[];
    /**
     * The image runs a command rather than a service: no service, no port, no healthcheck (custom with a
     * runtime and no service). Nothing should restart it when it exits.
     */
    oneShot?: boolean;
    /** The default command is a shell or REPL: it is run with `-it`, not detached. */
    interactive?: boolean;
  };
  /** Exact shell commands to run next (docker build, docker run ...). */
  nextSteps: string[];
  notes: string[];
}
