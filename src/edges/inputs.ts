// Files a user names on the command line, read and checked: an answers file (--answers) and CA
// certificates (--ca-cert). Problems are usage errors naming the flag.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Issue, PlannedCert } from '../core/types.js';
import { readBounded } from './bounded-read.js';

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

/** A CA bundle is a few hundred KB; anything bigger is not one (and `/dev/zero` must fail fast). */
const MAX_CERT_BYTES = 1024 * 1024;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * PEM certificates, each named `NN-<file>.crt` under certs/ (update-ca-certificates reads only *.crt).
 * Certificates only: a file holding a private key is refused (it would be copied into the image), and of
 * a file with other PEM blocks only its certificates are kept.
 */
export function readCaCerts(paths: string[], flag = '--ca-cert'): PlannedCert[] {
  const issues: Issue[] = [];
  const certs: PlannedCert[] = [];
  paths.forEach((path, i) => {
    const read = readBounded(path, MAX_CERT_BYTES);
    if (read.problem !== undefined) {
      issues.push({ path: flag, message: `${path} ${read.problem}${read.problem.startsWith('is over') ? ': not a CA certificate file' : ''}` });
      return;
    }
    const content = read.text;
    if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(content)) {
      issues.push({ path: flag, message: `${path} holds a private key: give the CA's certificate alone (certificates only; a key must never reach the image)` });
      return;
    }
    const blocks = content.match(CERT_BLOCK);
    if (!blocks) {
      issues.push({ path: flag, message: `${path} is not a PEM certificate (no BEGIN CERTIFICATE line)` });
      return;
    }
    // a name this made before (read back from a record's certs/) keeps its own number: `01-proxy.crt`, not `01-01-proxy.crt`
    const stem = basename(path).replace(/\.(pem|crt|cer)$/i, '').replace(/^\d{2}-/, '').replace(/[^\w.-]/g, '_');
    certs.push({ name: `${String(i + 1).padStart(2, '0')}-${stem}.crt`, content: `${blocks.join('\n')}\n` });
  });
  if (issues.length) throw new UsageError(issues);
  return certs;
}
