// The lint's view of a Dockerfile, read by dockerfile-ast (the parser dockerfile-utils validates
// with): logical instructions with the line they start on, the parser directives and the comments.

import { DockerfileParser, type Instruction as Node, type ModifiableInstruction, type Onbuild, type Run } from 'dockerfile-ast';

export interface Instruction {
  /** Upper-cased keyword: instructions are case-insensitive. */
  keyword: string;
  /** Everything after the keyword (flags first, as `--name=value`), continuation lines joined the way the builder joins them. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
  /** dockerfile-ast's instruction, for its flags, properties and image reference. */
  node: Node;
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

export function parseDockerfile(text: string): ParsedDockerfile {
  // The builder drops every line whose first non-blank is `#`, also inside a continued instruction.
  // dockerfile-ast's getArgumentsContent keeps such a line when it is indented (its arguments skip
  // it): without the indent it reads the same comment, on the same line, and drops it too.
  const ast = DockerfileParser.parse(text.replace(/^[ \t]+(?=#)/gm, ''));
  return {
    directives: ast.getDirectives().map((d) => ({ name: d.getName().toLowerCase(), value: d.getValue(), line: d.getRange().start.line + 1 })),
    escape: ast.getEscapeCharacter(),
    instructions: ast.getInstructions().map((node) => instruction(node, node.getRange().start.line + 1)),
    comments: ast.getComments().map((c) => ({ text: c.getContent(), line: c.getRange().start.line + 1 })),
  };
}

function instruction(node: Node, line: number): Instruction {
  const flags = 'getFlags' in node ? (node as ModifiableInstruction).getFlags().map(String) : [];
  return { keyword: node.getKeyword(), args: [...flags, node.getArgumentsContent() ?? ''].join(' ').trim(), line, node };
}

/** The instruction an `ONBUILD` runs in a child image (at the ONBUILD's line), or null for a bare ONBUILD. */
export function onbuildTrigger(ins: Instruction): Instruction | null {
  const trigger = (ins.node as Onbuild).getTriggerInstruction();
  return trigger ? instruction(trigger, ins.line) : null;
}

/** The arguments after the leading `--flag[=value]` options of RUN/COPY/ADD/FROM. */
export function argsAfterFlags(ins: Instruction): string {
  return ins.node.getArgumentsContent() ?? '';
}

/**
 * The shell script of a RUN: its arguments, or with `RUN <<EOF` alone the here-document's body.
 * Other here-documents are data (a file's content), not commands: only the command line counts.
 */
export function runScript(ins: Instruction): string {
  const script = argsAfterFlags(ins);
  const heredocs = (ins.node as Run).getHeredocs();
  if (heredocs.length === 0) return script;
  const commandLine = script.split('\n', 1)[0]!;
  const range = heredocs.length === 1 && /^<<-?(["']?)[^\s"']+\1$/.test(commandLine.trim()) ? heredocs[0]!.getContentRange() : null;
  if (!range) return commandLine;
  const first = ins.node.getRange().start.line;
  return ins.node.getTextContent().split(/\r?\n/).slice(range.start.line - first, range.end.line - first + 1).join('\n');
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
