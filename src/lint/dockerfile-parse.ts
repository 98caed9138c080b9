// A small Dockerfile reader for our own lint rules. dockerfile-utils has a full AST, but its parser
// (dockerfile-ast) is not a direct dependency, and the rules only need logical instructions with
// the line they start on, the parser directives and the comments.

export interface Instruction {
  /** Upper-cased keyword: instructions are case-insensitive. */
  keyword: string;
  /** Everything after the keyword, continuation lines joined the way the builder joins them. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

export interface Directive {
  name: string;
  value: string;
  line: number;
}

export interface Comment {
  /** Text after the leading `#`, trimmed. */
  text: string;
  line: number;
}

export interface ParsedDockerfile {
  directives: Directive[];
  /** The line-continuation character: `\` unless `# escape=` says otherwise. */
  escape: string;
  instructions: Instruction[];
  comments: Comment[];
}

// The directives the builder knows. An unknown one is a plain comment and ends the directive block.
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const DIRECTIVE = /^\s*#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$/;

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split(/\r?\n/);
  const directives: Directive[] = [];
  const comments: Comment[] = [];
  let escape = '\\';

  // Parser directives: only at the very top, before any comment, blank line or instruction.
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!);
    const name = m?.[1]!.toLowerCase();
    if (!m || !name || !KNOWN_DIRECTIVES.has(name) || directives.some((d) => d.name === name)) break;
    directives.push({ name, value: m[2]!, line: i + 1 });
    if (name === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }

  const instructions: Instruction[] = [];
  let parts: string[] | null = null;
  let start = 0;
  const finish = (): void => {
    const joined = parts!.join('');
    const m = /^(\S+)\s*([\s\S]*)$/.exec(joined);
    if (m) instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start });
    parts = null;
  };

  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    // Comment lines are dropped even in the middle of a continued instruction; so are blank ones.
    if (trimmed.startsWith('#')) {
      comments.push({ text: trimmed.slice(1).trim(), line: i + 1 });
      continue;
    }
    if (trimmed === '') continue;
    if (parts === null) {
      parts = [];
      start = i + 1;
    }
    const body = parts.length === 0 ? line.trimStart() : line;
    const end = body.trimEnd();
    if (end.endsWith(escape)) {
      parts.push(end.slice(0, -1));
    } else {
      parts.push(body);
      finish();
    }
  }
  if (parts !== null) finish();
  return { directives, escape, instructions, comments };
}

/**
 * Splits `KEY=value other="two words"` (ENV, ARG, LABEL) into words with quotes removed.
 * The escape character keeps the next character literally, as the builder does outside single quotes.
 */
export function splitWords(args: string, escape = '\\'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === escape && quote === '"' && i + 1 < args.length) word += args[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === escape && i + 1 < args.length) {
      word += args[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** `KEY=value` pairs of ENV/ARG/LABEL, including the legacy `ENV KEY value with spaces` form. */
export function keyValues(keyword: string, args: string, escape = '\\'): { key: string; value: string | undefined }[] {
  const words = splitWords(args, escape);
  if (keyword === 'ENV' && words.length > 0 && !words[0]!.includes('=')) {
    return [{ key: words[0]!, value: words.slice(1).join(' ') }];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? { key: w, value: undefined } : { key: w.slice(0, eq), value: w.slice(eq + 1) };
  });
}

/** Leading `--flag[=value]` options of RUN/COPY/ADD/FROM, and the rest of the arguments. */
export function splitFlags(args: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let rest = args.trimStart();
  for (let m = /^--\S*\s*/.exec(rest); m; m = /^--\S*\s*/.exec(rest)) {
    flags.push(m[0].trim());
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** Parses a JSON (exec) form argument list, or returns null when it is shell form. */
export function execForm(args: string): string[] | null {
  if (!args.trimStart().startsWith('[')) return null;
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
  } catch {
    return null;
  }
}

/**
 * Expands `$NAME`, `${NAME}`, `${NAME:-word}` / `${NAME-word}` from `vars`. Names with no value are
 * returned in `missing` so a rule can say which ARG lacks a default.
 */
export function substitute(text: string, vars: ReadonlyMap<string, string>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_all, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      const v = vars.get(name);
      const set = v !== undefined && (v !== '' || !op?.startsWith(':'));
      if (op?.endsWith('+')) return set ? (word ?? '') : '';
      if (set) return v;
      if (op?.endsWith('-')) return word ?? '';
      missing.push(name);
      return '';
    },
  );
  return { value, missing };
}
