// `create-image check [dir]`: how a generated folder stands against its recipe (src/update/check.ts),
// changing nothing in it. Exit codes: 0 current; 10 an update is available (a newer recipe version or a
// newer base release); 1 the check failed; 2 bad usage. Edited files are listed but are no update: they
// are the user's, and `update` merges them. `--ci gitlab|github` also writes a scheduled job running it.
import { resolve } from 'node:path';
import { shCommand } from '../core/escape.js';
import { ExitError } from '../core/errors.js';
import { readRecord } from '../edges/record-store.js';
import { inspectTarget, writeFiles } from '../edges/write.js';
import { CHECK_GITHUB_FILE, CHECK_GITLAB_FILE, githubCheckWorkflow, gitlabCheckJob } from '../pipelines/check-job.js';
import { UPDATE_AVAILABLE } from '../core/errors.js';
import { today } from '../edges/clock.js';
import { checkDir, type CheckReport } from '../update/check.js';
import type { CheckFlags } from './flags.js';
import { out } from './output.js';
import { VERSION } from './version.js';


export async function checkCommand(dirArg: string, flags: CheckFlags): Promise<void> {
  const dir = resolve(dirArg);
  const rec = readRecord(dir);
  const ci = flags.ci ? writeCheckJob(dir, flags.ci, !!flags.force) : undefined;
  const report = await checkDir(dir, rec, { ...(flags.recipes ? { recipes: flags.recipes } : {}), ...(flags.refresh ? { refresh: true } : {}), ...(flags.trust ? { trust: true } : {}), warn: out.warn, day: today() });
  const update = shCommand(['create-image', 'update', dirArg]);
  if (flags.json) out.json({ ...report, ...(report.recipe.newer ? { next: update } : {}), ...(ci ? { ci } : {}) });
  else printReport(report, update, ci);
  if (report.updateAvailable) throw new ExitError(UPDATE_AVAILABLE);
}

function writeCheckJob(dir: string, ci: 'gitlab' | 'github', force: boolean): { file: string; written: boolean } {
  const file = ci === 'github' ? { path: CHECK_GITHUB_FILE, content: githubCheckWorkflow(VERSION), mode: 0o644 } : { path: CHECK_GITLAB_FILE, content: gitlabCheckJob(VERSION), mode: 0o644 };
  const result = writeFiles(dir, inspectTarget(dir, [file]), force ? () => 'overwrite' : undefined, 'use --force to overwrite it');
  return { file: file.path, written: result.written.length > 0 };
}

function printReport(r: CheckReport, update: string, ci: { file: string; written: boolean } | undefined): void {
  const from = `${r.recipe.name} ${r.recipe.current}`;
  out.line(r.recipe.newer ? `recipe: newer version ${r.recipe.latest} available (${from} -> ${r.recipe.latest} from ${r.recipe.source})` : `recipe: up to date (${from} from ${r.recipe.source})`);
  for (const b of r.bases) out.line(`base: ${b.file}:${b.line} ${b.image} has a newer release: ${b.suggested} (${b.release} supported until ${b.endOfSupport}, ${b.newest} until ${b.newestEndOfSupport})`);
  if (!r.bases.length) out.line('base: no newer release of the base images');
  for (const f of r.files) out.line(`${f.state}: ${f.path}`);
  if (!r.files.length) out.line('files: as last rendered');
  if (ci) out.line(`${ci.written ? 'Wrote' : 'Unchanged:'} ${ci.file}${ci.file === CHECK_GITLAB_FILE ? ' (include it from .gitlab-ci.yml and add a pipeline schedule)' : ''}`);
  if (r.updateAvailable) out.line(`Update available: ${r.recipe.newer ? `run ${update}` : `change the FROM line${r.bases.length === 1 ? '' : 's'} (or regenerate with --base)`}`);
}
