// Where a template went wrong, in the recipe author's terms: file:line:column and eta's (or JavaScript's)
// reason, never the compiled function eta builds. Syntax errors are located in the template's own text;
// errors thrown while rendering carry eta's innermost `file:line` (an include names the included file).
import { Script } from 'node:vm';
import { RecipeError } from './errors.js';

export interface TemplateLocation {
  file: string;
  line: number;
  column?: number;
}

/** A template that does not compile; an include of it fails with this error as the cause. */
export class TemplateSyntaxError extends RecipeError {}

/** The error a template that does not compile becomes. `compiled` is eta's function body for it. */
export function templateSyntaxError(err: Error, source: string, file: string, compiled: () => string): TemplateSyntaxError {
  const msg = err.message;
  // eta's own parser: "unclosed tag at line 5 col 1:\n\n  <%~ it.x\n  ^"
  const own = /^(.*?) at line (\d+) col (\d+)/.exec(msg);
  if (own) return located(TemplateSyntaxError, own[1]!, { file, line: Number(own[2]), column: Number(own[3]) });
  // JavaScript refused the compiled code: "Bad template syntax\n\nUnexpected token 'catch'\n===..."
  const reason = /^Bad template syntax\s+([^\n]+)/.exec(msg)?.[1] ?? msg.split('\n')[0]!;
  const brace = unbalancedBrace(source);
  if (brace) return located(TemplateSyntaxError, `${brace.why} (${reason})`, { file, ...brace.at });
  const line = compiledErrorLine(compiled());
  const at = line ? { line, column: firstTagColumn(source, line) } : { line: 1 };
  return located(TemplateSyntaxError, reason, { file, ...at });
}

/**
 * The error one thrown while rendering becomes: eta prefixes the message with `file:line` and a few
 * lines of context for each template on the include chain; the innermost one is where it happened.
 */
export function templateRuntimeError(err: Error, fallbackFile: string): RecipeError {
  // An include that did not compile: its own error says where.
  for (let c: unknown = err; c instanceof Error; c = c.cause) if (c instanceof TemplateSyntaxError) return c;
  const msg = err.message;
  const heads = [...msg.matchAll(/^(?:(.+):(\d+)|line (\d+))\n(?: {4}| >> )\d+\|/gm)];
  const inner = heads.at(-1);
  const reason = msg.split('\n').filter(Boolean).pop() ?? msg;
  if (!inner) return new RecipeError(reason, fallbackFile);
  return located(RecipeError, reason, { file: inner[1] ?? fallbackFile, line: Number(inner[2] ?? inner[3]) });
}

function located<E extends RecipeError>(Kind: new (message: string, file?: string, line?: number) => E, message: string, at: TemplateLocation): E {
  const err = new Kind(message, at.file, at.line);
  if (at.column) err.message = `${at.file}:${at.line}:${at.column}: ${message}`;
  return err;
}

/** 1-based line and column of an offset in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/**
 * A `{` some `<% %>` tag opens and none closes (a missing `<% } %>`), or a `}` that closes nothing: the
 * usual cause of "Unexpected token 'catch'" or "Unexpected end of input" in the compiled code. Strings,
 * template literals and comments inside tags are skipped.
 */
export function unbalancedBrace(source: string): { why: string; at: { line: number; column: number } } | undefined {
  const open: number[] = [];
  for (const tag of source.matchAll(/<%([=~]?)([\s\S]*?)%>/g)) {
    const start = tag.index! + 2 + tag[1]!.length;
    const code = tag[2]!;
    for (let i = 0; i < code.length; i++) {
      const c = code[i]!;
      if (c === '"' || c === "'" || c === '`') {
        for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
      } else if (c === '/' && code[i + 1] === '/') {
        while (i < code.length && code[i] !== '\n') i++;
      } else if (c === '/' && code[i + 1] === '*') {
        const end = code.indexOf('*/', i + 2);
        i = end < 0 ? code.length : end + 1;
      } else if (c === '{') open.push(start + i);
      else if (c === '}') {
        if (!open.length) return { why: '"}" closes no block opened before it', at: position(source, start + i) };
        open.pop();
      }
    }
  }
  const last = open.at(-1);
  return last === undefined ? undefined : { why: '"{" opened here is never closed (a missing <% } %>?)', at: position(source, last) };
}

/** The template line of the statement JavaScript refused, from the `__eta.line=N` markers of eta's debug output. */
function compiledErrorLine(code: string): number | undefined {
  try {
    new Script(`(function (it, options) {\n${code}\n})`, { filename: 'template' });
    return undefined;
  } catch (e) {
    const at = Number(/^template:(\d+)/.exec((e as Error).stack ?? '')?.[1]);
    if (!at) return undefined;
    const lines = code.split('\n').slice(0, at - 1);
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = /^__eta\.line=(\d+)$/.exec(lines[i]!);
      if (m) return Number(m[1]);
    }
    return undefined;
  }
}

/** Column of the first `<%` tag on a line (1 when none). */
function firstTagColumn(source: string, line: number): number {
  const text = source.split('\n')[line - 1] ?? '';
  const i = text.indexOf('<%');
  return i < 0 ? 1 : i + 1;
}
