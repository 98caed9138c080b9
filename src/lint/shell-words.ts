// Just enough of a POSIX shell lexer to find the simple commands of a RUN line: words split on
// blanks outside quotes, commands split on `&&`, `||`, `;`, `&`, `|`, newlines and parentheses.
// It does not expand anything; the rules only look at command names and literal options.

export interface SimpleCommand {
  /** Words as written, quotes removed. */
  words: string[];
  /** The operator that joined this command to the previous one ('' for the first). */
  after: string;
}

export function splitCommands(script: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let after = '';
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (op: string): void => {
    endWord();
    if (words.length > 0) {
      commands.push({ words, after });
      words = [];
      after = op;
    } else if (commands.length > 0 && after !== '|') {
      // Operators with no command between them (`a | (b)`, `a;\n b`): a pipe is the one to keep.
      after = op;
    }
  };

  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      word += script.slice(i + 1, close < 0 ? undefined : close);
      inWord = true;
      i = close < 0 ? script.length : close;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < script.length && script[i] !== '"'; i++) {
        if (script[i] === '\\' && i + 1 < script.length) i++;
        word += script[i];
      }
    } else if (c === '\\' && i + 1 < script.length) {
      word += script[++i];
      inWord = true;
    } else if (c === '#' && !inWord) {
      // A comment runs to the end of the line; the builder has already joined continuations.
      const nl = script.indexOf('\n', i);
      i = nl < 0 ? script.length : nl - 1;
    } else if (c === '&' && (script[i - 1] === '>' || script[i - 1] === '<' || script[i + 1] === '>')) {
      // `2>&1`, `>&2`, `&>file` are redirections, not background operators.
      word += c;
      inWord = true;
    } else if (c === '&' || c === '|') {
      const two = script.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === '|&') {
        endCommand(two === '|&' ? '|' : two);
        i++;
      } else {
        endCommand(c);
      }
    } else if (c === ';' || c === '\n' || c === '(' || c === ')') {
      endCommand(';');
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand('');
  return commands;
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
