// The healthcheck an image really has: read back from the rendered Dockerfile (recipes may write
// HEALTHCHECK themselves or get the default one), else the manifest's.
import type { Healthcheck, Plan, Recipe } from '../core/types.js';
import { checkArgv } from '../core/command-words.js';

export interface ImageHealthcheck {
  /** Exec-form argv (`["/bin/sh", "-c", "..."]`) or a shell string. */
  test: { exec: string[] } | { shell: string };
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  retries?: number;
}

/** Logical Dockerfile lines: continuations joined, comments dropped. */
function logicalLines(dockerfile: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const raw of dockerfile.split('\n')) {
    if (!cur && /^\s*#/.test(raw)) continue;
    if (/\\\s*$/.test(raw)) {
      cur += raw.replace(/\\\s*$/, ' ');
      continue;
    }
    out.push(cur + raw);
    cur = '';
  }
  if (cur) out.push(cur);
  return out;
}

export function parseHealthcheck(dockerfile: string): ImageHealthcheck | null | undefined {
  const lines = logicalLines(dockerfile).filter((l) => /^\s*HEALTHCHECK\s/i.test(l));
  const last = lines.pop();
  if (!last) return undefined;
  let rest = last.replace(/^\s*HEALTHCHECK\s+/i, '');
  if (/^NONE\s*$/i.test(rest)) return null;
  const hc: Partial<ImageHealthcheck> = {};
  for (;;) {
    const m = /^--([a-z-]+)=(\S+)\s+/.exec(rest);
    if (!m) break;
    const [, k, v] = m as unknown as [string, string, string];
    if (k === 'interval') hc.interval = v;
    else if (k === 'timeout') hc.timeout = v;
    else if (k === 'start-period') hc.startPeriod = v;
    else if (k === 'retries') hc.retries = Number(v);
    rest = rest.slice(m[0].length);
  }
  const cmd = /^CMD\s+([\s\S]*)$/i.exec(rest.trim());
  if (!cmd) return undefined;
  const body = cmd[1]!.trim();
  if (body.startsWith('[')) {
    try {
      const argv = JSON.parse(body) as unknown;
      if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) return { ...hc, test: { exec: argv } };
    } catch {
      /* not JSON: the shell form */
    }
  }
  return { ...hc, test: { shell: body } };
}

/** The image's healthcheck: the Dockerfile's HEALTHCHECK if it has one (null for NONE), else the manifest's. */
export function imageHealthcheck(plan: Plan, recipe: Recipe): ImageHealthcheck | undefined {
  const dockerfile = plan.files.find((f) => f.path === 'Dockerfile');
  const parsed = dockerfile ? parseHealthcheck(dockerfile.content) : undefined;
  if (parsed === null) return undefined;
  if (parsed) return parsed;
  const m: Healthcheck | undefined = recipe.manifest.healthcheck;
  if (!m) return undefined;
  return {
    test: { exec: checkArgv(m.cmd) },
    ...(m.interval ? { interval: m.interval } : {}),
    ...(m.timeout ? { timeout: m.timeout } : {}),
    ...(m.startPeriod ? { startPeriod: m.startPeriod } : {}),
    ...(m.retries !== undefined ? { retries: m.retries } : {}),
  };
}
