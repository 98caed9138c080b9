// `list`, `info` and `validate`: read-only views of recipes.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { commonAnswers, commonAnswerWords } from '../core/answer-table.js';
import { resolveAnswers } from '../core/answers.js';
import { CreateImageError, ExitError, UsageError } from '../core/errors.js';
import { endOfSupportWarning } from '../core/families.js';
import { today } from '../edges/clock.js';
import { describeWhen } from '../core/facts.js';
import { renderPlan } from '../core/render.js';
import { formatPort, mergePorts, parsePort } from '../core/validate.js';
import type { Family } from '../core/types.js';
import { lintPlanFiles } from '../lint/index.js';
import { externalSources } from '../recipes/external.js';
import { findRecipe } from '../recipes/load.js';
import { baseFor } from '../recipes/fixtures.js';
import { describeInherited, inheritedTemplates } from '../recipes/inherited.js';
import { checkRequires } from '../recipes/requires.js';
import { ensureRecipeTrusted, loadRecipeFolder, loadSources } from '../recipes/sources.js';
import { ensureTrusted } from '../recipes/trust.js';
import type { Recipe } from '../core/types.js';
import type { JsonFlag, SourceFlags } from './flags.js';
import { out } from './output.js';
import { VERSION } from './version.js';

const sourcesFor = (flags: SourceFlags) => loadSources(flags, { warn: out.warn, external: async () => externalSources });

export async function list(flags: SourceFlags & JsonFlag): Promise<void> {
  const sources = await sourcesFor(flags);
  if (flags.json) {
    out.json({ recipes: sources.choices.map((c) => ({ name: c.value, description: c.hint })) });
    return;
  }
  const width = Math.max(...sources.choices.map((c) => c.value.length));
  for (const c of sources.choices) out.line(`${c.value.padEnd(width)}  ${c.hint ?? ''}`);
}

export async function info(name: string, flags: SourceFlags & JsonFlag): Promise<void> {
  const recipe = findRecipe(name, (await sourcesFor(flags)).list, 'info <recipe>');
  checkRequires(recipe, VERSION);
  const m = recipe.manifest;
  const day = today();
  for (const image of new Set([m.bases.default, ...Object.values(m.bases.images ?? {})])) {
    const stale = endOfSupportWarning(image, day);
    if (stale) out.warn(stale);
  }
  // What a run with no flags gets: every common answer at its default, ports included (a service's own port
  // when the recipe names none). A recipe with a required question has no such run: only the manifest is shown.
  const d = await resolveAnswers(recipe, {}, { interactive: false }).catch((e: unknown) => {
    if (e instanceof CreateImageError) return undefined;
    throw e;
  });
  const recipePorts = (m.ports ?? []).flatMap((p) => parsePort(p).port ?? []);
  const ports = (d ? mergePorts(recipePorts, d.ports) : recipePorts).map((p) => `${formatPort(p)}${p.proto === 'udp' ? '/udp' : ''}`);
  const defaultAnswers = d && { ...commonAnswers(d, recipe), ports };
  const data = {
    name: m.name,
    version: m.version,
    description: m.description,
    source: recipe.source,
    bases: m.bases,
    asks: m.ask ?? [],
    defaults: m.defaults ?? {},
    ...(defaultAnswers ? { defaultAnswers } : {}),
    questions: (m.questions ?? []).map((q) => ({
      name: q.name,
      type: q.type,
      message: q.message,
      default: q.default,
      ...(q.choices ? { choices: q.choices.map((c) => c.value) } : {}),
      ...(q.required ? { required: true } : {}),
      ...(q.pattern ? { pattern: q.pattern } : {}),
      ...(q.patternHint ? { patternHint: q.patternHint } : {}),
    })),
    ...(m.dropQuestions?.length ? { dropQuestions: m.dropQuestions } : {}),
    ...(m.ownServices ? { ownServices: m.ownServices } : {}),
    env: (m.env ?? []).map((e) => ({ name: e.name, default: e.default, secret: !!e.secret, required: !!e.required, description: e.description })),
    ports,
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
  if (d) out.line(`  defaults: ${commonAnswerWords(d, recipe).join(', ')}`);
  if (m.ownServices) out.line(`  services: ${m.ownServices.services.join(' + ')} of its own${m.ownServices.when ? ` when ${describeWhen(m.ownServices.when)}` : ''}; no others`);
  if (data.questions.length) {
    out.line('  questions (--set name=value):');
    for (const q of data.questions) {
      const rule = q.patternHint ? `; ${q.patternHint}` : q.pattern ? `; must match ${q.pattern}` : '';
      out.line(`    ${q.name} (${q.type}${q.choices ? `: ${q.choices.join('|')}` : ''}${rule}) default ${JSON.stringify(q.default ?? null)}  ${q.message}`);
    }
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
export async function validate(dir: string, flags: JsonFlag & SourceFlags): Promise<void> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError([{ path: 'recipe-dir', message: `${dir} is not a folder: name a recipe folder (one with recipe.json)` }]);
  const problems: string[] = [];
  let families: string[] = [];
  const sources = await sourcesFor(flags);
  let recipe: Recipe | undefined;
  try {
    recipe = loadRecipeFolder(resolve(dir), sources);
  } catch (e) {
    if (!(e instanceof CreateImageError)) throw e;
    problems.push(e.message);
  }
  if (recipe) {
    // Rendering runs the templates of every recipe on the extends chain: remote ones need trust, as in generation.
    await ensureRecipeTrusted(recipe, sources, { ...(flags.trust ? { trust: true } : {}), interactive: false, notice: out.notice, warn: out.warn, trustCode: async () => ensureTrusted });
    families = recipe.manifest.bases.families;
    if (!flags.json) for (const l of describeInherited(recipe)) out.line(l);
    for (const family of families) {
      const base = baseFor(recipe, family as Family);
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
  }
  if (flags.json) out.json({ dir: resolve(dir), ok: problems.length === 0, families, problems, ...(recipe?.parents?.length ? { inherited: inheritedTemplates(recipe) } : {}) });
  else if (!problems.length) out.line(`${dir}: ok (${families.join(', ')})`);
  if (problems.length) {
    if (!flags.json) for (const p of problems) process.stderr.write(`${p}\n`);
    throw new ExitError(1, `${dir}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  }
}
