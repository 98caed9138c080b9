// Escaping is proven by execution or by a real parser where one is at hand (sh, dash, bash, yaml,
// JSON, Python's configparser for supervisord), and by small reference parsers written from the
// tools' sources otherwise (Dockerfile double quotes, nginx and httpd quoted arguments).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  EscapeError,
  apacheString,
  canDockerfile,
  confValue,
  dockerfileJsonArray,
  dockerfileValue,
  jsonString,
  nginxString,
  sh,
  shCommand,
  supervisordCommand,
  supervisordValue,
  yamlString,
} from '../../src/core/escape.js';
import { CreateImageError } from '../../src/core/errors.js';
import { lintDockerfile } from '../../src/lint/dockerfile.js';
import { HOSTILE, LONE_SURROGATE_VALUE, NUL_VALUE, hasControl } from '../helpers/hostile.js';

const cases = HOSTILE.map((h) => [h.name, h.value] as const);

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (dir && existsSync(`${dir}/${cmd}`)) return `${dir}/${cmd}`;
  }
  return undefined;
}

function thrown(fn: () => unknown): EscapeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EscapeError) return e;
    throw e;
  }
  throw new Error('expected an EscapeError');
}

describe('EscapeError', () => {
  it('is a CreateImageError with a truncated value, the place, and a readable message', () => {
    const e = thrown(() => dockerfileValue(`${'v'.repeat(100)}\n`));
    expect(e).toBeInstanceOf(CreateImageError);
    expect(e).toBeInstanceOf(Error);
    expect(e.exitCode).toBe(2);
    expect(e.where).toBe('a Dockerfile value');
    expect(e.value.length).toBeLessThanOrEqual(61);
    expect(e.message).toMatch(/^cannot write "v+…" into a Dockerfile value: newlines/);
  });

  it('shows invisible characters escaped in the message', () => {
    expect(thrown(() => sh(NUL_VALUE.value)).message).toContain('"before\\u0000after"');
  });
});

// ---------------------------------------------------------------------------------------------

const shells = ['/bin/sh', which('dash'), which('bash'), which('busybox') && 'busybox'].filter((s): s is string => !!s);

function runShell(shell: string, script: string): Buffer {
  const [file, args] = shell === 'busybox' ? ['busybox', ['sh', '-c', script]] : [shell, ['-c', script]];
  return execFileSync(file, args as string[], { env: { PATH: process.env.PATH, HOME: '/nonexistent-home' } });
}

