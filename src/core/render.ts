// (Recipe, Answers) -> Plan. Reads only the recipe's own templates; writes nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Eta } from 'eta';
import { dockerRunCommand } from '../build/run-command.js';
import { builtinRecipesDir } from '../recipes/paths.js';
import { buildContext, type RenderContext } from './context.js';
import { RecipeError } from './errors.js';
import { matchesWhen, whenFacts } from './facts.js';
import type { Answers, FileSpec, Plan, PlannedFile, Recipe } from './types.js';

export const RECORD_FILE = '.create-image.json';

/** Shared partials (recipes/_partials/NAME.eta), available to every recipe as include('@NAME'); read when first used. */
const partials = new Map<string, string | undefined>();
function sharedPartial(name: string): string | undefined {
  if (!partials.has(name)) {
    const file = join(builtinRecipesDir(), '_partials', `${name.slice(1)}.eta`);
    partials.set(name, /^@[\w-]+$/.test(name) && existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  }
  return partials.get(name);
}

/**
 * A line holding only a `<% code %>` tag disappears entirely (like Jinja's trim_blocks + lstrip_blocks);
 * everything else, interpolations included, keeps its newline. Eta's own autoTrim cannot tell them apart.
 */
export function trimStatementLines(src: string): string {
  return src.replace(/^[ \t]*(<%(?![=~])(?:(?!%>)[\s\S])*%>)[ \t]*\r?\n/gm, '$1');
}

function engineFor(dir: string): Eta {
  // autoEscape is HTML escaping: wrong for Dockerfiles, shell and YAML. Templates escape per target via it.q.
  const eta = new Eta({
    views: dir,
    autoEscape: false,
    autoTrim: false,
    debug: true,
    cache: true,
    defaultExtension: '',
    plugins: [{ processTemplate: trimStatementLines }],
  });
  // Partials compile on first use, not up front: a render uses a few of them, and compiling is
  // most of what rendering costs.
  const store = eta.templatesSync;
  const get = store.get.bind(store);
  store.get = ((name: string) => {
    const hit = get(name);
    if (hit !== undefined) return hit;
    const src = sharedPartial(name);
    if (src === undefined) return undefined;
    eta.loadTemplate(name, src);
    return get(name);
  }) as typeof store.get;
  return eta;
}

/** Output paths are posix, relative and may never leave the target dir. */
export function safeOutputPath(p: string, recipeFile: string): string {
  const norm = posix.normalize(p.replace(/\\/g, '/'));
  if (norm.startsWith('/') || norm === '..' || norm.startsWith('../') || norm === '.' || norm === '') {
    throw new RecipeError(`output path "${p}" leaves the target dir`, recipeFile);
  }
  return norm;
}

function locate(recipe: Recipe, template: string): string {
  for (const dir of [recipe.dir, ...(recipe.parents ?? [])]) {
    if (existsSync(join(dir, template))) return dir;
  }
  throw new RecipeError(`template "${template}" not found`, join(recipe.dir, 'recipe.json'));
}

function renderFile(recipe: Recipe, spec: FileSpec, ctx: RenderContext, engines: Map<string, Eta>): string {
  const dir = locate(recipe, spec.template);
  if (spec.copy) return readFileSync(join(dir, spec.template), 'utf8');
  let eta = engines.get(dir);
  if (!eta) engines.set(dir, (eta = engineFor(dir)));
  try {
    return tidy(eta.render(`./${spec.template}`, ctx));
  } catch (e) {
    const msg = (e as Error).message;
    const line = /at line (\d+)/.exec(msg)?.[1] ?? new RegExp(`${escapeRe(spec.template)}:(\\d+)`).exec(msg)?.[1];
    const first = msg.split('\n').filter(Boolean).pop() ?? msg;
    throw new RecipeError(first, join(dir, spec.template), line ? Number(line) : undefined);
  }
}

/** Collapses runs of blank lines that optional template sections leave behind; one trailing newline. */
function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n');
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function renderPlan(recipe: Recipe, answers: Answers, toolVersion: string): Plan {
  const ctx = buildContext(recipe, answers, toolVersion);
  const m = recipe.manifest;
  const recipeFile = join(recipe.dir, 'recipe.json');
  const engines = new Map<string, Eta>();
  const files: PlannedFile[] = [];
  const add = (path: string, content: string, mode = 0o644) => {
    const p = safeOutputPath(path, recipeFile);
    const existing = files.findIndex((f) => f.path === p);
    if (existing >= 0) files[existing] = { path: p, content, mode };
    else files.push({ path: p, content, mode });
  };

  const facts = whenFacts(answers);
  for (const spec of m.files) {
    if (!matchesWhen(spec.when, facts)) continue;
    add(spec.path, renderFile(recipe, spec, ctx, engines), spec.mode ? parseInt(spec.mode, 8) : 0o644);
  }
  for (const cert of answers.caCerts) add(`certs/${cert.name}`, cert.content);

  const has = (p: string) => files.some((f) => f.path === p);
  const shared = (name: string) => tidy(engineFor(recipe.dir).render(name, ctx));
  if (!has('.dockerignore')) add('.dockerignore', shared('@dockerignore'));
  const image = {
    name: answers.imageName,
    ports: ctx.ports,
    volumes: ctx.volumes,
    env: ctx.env.map((e) => ({ name: e.name, ...(e.value !== undefined && !e.secret ? { value: e.value } : {}), secret: e.secret, ...(e.description ? { description: e.description } : {}) })),
  };
  const runCmd = dockerRunCommand({ image: `${answers.imageName}:latest`, name: answers.imageName, ports: ctx.ports, volumes: ctx.volumes, env: ctx.env.filter((e) => e.secret || e.required) });
  const nextSteps = [`docker build -t ${answers.imageName}:latest .`, runCmd];
  if (!has('README.md')) add('README.md', tidy(engineFor(recipe.dir).render('@readme', { ...ctx, nextSteps, notes: m.notes ?? [] })));
  add(RECORD_FILE, `${JSON.stringify(record(recipe, answers, toolVersion, files), null, 2)}\n`);
  return { files, image, nextSteps, notes: m.notes ?? [] };
}

/** What `update` needs to re-render: recipe identity and answers, never secret values or CA contents. */
export function record(recipe: Recipe, a: Answers, toolVersion: string, files: PlannedFile[]) {
  const secret = new Set((recipe.manifest.env ?? []).filter((e) => e.secret).map((e) => e.name));
  const env = Object.fromEntries(Object.entries(a.env).filter(([k]) => !secret.has(k)));
  return {
    createImage: toolVersion,
    recipe: { name: recipe.manifest.name, version: recipe.manifest.version, source: recipe.source, ...(recipe.commit ? { commit: recipe.commit } : {}) },
    answers: { ...a, env, caCerts: a.caCerts.map((c) => c.name) },
    files: Object.fromEntries(files.map((f) => [f.path, sha256(f.content)])),
  };
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
