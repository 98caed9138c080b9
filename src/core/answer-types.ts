// The shapes of the answer table (answer-table.ts): an entry, and what it sees while it is resolved.
import type { Prompter } from './prompter.js';
import type { Answers, Issue, Manifest, PlannedCert, Recipe, When } from './types.js';

/**
 * What an entry reads of the raw answers besides its own value (the whole type, RawAnswers, is made
 * from the answer table in answer-table.ts).
 */
export interface RawAnswerValues {
  set?: Record<string, unknown>;
  supervisor?: string;
  caCerts?: PlannedCert[];
  /**
   * Where each given answer came from, for issues: key (`base`, or `env NAME` / `set key` for an entry)
   * -> the path of the flag or file field that gave it (`--base`, `--answers base`). Unset: the flag.
   */
  from?: Record<string, string>;
}

/** What an entry sees while it is resolved. */
export interface AnswerContext {
  readonly recipe: Recipe;
  readonly raw: RawAnswerValues;
  /** The answers resolved so far, in table order. */
  readonly a: Partial<Answers>;
  /** Only given values are checked (a wizard's check before its first question): nothing else is refused. */
  readonly givenOnly: boolean;
  /** Prompts, when the run is interactive. */
  readonly prompter: Prompter | undefined;
  /** The recipe's defaults for the common answers (manifest `defaults`). */
  readonly defaults: NonNullable<Manifest['defaults']>;
  /** The common answers the recipe asks (manifest `ask`). */
  readonly asks: ReadonlySet<string>;
  /** Where an issue about this answer points: the flag, or the file field that gave the value. */
  readonly path: string;
  /** Where an issue about another answer points (`--base` from the family's check). */
  pathOf(key: string): string;
  issue(message: string, path?: string): void;
  readonly issues: Issue[];
  /** Answers whose given value could not be used at all: entries building on them check nothing more. */
  readonly failed: Set<string>;
  /** The flag of the answer that sets environment variable `name` itself, if one does. */
  envOwner(name: string): string | undefined;
  /** What manifest `when` conditions see now (see facts.ts). */
  facts(multiProcess?: When): Record<string, unknown>;
}

/** How a value is read from a layer (flags, an answers file, a fixture, a record). */
export type Shape = 'text' | 'runtime' | 'list' | 'ports' | 'env' | 'set' | 'boolean' | 'paths';

/** How commander hands a flag's value over: one string, repeated strings, or a switch. */
export type FlagValue = 'text' | 'texts' | 'boolean';

export interface AnswerFlag<P extends string = string, V extends FlagValue = FlagValue> {
  /** commander's flags: `-p, --port <port>`. */
  spec: string;
  /** The property commander gives it (`caCert` for --ca-cert). */
  prop: P;
  value: V;
  help: string;
  choices?: readonly string[];
}

export interface AnswerEntry<P extends string = string, V extends FlagValue = FlagValue> {
  key: keyof Answers;
  /** Its field in answers files and fixtures (the record keeps `key`; both are read). */
  file: string;
  flag: AnswerFlag<P, V>;
  shape: Shape;
  /** `update` takes the flag: the new value replaces the recorded one, or (env, set) merges with it by name. */
  update?: 'replace' | 'merge';
  /** A `recipe test` fixture may give it (bases come from the families a recipe claims). */
  fixture?: boolean;
  /** Answers whose given value this one is checked against (the family, against the base). */
  givenWith?: (keyof Answers)[];
  /** Chosen before the answers are resolved (the recipe): the table only reads and names it. */
  byCaller?: boolean;
  /** A common question: one a recipe may ask and default (manifest `ask`, `defaults`), shown by `info`. */
  common?: boolean;
  /** Its name in the wizard's summary and in `info`. */
  label: string;
  /** Its value in words for the summary; undefined leaves it out. */
  show?(a: Answers, recipe: Recipe): string | undefined;
  /** Environment variables the answer sets itself (an --env for them is refused, naming this flag). */
  owns?(name: string): boolean;
  /** Its form in the record (default: as resolved); `replay` is the value a record without it stands for. */
  record?(a: Answers, recipe: Recipe): unknown;
  replay?: unknown;
  /** A recorded value made fit for the recipe being rendered now (`set`: only the questions it still asks). */
  replayed?(value: unknown, recipe: Recipe): unknown;
  /** The value when neither given nor asked. */
  fallback?(c: AnswerContext): unknown;
  /** Asked in the wizard when the recipe lists it in `ask` and `when` holds. */
  ask?: { when?(c: AnswerContext): boolean; prompt(p: Prompter, c: AnswerContext): Promise<unknown> };
  /** The given, asked or fallback value checked (issues through `c.issue`) and made final. */
  accept?(value: unknown, c: AnswerContext): unknown;
  /** Resolution of its own, instead of given ?? asked ?? fallback. */
  resolve?(c: AnswerContext): Promise<unknown>;
  /** Run once every answer is resolved: checks and questions that depend on later answers. */
  settle?(c: AnswerContext): Promise<void>;
}
