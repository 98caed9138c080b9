// `create-image recipe new <name>` (scaffold) and `create-image recipe test <dir> [--build]` (render on every
// family the recipe claims, lint, optionally build and smoke-check). Exit 1 on any finding.
import { existsSync, rmSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildImage } from '../build/build.js';
import { detectBuilder, exec } from '../build/builder.js';
import { createProgressRenderer } from '../build/progress.js';
import { resolveAnswers, type RawAnswers } from '../core/answers.js';
import { CreateImageError, ToolError, UsageError } from '../core/errors.js';
import { lineOfPath } from '../core/json-position.js';
import { renderPlan } from '../core/render.js';
import { FAMILIES, type Family, type Recipe, type SmokeCheck } from '../core/types.js';
import { familyOf } from '../core/validate.js';
import { lintPlan } from '../lint/index.js';
import { loadRecipeDir, MANIFEST } from '../recipes/load.js';
import { packageRoot } from '../recipes/paths.js';
import { scaffoldFiles } from '../recipes/scaffold.js';
import { VERSION } from './main.js';
import { out } from './output.js';
import { checkRequires } from './sources.js';

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** What editors resolve: a relative path to a schema on disk (this repo, or an installed create-image), else a URL. */
export function schemaRef(recipeDir: string): string {
  const candidates = [join(packageRoot(), 'recipes.schema.json')];
  for (let d = recipeDir; ; d = dirname(d)) {
    candidates.push(join(d, 'node_modules', 'create-image', 'recipes.schema.json'));
    if (dirname(d) === d) break;
  }
  for (const c of candidates) {
    const root = dirname(c);
    if (existsSync(c) && (recipeDir === root || recipeDir.startsWith(root + sep) || c.includes(`${sep}node_modules${sep}`))) {
      return relative(recipeDir, c).split(sep).join('/');
    }
  }
  return `https://unpkg.com/create-image@${VERSION}/recipes.schema.json`;
}

export async function recipeNew(name: string, flags: { dir?: string }): Promise<void> {
  if (!NAME.test(name)) throw new UsageError([{ path: 'name', message: `"${name}" is not a recipe name: lowercase letters, digits and dashes, starting with a letter or digit` }]);
  const dir = resolve(flags.dir ?? '.', name);
  if (existsSync(dir) && readdirSync(dir).length) throw new UsageError([{ path: '--dir', message: `${dir} exists and is not empty; pick another name or --dir` }]);
  for (const f of scaffoldFiles(name, schemaRef(dir), VERSION)) {
    const dest = join(dir, f.path);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, f.content);
    if (f.mode) chmodSync(dest, f.mode);
  }
  const rel = relative(process.cwd(), dir) || '.';
  out.line(`Created recipe ${name} in ${rel}`);
  out.line('Next steps:');
  out.line(`  create-image recipe test ${rel}            # render on every family and lint`);
  out.line(`  create-image recipe test ${rel} --build    # also build and run its smoke check`);
  out.line(`  create-image my-${name} --recipes ${relative(process.cwd(), dirname(dir)) || '.'} --recipe ${name} --yes`);
}

interface Case {
  name: string;
  raw: RawAnswers;
  file?: string;
}

const FIXTURE_KEYS = ['tz', 'locale', 'runtime', 'services', 'supervisor', 'ports', 'env', 'set', 'name'];

