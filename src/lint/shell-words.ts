// The simple commands of a RUN line, and the words of a Dockerfile argument, read by shell-quote.
// Nothing is expanded: the rules only look at command names and literal options. shell-quote reads
// a few things differently from sh, and `lex` adapts them:
// - a `#` inside a word (`sed s#a#b#`, `"x"#y`) starts a comment there; sh reads it as a letter;
// - a comment runs to the end of the text, not of the line;
// - a newline is a blank, where sh ends the command there (and a backslash-newline joins lines);
// - `$NAME` is replaced by the value of an env (by '' without one); here it stays as written.

import { parse, type ParseEntry } from 'shell-quote';

export interface SimpleCommand {
  /** Words as written, quotes removed. */
  words: string[];
  /** The operator that joined this command to the previous one ('' for the first). */
  after: string;
}

type Token = string | { op: string };

// Redirections: they and their target are not words of the command (`2>&1`, `>/dev/null`, `<<EOF`).
const REDIRECTS = new Set(['<', '>', '>>', '>&', '<&', '>|', '<>', '&>', '&>>', '<<', '<<-', '<<<']);
// Every other operator ends a command; `(`, `)`, `<(`, `;;` and the like join the next one as `;` does.
const JOINS = new Set(['&&', '||', '|', '&', ';']);
// Marks a newline outside quotes as the end of a command; taken out of quoted words again.
const NEWLINE = '\n;';

/** `$NAME`, `${NAME:-x}` and a lone `$` stay as written (`${NAME}` comes back as `$NAME`). */
const asWritten = (name: string): string => (name === '' ? '$' : /^(\w+|[*@#?$!-])$/.test(name) ? `$${name}` : `\${${name}}`);

function lex(text: string, opts: { escape: string; comments: boolean }): Token[] {
  let s = text;
  let dollarsEscaped = false;
  for (;;) {
    let entries: ParseEntry[];
    try {
      entries = parse(s, asWritten, { escape: opts.escape });
    } catch (e) {
      // `${` with no `}`: shell-quote throws "Bad substitution"; read every `$` as a letter instead.
      if (dollarsEscaped) throw e;
      s = s.split('$').join(`${opts.escape}$`);
      dollarsEscaped = true;
      continue;
    }
    const at = entries.findIndex((e) => typeof e === 'object' && 'comment' in e);
    if (at < 0) return entries.map(token);
    // shell-quote gives the comment as the rest of the text after its `#`.
    const hash = s.length - (entries[at] as { comment: string }).comment.length - 1;
    if (!opts.comments || (hash > 0 && !/[\s|&;()<>]/.test(s[hash - 1]!))) {
      s = s.slice(0, hash) + opts.escape + s.slice(hash); // a letter of its word: escape it, read again
    } else {
      const nl = s.indexOf('\n', hash);
      if (nl < 0) return entries.slice(0, at).map(token);
      s = s.slice(0, hash) + s.slice(nl); // the comment ends at the newline
    }
  }
}

function token(e: ParseEntry): Token {
  if (typeof e === 'string') return e;
  if ('pattern' in e) return e.pattern; // a glob stays a word: rules match it literally (`/var/lib/apt/lists/*`)
  return e as { op: string };
}

/** The simple commands of a script, split on `&&`, `||`, `;`, `&`, `|`, newlines and parentheses. */
export function splitCommands(script: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: string[] = [];
  let after = '';
  const endCommand = (op: string): void => {
    if (words.length > 0) {
      commands.push({ words, after });
      words = [];
      after = op;
    } else if (commands.length > 0 && after !== '|') {
      // Operators with no command between them (`a | (b)`, `a;\n b`): a pipe is the one to keep.
      after = op;
    }
  };

  // A backslash-newline joins two lines (not inside single quotes, which RUN scripts rarely split so).
  const joined = script.replace(/(?<!\\)((?:\\\\)*)\\\n/g, '$1');
  const tokens = lex(joined.replaceAll('\n', NEWLINE), { escape: '\\', comments: true });
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (typeof t === 'string') {
      words.push(t.replaceAll(NEWLINE, '\n'));
    } else if (REDIRECTS.has(t.op)) {
      if (/^\d+$/.test(words.at(-1) ?? '')) words.pop(); // the `2` of `2>&1` is a file descriptor
      if (typeof tokens[i + 1] === 'string') i++;
    } else {
      endCommand(t.op === '|&' ? '|' : JOINS.has(t.op) ? t.op : ';');
    }
  }
  endCommand('');
  return commands;
}

/**
 * Words of a Dockerfile argument (WORKDIR, USER, ADD sources): blanks split them, quotes and the
 * escape character are removed as the builder does; `#` is a letter here, and a shell operator
 * (`;`, `&`, `|`, `<`, `>`, parentheses, none of them special to the builder) a word of its own.
 */
export function splitWords(args: string, escape = '\\'): string[] {
  return lex(args, { escape, comments: false }).map((t) => (typeof t === 'string' ? t : t.op));
}

// Prefixes that run the rest of the line as the command. `sudo` is listed so the real command
// behind it is still checked (DL3004 reports the sudo itself).
const WRAPPERS = new Set(['sudo', 'env', 'command', 'exec', 'nohup', 'time', 'nice']);

/** The program (basename) and its arguments, past `VAR=value` assignments and wrappers like `env`. */
export function programOf(cmd: SimpleCommand): { program: string; args: string[]; wrappers: string[] } {
  const wrappers: string[] = [];
  let i = 0;
  for (; i < cmd.words.length; i++) {
    const w = cmd.words[i]!;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
    const base = w.slice(w.lastIndexOf('/') + 1);
    if (WRAPPERS.has(base)) {
      wrappers.push(base);
      while (cmd.words[i + 1]?.startsWith('-')) i++;
      continue;
    }
    return { program: base, args: cmd.words.slice(i + 1), wrappers };
  }
  return { program: '', args: [], wrappers };
}
