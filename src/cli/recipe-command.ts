// `create-image recipe new <name>` (scaffold) and `create-image recipe test <dir> [--build]` (render on every
// family the recipe claims, lint, optionally build and smoke-check). Exit 1 on any finding.
import { existsSync, rmSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import fse from 'fs-extra';
import { buildImage } from '../engines/build.js';
import { detectBuilder, exec, type BuilderKind } from '../engines/builder.js';
import { createProgressRenderer } from '../engines/progress.js';
import { smokeTest, type SmokeResult } from '../engines/smoke.js';
import { resolveAnswers } from '../core/answers.js';
import { CreateImageError, ExitError, ToolError, UsageError } from '../core/errors.js';
import { shCommand } from '../core/escape.js';
import { lineOfPath } from '../core/json-position.js';
import { RECIPE_NAME, RECIPE_NAME_RULE } from '../core/manifest.js';
import { BUILD_LOG } from '../core/record.js';
import { renderPlan } from '../core/render.js';
import { smokeChecks, type ResolvedSmoke } from '../core/smoke.js';
import { FAMILIES, type Answers, type Family, type Recipe } from '../core/types.js';
import { targetDirError } from '../edges/write.js';
import { lintPlan } from '../lint/index.js';
import { MANIFEST } from '../recipes/load.js';
import { externalSources } from '../recipes/external.js';
import { ensureRecipeTrusted, loadRecipeFolder, loadSources } from '../recipes/sources.js';
import { ensureTrusted } from '../recipes/trust.js';
import { describeInherited } from '../recipes/inherited.js';
import { readCaCerts } from '../edges/inputs.js';
import { baseFor, testCases } from '../recipes/fixtures.js';
import { checkRequires } from '../recipes/requires.js';
import { scaffoldFiles, schemaRef } from '../recipes/scaffold.js';
import type { RecipeTestFlags, SourceFlags } from './flags.js';
import { out } from './output.js';
import { VERSION } from './version.js';

export async function recipeNew(name: string, flags: { dir?: string; json?: boolean }): Promise<void> {
  if (!RECIPE_NAME.test(name)) throw new UsageError([{ path: 'name', message: `"${name}" is not a recipe name: ${RECIPE_NAME_RULE}` }]);
  const dir = resolve(flags.dir ?? '.', name);
  const notFolder = targetDirError(dir);
  if (notFolder) throw new UsageError([{ path: '--dir', message: notFolder }]);
  if (existsSync(dir) && readdirSync(dir).length) throw new UsageError([{ path: '--dir', message: `${dir} exists and is not empty; pick another name or --dir` }]);
  const files = scaffoldFiles(name, schemaRef(dir, VERSION), VERSION);
  for (const f of files) fse.outputFileSync(join(dir, f.path), f.content, f.mode ? { mode: f.mode } : {});
  const rel = relative(process.cwd(), dir) || '.';
  const next: [string, string][] = [
    [shCommand(['create-image', 'recipe', 'test', rel]), 'render on every family and lint'],
    [shCommand(['create-image', 'recipe', 'test', rel, '--build']), 'also build and run its smoke check'],
    [shCommand(['create-image', `my-${name}`, '--recipes', relative(process.cwd(), dirname(dir)) || '.', '--recipe', name, '--yes']), ''],
  ];
  if (flags.json) {
    out.json({ recipe: name, dir, files: files.map((f) => f.path), next: next.map(([c]) => c) });
    return;
  }
  out.line(`Created recipe ${name} in ${rel}`);
  out.line('Next steps:');
  const width = Math.max(...next.filter(([, why]) => why).map(([c]) => c.length));
  for (const [c, why] of next) out.line(`  ${why ? `${c.padEnd(width)}    # ${why}` : c}`);
}

export async function recipeTest(dirArg: string, flags: RecipeTestFlags & SourceFlags): Promise<void> {
  const dir = resolve(dirArg);
  const smokeTimeout = Number(flags.smokeTimeout ?? '90');
  if (!/^\d+$/.test(flags.smokeTimeout ?? '90') || smokeTimeout < 1 || smokeTimeout > 3600) {
    throw new UsageError([{ path: '--smoke-timeout', message: `"${flags.smokeTimeout}" is not a number of seconds from 1 to 3600` }]);
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError([{ path: 'dir', message: `${dirArg} is not a folder: name a recipe folder (one with recipe.json)` }]);
  const manifestFile = join(dir, MANIFEST);
  const problems: string[] = [];
  const sources = await loadSources(flags, { warn: out.warn, external: async () => externalSources });
  // A proxy CA the builds must trust (as --ca-cert does for generation): every render carries it.
  const caCerts = readCaCerts(flags.caCert ?? []);
  let recipe: Recipe;
  try {
    recipe = loadRecipeFolder(dir, sources);
    checkRequires(recipe, VERSION);
  } catch (e) {
    if (!(e instanceof CreateImageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    throw new ExitError(1, `${dirArg}: the recipe does not load`);
  }
  await ensureRecipeTrusted(recipe, sources, { ...(flags.trust ? { trust: true } : {}), interactive: false, notice: out.notice, warn: out.warn, trustCode: async () => ensureTrusted });
  const m = recipe.manifest;
  // --json: one document at the end instead of a line per render
  const say = flags.json ? () => undefined : out.line;
  const inherited = describeInherited(recipe);
  for (const l of inherited) say(l);
  if (flags.family && !(FAMILIES as readonly string[]).includes(flags.family)) throw new UsageError([{ path: '--family', message: `"${flags.family}" is not a family; accepted: ${FAMILIES.join(', ')}` }]);
  if (flags.family && !m.bases.families.includes(flags.family as Family)) throw new UsageError([{ path: '--family', message: `${m.name} does not claim ${flags.family}; it claims ${m.bases.families.join(', ')}` }]);
  const families = flags.family ? [flags.family as Family] : m.bases.families;
  const cases = testCases(dir);
  const outRoot = mkdtempSync(join(tmpdir(), `create-image-recipe-test-${m.name}-`));
  const manifestText = readFileSync(manifestFile, 'utf8');
  const rendered: { family: Family; dir: string; answers: Answers }[] = [];
  const renders: { family: Family; case: string; answersFile?: string; files: number; lintClean: boolean }[] = [];
  const builds: { family: Family; seconds: number; health: string; check: string; checks: string[] }[] = [];

  for (const family of families) {
    const base = baseFor(recipe, family);
    if (!base) {
      problems.push(`${manifestFile}:${lineOfPath(manifestText, 'bases') ?? 1}: bases.images.${family} is missing: a recipe that claims ${family} needs a pinned image for it`);
      continue;
    }
    for (const c of cases) {
      const where = `${family} ${c.name}`;
      try {
        const answers = await resolveAnswers(recipe, { ...c.raw, base, family, ...(caCerts.length ? { caCerts } : {}) }, { interactive: false });
        const plan = renderPlan(recipe, answers, VERSION);
        const caseDir = join(outRoot, `${family}-${c.name}`);
        for (const f of plan.files) fse.outputFileSync(join(caseDir, f.path), f.content, { mode: f.mode });
        const lint = await lintPlan(plan.files);
        const templates = new Map(m.files.map((f) => [f.path, f.template]));
        for (const p of lint.problems) {
          const text = p.replace(/^warning: /, '');
          const tpl = templates.get(text.split(':')[0]!);
          problems.push(`${where}: ${caseDir}${sep}${text}${p.startsWith('warning: ') ? ' (warning)' : ''}${tpl ? ` [rendered from ${join(dir, tpl)}]` : ''}`);
        }
        if (!lint.problems.length) say(`ok   ${family.padEnd(6)} ${c.name}${c.file ? ` (${relative(dir, c.file)})` : ''}: ${plan.files.length} files, lint clean`);
        renders.push({ family, case: c.name, ...(c.file ? { answersFile: relative(dir, c.file) } : {}), files: plan.files.length, lintClean: !lint.problems.length });
        if (c.name === 'defaults') rendered.push({ family, dir: caseDir, answers });
      } catch (e) {
        if (!(e instanceof CreateImageError)) throw e;
        problems.push(`${where}${c.file ? ` (${c.file})` : ''}: ${e.message}`);
      }
    }
  }

  if (flags.build && !problems.length) {
    if (!m.smoke) problems.push(`${manifestFile}:1: --build needs a "smoke" check in the manifest (http, https, tcp or command)`);
    else {
      for (const r of rendered) {
        try {
          // the check for the defaults' answers: a setup check names the zone, locale and runtime they give
          const own = smokeChecks(m, r.answers);
          const checked = await buildAndSmoke(m.name, r.family, r.dir, own.length ? own : [m.smoke], { ...flags, smokeTimeout });
          builds.push({ family: r.family, seconds: checked.seconds, health: checked.health, check: checked.check, checks: checked.checks });
          say(`ok   ${r.family.padEnd(6)} built and smoke-checked (${checked.health === 'healthy' ? 'healthy; ' : ''}${checked.check}) in ${checked.seconds}s`);
        } catch (e) {
          if (!(e instanceof CreateImageError)) throw e;
          problems.push(`${r.family} build: ${e.message}`);
        }
      }
    }
  }

  // Kept to look at when something failed, and only when a render got that far (a template error renders nothing).
  const kept = problems.length > 0 && readdirSync(outRoot).length > 0;
  if (kept) say(`renders kept in ${outRoot}`);
  else rmSync(outRoot, { recursive: true, force: true });
  if (flags.json) out.json({ ok: !problems.length, recipe: m.name, dir, ...(inherited.length ? { inherited } : {}), renders, ...(flags.build ? { builds } : {}), problems, ...(kept ? { rendersKept: outRoot } : {}) });
  if (problems.length) {
    if (!flags.json) for (const p of problems) process.stderr.write(`${p}\n`);
    throw new ExitError(1, `${dirArg}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  }
}

/** Builds one render under a throwaway tag, runs its smoke check, and removes the image again. */
async function buildAndSmoke(name: string, family: Family, dir: string, checks: readonly ResolvedSmoke[], flags: { builder?: string; smokeTimeout: number }): Promise<SmokeResult> {
  const builder = await detectBuilder(flags.builder ? { builder: flags.builder as BuilderKind } : {});
  const tag = `create-image-test-${name}-${family}:${process.pid}-${Date.now().toString(36)}`;
  const progress = createProgressRenderer(process.stderr);
  try {
    await buildImage(builder, { dir, tags: [tag], logFile: join(dir, BUILD_LOG), onProgress: (p) => progress.update(p) });
  } catch (e) {
    progress.done();
    if (e instanceof ToolError && e.tail) process.stderr.write(`${e.tail}\n`);
    throw e;
  }
  progress.done();
  try {
    return await smokeTest(builder, tag, checks, { timeoutSeconds: flags.smokeTimeout });
  } catch (e) {
    if (e instanceof ToolError && e.tail) process.stderr.write(`the container's last log lines:\n${e.tail}\n`);
    throw e;
  } finally {
    await exec(builder, ['rmi', '-f', tag]);
  }
}
