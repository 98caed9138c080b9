// Every flag `--help` shows, for every command, is documented in docs/cli.md: a subcommand's own flags in
// its row of the subcommand table, the generation flags anywhere in the reference.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, program } from '../../src/cli/main.js';

const docs = readFileSync(path.join(import.meta.dirname, '../../docs/cli.md'), 'utf8');

/** Every command below the root, with its path as typed (`recipe test`). */
function commands(cmd: Command, prefix: string[] = []): Array<{ path: string; cmd: Command }> {
  return cmd.commands.flatMap((c) => [{ path: [...prefix, c.name()].join(' '), cmd: c }, ...commands(c, [...prefix, c.name()])]);
}

const longFlags = (cmd: Command) => cmd.options.map((o) => o.long!).filter((f) => f && f !== '--version');

describe('docs/cli.md documents every flag of --help', () => {
  const root = program();
  it('the generation flags', () => {
    const missing = longFlags(root).filter((f) => !docs.includes(`\`${f}`) && !docs.includes(`${f} `));
    expect(missing).toEqual([]);
  });
  for (const { path: name, cmd } of commands(root)) {
    if (!cmd.options.length) continue;
    it(`${name}: its flags are in its row`, () => {
      const row = docs.split('\n').find((l) => l.startsWith(`| \`${name} `) || l.startsWith(`| \`${name}\``));
      expect(row, `no row for ${name}`).toBeDefined();
      expect(longFlags(cmd).filter((f) => !row!.includes(f))).toEqual([]);
    });
  }
  it('shows --smoke-timeout\'s default as a number', () => {
    const test = commands(root).find((c) => c.path === 'recipe test')!.cmd;
    expect(test.helpInformation()).toMatch(/\(default: 90\)/);
  });
});

describe('a generation defines no subcommand', () => {
  it('COMMAND_NAMES names every subcommand program() defines', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(program().commands.map((c) => c.name()).sort());
  });
  it('a generation\'s words reach the root alone; a subcommand\'s word or --help defines them all', () => {
    expect(program(['out', '--recipe', 'custom', '--yes']).commands).toEqual([]);
    expect(program(['out', '--help']).commands.length).toBe(COMMAND_NAMES.length);
    expect(program(['recipe', 'test', 'x']).commands.length).toBe(COMMAND_NAMES.length);
    // the root's options are the same either way
    expect(program(['out']).options.map((o) => o.flags)).toEqual(program().options.map((o) => o.flags));
  });
});