async function fixtures(dir: string): Promise<Case[]> {
  const cases: Case[] = [{ name: 'defaults', raw: {} }];
  const tdir = join(dir, 'test');
  if (!existsSync(tdir)) return cases;
  for (const f of readdirSync(tdir).filter((n) => /\.(json|ya?ml)$/.test(n)).sort()) {
    const file = join(tdir, f);
    let data: Record<string, unknown>;
    try {
      data = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new CreateImageError(`${file}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!data || typeof data !== 'object') throw new CreateImageError(`${file}: expected a mapping of answers`);
    for (const k of Object.keys(data)) if (!FIXTURE_KEYS.includes(k)) throw new CreateImageError(`${file}: unknown key "${k}"; accepted: ${FIXTURE_KEYS.join(', ')}`);
    const list = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)]);
    const raw: RawAnswers = { set: (data.set as Record<string, unknown>) ?? {} };
    if (data.tz !== undefined) raw.tz = String(data.tz);
    if (data.locale !== undefined) raw.locale = String(data.locale);
    if (data.runtime !== undefined) raw.runtime = String(data.runtime);
    if (data.supervisor !== undefined) raw.supervisor = String(data.supervisor);
    if (data.name !== undefined) raw.imageName = String(data.name);
    if (data.services !== undefined) raw.services = list(data.services)!;
    if (data.ports !== undefined) raw.ports = list(data.ports)!;
    if (data.env !== undefined) raw.env = data.env as Record<string, string>;
    cases.push({ name: f.replace(/\.(json|ya?ml)$/, ''), raw, file });
  }
  return cases;
}

function baseFor(recipe: Recipe, family: Family): string | undefined {
  const b = recipe.manifest.bases;
  return b.images?.[family] ?? (familyOf(b.default) === family ? b.default : undefined);
}

export async function recipeTest(dirArg: string, flags: { build?: boolean; family?: string; builder?: string; smokeTimeout?: string }): Promise<void> {
  const dir = resolve(dirArg);
  const smokeTimeout = Number(flags.smokeTimeout ?? '90');
  if (!/^\d+$/.test(flags.smokeTimeout ?? '90') || smokeTimeout < 1 || smokeTimeout > 3600) {
    throw new UsageError([{ path: '--smoke-timeout', message: `"${flags.smokeTimeout}" is not a number of seconds from 1 to 3600` }]);
  }
  const manifestFile = join(dir, MANIFEST);
  const problems: string[] = [];
  let recipe: Recipe;
  try {
    recipe = loadRecipeDir(dir);
    checkRequires(recipe);
  } catch (e) {
    if (!(e instanceof CreateImageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    throw Object.assign(new CreateImageError(`${dirArg}: the recipe does not load`), { exitCode: 1 });
  }
  const m = recipe.manifest;
  if (flags.family && !(FAMILIES as readonly string[]).includes(flags.family)) throw new UsageError([{ path: '--family', message: `"${flags.family}" is not a family; accepted: ${FAMILIES.join(', ')}` }]);
  if (flags.family && !m.bases.families.includes(flags.family as Family)) throw new UsageError([{ path: '--family', message: `${m.name} does not claim ${flags.family}; it claims ${m.bases.families.join(', ')}` }]);
  const families = flags.family ? [flags.family as Family] : m.bases.families;
  const cases = await fixtures(dir);
  const outRoot = mkdtempSync(join(tmpdir(), `create-image-recipe-test-${m.name}-`));
  const manifestText = readFileSync(manifestFile, 'utf8');
  const rendered: { family: Family; dir: string; plan: ReturnType<typeof renderPlan> }[] = [];

  for (const family of families) {
    const base = baseFor(recipe, family);
    if (!base) {
      problems.push(`${manifestFile}:${lineOfPath(manifestText, 'bases') ?? 1}: bases.images.${family} is missing: a recipe that claims ${family} needs a pinned image for it`);
      continue;
    }
    for (const c of cases) {
      const where = `${family} ${c.name}`;
      try {
        const answers = await resolveAnswers(recipe, { ...c.raw, base, family }, { interactive: false });
        const plan = renderPlan(recipe, answers, VERSION);
        const caseDir = join(outRoot, `${family}-${c.name}`);
        for (const f of plan.files) {
          const dest = join(caseDir, f.path);
          mkdirSync(dirname(dest), { recursive: true });
          writeFileSync(dest, f.content, { mode: f.mode });
        }
        const lint = await lintPlan(plan.files);
        const templates = new Map(m.files.map((f) => [f.path, f.template]));
        for (const p of lint.problems) {
          const text = p.replace(/^warning: /, '');
          const tpl = templates.get(text.split(':')[0]!);
          problems.push(`${where}: ${caseDir}${sep}${text}${p.startsWith('warning: ') ? ' (warning)' : ''}${tpl ? ` [rendered from ${join(dir, tpl)}]` : ''}`);
        }
        if (!lint.problems.length) out.line(`ok   ${family.padEnd(6)} ${c.name}${c.file ? ` (${relative(dir, c.file)})` : ''}: ${plan.files.length} files, lint clean`);
        if (c.name === 'defaults') rendered.push({ family, dir: caseDir, plan });
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
          await buildAndSmoke(m.name, r.family, r.dir, m.smoke, { ...flags, smokeTimeout });
          out.line(`ok   ${r.family.padEnd(6)} built and smoke-checked (${m.smoke.kind})`);
        } catch (e) {
          if (!(e instanceof CreateImageError)) throw e;
          problems.push(`${r.family} build: ${e.message}`);
        }
      }
    }
  }

  if (!problems.length) rmSync(outRoot, { recursive: true, force: true });
  else out.line(`renders kept in ${outRoot}`);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${p}\n`);
    throw Object.assign(new CreateImageError(`${dirArg}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`), { exitCode: 1 });
  }
}

async function buildAndSmoke(name: string, family: Family, dir: string, smoke: SmokeCheck, flags: { builder?: string; smokeTimeout: number }): Promise<void> {
  const builder = await detectBuilder(flags.builder ? { builder: flags.builder as 'docker' } : {});
  const tag = `create-image-test-${name}-${family}:${process.pid}-${Date.now().toString(36)}`;
  const progress = createProgressRenderer(process.stderr);
  try {
    await buildImage(builder, { dir, tags: [tag], logFile: join(dir, '.create-image', 'build.log'), onProgress: (p) => progress.update(p) });
  } catch (e) {
    progress.done();
    if (e instanceof ToolError && e.tail) process.stderr.write(`${e.tail}\n`);
    throw e;
  }
  progress.done();
  let id = '';
  try {
    const args = ['run', '-d'];
    if (smoke.kind !== 'command') args.push('-p', `127.0.0.1::${smoke.port ?? 80}`);
    const run = await exec(builder, [...args, tag]);
    if (run.exitCode !== 0) throw new ToolError(`cannot start the image: ${run.stderr.trim().split('\n').pop()}`);
    id = run.stdout.trim();
    const deadline = Date.now() + flags.smokeTimeout * 1000;
    let last = '';
    for (;;) {
      const state = await exec(builder, ['inspect', '--format', '{{.State.Running}}', id]);
      if (state.stdout.trim() === 'false') {
        const logs = await exec(builder, ['logs', id]);
        throw new ToolError(`the container exited before the smoke check passed:\n${logs.output.trim().split('\n').slice(-20).join('\n')}`);
      }
      last = await smokeOnce(builder, exec, id, smoke).catch((e: Error) => e.message);
      if (last === '') return;
      if (Date.now() > deadline) throw new ToolError(`smoke check (${smoke.kind}) failed within ${flags.smokeTimeout}s: ${last}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    if (id) await exec(builder, ['rm', '-f', id]);
    await exec(builder, ['rmi', '-f', tag]);
  }
}

/** '' when the check passes, else why not. */
async function smokeOnce(
  builder: import('../build/builder.js').Builder,
  exec: typeof import('../build/builder.js').exec,
  id: string,
  smoke: SmokeCheck,
): Promise<string> {
  if (smoke.kind === 'command') {
    const r = await exec(builder, ['exec', id, ...(smoke.command ?? ['true'])]);
    if (r.exitCode !== 0) return `${(smoke.command ?? []).join(' ')} exited ${r.exitCode}: ${r.output.trim().split('\n').pop() ?? ''}`;
    return smoke.expect && !r.output.includes(smoke.expect) ? `output lacks "${smoke.expect}": ${r.output.trim().slice(0, 200)}` : '';
  }
  const mapped = await exec(builder, ['port', id, `${smoke.port ?? 80}/tcp`]);
  const hostPort = Number(/:(\d+)\s*$/m.exec(mapped.stdout)?.[1]);
  if (!hostPort) return `port ${smoke.port} is not published`;
  if (smoke.kind === 'tcp') {
    const net = await import('node:net');
    return new Promise((res) => {
      const s = net.connect(hostPort, '127.0.0.1', () => {
        s.destroy();
        res('');
      });
      s.on('error', (e) => res(e.message));
      s.setTimeout(3000, () => {
        s.destroy();
        res('timeout');
      });
    });
  }
  const mod = smoke.kind === 'https' ? await import('node:https') : await import('node:http');
  return new Promise((res) => {
    const req = mod.get({ host: '127.0.0.1', port: hostPort, path: smoke.path ?? '/', timeout: 5000, rejectUnauthorized: false }, (resp) => {
      let body = '';
      resp.on('data', (d: Buffer) => (body += d.toString()));
      resp.on('end', () => {
        if ((resp.statusCode ?? 500) >= 400) res(`HTTP ${resp.statusCode}`);
        else res(smoke.expect && !body.includes(smoke.expect) ? `body lacks "${smoke.expect}"` : '');
      });
    });
    req.on('error', (e) => res(e.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}
