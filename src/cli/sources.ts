// The recipe sources a command searches and the trust their templates need, with the code that fetches
// and asks loaded only when a source beyond the built-ins is configured.
import type { Prompter } from '../core/answers.js';
import type { Recipe } from '../core/types.js';
import { loadConfig } from '../recipes/config.js';
import type { externalSources } from '../recipes/external.js';
import { hasExternalSources, remoteSourcesOf, sourcesFrom, type Sources } from '../recipes/sources.js';
import type { ensureTrusted } from '../recipes/trust.js';
import type { SourceFlags } from './flags.js';
import { out } from './output.js';

/** The parts of the lazy bundle that recipe sources need. */
export interface SourcesLater {
  externalSources: typeof externalSources;
  ensureTrusted: typeof ensureTrusted;
}

export async function recipeSources(flags: SourceFlags, later: () => Promise<Pick<SourcesLater, 'externalSources'>>, cwd: string = process.cwd()): Promise<Sources> {
  const config = loadConfig(cwd);
  const external = hasExternalSources(flags, config) ? await (await later()).externalSources(flags, config, out.warn) : [];
  return sourcesFrom(external, config);
}

/** Before rendering: the remote sources whose templates will run must be trusted (see recipes/trust.ts). */
export async function trustRecipe(recipe: Recipe, sources: Sources, flags: SourceFlags, interactive: boolean, later: () => Promise<Pick<SourcesLater, 'ensureTrusted'>>, prompter?: Prompter): Promise<void> {
  const used = remoteSourcesOf(recipe, sources.list);
  if (!used.length) return;
  await (await later()).ensureTrusted(used, {
    ...(flags.trust ? { trust: true } : {}),
    interactive,
    ...(prompter ? { prompter } : {}),
    trusted: sources.config.trusted,
    notice: (s) => process.stderr.write(`create-image: ${s}\n`),
  });
}
