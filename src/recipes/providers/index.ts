// Recipe source kinds, one provider each (like giget's providers): a spec is resolved, updated, pinned
// and trusted by the provider of its kind.
import type { SourceSpec } from '../spec.js';
import { dirProvider } from './dir.js';
import { gitProvider } from './git.js';
import { npmProvider } from './npm.js';
import type { ResolvedSource, ResolveOptions, SourceProvider } from './provider.js';

export type { ResolvedSource, ResolveOptions, SourceProvider } from './provider.js';

const PROVIDERS: { [K in SourceSpec['kind']]: SourceProvider<Extract<SourceSpec, { kind: K }>> } = { dir: dirProvider, git: gitProvider, npm: npmProvider };

export const providerOf = <S extends SourceSpec>(spec: S): SourceProvider<S> => PROVIDERS[spec.kind] as unknown as SourceProvider<S>;

export const resolveSpec = (spec: SourceSpec, opts: ResolveOptions = {}): Promise<ResolvedSource> => providerOf(spec).resolve(spec, opts);

export const trustKey = (spec: SourceSpec): string | undefined => providerOf(spec).trustKey(spec);
