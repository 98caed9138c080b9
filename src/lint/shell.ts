// shellcheck over the shell scripts of a plan. Scripts are checked as temp copies because a plan is
// in memory until it is written, and each copy keeps its shebang so shellcheck picks the dialect.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { ToolError } from '../core/errors.js';

export interface ShellFinding {
  /** The path the caller passed in (not the temp copy). */
  file: string;
  line: number;
  column: number;
  /** e.g. `SC2086`. */
  code: string;
  level: 'error' | 'warning' | 'info' | 'style';
  message: string;
}

export interface ShellcheckOptions {
  /** The shellcheck executable (default `shellcheck` on PATH). */
  shellcheckBin?: string;
}

interface Json1 {
  comments: { file: string; line: number; column: number; level: ShellFinding['level']; code: number; message: string }[];
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh']);

/** A script shellcheck can check: a sh/bash/dash/ash shebang, or a `.sh` name and no other interpreter. */
export function isShellScript(path: string, content: string): boolean {
  const first = content.split('\n', 1)[0]!;
  if (!first.startsWith('#!')) return /\.(sh|bash)$/i.test(path);
  const words = first.slice(2).trim().split(/\s+/);
  let i = 0;
  const name = (): string => basename(words[i] ?? '');
  // `#!/usr/bin/env -S bash -e` and `#!/bin/busybox sh` name the shell in a later word.
  if (name() === 'env') {
    i++;
    while (words[i]?.startsWith('-') || words[i]?.includes('=')) i++;
  }
  if (name() === 'busybox') i++;
  return SHELLS.has(name());
}

export async function shellcheck(files: { path: string; content: string }[], opts: ShellcheckOptions = {}): Promise<ShellFinding[]> {
  if (files.length === 0) return [];
  const bin = opts.shellcheckBin ?? 'shellcheck';
  const dir = await mkdtemp(join(tmpdir(), 'create-image-shellcheck-'));
  try {
    const original = new Map<string, string>();
    for (const [i, f] of files.entries()) {
      // One folder per file: two plans' `entrypoint.sh` must not overwrite each other.
      const copy = join(dir, String(i), basename(f.path) || 'script');
      await mkdir(join(dir, String(i)));
      await writeFile(copy, f.content);
      original.set(copy, f.path);
    }
    const result = await execa(
      bin,
      // --norc: results must not depend on a ~/.shellcheckrc. SC2187 only says ash is checked as dash.
      ['--format=json1', '--severity=style', '--norc', '--exclude=SC2187', ...original.keys()],
      { reject: false, cwd: dir },
    );
    if ('code' in result && result.code === 'ENOENT') {
      throw new ToolError(`shellcheck is not installed (looked for \`${bin}\`): install it with \`apt-get install shellcheck\` (or \`brew install shellcheck\`) to lint the generated scripts`);
    }
    // 0: clean, 1: findings; anything else means shellcheck itself failed.
    if (result.exitCode !== 0 && result.exitCode !== 1) {
      throw new ToolError(`shellcheck failed (exit ${String(result.exitCode)}): ${String(result.stderr).trim() || result.shortMessage || 'no output'}`);
    }
    const parsed = JSON.parse(String(result.stdout) || '{"comments":[]}') as Json1;
    return parsed.comments
      .map((c) => ({ file: original.get(c.file) ?? c.file, line: c.line, column: c.column, code: `SC${c.code}`, level: c.level, message: c.message }))
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
