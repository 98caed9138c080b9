// Resolving every answer by one rule, entry by entry of the answer table (answer-table.ts):
// given (flag or answers file) ?? (interactive and the recipe asks it ? prompt : default), then checked.
// All questions are asked before anything is written, so a cancel leaves nothing half-done. Problems are
// collected as `path: message` issues and thrown as one UsageError; in a wizard, before the next question.
import { ANSWER_TABLE, flagName, ownerOfEnv } from './answer-table.js';
import type { AnswerContext, AnswerEntry } from './answer-types.js';
import type { RawAnswers } from './answer-table.js';
import { UsageError } from './errors.js';
import { whenFacts } from './facts.js';
import type { Prompter } from './prompter.js';
import type { Answers, Issue, Recipe, When } from './types.js';

export type { RawAnswers } from './answer-table.js';
export type { Option, Prompter } from './prompter.js';
export { defaultPorts } from './answer-rules.js';

export interface ResolveOptions {
  /** Prompts allowed (TTY, not CI, no --yes for the rest). */
  interactive: boolean;
  prompter?: Prompter;
  /** Check only what was given (no prompts, nothing else reported): a wizard does this before its first question. */
  givenOnly?: boolean;
}

const TABLE: readonly AnswerEntry[] = ANSWER_TABLE;

export async function resolveAnswers(recipe: Recipe, raw: RawAnswers, opts: ResolveOptions): Promise<Answers> {
  const m = recipe.manifest;
  const p = opts.interactive ? opts.prompter : undefined;
  const issues: Issue[] = [];
  const a: Partial<Answers> = { recipe: m.name };
  const asks = new Set<string>(m.ask ?? []);
  // An issue names where the value came from: the answers file's field, else the flag.
  const pathOf = (key: string) => {
    const e = TABLE.find((x) => x.key === key)!;
    return raw.from?.[key] ?? flagName(e);
  };
  const failed = new Set<string>();
  const isGiven = (key: string) => (raw as Record<string, unknown>)[key] !== undefined;
  const reports = (e: AnswerEntry) => !opts.givenOnly || isGiven(e.key) || !!e.givenWith?.some(isGiven);
  const contextOf = (e: AnswerEntry): AnswerContext => ({
    recipe,
    raw,
    a,
    prompter: p,
    givenOnly: !!opts.givenOnly,
    defaults: m.defaults ?? {},
    asks,
    path: pathOf(e.key),
    pathOf,
    issue: (message, path = pathOf(e.key)) => void (reports(e) && issues.push({ path, message })),
    issues,
    failed,
    envOwner: ownerOfEnv,
    facts: (multiProcess?: When) => whenFacts({ set: {}, services: [], ports: [], ...a, family: a.family ?? 'debian' } as Answers, multiProcess),
  });

  for (const e of TABLE) {
    if (e.byCaller) continue;
    // In a wizard a bad given value stops before the next question, not after all of them; prompts
    // themselves refuse a bad answer where it is typed (each with the check a given value gets).
    if (p && issues.length) throw new UsageError(issues);
    const c = contextOf(e);
    (a as Record<string, unknown>)[e.key] = e.resolve ? await e.resolve(c) : await oneRule(e, c);
  }
  for (const e of TABLE) await e.settle?.(contextOf(e));
  if (issues.length) throw new UsageError(issues);
  return a as Answers;
}

/** given ?? (asked ? prompt : fallback), then the entry's check. */
async function oneRule(e: AnswerEntry, c: AnswerContext): Promise<unknown> {
  const given = (c.raw as Record<string, unknown>)[e.key];
  const asked = c.prompter && e.ask && c.asks.has(e.key) && (e.ask.when?.(c) ?? true);
  const value = given !== undefined ? given : asked ? await e.ask!.prompt(c.prompter!, c) : e.fallback?.(c);
  return e.accept ? e.accept(value, c) : value;
}
