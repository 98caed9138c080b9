// The shape every kind of recipe source has (local dir, git, npm; see ./index.ts for the kinds).
import type { RecipeSource } from '../load.js';
import type { SourceSpec } from '../spec.js';

export interface ResolvedSource extends RecipeSource {
  kind: 'builtin' | SourceSpec['kind'];
  spec?: SourceSpec;
  /** Repository URL or package name trust is granted to (remote sources only). */
  trustKey?: string;
  /**
   * Where a local folder was named by something that came with the project (its create-image.config.json,
   * a record's source): its templates are that folder's code, so it needs trust as a remote source does.
   */
  namedBy?: string;
  /** Fetched in this run rather than taken from the cache. */
  fresh?: boolean;
}

export interface ResolveOptions {
  refresh?: boolean;
  warn?: (s: string) => void;
  /** Names the origin of the spec in errors (--recipes, CREATE_IMAGE_RECIPES, a config file). */
  flag?: string;
}

export interface SourceProvider<S extends SourceSpec> {
  /** A local folder of recipes for the spec; remote kinds fetch into the cache first (no template runs). */
  resolve(spec: S, opts: ResolveOptions): Promise<ResolvedSource>;
  /** The spec `update` moves to: the newest release of the same source, and whether to fetch it again. */
  newest(spec: S, opts: { refresh: boolean }): Promise<{ spec: SourceSpec; refresh: boolean }>;
  /** The source as it was at a recorded commit (to re-render an earlier version); undefined when the kind cannot. */
  at(spec: S, commit: string, opts: ResolveOptions): Promise<ResolvedSource | undefined>;
  /** What trust is granted to: a repository URL (any ref) or a package name (any version); none for a local dir. */
  trustKey(spec: S): string | undefined;
}
