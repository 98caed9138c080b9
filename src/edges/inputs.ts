// Files a user names on the command line, read and checked: an answers file (--answers) and CA
// certificates (--ca-cert). Problems are usage errors naming the flag.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Issue, PlannedCert } from '../core/types.js';

/** A mapping of answers from JSON or YAML. `yaml` loads the YAML parser, which only a YAML file needs. */
export async function readAnswersFile(file: string, yaml: () => Promise<(text: string) => unknown>): Promise<Record<string, unknown>> {
  if (!existsSync(file)) throw new UsageError([{ path: '--answers', message: `${file} does not exist` }]);
  const text = readFileSync(file, 'utf8');
  try {
    const data = /\.json$/i.test(file) ? JSON.parse(text) : (await yaml())(text);
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('expected a mapping of answers');
    return data as Record<string, unknown>;
  } catch (e) {
    throw new UsageError([{ path: '--answers', message: `${file}: ${(e as Error).message.split('\n')[0]}` }]);
  }
}

/** PEM certificates, each named `NN-<file>.crt` under certs/ (update-ca-certificates reads only *.crt). */
export function readCaCerts(paths: string[], flag = '--ca-cert'): PlannedCert[] {
  const issues: Issue[] = [];
  const certs: PlannedCert[] = [];
  paths.forEach((path, i) => {
    if (!existsSync(path)) {
      issues.push({ path: flag, message: `${path} does not exist` });
      return;
    }
    const content = readFileSync(path, 'utf8');
    if (!content.includes('-----BEGIN CERTIFICATE-----')) {
      issues.push({ path: flag, message: `${path} is not a PEM certificate (no BEGIN CERTIFICATE line)` });
      return;
    }
    certs.push({ name: `${String(i + 1).padStart(2, '0')}-${basename(path).replace(/\.(pem|crt|cer)$/i, '').replace(/[^\w.-]/g, '_')}.crt`, content });
  });
  if (issues.length) throw new UsageError(issues);
  return certs;
}
