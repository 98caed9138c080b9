// Files a user names on the command line, read and checked: an answers file (--answers) and CA
// certificates (--ca-cert). Problems are usage errors naming the flag.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Issue, PlannedCert } from '../core/types.js';

/**
 * A mapping of answers from JSON or YAML. `yaml` loads the YAML parser, which only a YAML file needs.
 * A generated folder's record (.create-image.json) is an answers file too: its recipe and answers are
 * taken, and its CA certificates are the files it names in certs/ beside it.
 */
export async function readAnswersFile(file: string, yaml: () => Promise<(text: string) => unknown>): Promise<Record<string, unknown>> {
  if (!existsSync(file)) throw new UsageError([{ path: '--answers', message: `${file} does not exist` }]);
  if (!statSync(file).isFile()) throw new UsageError([{ path: '--answers', message: `${file} is not a file` }]);
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : (await yaml())(text);
  } catch (e) {
    throw new UsageError([{ path: '--answers', message: `${file}: ${(e as Error).message.split('\n')[0]}` }]);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UsageError([{ path: '--answers', message: `${file}: expected a mapping of answers (e.g. recipe: custom)` }]);
  return answersOfRecord(data as Record<string, unknown>, dirname(file)) ?? (data as Record<string, unknown>);
}

/** The answers-file form of a record, or undefined when `data` is not one. */
function answersOfRecord(data: Record<string, unknown>, dir: string): Record<string, unknown> | undefined {
  const { recipe, answers, files } = data as { recipe?: { name?: unknown }; answers?: Record<string, unknown>; files?: unknown };
  if (!recipe || typeof recipe !== 'object' || !answers || typeof answers !== 'object' || Array.isArray(answers) || !files) return undefined;
  const { imageName, caCerts, recipe: _name, ...rest } = answers;
  const certs = Array.isArray(caCerts) && caCerts.every((c) => typeof c === 'string') ? caCerts.map((c) => join(dir, 'certs', c)) : caCerts;
  return { ...rest, recipe: recipe.name, ...(imageName !== undefined ? { name: imageName } : {}), ...(certs !== undefined ? { caCerts: certs } : {}) };
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
    // a name this made before (read back from a record's certs/) keeps its own number: `01-proxy.crt`, not `01-01-proxy.crt`
    const stem = basename(path).replace(/\.(pem|crt|cer)$/i, '').replace(/^\d{2}-/, '').replace(/[^\w.-]/g, '_');
    certs.push({ name: `${String(i + 1).padStart(2, '0')}-${stem}.crt`, content });
  });
  if (issues.length) throw new UsageError(issues);
  return certs;
}
