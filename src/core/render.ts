// (Recipe, Answers) -> Plan. Reads templates only through the recipe's own loader; writes nothing.
import { join, posix } from 'node:path';
import { Eta } from 'eta';
import { buildContext, type RenderContext } from './context.js';
import { RecipeError } from './errors.js';
import { shCommand } from './escape.js';
import { matchesWhen, whenFacts } from './facts.js';
import { RECORD_FILE, recordOf, recordText } from './record.js';
import { dockerRunCommand } from './run-command.js';
import type { Answers, FileSpec, Plan, PlannedFile, Recipe } from './types.js';

/**
 * A line holding only a `<% code %>` tag disappears entirely (like Jinja's trim_blocks + lstrip_blocks);
 * everything else, interpolations included, keeps its newline. Eta's own autoTrim cannot tell them apart.
 */
export function trimStatementLines(src: string): string {
  return src.replace(/^[ \t]*(<%(?![=~])(?:(?!%>)[\s\S])*%>)[ \t]*\r?\n/gm, '$1');
}

function engineFor(recipe: Recipe, dir: string): Eta {
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
    const src = /^@[\w-]+$/.test(name) ? recipe.files.partial(name) : undefined;
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

function renderFile(recipe: Recipe, spec: FileSpec, ctx: RenderContext, engines: (dir: string) => Eta): string {
  const dir = recipe.files.folderOf(spec.template);
  if (dir === undefined) throw new RecipeError(`template "${spec.template}" not found`, join(recipe.dir, 'recipe.json'));
  if (spec.copy) return recipe.files.read(dir, spec.template);
  try {
    return tidy(engines(dir).render(`./${spec.template}`, ctx));
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
  const cache = new Map<string, Eta>();
  const engines = (dir: string): Eta => cache.get(dir) ?? cache.set(dir, engineFor(recipe, dir)).get(dir)!;
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
  const shared = (name: string, data: object = ctx) => tidy(engines(recipe.dir).render(name, data));
  if (!has('.dockerignore')) add('.dockerignore', shared('@dockerignore'));
  const image = {
    name: answers.imageName,
    ports: ctx.ports,
    volumes: ctx.volumes,
    env: ctx.env.map((e) => ({ name: e.name, ...(e.value !== undefined && !e.secret ? { value: e.value } : {}), secret: e.secret, ...(e.description ? { description: e.description } : {}) })),
  };
  const runCmd = dockerRunCommand({ image: `${answers.imageName}:latest`, name: answers.imageName, ports: ctx.ports, volumes: ctx.volumes, env: ctx.env.filter((e) => e.secret || e.required) });
  const nextSteps = [shCommand(['docker', 'build', '-t', `${answers.imageName}:latest`, '.']), runCmd];
  const readme = m.readme ?? 'README.md';
  if (!has(readme)) add(readme, shared('@readme', { ...ctx, nextSteps, notes: m.notes ?? [] }));
  add(RECORD_FILE, recordText(recordOf(recipe, answers, toolVersion, files)));
  return { files, image, nextSteps, notes: m.notes ?? [] };
}
