// (Recipe, Answers) -> Plan. Reads templates only through the recipe's own loader; writes nothing.
import { join, posix } from 'node:path';
import { Eta, type EtaConfig } from 'eta';
import { buildContext, type RenderContext } from './context.js';
import { answerError } from './answer-errors.js';
import { sha256 } from './hash.js';
import { precompiled } from './precompiled-templates.js';
import { RecipeError } from './errors.js';
import { shCommand } from './escape.js';
import { matchesWhen, whenFacts } from './facts.js';
import { publishPorts } from './families.js';
import { RECORD_FILE, recordOf, recordText, reservedOutputPath } from './record.js';
import { templateRuntimeError, templateSyntaxError } from './template-errors.js';
import { runSteps } from './run-command.js';
import type { Answers, FileSpec, Plan, PlannedFile, Recipe } from './types.js';
import { containerName, imageTag } from './validate.js';

/**
 * A line holding only a `<% code %>` tag disappears entirely (like Jinja's trim_blocks + lstrip_blocks);
 * everything else, interpolations included, keeps its newline. Eta's own autoTrim cannot tell them apart.
 * The newline moves into the tag (where it is JavaScript whitespace) rather than going away, so eta's
 * line numbers stay those of the file the author wrote.
 */
export function trimStatementLines(src: string): string {
  return src.replace(/^[ \t]*(<%(?![=~])(?:(?!%>)[\s\S])*?)([-_]?%>)[ \t]*(\r?\n)/gm, '$1$3$2');
}

// autoEscape is HTML escaping: wrong for Dockerfiles, shell and YAML. Templates escape per target via it.q.
const ETA_OPTIONS: Partial<EtaConfig> = { autoEscape: false, autoTrim: false, cache: true, defaultExtension: '', plugins: [{ processTemplate: trimStatementLines }] };

/** A template's compiled function body, as a render compiles it: the build compiles the built-ins ahead with it. */
export const compiledSource = (src: string): string => new Eta(ETA_OPTIONS).compileToString(src);

