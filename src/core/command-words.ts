// A command answer (`--set command='sh -c "echo hello world"'`) read as sh reads a simple command's
// words, for an exec-form CMD: ["sh", "-c", "echo hello world"]. No shell runs that CMD, so anything
// only a shell would do (expand a variable, substitute a command, glob, pipe, redirect, comment) is
// refused with a hint rather than passed on as a literal the user did not mean.
import { parse } from 'shell-quote';

const HINT = "the command runs without a shell: wrap it as sh -c '...' to use one";

/** The words of `text`, or why it is not a plain command (one line, for a `path: message` issue). */
export function commandWords(text: string): { words: string[]; error?: undefined } | { error: string } {
  const quoting = quotingError(text);
  if (quoting) return { error: quoting };
  const words: string[] = [];
  // shell-quote leaves `$NAME` to this function; a marker object tells it from a literal word
  const entries = parse(text, (name) => ({ variable: name }) as never);
  for (const e of entries) {
    if (typeof e === 'string') {
      words.push(e);
      continue;
    }
    const what = 'variable' in e ? `a variable ($${String((e as { variable: string }).variable)})` : 'comment' in e ? 'a comment (#)' : e.op === 'glob' ? `a glob (${e.pattern})` : `a shell operator (${e.op})`;
    return { error: `has ${what}: ${HINT}` };
  }
  return { words };
}

/**
 * What shell-quote reads differently from sh: an unterminated quote (it closes it), a backquote (it
 * keeps it), a newline outside quotes (a blank, where sh ends the command) and a trailing backslash.
 */
function quotingError(text: string): string | undefined {
  let quote: "'" | '"' | '' = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      continue;
    }
    if (c === '\\') {
      if (i === text.length - 1) return 'ends with a backslash that escapes nothing';
      i++;
      continue;
    }
    if (c === '`' || (c === '$' && text[i + 1] === '(')) return `has a command substitution (${c === '`' ? '`...`' : '$(...)'}): ${HINT}`;
    if (quote === '"') {
      if (c === '"') quote = '';
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\n' || c === '\r') return `has a line break outside quotes: ${HINT}`;
  }
  return quote ? `has an unterminated ${quote === "'" ? 'single' : 'double'} quote` : undefined;
}

/** A check's exec-form argv: one plain command as its own words, anything that needs a shell under `/bin/sh -c`. */
export function checkArgv(cmd: string): string[] {
  const words = commandWords(cmd);
  return words.error === undefined ? words.words : ['/bin/sh', '-c', cmd];
}
