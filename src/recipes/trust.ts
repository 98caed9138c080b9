// Trust: templates of a remote recipe run code on this machine. A remote (git, npm) source renders only
// when trusted: by --trust, by the config's "trusted" list, or by a yes at an interactive prompt (remembered).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fse from 'fs-extra';
import type { Prompter } from '../core/answers.js';
import { CancelledError, UsageError } from '../core/errors.js';
import { cacheRoot } from './cache.js';
import { userConfigFile } from './config.js';
import { trustKey, type ResolvedSource } from './providers/index.js';
import { parseSpec } from './spec.js';

export interface TrustOptions {
  /** --trust */
  trust?: boolean;
  interactive: boolean;
  prompter?: Prompter;
  /** The config's "trusted" entries. */
  trusted: string[];
  /** One line to the user (stderr). */
  notice: (s: string) => void;
}

/**
 * A "trusted" entry matches a source when it names the same repository or package (any ref or version),
 * or when it ends in `*` and the repository URL or package name starts with the rest.
 */
export function isTrustedBy(key: string, entries: string[]): boolean {
  return entries.some((e) => {
    const t = e.trim();
    if (t.endsWith('*')) return key.startsWith(t.slice(0, -1));
    if (t === key) return true;
    try {
      return trustKey(parseSpec(t, '/', 'trusted')) === key;
    } catch {
      return false;
    }
  });
}

const rememberedFile = () => join(cacheRoot(), 'trusted-by-prompt.json');

function remembered(): string[] {
  try {
    return existsSync(rememberedFile()) ? (JSON.parse(readFileSync(rememberedFile(), 'utf8')) as string[]) : [];
  } catch {
    return [];
  }
}

function remember(key: string): void {
  const list = [...new Set([...remembered(), key])];
  fse.outputFileSync(rememberedFile(), `${JSON.stringify(list, null, 2)}\n`);
}

export function describeSource(s: ResolvedSource): string {
  const at = s.kind === 'git' ? ` (commit ${s.commit})` : s.kind === 'npm' ? ` (${s.commit})` : '';
  return `${s.label}${at}`;
}

/** Throws (exit 2) for an untrusted remote source without a TTY; asks with one; prints where recipes come from. */
export async function ensureTrusted(sources: ResolvedSource[], opts: TrustOptions): Promise<void> {
  const seen = new Set<string>();
  for (const s of sources) {
    if ((s.kind !== 'git' && s.kind !== 'npm' && s.namedBy === undefined) || !s.trustKey || seen.has(s.trustKey)) continue;
    seen.add(s.trustKey);
    const byConfig = isTrustedBy(s.trustKey, opts.trusted);
    // Always said, fresh or cached, trusted by config or not: which commit's templates run here.
    opts.notice(`recipes from ${describeSource(s)}${s.namedBy ? ` (named by ${s.namedBy})` : ''}`);
    if (byConfig || opts.trust) continue;
    if (opts.interactive && opts.prompter) {
      if (remembered().includes(s.trustKey)) continue;
      const ok = await opts.prompter.confirm({ message: `Recipe templates from ${s.trustKey} run code on this machine. Trust this source?`, initialValue: false });
      if (!ok) throw new CancelledError();
      remember(s.trustKey);
      continue;
    }
    throw new UsageError([
      {
        path: '--trust',
        message: `recipes from ${s.trustKey} are not trusted (their templates run code); pass --trust, or add "${s.trustKey}" to "trusted" in ${userConfigFile()}`,
      },
    ]);
  }
}
