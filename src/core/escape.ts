// Escaping for the place a value lands. The rule: a value arrives byte-for-byte as the user gave it,
// or we refuse with an EscapeError naming the place; we never silently drop or change characters.
// Each function knows one syntax; templates pick the one matching where they put the value.
import { CreateImageError } from './errors.js';

/** A value that cannot be represented where it was going to be written. */
export class EscapeError extends CreateImageError {
  // Exit 2 like UsageError: the value nearly always comes from a flag or answer.
  override readonly exitCode = 2;
  /** The offending value, truncated for messages and logs. */
  readonly value: string;
  /** Where it was going: "a Dockerfile value", "nginx.conf"... */
  readonly where: string;
  /** The whole value, to tell which answer it came from. */
  readonly whole: string;
  constructor(value: string, where: string, reason: string) {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    // JSON.stringify shows newlines, NULs and other invisible characters as escapes.
    super(`cannot write ${JSON.stringify(shown)} into ${where}: ${reason}`);
    this.name = 'EscapeError';
    this.value = shown;
    this.where = where;
    this.whole = value;
  }
}

// A lone UTF-16 surrogate cannot be encoded as UTF-8: writing the file would replace it with U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function assertText(value: string, where: string): void {
  if (LONE_SURROGATE.test(value)) throw new EscapeError(value, where, 'it contains an unpaired UTF-16 surrogate, which UTF-8 cannot encode');
}

/** Every C0 control character except TAB, and DEL. */
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_TAB = /[\x00-\x08\x0a-\x1f\x7f]/;

// ---------------------------------------------------------------------------------------------
// POSIX shell
// ---------------------------------------------------------------------------------------------

