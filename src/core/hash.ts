// Content hashes: the record's per-file hashes and the built-in manifests validated at build time.
import { createHash } from 'node:crypto';

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
