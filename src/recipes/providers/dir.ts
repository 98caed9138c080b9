// A local folder of recipes (--recipes ./dir): used as it is, nothing fetched, nothing to trust.
import { recipesFolder } from '../load.js';
import { formatSpec, type SourceSpec } from '../spec.js';
import type { SourceProvider } from './provider.js';

type DirSpec = Extract<SourceSpec, { kind: 'dir' }>;

export const dirProvider: SourceProvider<DirSpec> = {
  resolve: async (spec) => ({ kind: 'dir', dir: recipesFolder(spec.dir), label: formatSpec(spec), spec }),
  newest: async (spec) => ({ spec, refresh: false }),
  at: async () => undefined,
  trustKey: () => undefined,
};
