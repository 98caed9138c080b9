// Values that break naive quoting. Shared by unit and e2e tests: every place a user value can land
// must either carry each of these through literally or refuse it with a clear error.

export interface HostileValue {
  /** Short label for test titles. */
  name: string;
  value: string;
}

export const HOSTILE: readonly HostileValue[] = [
  { name: 'empty string', value: '' },
  { name: 'plain word', value: 'hello' },
  { name: 'single quote', value: "it's" },
  { name: 'lone single quote', value: "'" },
  { name: 'adjacent single quotes', value: "''" },
  { name: 'double quote', value: 'say "hi"' },
  { name: 'lone double quote', value: '"' },
  { name: 'mixed quotes', value: `'"'"'` },
  { name: 'command substitution', value: '$(id)' },
  { name: 'backticks', value: '`id`' },
  { name: 'braced variable', value: '${HOME}' },
  { name: 'variable', value: '$HOME' },
  { name: 'lone dollar', value: '$' },
  { name: 'trailing dollar', value: 'cost: 5$' },
  { name: 'default expansion', value: '${X:-evil}' },
  { name: 'arithmetic', value: '$((1+1))' },
  { name: 'backslashes', value: 'C:\\Users\\me\\n' },
  { name: 'trailing backslash', value: 'ends with \\' },
  { name: 'double backslash', value: '\\\\' },
  { name: 'backslash quote', value: '\\"\\\'' },
  { name: 'backslash dollar', value: '\\$HOME' },
  { name: 'newline', value: 'line1\nline2' },
  { name: 'trailing newline', value: 'line\n' },
  { name: 'carriage return', value: 'a\rb' },
  { name: 'CRLF', value: 'a\r\nb' },
  { name: 'tab', value: 'a\tb' },
  { name: 'escape char', value: 'a\x1b[31mred' },
  { name: 'DEL', value: 'a\x7fb' },
  { name: 'percent', value: '100%' },
  { name: 'supervisord expansion', value: '%(ENV_HOME)s' },
  { name: 'hash', value: 'a #comment' },
  { name: 'leading hash', value: '#not a comment' },
  { name: 'semicolon', value: 'a; rm -rf /' },
  { name: 'and-and', value: 'true && false' },
  { name: 'pipe', value: 'a | b' },
  { name: 'redirect', value: '> /etc/passwd' },
  { name: 'glob star', value: '*' },
  { name: 'glob question', value: '?' },
  { name: 'glob class', value: '[a-z]*' },
  { name: 'brace expansion', value: '{a,b}' },
  { name: 'tilde', value: '~' },
  { name: 'tilde path', value: '~root/x' },
  { name: 'history bang', value: '!!' },
  { name: 'leading dash', value: '-n' },
  { name: 'leading double dash', value: '--help' },
  { name: 'assignment-like', value: 'PATH=/tmp' },
  { name: 'leading and trailing spaces', value: '  padded  ' },
  { name: 'only spaces', value: '   ' },
  { name: 'chinese', value: '中文字符' },
  { name: 'emoji', value: 'émoji 🚀' },
  { name: 'rtl', value: 'שלום עולם مرحبا' },
  { name: 'combining and zero-width', value: 'e\u0301\u200b\u200d' },
  { name: 'line separator', value: 'a\u2028b\u2029c' },
  { name: 'NEL and C1', value: 'a\u0085b\u009bc' },
  { name: 'BOM', value: '\ufeffbom' },
  { name: 'yaml-looking', value: 'key: [1, {a: b}] # c' },
  { name: 'yaml booleans', value: 'yes' },
  { name: 'json-looking', value: '{"a": [1, "\\u0000"]}' },
  { name: 'nginx block', value: '}; server { listen 1' },
  { name: 'apache variable', value: '${APACHE_RUN_USER}' },
  { name: 'long', value: 'x'.repeat(1000) + "'\"$`\\" + 'y'.repeat(995) },
];

/** NUL cannot exist in argv or env: expect rejection wherever a value reaches a process. */
export const NUL_VALUE: HostileValue = { name: 'NUL', value: 'before\u0000after' };

/** Not encodable as UTF-8: expect rejection wherever a value is written to a text file. */
export const LONE_SURROGATE_VALUE: HostileValue = { name: 'lone surrogate', value: 'a\ud800b' };

export const hasControl = (v: string): boolean => /[\x00-\x1f\x7f]/.test(v);
