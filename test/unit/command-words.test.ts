// A `command` answer is read as sh reads a simple command's words; what only a shell would do is refused.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { checkArgv, commandWords } from '../../src/core/command-words.js';
import { shCommand } from '../../src/core/escape.js';

describe('commandWords', () => {
  const words: Array<[string, string[]]> = [
    ['sh -c "echo hello world"', ['sh', '-c', 'echo hello world']],
    ["sh -c 'echo $HOME | tr a-z A-Z'", ['sh', '-c', 'echo $HOME | tr a-z A-Z']],
    ['node server.js --port=8080', ['node', 'server.js', '--port=8080']],
    ['  python3   -m  http.server  ', ['python3', '-m', 'http.server']],
    ['printf "%s\\n" "it\'s" a\\ b \'\'', ['printf', '%s\\n', "it's", 'a b', '']],
    ['echo "a \\"quoted\\" \\$word"', ['echo', 'a "quoted" $word']],
  ];
  it.each(words)('%s', async (text, argv) => {
    expect(commandWords(text)).toEqual({ words: argv });
    // the same words as sh itself makes of the text
    const r = await execa('sh', ['-c', `set -- ${text}; for w; do printf '%s\\0' "$w"; done`]);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(argv);
    // and quoting them back for a shell gives the same words again
    expect(commandWords(shCommand(argv))).toEqual({ words: argv });
  });

  const refused: Array<[string, RegExp]> = [
    ['sh -c "echo', /unterminated double quote/],
    ["sh -c 'echo", /unterminated single quote/],
    ['node $APP', /variable \(\$APP\).*sh -c/],
    ['echo "$HOME"', /variable \(\$HOME\)/],
    ['echo $(id)', /command substitution \(\$\(\.\.\.\)\)/],
    ['echo `id`', /command substitution \(`\.\.\.`\)/],
    ['a | b', /shell operator \(\|\)/],
    ['a && b', /shell operator \(&&\)/],
    ['a > out', /shell operator \(>\)/],
    ['ls *.js', /glob \(\*\.js\)/],
    ['run # note', /comment/],
    ['trailing \\', /backslash/],
  ];
  it.each(refused)('refuses %s', (text, why) => {
    const r = commandWords(text);
    expect(r.error).toMatch(why);
  });
});

describe('checkArgv: a HEALTHCHECK in exec form', () => {
  it('one plain command runs without a shell', () => {
    expect(checkArgv('curl -fsS -o /dev/null http://127.0.0.1:8080/')).toEqual(['curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8080/']);
    expect(checkArgv('/usr/local/bin/lnmp-healthcheck')).toEqual(['/usr/local/bin/lnmp-healthcheck']);
    expect(checkArgv(`python3 -c 'import sys; sys.exit(0)'`)).toEqual(['python3', '-c', 'import sys; sys.exit(0)']);
  });
  it('a pipe, a list or a variable keeps the shell', () => {
    expect(checkArgv('redis-cli -p 6379 ping | grep -q PONG')).toEqual(['/bin/sh', '-c', 'redis-cli -p 6379 ping | grep -q PONG']);
    expect(checkArgv('test -f /tmp/ready && echo $HOME')).toEqual(['/bin/sh', '-c', 'test -f /tmp/ready && echo $HOME']);
  });
});
