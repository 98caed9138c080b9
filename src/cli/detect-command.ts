// `create-image detect [dir]`: what a generation in that folder would detect, with the evidence and the
// answers it would pre-fill; writes nothing.
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { shCommand } from '../core/escape.js';
import { appAnswers, appLabel, evidenceLine, impossiblePin, MARKERS } from '../detect/detect.js';
import { appsIn } from './app-detect.js';
import { today } from '../edges/clock.js';
import type { DetectFlags } from './flags.js';
import { out } from './output.js';

export function detect(dirArg: string, flags: DetectFlags): void {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError([{ path: 'dir', message: `${dirArg} is not a folder` }]);
  const { apps, problems } = appsIn(dir, flags.app);
  const shown = relative(process.cwd(), dir) || '.';
  const results = apps.map((app) => {
    const { values, notes } = appAnswers(app, undefined, today());
    const impossible = impossiblePin(app, today());
    if (impossible) notes.unshift(`${impossible.file}: ${impossible.message}: a generation stops here (exit 2)`);
    // The generation that takes these answers, as a command line: one app of several needs --app (its
    // folder), one of several stacks in a folder --set stack, a module with several main packages one.
    const dirs = new Set(apps.map((a) => a.dir));
    const sharesDir = apps.filter((a) => a.dir === app.dir).length > 1;
    const command = shCommand([
      'npx',
      'create-image',
      shown,
      ...(dirs.size > 1 ? ['--app', app.dir] : []),
      ...(sharesDir ? ['--set', `stack=${app.stack}`] : []),
      ...(app.choices ? ['--set', `${app.choices.key}=${app.choices.values[0]}`] : []),
    ]);
    return { dir: app.dir, stack: app.stack, facts: app.facts, ...(app.runtime ? { runtime: app.runtime } : {}), ...(app.port ? { port: app.port } : {}), answers: values, ...(app.choices ? { choices: app.choices } : {}), notes, command };
  });
  if (flags.json) {
    out.json({ dir, apps: results, ...(problems.length ? { problems } : {}) });
    return;
  }
  if (!apps.length) {
    const markers = [...MARKERS];
    out.line(problems.length ? `No app recognised in ${shown}: ${problems.join(' ')}` : `No app recognised in ${shown}: no ${markers.slice(0, -1).join(', ')} or ${markers.at(-1)}.`);
    return;
  }
  for (const p of problems) out.line(`note: ${p}`);
  for (const [i, app] of apps.entries()) {
    const r = results[i]!;
    out.line(`${appLabel(app)}: ${evidenceLine(app)}`);
    for (const f of app.facts) out.line(`  ${f.key.padEnd(16)} ${f.value}  <- ${f.evidence}`);
    const set = (r.answers.set ?? {}) as Record<string, unknown>;
    out.line(`  answers          recipe app, ${Object.entries(set).map(([k, v]) => `${k}=${String(v)}`).join(' ')}${r.answers.base ? `, base ${String(r.answers.base)}` : ''}`);
    if (app.choices) out.line(`  choose           --set ${app.choices.key}=${app.choices.values.join(' | ')}`);
    for (const n of r.notes) out.line(`  note: ${n}`);
    out.line(`  generate with:   ${r.command}`);
  }
}