// Words made only of these need no quoting in any POSIX shell as an argument or a value: no
// expansion, globbing, tilde, brace or comment character. "=" is among them so `-e KEY=value` stays
// readable; in the command position it could make a word an assignment, so there it is quoted.
const SH_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Runs of the characters `sh` writes in double quotes (a capture group, so `split` keeps them). */
const SH_DOUBLE_QUOTED = /([$`'\\]+)/;

/**
 * The one shell-quoting function: a word that expands to exactly `value` (sh, dash, bash, ash, zsh in
 * sh mode). Bare when safe; else single-quoted runs, which keep everything literal, newlines included,
 * joined to double-quoted runs of the four characters single quotes cannot hold cleanly: `'` itself,
 * and `$`, `` ` `` and `\` (escaped), which shellcheck would flag inside single quotes (SC2016, SC1003)
 * in a generated script. Double quotes never hold `!`, so interactive bash expands no history.
 * Every command the tool prints or writes is built from argv with it.
 */
export function sh(value: string, position: 'argument' | 'command' = 'argument'): string {
  assertText(value, 'a shell word');
  if (value.includes('\0')) throw new EscapeError(value, 'a shell word', 'shell strings cannot contain a NUL character');
  // a value opening with = would read as == after an assignment's own = (shellcheck SC1097): quoted, as an argument it means the same
  if (SH_SAFE.test(value) && !value.startsWith('=') && !(position === 'command' && value.includes('='))) return value;
  if (value === '') return "''";
  return value
    .split(SH_DOUBLE_QUOTED)
    .filter((run) => run !== '')
    .map((run) => (SH_DOUBLE_QUOTED.test(run) ? `"${run.replace(/[$`\\]/g, (c) => `\\${c}`)}"` : `'${run}'`))
    .join('');
}

/** A command line from argv, each word quoted by `sh` (the first as the command: never an assignment). */
export function shCommand(argv: readonly string[]): string {
  return argv.map((word, i) => sh(word, i === 0 ? 'command' : 'argument')).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------------

// Dockerfile instructions are single logical lines: there is no escape for a newline inside a
// value, and control characters are either line breaks or invisible traps. Such values go
// through the entrypoint or a config file instead (the caller checks canDockerfile first).
// eslint-disable-next-line no-control-regex
const DOCKERFILE_BAD = /[\x00-\x1f\x7f]/;

export function canDockerfile(value: string): boolean {
  return !DOCKERFILE_BAD.test(value) && !LONE_SURROGATE.test(value) && lintReadsEnvValue(value);
}

/**
 * Docker reads any value `dockerfileValue` writes, but the Dockerfile lint (dockerfile-utils) checks the
 * value *after* unquoting as if it were quoted again: one starting with `'` must end with `'`, one
 * starting with `"` must end with an unescaped `"`. Values it would report go to the entrypoint instead.
 */
function lintReadsEnvValue(value: string): boolean {
  if (value.startsWith("'")) return value.endsWith("'");
  if (!value.startsWith('"')) return true;
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '"' && i === value.length - 1) return true;
  }
  return false;
}

/**
 * A double-quoted word for `ENV K=…`, `LABEL k=…`, `ARG K=…` (always the `key=value` form).
 * Inside double quotes BuildKit and the classic builder both treat `\"`, `\\` and `\$` as escapes
 * and leave any other backslash as is; an unescaped `$` would expand a build variable.
 * Assumes the default escape character (no `# escape=` directive).
 */
export function dockerfileValue(value: string): string {
  assertText(value, 'a Dockerfile value');
  if (DOCKERFILE_BAD.test(value)) {
    throw new EscapeError(value, 'a Dockerfile value', 'newlines and other control characters cannot be written in a Dockerfile ENV/LABEL/ARG value');
  }
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/**
 * Exec (JSON) form for CMD, ENTRYPOINT, RUN and HEALTHCHECK CMD: no shell, no `$` expansion, and
 * JSON escapes carry newlines and quotes through to argv. JSON.stringify keeps non-ASCII as is and
 * never emits a raw newline, so the instruction stays on one line.
 */
export function dockerfileJsonArray(args: readonly string[]): string {
  for (const a of args) {
    assertText(a, 'a Dockerfile exec-form argument');
    if (a.includes('\0')) throw new EscapeError(a, 'a Dockerfile exec-form argument', 'command arguments cannot contain a NUL character');
  }
  // Separating with ", " matches how Dockerfiles are usually written; the parser does not care.
  return `[${args.map((a) => JSON.stringify(a)).join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------
// YAML and JSON
// ---------------------------------------------------------------------------------------------

const YAML_NAMED: Record<string, string> = { '\0': '\\0', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\x1b': '\\e', '\\': '\\\\', '"': '\\"' };

/**
 * A double-quoted YAML scalar (1.1 and 1.2) that parses back to exactly `value`. Everything YAML
 * could fold, strip or refuse is escaped: C0, DEL, C1 (incl. NEL), the Unicode line and paragraph
 * separators, BOM and the non-characters U+FFFE/U+FFFF. Other non-ASCII stays readable.
 */
export function yamlString(value: string): string {
  assertText(value, 'a YAML string');
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    const named = YAML_NAMED[ch];
    if (named !== undefined) out += named;
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || cp === 0xfffe || cp === 0xffff) out += `\\u${cp.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A JSON string literal. JSON can escape anything, including lone surrogates (as `\udXXX`). */
export function jsonString(value: string): string {
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// key=value config files
// ---------------------------------------------------------------------------------------------

export interface ConfOptions {
  /** Characters this particular file cannot hold (tested against the whole value). */
  forbid?: RegExp;
  /** Name of the file, for the error message. Default "a config file". */
  where?: string;
}

/**
 * A bare value for line-based `key=value` files (vsftpd.conf, supervisord.conf): these have no
 * quoting, so anything that would end the line or get trimmed is refused instead of escaped.
 */
export function confValue(value: string, options: ConfOptions = {}): string {
  const where = options.where ?? 'a config file';
  assertText(value, where);
  if (/[\n\r\0]/.test(value)) throw new EscapeError(value, where, 'a config value must be a single line without NUL');
  if (CONTROL_BUT_TAB.test(value)) throw new EscapeError(value, where, 'control characters are not allowed in a config value');
  // Most of these parsers strip whitespace around the value; it would not arrive as given.
  if (/^\s|\s$/.test(value)) throw new EscapeError(value, where, 'leading or trailing whitespace would be trimmed');
  if (options.forbid) {
    // A /g or /y regex keeps lastIndex between calls; copy it so test() always starts at 0.
    const forbid = new RegExp(options.forbid.source, options.forbid.flags.replace(/[gy]/g, ''));
    const m = forbid.exec(value);
    if (m) throw new EscapeError(value, where, `${JSON.stringify(m[0])} is not allowed here`);
  }
  return value;
}

/**
 * A value in supervisord.conf. supervisord expands `%(ENV_X)s` in most program fields (so `%` is
 * written `%%`), and its ini parser starts an inline comment at whitespace followed by `;` or `#`.
 * `command=` is then split like a shell line by supervisord: quote arguments for that separately.
 */
export function supervisordValue(value: string): string {
  confValue(value, { where: 'supervisord.conf', forbid: /\s[;#]/ });
  return value.replace(/%/g, '%%');
}

/**
 * supervisord's `command=`: split like a shell line (python's shlex), so a word that is not shell-safe
 * (the one safe set, SH_SAFE) is double-quoted with `"` and `\` escaped; then written as a supervisordValue.
 */
export function supervisordCommand(argv: readonly string[]): string {
  return argv.map((arg) => supervisordValue(SH_SAFE.test(arg) ? arg : `"${arg.replace(/(["\\])/g, '\\$1')}"`)).join(' ');
}

// ---------------------------------------------------------------------------------------------
// nginx and Apache httpd
// ---------------------------------------------------------------------------------------------

/**
 * A double-quoted nginx argument. nginx unescapes `\"` and `\\` inside quotes, but expands `$name`
 * in most directives and has no escape for `$`, so a `$` is refused rather than risk expansion.
 */
export function nginxString(value: string): string {
  assertText(value, 'nginx.conf');
  if (CONTROL_BUT_TAB.test(value)) throw new EscapeError(value, 'nginx.conf', 'newlines and control characters are not allowed in an nginx value');
  if (value.includes('$')) throw new EscapeError(value, 'nginx.conf', 'nginx expands "$" as a variable and has no way to escape it');
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A double-quoted httpd argument: httpd's config reader unescapes `\"` and `\\` inside quotes.
 * It also replaces `${NAME}` with a Define or env var everywhere, with no escape, so that is refused.
 */
export function apacheString(value: string): string {
  assertText(value, 'the Apache config');
  if (CONTROL_BUT_TAB.test(value)) throw new EscapeError(value, 'the Apache config', 'newlines and control characters are not allowed in an Apache value');
  if (value.includes('${')) throw new EscapeError(value, 'the Apache config', 'httpd replaces "${...}" with a variable and has no way to escape it');
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

// ---------------------------------------------------------------------------------------------
// crontab
// ---------------------------------------------------------------------------------------------

/**
 * The command field of a crontab entry. Vixie cron and cronie turn an unescaped `%` into a newline and
 * hand what follows to the command's stdin, so each `%` is written `\%` (pass `percent: false` for busybox
 * crond, which runs the text as it is: `it.os.crontab.percent` says which). The entry ends at the line's
 * end, so a line break cannot be written. Quote the command's words with `sh` or `shCommand` first: cron
 * runs the field with /bin/sh.
 */
export function crontabCommand(command: string, options: { percent?: boolean } = {}): string {
  assertText(command, 'a crontab command');
  if (/[\n\r\0]/.test(command)) throw new EscapeError(command, 'a crontab command', 'a crontab entry is one line: newlines cannot be written in it');
  return options.percent === false ? command : command.replace(/%/g, '\\%');
}
