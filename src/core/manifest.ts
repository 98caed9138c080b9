// Manifest validation: schema (ajv, JSON Schema 2020-12) plus the checks a schema cannot express.
// Returns issues instead of throwing so `create-image validate` can list all of them at once.
import type { Issue, Manifest, When } from './types.js';
import { FAMILIES } from './types.js';
import { posix } from 'node:path';
import { FACT_NAMES } from './facts.js';
import { SERVICES, SERVICE_NAMES } from './families.js';
import { reservedOutputPath } from './record.js';
// recipes.schema.json compiled ahead of time (scripts/gen-validator.mjs): no ajv compile at start-up
import { validate as schemaValidate } from './manifest-validator.generated.js';

/** A recipe's name, as recipes.schema.json's `name` pattern has it (a unit test keeps the two equal). */
export const RECIPE_NAME = /^[a-z][a-z0-9-]*$/;
export const RECIPE_NAME_RULE = 'lowercase letters, digits and dashes, starting with a letter';

type ValidateFn = typeof schemaValidate;
const schemaValidator = (): ValidateFn => schemaValidate;

/** JSON pointer ("/files/0/path") to the dotted form users read in messages ("files[0].path"). */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

export function validateManifest(data: unknown): Issue[] {
  const validate = schemaValidator();
  if (!validate(data)) {
    // `if` only says which `then` failed; the `then` errors themselves name the missing fields.
    return (validate.errors ?? []).filter((e) => (e as { keyword?: string }).keyword !== 'if').map((e) => {
      let path = pointerToPath(e.instancePath) || '(root)';
      let message = e.message ?? 'is invalid';
      if (e.params && 'additionalProperty' in e.params) {
        path = path === '(root)' ? String(e.params.additionalProperty) : `${path}.${String(e.params.additionalProperty)}`;
        message = 'is not a known field';
      } else if (e.params && 'allowedValues' in e.params) {
        message = `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
      }
      return { path, message };
    });
  }
  return semanticIssues(data as Manifest);
}

function semanticIssues(m: Manifest): Issue[] {
  const issues: Issue[] = [];
  const names = new Set<string>();
  (m.questions ?? []).forEach((q, i) => {
    if (names.has(q.name)) issues.push({ path: `questions[${i}].name`, message: `duplicate question "${q.name}"` });
    names.add(q.name);
    if ((q.type === 'select' || q.type === 'multiselect') && !q.choices?.length) {
      issues.push({ path: `questions[${i}].choices`, message: `a ${q.type} question needs choices` });
    }
    if (q.pattern) {
      try {
        new RegExp(q.pattern);
      } catch (e) {
        issues.push({ path: `questions[${i}].pattern`, message: `is not a valid regular expression (${(e as Error).message})` });
      }
    }
  });
  // `at`: the condition's own path (`questions[3].when`, `questions[3].when.any[1]`)
  // `facts`: whether the facts derived from the common answers may be tested too (not by multiProcess, which one of them follows)
  const checkCondition = (when: When, at: string, facts = true): void => {
    if (when.any) {
      if (when.question !== undefined || 'equals' in when || when.in || 'not' in when) issues.push({ path: `${at}.any`, message: 'stands alone: put question, equals, in and not in its conditions' });
      when.any.forEach((w, i) => checkCondition(w, `${at}.any[${i}]`, facts));
    } else if (when.question === undefined) {
      issues.push({ path: `${at}.question`, message: 'is required (the question or fact the condition tests), unless the condition is an any' });
    } else if (!names.has(when.question) && !(facts && (FACT_NAMES as readonly string[]).includes(when.question))) {
      issues.push({ path: `${at}.question`, message: `names no question of this recipe ("${when.question}")` });
    }
  };
  const checkWhen = (when: When | undefined, path: string) => {
    if (when) checkCondition(when, `${path}.when`);
  };
  (m.questions ?? []).forEach((q, i) => checkWhen(q.when, `questions[${i}]`));
  (m.env ?? []).forEach((e, i) => checkWhen(e.when, `env[${i}]`));
  if (m.ownServices) {
    checkWhen(m.ownServices.when, 'ownServices');
    for (const s of m.ownServices.services) if (!SERVICES[s]) issues.push({ path: 'ownServices.services', message: `unknown service "${s}"; accepted: ${SERVICE_NAMES.join(', ')}` });
    if (m.ask?.includes('services') || m.defaults?.services?.length) issues.push({ path: 'ownServices', message: 'only for a recipe that neither asks services nor defaults to any (the others take any service)' });
  }
  if (m.multiProcess) checkCondition(m.multiProcess, 'multiProcess', false);
  if (typeof m.interactive === 'object') checkCondition(m.interactive, 'interactive');
  // A recipe that `extends` another may leave out bases and files: the parent's are used.
  (m.files ?? []).forEach((f, i) => {
    checkWhen(f.when, `files[${i}]`);
    if (f.path.startsWith('/') || f.path.split(/[\\/]/).includes('..')) {
      issues.push({ path: `files[${i}].path`, message: 'must be relative and stay inside the target dir' });
    } else {
      const reserved = reservedOutputPath(posix.normalize(f.path.replace(/\\/g, '/')));
      if (reserved) issues.push({ path: `files[${i}].path`, message: `"${f.path}" ${reserved}` });
    }
  });
  // compose companions name env vars: the recipe's own (an extending recipe may name inherited ones)
  for (const [kind, wiring] of Object.entries(m.compose ?? {}) as [string, Record<string, string>][]) {
    for (const [field, name] of Object.entries(wiring)) {
      const e = (m.env ?? []).find((x) => x.name === name);
      if (!e && !m.extends) issues.push({ path: `compose.${kind}.${field}`, message: `names no env var of this recipe ("${name}")` });
      else if (e && field === 'password' && !e.secret) issues.push({ path: `compose.${kind}.${field}`, message: `${name} must be a secret env var (its value goes in a compose secret)` });
      else if (e && field !== 'password' && e.default === undefined) issues.push({ path: `compose.${kind}.${field}`, message: `${name} needs a default (the companion service takes it)` });
    }
  }
  if (m.dropQuestions?.length && !m.extends) issues.push({ path: 'dropQuestions', message: 'only for a recipe that extends another (it drops questions inherited from it)' });
  for (const n of m.dropQuestions ?? []) if (names.has(n)) issues.push({ path: 'dropQuestions', message: `"${n}" is a question of this recipe itself; drop it from questions instead` });
  const envNames = new Set<string>();
  (m.env ?? []).forEach((e, i) => {
    if (envNames.has(e.name)) issues.push({ path: `env[${i}].name`, message: `duplicate env var "${e.name}"` });
    envNames.add(e.name);
    if (e.secret && e.default) issues.push({ path: `env[${i}].default`, message: 'a secret env var cannot have a default (it would land in the image)' });
  });
  const noop = 'a check that cannot fail; name what proves the image works (a page and its text, a port, a command whose output is expected)';
  if (m.smoke?.kind === 'command' && !m.smoke.expect && cannotFail(m.smoke.command ?? [])) issues.push({ path: 'smoke.command', message: noop });
  if (m.smoke && m.smoke.kind !== 'command' && (m.smoke.oneShot !== undefined || m.smoke.env !== undefined)) issues.push({ path: m.smoke.oneShot !== undefined ? 'smoke.oneShot' : 'smoke.env', message: 'applies to a check of kind "command" only' });
  if (m.smoke?.kind === 'command' && m.smoke.env && !m.smoke.oneShot) issues.push({ path: 'smoke.env', message: 'applies with "oneShot": true only (a check in the running image has its environment)' });
  if (m.healthcheck && cannotFail(['sh', '-c', m.healthcheck.cmd])) issues.push({ path: 'healthcheck.cmd', message: noop });
  if (!m.bases) return issues;
  if (/:latest$/.test(m.bases.default)) issues.push({ path: 'bases.default', message: 'must be pinned to a tag other than latest, e.g. debian:bookworm-slim' });
  for (const [fam, image] of Object.entries(m.bases.images ?? {})) {
    if (!FAMILIES.includes(fam as never)) continue;
    if (!m.bases.families.includes(fam as never)) issues.push({ path: `bases.images.${fam}`, message: `family "${fam}" is not in bases.families` });
    if (!/[:@]/.test(image) || /:latest$/.test(image)) issues.push({ path: `bases.images.${fam}`, message: 'must be a pinned tag or digest' });
  }
  return issues;
}

/** `true`, `:` or `exit 0`, alone or under `sh -c` (a shell, a busybox applet): a command that always succeeds. */
export function cannotFail(argv: readonly string[]): boolean {
  let words = argv.map((w) => w.trim()).filter(Boolean);
  if (/(^|\/)busybox$/.test(words[0] ?? '')) words = words.slice(1);
  if (/(^|\/)(ba|da)?sh$/.test(words[0] ?? '') && words[1] === '-c' && words.length === 3) words = words[2]!.split(/\s+/).filter(Boolean);
  if (/(^|\/)busybox$/.test(words[0] ?? '')) words = words.slice(1);
  const line = words.join(' ').replace(/;$/, '');
  return words.length === 0 || /^((\/usr)?\/bin\/)?true$/.test(line) || line === ':' || /^exit( 0)?$/.test(line);
}