function engineFor(recipe: Recipe, dir: string, debug: boolean): Eta {
  const eta = new Eta({ ...ETA_OPTIONS, views: dir, debug });
  // A template that does not compile is reported at its own file:line:column, not as eta's compiled code.
  const compile = eta.compile.bind(eta);
  const compileAs = (src: string, options: Parameters<typeof compile>[1], file: string) => {
    const ahead = debug || precompiled.size === 0 ? undefined : precompiled.get(sha256(src));
    if (ahead) return ahead as ReturnType<typeof compile>;
    try {
      return compile(src, options);
    } catch (e) {
      throw templateSyntaxError(e as Error, src, file, () => eta.compileToString(src, options));
    }
  };
  eta.compile = ((src: string, options?: Parameters<typeof compile>[1]) => compileAs(src, options, options?.filepath ?? '(template)')) as typeof eta.compile;
  // Partials compile on first use, not up front: a render uses a few of them, and compiling is
  // most of what rendering costs. Each runs with its include name as its file, for error lines.
  const store = eta.templatesSync;
  const get = store.get.bind(store);
  store.get = ((name: string) => {
    const hit = get(name);
    if (hit !== undefined) return hit;
    const src = /^@[\w-]+$/.test(name) ? recipe.files.partial(name) : undefined;
    if (src === undefined) return undefined;
    const fn = compileAs(src, undefined, name);
    store.define(name, function (this: Eta, data: object, options: object) {
      return fn.call(this, data, { ...options, filepath: name });
    } as unknown as typeof fn);
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
  const reserved = reservedOutputPath(norm);
  if (reserved) throw new RecipeError(`output path "${p}" ${reserved}`, recipeFile);
  return norm;
}

/** One eta per template folder, with or without line tracking. */
interface Engines {
  fast(dir: string): Eta;
  located(dir: string): Eta;
}

function enginesFor(recipe: Recipe): Engines {
  const cache = new Map<string, Eta>();
  const get = (dir: string, debug: boolean): Eta => {
    const key = `${debug}:${dir}`;
    return cache.get(key) ?? cache.set(key, engineFor(recipe, dir, debug)).get(key)!;
  };
  return { fast: (dir) => get(dir, false), located: (dir) => get(dir, true) };
}

/**
 * Eta's debug mode (each tag's line counted while parsing, for errors at file:line) is most of what
 * compiling a template costs, and only an error needs it. Templates are pure: a render that throws
 * runs again with it and fails the same way, now at its file:line.
 */
function renderLocated(engines: Engines, dir: string, name: string, data: object): string {
  try {
    return engines.fast(dir).render(name, data);
  } catch {
    return engines.located(dir).render(name, data);
  }
}

function renderFile(recipe: Recipe, spec: FileSpec, ctx: RenderContext, engines: Engines): string {
  const dir = recipe.files.folderOf(spec.template);
  if (dir === undefined) throw new RecipeError(`template "${spec.template}" not found`, join(recipe.dir, 'recipe.json'));
  if (spec.copy) return recipe.files.read(dir, spec.template);
  try {
    return tidy(renderLocated(engines, dir, `./${spec.template}`, ctx));
  } catch (e) {
    // a value the user gave that cannot be written here, or answers a template refuses: the user's to change
    const usage = answerError(e, ctx.answers);
    if (usage) throw usage;
    if (e instanceof RecipeError) throw e;
    throw templateRuntimeError(e as Error, join(dir, spec.template));
  }
}

/** Collapses runs of blank lines that optional template sections leave behind; one trailing newline. */
function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n');
}

export function renderPlan(recipe: Recipe, given: Answers, toolVersion: string): Plan {
  // Questions an extending recipe dropped are not asked, but the templates that read them still run.
  const answers = recipe.fixedAnswers ? { ...given, set: { ...recipe.fixedAnswers, ...given.set } } : given;
  const ctx = buildContext(recipe, answers, toolVersion);
  const m = recipe.manifest;
  const recipeFile = join(recipe.dir, 'recipe.json');
  const engines = enginesFor(recipe);
  const files: PlannedFile[] = [];
  const add = (path: string, content: string, mode = 0o644) => {
    const p = safeOutputPath(path, recipeFile);
    const existing = files.findIndex((f) => f.path === p);
    if (existing >= 0) files[existing] = { path: p, content, mode };
    else files.push({ path: p, content, mode });
  };

  const facts = whenFacts(answers, m.multiProcess);
  for (const spec of m.files) {
    if (!matchesWhen(spec.when, facts)) continue;
    add(spec.path, renderFile(recipe, spec, ctx, engines), spec.mode ? parseInt(spec.mode, 8) : 0o644);
  }
  for (const cert of answers.caCerts) add(`certs/${cert.name}`, cert.content);

  const has = (p: string) => files.some((f) => f.path === p);
  const shared = (name: string, data: object = ctx) => tidy(renderLocated(engines, recipe.dir, name, data));
  if (!has('.dockerignore')) add('.dockerignore', shared('@dockerignore'));
  const interactive = ctx.interactive;
  const published = publishPorts(answers.services, ctx.ports);
  const image = {
    name: answers.imageName,
    ports: published,
    volumes: ctx.volumes,
    env: ctx.env.map((e) => ({ name: e.name, ...(e.value !== undefined && !e.secret ? { value: e.value } : {}), secret: e.secret, ...(e.required ? { required: true } : {}), ...(e.description ? { description: e.description } : {}) })),
    ...(ctx.process === 'none' && !ctx.ports.length && !/^HEALTHCHECK /m.test(files.find((f) => f.path === 'Dockerfile')?.content ?? '') ? { oneShot: true } : {}),
    ...(interactive ? { interactive } : {}),
  };
  const tag = imageTag(answers.imageName);
  const run = runSteps({ image: tag, name: containerName(answers.imageName), ports: published, volumes: ctx.volumes, env: ctx.env.filter((e) => e.secret || e.required), interactive });
  const nextSteps = [shCommand(['docker', 'build', '-t', tag, '.']), ...run];
  const readme = m.readme ?? 'README.md';
  if (!has(readme)) add(readme, shared('@readme', { ...ctx, nextSteps, interactive, notes: m.notes ?? [] }));
  // the tool's own file: added past safeOutputPath, which refuses it to recipes
  files.push({ path: RECORD_FILE, content: recordText(recordOf(recipe, given, toolVersion, files)), mode: 0o644 });
  return { files, image, nextSteps, notes: m.notes ?? [] };
}
