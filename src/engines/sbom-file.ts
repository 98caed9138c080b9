// sbom.cdx.json beside the Dockerfile: the image's OS packages and the copied-in lockfiles' packages,
// as CycloneDX JSON (src/core/sbom.ts), written atomically.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cyclonedx } from '../core/sbom.js';
import type { Builder } from './builder.js';
import { copiedLockfilePackages, imagePackages } from './sbom.js';

export const SBOM_FILE = 'sbom.cdx.json';

export interface SbomReport {
  file: string;
  /** The OS package database read (none: the image has none, e.g. FROM scratch). */
  database: 'dpkg' | 'apk' | 'rpm' | 'none';
  osPackages: number;
  /** Lockfile path -> packages it lists. */
  lockfiles: Record<string, number>;
  /** Lockfiles copied in that could not be read (too large, not a regular file, not parseable). */
  unreadable: string[];
}

export async function writeSbom(builder: Builder, dir: string, subject: { name: string; imageId: string; toolVersion: string }): Promise<SbomReport> {
  const image = await imagePackages(builder, subject.imageId);
  const dockerfile = join(dir, 'Dockerfile');
  const locks = existsSync(dockerfile) ? copiedLockfilePackages(dir, readFileSync(dockerfile, 'utf8')) : { files: [], packages: [], unreadable: [] };
  const doc = cyclonedx({ ...subject, os: image.os }, [...image.packages, ...locks.packages]);
  const file = join(dir, SBOM_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(tmp, file);
  const lockfiles: Record<string, number> = {};
  for (const f of locks.files) lockfiles[f] = locks.packages.filter((p) => p.from === f).length;
  return { file: SBOM_FILE, database: image.database, osPackages: image.packages.length, lockfiles, unreadable: locks.unreadable };
}
