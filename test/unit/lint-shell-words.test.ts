// How RUN scripts and Dockerfile words are read: shell-quote, adapted where it reads differently from sh.
import { describe, expect, it } from 'vitest';
import { programOf, splitCommands, splitWords } from '../../src/lint/shell-words.js';

const cmds = (script: string): string[] => splitCommands(script).map((c) => `${c.after} ${c.words.join(' ')}`.trim());

describe('splitCommands', () => {
  it('splits on control operators and keeps the one before each command', () => {
    expect(cmds('a && b || c; d & e | f |& g')).toEqual(['a', '&& b', '|| c', '; d', '& e', '| f', '| g']);
    expect(cmds('(cd x && make) | tee log')).toEqual(['cd x', '&& make', '| tee log']);
    // no command between two operators: a pipe is the one kept
    expect(cmds('a | (b)')).toEqual(['a', '| b']);
  });

  it('removes quotes and keeps $NAME as written', () => {
    expect(splitCommands(`echo "a b" 'c d' e\\ f "$X" \${Y:-z} "$@" $?`)[0]!.words).toEqual(['echo', 'a b', 'c d', 'e f', '$X', '${Y:-z}', '$@', '$?']);
    expect(cmds("grep -E 'a|b' /etc/hosts")).toEqual(['grep -E a|b /etc/hosts']);
    // a glob stays a literal word
    expect(splitCommands('rm -rf /var/lib/apt/lists/*')[0]!.words).toEqual(['rm', '-rf', '/var/lib/apt/lists/*']);
  });

  it('drops redirections and their targets, which are not arguments', () => {
    expect(cmds('apt-get install -y curl >/dev/null 2>&1 | tee log')).toEqual(['apt-get install -y curl', '| tee log']);
    expect(cmds('>&2 echo hi &>/dev/null; cat <<EOF')).toEqual(['echo hi', '; cat']);
  });

  it('reads `#` inside a word as a letter, and a comment only to the end of its line', () => {
    expect(cmds('sed -i s#a#b# f && rm -rf /x')).toEqual(['sed -i s#a#b# f', '&& rm -rf /x']);
    expect(cmds('echo "x"#y z')).toEqual(['echo x#y z']);
    expect(cmds('a # comment && b\nc | d')).toEqual(['a', '; c', '| d']);
  });

  it('ends a command at a newline, except after a backslash or inside quotes', () => {
    expect(cmds('a\nb')).toEqual(['a', '; b']);
    expect(cmds('a |\n b')).toEqual(['a', '| b']);
    expect(cmds('apt-get install \\\n  curl')).toEqual(['apt-get install curl']);
    expect(splitCommands("echo 'x\ny' \"p\nq\" | tee")[0]!.words).toEqual(['echo', 'x\ny', 'p\nq']);
  });

  it('splits command substitutions off as commands of their own', () => {
    expect(cmds('x=$(apt-get install curl) y')).toEqual(['x=$', '; apt-get install curl', '; y']);
  });

  it('reads `${` with no `}` literally instead of failing', () => {
    expect(cmds('echo ${ && apt-get install x')).toEqual(['echo ${', '&& apt-get install x']);
  });
});

describe('splitWords (Dockerfile arguments)', () => {
  it('removes quotes and the escape character; `#` and operators are letters', () => {
    expect(splitWords('"/srv/my app" x\\ y a#b')).toEqual(['/srv/my app', 'x y', 'a#b']);
    expect(splitWords('"a`"b" c`d', '`')).toEqual(['a"b', 'cd']);
    expect(splitWords('${HOME}/x $UID # not a comment')).toEqual(['$HOME/x', '$UID', '#', 'not', 'a', 'comment']);
  });
});

describe('programOf', () => {
  it('skips assignments and wrappers', () => {
    const [cmd] = splitCommands('DEBIAN_FRONTEND=noninteractive sudo -E env -i apt-get -qq install x');
    expect(programOf(cmd!)).toEqual({ program: 'apt-get', args: ['-qq', 'install', 'x'], wrappers: ['sudo', 'env'] });
  });
});
