// What detection works on and what it finds. A provider is a pure function from a read-only snapshot of
// a folder to facts, each with the evidence it was read from: nothing of the project is ever executed.

export type Stack = 'node' | 'python' | 'go' | 'java' | 'php' | 'ruby' | 'static';

/** A read-only view of a project folder (see snapshot.ts for the bounded walker that makes one). */
export interface Snapshot {
  /** Relative posix paths of the files walked, sorted; skipped folders (node_modules, .git, vendor, virtualenvs) appear as `dir/`. */
  paths: readonly string[];
  /** A file's text, or undefined when it is absent, over the size limit, or a link leaving the folder. */
  text(path: string): string | undefined;
  /** Why `text(path)` gave nothing for a file that is there (not a regular file, over the size limit, unreadable), one line. */
  problem?(path: string): string | undefined;
}

/** One finding and where it was read: `node 18 (package.json engines)`. */
export interface Fact {
  key: string;
  value: string;
  evidence: string;
}

/** An app one provider recognised in a folder. */
export interface DetectedApp {
  stack: Stack;
  /** Folder of the app relative to the detected root ('.' for the root itself). */
  dir: string;
  facts: Fact[];
  /** The runtime the project pins, when it pins one; `needs`: what its dependencies require of it (engines), each with its evidence. */
  runtime?: { name: 'node' | 'python' | 'go' | 'java' | 'ruby' | 'php'; version?: string; spec?: string; needs?: ReadonlyArray<{ spec: string; who: string; source: string; evidence: string }> };
  /** The port the app listens on, when it can be read without running it. */
  port?: number;
  /** Environment the app needs to start as detected (PORT, a listen address): `--env` answers. */
  env: Record<string, string>;
  /** Answers to the app recipe's questions (`--set` names). */
  set: Record<string, string | boolean>;
  /** An answer with several candidates the user must choose from (a Go module with several main packages). */
  choices?: { key: string; values: string[] };
  /** Things the user should know (a pin no base here provides, an address only reachable inside the container). */
  notes: string[];
}

/** Where a stack's runtime comes from when the project pins a version. */
export interface RuntimeBases {
  /** The version Debian trixie (the default base, DEFAULT_DEBIAN) packages, as major.minor. */
  packaged: string;
  /** Image names (before the tag) that ship the runtime: a chosen base of one of them meets any pin. */
  images: readonly string[];
  /** The official image bringing `version` on trixie, which a pin trixie misses builds on. */
  official?(version: string): string;
  /** A runtime only the build needs: its build stage's image for `version`, and Debian's name for the toolchain. */
  builder?: { image(version: string): string; name: string };
}

/** The Debian release of the default base, as the official images name it in their tags. */
export const DEFAULT_DEBIAN = 'trixie';

export interface Provider {
  stack: Stack;
  /** Files that make a folder worth asking this provider about. */
  markers: readonly string[];
  /** Answers every app of this stack adds (beyond the recipe's questions in `set`). */
  answers?: Readonly<Record<string, unknown>>;
  /** The runtime's bases, for a stack that has a runtime. */
  bases?: RuntimeBases;
  /** The app in `dir` (relative, '.' for the root), or undefined when the folder holds nothing of this stack. */
  detect(snap: Snapshot, dir: string): DetectedApp | undefined;
}
