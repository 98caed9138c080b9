// Hostile --env values through a whole render: each arrives literally (as Docker reads the ENV line,
// or as the rendered entrypoint exports it under /bin/sh) or is refused with one clear line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { CreateImageError } from '../../src/core/errors.js';
import { renderPlan } from '../../src/core/render.js';
import { parseDockerfile } from '../../src/lint/dockerfile-parse.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { HOSTILE, LONE_SURROGATE_VALUE, NUL_VALUE } from '../helpers/hostile.js';

const recipe = loadRecipeDir(path.join(builtinRecipesDir(), 'custom'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The value of `name` in the Dockerfile's ENV lines, decoded the way BuildKit's lexer reads words. */
function dockerEnv(dockerfile: string, name: string): string | undefined {
  let found: string | undefined;
  for (const ins of parseDockerfile(dockerfile).instructions) {
    if (ins.keyword !== 'ENV') continue;
    for (const word of words(ins.args)) {
      const eq = word.indexOf('=');
      if (word.slice(0, eq) === name) found = word.slice(eq + 1);
    }
  }
  return found;
}

function words(args: string): string[] {
  const out: string[] = [];
  let w = '';
  let inWord = false;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (c === '"') {
      inWord = true;
      for (i++; i < args.length && args[i] !== '"'; i++) {
        // inside double quotes only \" \\ \$ are escapes; any other backslash stays
        if (args[i] === '\\' && ['"', '\\', '$'].includes(args[i + 1]!)) w += args[++i];
        else if (args[i] === '$') throw new Error('unescaped $ would expand');
        else w += args[i];
      }
    } else if (c === "'") {
      inWord = true;
      for (i++; i < args.length && args[i] !== "'"; i++) w += args[i];
    } else if (c === '\\' && i + 1 < args.length) {
      w += args[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(w);
      w = '';
      inWord = false;
    } else {
      if (c === '$') throw new Error('unescaped $ would expand');
      w += c;
      inWord = true;
    }
  }
  if (inWord) out.push(w);
  return out;
}

describe('hostile --env values through the custom recipe', () => {
  it.each(HOSTILE.map((h) => [h.name, h.value] as const))('%s', async (_name, value) => {
    let plan;
    try {
      const answers = await resolveAnswers(recipe, { imageName: 'x', env: { HOSTILE_V: value } }, { interactive: false });
      plan = renderPlan(recipe, answers, '0.0.0');
    } catch (e) {
      // refused: one line that names the variable or the flag
      expect(e).toBeInstanceOf(CreateImageError);
      expect((e as Error).message.split('\n')).toHaveLength(1);
      expect((e as Error).message).toMatch(/--env|HOSTILE_V/);
      return;
    }
    // whichever file the value lands in, the Dockerfile lints clean and the entrypoint passes shellcheck
    expect(await lintPlanFiles(plan.files)).toEqual([]);
    const dockerfile = plan.files.find((f) => f.path === 'Dockerfile')!.content;
    const entrypoint = plan.files.find((f) => f.path === 'docker-entrypoint.sh')!.content;
    const inDockerfile = dockerEnv(dockerfile, 'HOSTILE_V');
    if (inDockerfile !== undefined) {
      expect(inDockerfile).toBe(value);
      return;
    }
    // not representable as ENV (newlines, control characters): the entrypoint sets the default
    const file = path.join(tmp, `ep-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(file, entrypoint);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const out = execFileSync('sh', [file, 'node', '-e', 'process.stdout.write(process.env.HOSTILE_V)'], { env, encoding: 'utf8' });
    expect(out).toBe(value);
    // a value given at run time wins over the default
    const runtime = execFileSync('sh', [file, 'node', '-e', 'process.stdout.write(process.env.HOSTILE_V)'], { env: { ...env, HOSTILE_V: 'run-time' }, encoding: 'utf8' });
    expect(runtime).toBe('run-time');
  });

  it.each([NUL_VALUE, LONE_SURROGATE_VALUE].map((h) => [h.name, h.value] as const))('%s is refused with one line', async (_name, value) => {
    const attempt = async () => renderPlan(recipe, await resolveAnswers(recipe, { imageName: 'x', env: { HOSTILE_V: value } }, { interactive: false }), '0.0.0');
    await expect(attempt()).rejects.toBeInstanceOf(CreateImageError);
    await expect(attempt()).rejects.toThrow(/HOSTILE_V|--env/);
  });
});
