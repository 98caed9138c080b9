// A recipe's own questions (recipe.json `questions`, given with --set): asked in order, each seeing the
// answers before it through `when`; a given value is read by the question's type and checked as a typed one is.
import type { AnswerContext } from './answer-types.js';
import { commandWords } from './command-words.js';
import { UsageError } from './errors.js';
import { describeWhen, matchesWhen } from './facts.js';
import type { Prompter } from './prompter.js';
import { didYouMean } from './suggest.js';
import type { Question } from './types.js';
import { checkValueSize } from './validate.js';

export async function resolveQuestions(c: AnswerContext): Promise<Record<string, unknown>> {
  const m = c.recipe.manifest;
  const p = c.prompter;
  // `when` conditions see the answers so far, this one's included
  const set: Record<string, unknown> = {};
  c.a.set = set;
  const given = c.raw.set ?? {};
  const at = (key: string) => `${c.raw.from?.[`set ${key}`] ?? '--set'} ${key}`;
  const known = new Set((m.questions ?? []).map((q) => q.name));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      const hint = didYouMean(key, known);
      c.issue(`recipe ${m.name} has no question "${key}"${hint ? ` (${hint})` : ''}; it asks: ${[...known].join(', ') || 'nothing'}`, at(key));
    }
  }
  for (const q of m.questions ?? []) {
    if (p && c.issues.length) throw new UsageError(c.issues);
    if (!matchesWhen(q.when, c.facts(m.multiProcess))) {
      // a value typed on the command line for a question these answers do not ask would be dropped unseen
      if (given[q.name] !== undefined && at(q.name) === `--set ${q.name}` && q.when) {
        c.issue(`not used with these answers (${q.message}): it applies only when ${describeWhen(q.when)}; drop --set ${q.name}, or change the answer it depends on`, at(q.name));
      }
      continue;
    }
    let value: unknown;
    const path = at(q.name);
    // checking what was given before a wizard asks: the rest is asked later, not refused now
    if (c.givenOnly && given[q.name] === undefined) {
      if (q.default !== undefined) set[q.name] = q.default;
      continue;
    }
    if (given[q.name] !== undefined) value = coerce(q, given[q.name], c, path);
    else if (p) value = await promptQuestion(p, q);
    else if (q.default !== undefined) value = q.default;
    else if (q.required) {
      c.issue(`required (${q.message}); give it with --set ${q.name}=...`, path);
      continue;
    } else continue;
    checkQuestion(q, value, c, path);
    set[q.name] = value;
  }
  return set;
}

/** A question's name in the wizard's summary: its `label`, else its message up to the first explanation. */
export function questionLabel(q: Question): string {
  return q.label ?? q.message.replace(/\s*[(:?].*$/, '');
}

/** The one check of a number, typed or given: empty is no number. */
const numberError = (v: string): string | undefined => (v.trim() !== '' && Number.isFinite(Number(v)) ? undefined : 'enter a number');

async function promptQuestion(p: Prompter, q: Question): Promise<unknown> {
  switch (q.type) {
    case 'boolean':
      return p.confirm({ message: q.message, initialValue: Boolean(q.default) });
    case 'select':
      return p.select({ message: q.message, options: q.choices!, ...(q.default !== undefined ? { initialValue: String(q.default) } : {}) });
    case 'multiselect':
      return p.multiselect({ message: q.message, options: q.choices!, initialValues: (q.default as string[] | undefined) ?? [], required: !!q.required });
    case 'number':
      return Number(await p.text({ message: q.message, initialValue: q.default !== undefined ? String(q.default) : '', validate: numberError }));
    default:
      return p.text({
        message: q.message,
        initialValue: q.default !== undefined ? String(q.default) : '',
        validate: (v) => questionError(q, v),
      });
  }
}

/** --set values arrive as strings; answers files may already hold typed values. */
function coerce(q: Question, v: unknown, c: AnswerContext, path: string): unknown {
  if (q.type === 'boolean') {
    if (typeof v === 'boolean') return v;
    const s = String(v).toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(s)) return true;
    if (['false', 'no', '0', 'off'].includes(s)) return false;
    c.issue(`must be true or false, not "${String(v)}"`, path);
    return v;
  }
  if (q.type === 'number') {
    if (numberError(String(v))) c.issue(`must be a number, not "${String(v)}"`, path);
    return Number(v);
  }
  if (q.type === 'multiselect') return Array.isArray(v) ? v.map(String) : String(v).split(',').map((s) => s.trim()).filter(Boolean);
  return String(v);
}

function questionError(q: Question, v: string): string | undefined {
  const size = checkValueSize(v);
  if (size) return size;
  if (q.required && v === '') return 'required';
  if (q.pattern && !new RegExp(`^(?:${q.pattern})$`, 'u').test(v)) return `must be ${q.patternHint ?? `like /${q.pattern}/`}`;
  if (/[\0\r\n]/.test(v)) return 'must be one line';
  if (q.type === 'command') return commandWords(v).error;
  return undefined;
}

function checkQuestion(q: Question, value: unknown, c: AnswerContext, path: string): void {
  const values = q.type === 'multiselect' ? (value as string[]) : q.type === 'select' ? [String(value)] : [];
  for (const v of values) {
    if (!q.choices!.some((x) => x.value === v)) c.issue(`"${v}" is not one of: ${q.choices!.map((x) => x.value).join(', ')}`, path);
  }
  if (q.type === 'string' || q.type === 'path' || q.type === 'command') {
    const err = questionError(q, String(value));
    if (err) c.issue(err, path);
  }
}
