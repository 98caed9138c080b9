// Errors raised while rendering that are the user's to fix: a template's refusal of the answers
// (`it.h.refuse`), or a value an escaper cannot write where the recipe puts it. The second names the
// answer that holds the value, so the message points at a flag, not at a template line.
import { ANSWER_TABLE, flagName } from './answer-table.js';
import type { AnswerEntry } from './answer-types.js';
import { EscapeError } from './escape.js';
import { UsageError } from './errors.js';
import type { Answers } from './types.js';

/** The usage error `e` amounts to, or undefined when it is the recipe's own fault. */
export function answerError(e: unknown, a: Answers): UsageError | undefined {
  // the template engine wraps what a template throws (with its line) as `cause`, once per include level
  while (!(e instanceof UsageError || e instanceof EscapeError) && e instanceof Error && e.cause !== undefined) e = e.cause;
  if (e instanceof UsageError) return e;
  if (!(e instanceof EscapeError)) return undefined;
  const path = answerPathOf(a, e.whole);
  return path ? new UsageError([{ path, message: e.message }]) : undefined;
}

/** The flag (and entry) of the answer whose value is `value`, if one is: entries of env and set first, then text answers. */
function answerPathOf(a: Answers, value: string): string | undefined {
  const same = (v: unknown) => v === value || String(v) === value || (Array.isArray(v) && v.includes(value));
  const table = ANSWER_TABLE as readonly AnswerEntry[];
  for (const e of table.filter((x) => x.shape === 'env' || x.shape === 'set')) {
    for (const [k, v] of Object.entries(a[e.key] as Record<string, unknown>)) if (same(v)) return `${flagName(e)} ${k}`;
  }
  const e = table.find((x) => x.shape === 'text' && !x.byCaller && a[x.key] === value);
  return e && flagName(e);
}