describe('sh', () => {
  it('quotes the POSIX way', () => {
    expect(sh('')).toBe("''");
    expect(sh("a'b")).toBe(`'a'"'"'b'`);
    expect(sh('a b')).toBe("'a b'");
    // $, backquote and backslash sit in double quotes, escaped: shellcheck flags them in single quotes
    expect(sh('$(id)')).toBe(`"\\$"'(id)'`);
    expect(sh('a\\')).toBe(`'a'"\\\\"`);
    expect(sh('`id`')).toBe('"\\`"\'id\'"\\`"');
  });

  it('leaves words that need no quoting readable, but never a possible assignment or tilde', () => {
    expect(sh('node')).toBe('node');
    expect(sh('/usr/local/bin/app')).toBe('/usr/local/bin/app');
    expect(sh('--port=8080')).toBe('--port=8080');
    expect(sh('KEY=value')).toBe('KEY=value');
    expect(sh('PATH=/tmp', 'command')).toBe("'PATH=/tmp'");
    expect(sh('~')).toBe("'~'");
    expect(sh('')).toBe("''");
  });

  it('shCommand quotes a command word that would be an assignment, and nothing else that is safe', async () => {
    expect(shCommand(['PATH=/tmp', 'KEY=value', 'a b'])).toBe("'PATH=/tmp' KEY=value 'a b'");
    expect(shCommand(['docker', 'run', '-e', 'FTP_PASS_FILE=/run/secrets/ftp_pass', "it's"])).toBe(`docker run -e FTP_PASS_FILE=/run/secrets/ftp_pass 'it'"'"'s'`);
    // run by a real shell: the first word is looked up as a command, not taken as an assignment
    const r = await execa('sh', ['-c', `${shCommand(['X=1', 'y'])} 2>&1; echo "rc=$?"`], { reject: false });
    expect(r.stdout).toMatch(/X=1.*not found[\s\S]*rc=127/);
  });

  it.each(shells)('round-trips every hostile value through %s', (shell) => {
    for (const { name, value } of HOSTILE) {
      // As a command argument, and assigned to a variable then expanded in double quotes.
      // The two outputs are separated by a NUL, which no value can contain.
      const script = `printf %s ${sh(value)}; printf '\\000'; X=${sh(value)}; printf %s "$X"`;
      const out = runShell(shell, script);
      const expected = Buffer.concat([Buffer.from(value), Buffer.from([0]), Buffer.from(value)]);
      expect(out.equals(expected), `${shell}: ${name}: got ${JSON.stringify(out.toString())}`).toBe(true);
    }
  });

  it('round-trips all hostile values as one argv through set --', () => {
    const script = `set -- ${HOSTILE.map((h) => sh(h.value)).join(' ')}; for a do printf '%s\\000' "$a"; done`;
    const out = runShell('/bin/sh', script);
    expect(out.equals(Buffer.from(HOSTILE.map((h) => `${h.value}\0`).join('')))).toBe(true);
  });

  it('rejects NUL and lone surrogates', () => {
    expect(() => sh(NUL_VALUE.value)).toThrow(/NUL/);
    expect(() => sh(LONE_SURROGATE_VALUE.value)).toThrow(/surrogate/);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * Reference parser for one Dockerfile double-quoted word, from BuildKit's shell lexer
 * (frontend/dockerfile/shell/lex.go, processDoubleQuote): `\"`, `\\` and `\$` are escapes, any
 * other backslash stays, and an unescaped `$` starts a variable. Returns undefined when the word
 * would expand a variable, is not one closed double-quoted word, or is not on one line.
 */
function parseDockerfileQuoted(word: string): string | undefined {
  if (word[0] !== '"' || /[\n\r]/.test(word)) return undefined;
  let out = '';
  for (let i = 1; i < word.length; i++) {
    const c = word[i]!;
    if (c === '"') return i === word.length - 1 ? out : undefined;
    if (c === '$') return undefined; // $VAR / ${VAR} would expand
    if (c === '\\' && i + 1 < word.length && '"$\\'.includes(word[i + 1]!)) {
      out += word[++i];
    } else {
      out += c;
    }
  }
  return undefined; // unterminated
}

describe('dockerfileValue', () => {
  it('reference parser sanity: unescaped $ expands, other backslashes stay', () => {
    expect(parseDockerfileQuoted('"$HOME"')).toBeUndefined();
    expect(parseDockerfileQuoted('"a\\nb"')).toBe('a\\nb');
    expect(parseDockerfileQuoted('"a\\"b"')).toBe('a"b');
    expect(parseDockerfileQuoted('"a"b"')).toBeUndefined();
  });

  it.each(cases.filter(([, v]) => !hasControl(v)))('round-trips %s', (_name, value) => {
    // Docker reads them all; canDockerfile says which the Dockerfile lint reads too (the others go to
    // the entrypoint): checked against the lint itself
    const lintClean = lintDockerfile(`FROM debian:bookworm-slim\nENV X=${dockerfileValue(value)}\n`).filter((f) => f.severity === 'error').length === 0;
    expect(canDockerfile(value)).toBe(lintClean);
    const word = dockerfileValue(value);
    expect(parseDockerfileQuoted(word)).toBe(value);
  });

  it.each(cases.filter(([, v]) => hasControl(v)))('refuses %s (control characters)', (_name, value) => {
    expect(canDockerfile(value)).toBe(false);
    expect(() => dockerfileValue(value)).toThrow(EscapeError);
  });

  it('refuses newlines with a message saying why', () => {
    expect(() => dockerfileValue('a\nb')).toThrow(/newlines and other control characters cannot be written in a Dockerfile/);
    expect(canDockerfile(NUL_VALUE.value)).toBe(false);
    expect(canDockerfile(LONE_SURROGATE_VALUE.value)).toBe(false);
    expect(() => dockerfileValue(LONE_SURROGATE_VALUE.value)).toThrow(EscapeError);
  });

  it('keeps non-ASCII as is', () => {
    expect(dockerfileValue('中文 🚀')).toBe('"中文 🚀"');
  });
});

describe('dockerfileJsonArray', () => {
  it('is valid JSON on one line that decodes to the same argv, non-ASCII kept as is', () => {
    const args = HOSTILE.map((h) => h.value);
    const text = dockerfileJsonArray(args);
    expect(text).not.toMatch(/[\n\r]/);
    expect(text.startsWith('[') && text.endsWith(']')).toBe(true);
    expect(JSON.parse(text)).toEqual(args);
    expect(text).toContain('中文字符');
    expect(text).toContain('🚀');
  });

  it('handles empty and simple arrays', () => {
    expect(dockerfileJsonArray([])).toBe('[]');
    expect(dockerfileJsonArray(['node', 'server.js'])).toBe('["node", "server.js"]');
    // No shell in exec form: "$HOME" reaches the program as those five characters.
    expect(JSON.parse(dockerfileJsonArray(['echo', '$HOME']))).toEqual(['echo', '$HOME']);
  });

  it('rejects NUL (argv cannot hold it) and lone surrogates', () => {
    expect(() => dockerfileJsonArray(['ok', NUL_VALUE.value])).toThrow(/NUL/);
    expect(() => dockerfileJsonArray([LONE_SURROGATE_VALUE.value])).toThrow(EscapeError);
  });
});

// ---------------------------------------------------------------------------------------------

describe('yamlString', () => {
  const all = [...cases, [NUL_VALUE.name, NUL_VALUE.value] as const];

  it.each(all)('round-trips %s through the yaml package (1.2 and 1.1), as scalar and map value', (_name, value) => {
    const text = yamlString(value);
    expect(text).not.toMatch(/[\n\r\t]/);
    expect(parseYaml(text)).toBe(value);
    expect(parseYaml(text, { version: '1.1' })).toBe(value);
    expect(parseYaml(`env:\n  KEY: ${text}\nnext: 1\n`)).toEqual({ env: { KEY: value }, next: 1 });
    expect(parseYaml(`- ${text}\n- ${text}\n`)).toEqual([value, value]);
  });

  it('round-trips every BMP code point and some astral ones', () => {
    let s = '';
    for (let cp = 0; cp <= 0xffff; cp++) if (cp < 0xd800 || cp > 0xdfff) s += String.fromCharCode(cp);
    s += '\u{1F680}\u{10FFFF}\u{20000}';
    expect(parseYaml(yamlString(s))).toBe(s);
  });

  it('uses readable escapes and keeps non-ASCII text', () => {
    expect(yamlString('a"b\\c\n\t')).toBe('"a\\"b\\\\c\\n\\t"');
    expect(yamlString('中文 🚀')).toBe('"中文 🚀"');
    expect(yamlString('\x01\x7f\u0085\u2028')).toBe('"\\x01\\x7f\\x85\\u2028"');
  });

  it('rejects lone surrogates', () => {
    expect(() => yamlString(LONE_SURROGATE_VALUE.value)).toThrow(/surrogate/);
  });
});

describe('jsonString', () => {
  it.each([...cases, [NUL_VALUE.name, NUL_VALUE.value] as const, [LONE_SURROGATE_VALUE.name, LONE_SURROGATE_VALUE.value] as const])(
    'round-trips %s',
    (_name, value) => {
      expect(JSON.parse(jsonString(value))).toBe(value);
      expect(jsonString(value)).not.toMatch(/[\n\r]/);
    },
  );
});

// ---------------------------------------------------------------------------------------------

describe('confValue', () => {
  const ok = (v: string) => !/[\n\r\0]/.test(v) && !/[\x00-\x08\x0a-\x1f\x7f]/.test(v) && !/^\s|\s$/.test(v);

  it.each(cases.filter(([, v]) => ok(v)))('passes %s through unchanged', (_name, value) => {
    expect(confValue(value)).toBe(value);
  });

  it.each(cases.filter(([, v]) => !ok(v)))('refuses %s', (_name, value) => {
    expect(() => confValue(value)).toThrow(EscapeError);
  });

  it('says why, naming the file', () => {
    expect(() => confValue('a\nb', { where: 'vsftpd.conf' })).toThrow(/into vsftpd.conf: a config value must be a single line/);
    expect(() => confValue('a\rb')).toThrow(/single line/);
    expect(() => confValue(NUL_VALUE.value)).toThrow(/NUL/);
    expect(() => confValue(' x')).toThrow(/whitespace would be trimmed/);
  });

  it('applies `forbid`, also with a global regex used twice', () => {
    const forbid = /[,]/g;
    expect(() => confValue('a,b', { forbid })).toThrow(/"," is not allowed here/);
    expect(() => confValue('c,d', { forbid })).toThrow(/"," is not allowed here/);
    expect(confValue('ab', { forbid })).toBe('ab');
  });
});

const python = which('python3');

describe('supervisordValue', () => {
  it('doubles % and refuses inline-comment starts', () => {
    expect(supervisordValue('100%')).toBe('100%%');
    expect(supervisordValue('%(ENV_HOME)s')).toBe('%%(ENV_HOME)s');
    expect(supervisordValue('a;b#c')).toBe('a;b#c');
    expect(() => supervisordValue('a ;comment')).toThrow(/" ;" is not allowed/);
    expect(() => supervisordValue('a #comment')).toThrow(EscapeError);
    expect(() => supervisordValue('a\nb')).toThrow(/supervisord.conf/);
  });

  // supervisord reads its file with RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
  // and then expands each value with Python %-formatting against ENV_* and friends.
  it.skipIf(!python)("round-trips accepted values through Python's configparser and %-expansion", () => {
    const accepted = HOSTILE.filter((h) => {
      try {
        supervisordValue(h.value);
        return true;
      } catch {
        return false;
      }
    });
    expect(accepted.length).toBeGreaterThan(30);
    const ini = `[program:x]\n${accepted.map((h, i) => `v${i}=${supervisordValue(h.value)}`).join('\n')}\n`;
    const script = [
      'import configparser, json, sys',
      "p = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)",
      'p.read_string(sys.stdin.read())',
      "env = {'ENV_HOME': '/root', 'program_name': 'x'}",
      "print(json.dumps([p.get('program:x', 'v%d' % i) % env for i in range(len(p.options('program:x')))]))",
    ].join('\n');
    const res = spawnSync(python!, ['-c', script], { input: ini, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(JSON.parse(res.stdout)).toEqual(accepted.map((h) => h.value));
  });
  // supervisord then splits command= with shlex.split (POSIX mode)
  it.skipIf(!python)('supervisordCommand: argv survives configparser, %-expansion and shlex.split', () => {
    const argv = ['nginx', '-g', 'daemon off;', '', 'say "hi" \\ there', '--opt=a,b', "it's", '100%'];
    const line = supervisordCommand(argv);
    expect(line).toBe('nginx -g "daemon off;" "" "say \\"hi\\" \\\\ there" --opt=a,b "it\'s" 100%%');
    const script = [
      'import configparser, json, shlex, sys',
      "p = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)",
      'p.read_string(sys.stdin.read())',
      "print(json.dumps(shlex.split(p.get('program:x', 'command') % {})))",
    ].join('\n');
    const res = spawnSync(python!, ['-c', script], { input: `[program:x]\ncommand=${line}\n`, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(JSON.parse(res.stdout)).toEqual(argv);
  });
});

// ---------------------------------------------------------------------------------------------

/** nginx's ngx_conf_read_token inside double quotes: `\"` `\'` `\\` `\t` `\r` `\n` unescape, other `\x` stay. */
function parseNginxQuoted(word: string): string | undefined {
  if (word[0] !== '"') return undefined;
  let out = '';
  const map: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n' };
  for (let i = 1; i < word.length; i++) {
    const c = word[i]!;
    if (c === '"') return i === word.length - 1 ? out : undefined;
    if (c === '\\' && i + 1 < word.length) {
      const next = word[++i]!;
      out += map[next] ?? `\\${next}`;
    } else out += c;
  }
  return undefined;
}

/** httpd's ap_getword_conf + substring_conf: inside quotes `\"` and `\\` unescape, other `\x` stay. */
function parseApacheQuoted(word: string): string | undefined {
  if (word[0] !== '"') return undefined;
  let end = 1;
  while (end < word.length && word[end] !== '"') end += word[end] === '\\' && (word[end + 1] === '"' || word[end + 1] === '\\') ? 2 : 1;
  if (end !== word.length - 1) return undefined;
  let out = '';
  for (let i = 1; i < end; i++) {
    if (word[i] === '\\' && (word[i + 1] === '\\' || word[i + 1] === '"')) out += word[++i];
    else out += word[i];
  }
  return out;
}

describe('nginxString', () => {
  const accepted = (v: string) => !/[\x00-\x08\x0a-\x1f\x7f]/.test(v) && !v.includes('$');

  it.each(cases.filter(([, v]) => accepted(v)))('round-trips %s', (_name, value) => {
    expect(parseNginxQuoted(nginxString(value))).toBe(value);
  });

  it.each(cases.filter(([, v]) => !accepted(v)))('refuses %s', (_name, value) => {
    expect(() => nginxString(value)).toThrow(EscapeError);
  });

  it('explains why $ and newlines are refused', () => {
    expect(() => nginxString('$host')).toThrow(/nginx expands "\$" as a variable/);
    expect(() => nginxString('a\nb')).toThrow(/newlines/);
    expect(nginxString('a"b\\')).toBe('"a\\"b\\\\"');
  });
});

describe('apacheString', () => {
  const accepted = (v: string) => !/[\x00-\x08\x0a-\x1f\x7f]/.test(v) && !v.includes('${');

  it.each(cases.filter(([, v]) => accepted(v)))('round-trips %s', (_name, value) => {
    expect(parseApacheQuoted(apacheString(value))).toBe(value);
  });

  it.each(cases.filter(([, v]) => !accepted(v)))('refuses %s', (_name, value) => {
    expect(() => apacheString(value)).toThrow(EscapeError);
  });

  it('explains why ${...} and newlines are refused, and allows a plain $', () => {
    expect(() => apacheString('${APACHE_LOG_DIR}')).toThrow(/httpd replaces "\$\{...\}"/);
    expect(() => apacheString('a\nb')).toThrow(/newlines/);
    expect(apacheString('$1 \\"')).toBe('"$1 \\\\\\""');
  });
});
