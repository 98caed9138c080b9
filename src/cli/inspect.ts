// `list`, `info` and `validate`: read-only views of recipes.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveAnswers } from '../core/answers.js';
import { CreateImageError, ExitError, UsageError } from '../core/errors.js';
import { renderPlan } from '../core/render.js';
import type { Family } from '../core/types.js';
import { lintPlanFiles } from '../lint/index.js';
import { externalSources } from '../recipes/external.js';
import { findRecipe, loadRecipeDir } from '../recipes/load.js';
import { checkRequires } from '../recipes/requires.js';
import { loadSources } from '../recipes/sources.js';
import type { JsonFlag, SourceFlags } from './flags.js';
import { out } from './output.js';
import { VERSION } from './version.js';

const sourcesFor = (flags: SourceFlags) => loadSources(flags, { warn: out.warn, external: async () => externalSources });

export async function list(flags: SourceFlags & JsonFlag): Promise<void> {
  const sources = await sourcesFor(flags);
  if (flags.json) {
    out.json(sources.choices.map((c) => ({ name: c.value, description: c.hint })));
    return;
  }
  const width = Math.max(...sources.choices.map((c) => c.value.length));
  for (const c of sources.choices) out.line(`${c.value.padEnd(width)}  ${c.hint ?? ''}`);
}

export async function info(name: string, flags: SourceFlags & JsonFlag): Promise<void> {
  const recipe = findRecipe(name, (await sourcesFor(flags)).list, 'info <recipe>');
  checkRequires(recipe, VERSION);
  const m = recipe.manifest;
  const data = {
    name: m.name,
    version: m.version,
    description: m.description,
    source: recipe.source,
    bases: m.bases,
    asks: m.ask ?? [],
    defaults: m.defaults ?? {},
    questions: (m.questions ?? []).map((q) => ({ name: q.name, type: q.type, message: q.message, default: q.default, ...(q.choices ? { choices: q.choices.map((c) => c.value) } : {}), ...(q.required ? { required: true } : {}) })),
    env: (m.env ?? []).map((e) => ({ name: e.name, default: e.default, secret: !!e.secret, required: !!e.required, description: e.description })),
    ports: m.ports ?? [],
    volumes: m.volumes ?? [],
    healthcheck: m.healthcheck?.cmd,
    notes: m.notes ?? [],
  };
  if (flags.json) {
    out.json(data);
    return;
  }
  out.line(`${m.name} ${m.version}: ${m.description}`);
  out.line(`  source:   ${recipe.source}`);
  out.line(`  bases:    ${m.bases.default} (families: ${m.bases.families.join(', ')})`);
  if (data.asks.length) out.line(`  asks:     ${data.asks.join(', ')}`);
  if (data.questions.length) {
    out.line('  questions (--set name=value):');
    for (const q of data.questions) out.line(`    ${q.name} (${q.type}${q.choices ? `: ${q.choices.join('|')}` : ''}) default ${JSON.stringify(q.default ?? null)}  ${q.message}`);
  }
  if (data.env.length) {
    out.line('  env:');
    for (const e of data.env) out.line(`    ${e.name}${e.secret ? ' (secret, or ' + e.name + '_FILE)' : ''}${e.required ? ' (required)' : ''}${e.default !== undefined ? ` = ${JSON.stringify(e.default)}` : ''}  ${e.description ?? ''}`);
  }
  out.line(`  ports:    ${data.ports.join(' ') || 'none'}`);
  out.line(`  volumes:  ${data.volumes.join(' ') || 'none'}`);
  if (data.healthcheck) out.line(`  health:   ${data.healthcheck}`);
  for (const n of data.notes) out.line(`  note: ${n}`);
}

/** Loads the manifest (schema + semantic checks), renders with defaults on each family, lints the output. */
export async function validate(dir: string, flags: JsonFlag): Promise<void> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError([{ path: 'recipe-dir', message: `${dir} is not a folder: name a recipe folder (one with recipe.json)` }]);
  const problems: string[] = [];
  let families: string[] = [];
  try {
    const recipe = loadRecipeDir(resolve(dir));
    families = recipe.manifest.bases.families;
    for (const family of families) {
      const base = recipe.manifest.bases.images?.[family as Family] ?? (family === families[0] ? recipe.manifest.bases.default : undefined);
      if (!base) continue;
      try {
        const answers = await resolveAnswers(recipe, { base, family }, { interactive: false });
        const plan = renderPlan(recipe, answers, VERSION);
        for (const p of await lintPlanFiles(plan.files)) problems.push(`${family}: ${p}`);
      } catch (e) {
        if (!(e instanceof CreateImageError)) throw e;
        problems.push(`${family}: ${e.message}`);
      }
    }
  } catch (e) {
    if (!(e instanceof CreateImageError)) throw e;
    problems.push(e.message);
  }
  if (flags.json) out.json({ dir: resolve(dir), ok: problems.length === 0, families, problems });
  else if (!problems.length) out.line(`${dir}: ok (${families.join(', ')})`);
  if (problems.length) {
    if (!flags.json) for (const p of problems) process.stderr.write(`${p}\n`);
    throw new ExitError(1, `${dir}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  }
}
