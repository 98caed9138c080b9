// Lints every Dockerfile and shell script of a rendered plan. What we generate must be clean, so by
// default warnings fail too; `failOn: 'error'` lets a caller (e.g. a user recipe) tolerate them.
import { formatFindings, lintDockerfile } from './dockerfile.js';
import { isShellScript, shellcheck } from './shell.js';

export { formatFindings, lintDockerfile, type LintFinding, type LintDockerfileOptions } from './dockerfile.js';
export { isShellScript, shellcheck, type ShellFinding, type ShellcheckOptions } from './shell.js';

export interface LintPlanOptions {
  /** Lowest severity that counts as a problem. Default 'warning'. */
  failOn?: 'error' | 'warning';
  /** Skip DL3002 (final USER is root) in every Dockerfile, like `# lint: allow-root <reason>`. */
  allowRootUser?: boolean;
  shellcheckBin?: string;
}

export interface PlanLint {
  /** Lines that fail under `failOn`, warnings prefixed with WARNING_PREFIX. */
  problems: string[];
  /** Warnings that do not fail (only with failOn 'error'), for callers that still want to show them. */
  notices: string[];
}

/** Lines for warnings start with this, so callers can tell them from errors. */
export const WARNING_PREFIX = 'warning: ';

export function isDockerfile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (name.endsWith('.dockerignore')) return false; // Dockerfile.dockerignore is an ignore file
  return name === 'dockerfile' || name.endsWith('.dockerfile') || name.startsWith('dockerfile.');
}

export async function lintPlan(files: { path: string; content: string }[], opts: LintPlanOptions = {}): Promise<PlanLint> {
  const found: { severity: 'error' | 'warning'; text: string }[] = [];
  for (const f of files) {
    if (!isDockerfile(f.path)) continue;
    const findings = lintDockerfile(f.content, { file: f.path, allowRootUser: opts.allowRootUser });
    formatFindings(findings, f.path).forEach((text, i) => found.push({ severity: findings[i]!.severity, text }));
  }
  const scripts = files.filter((f) => !isDockerfile(f.path) && isShellScript(f.path, f.content));
  for (const s of await shellcheck(scripts, { shellcheckBin: opts.shellcheckBin })) {
    // shellcheck's info and style are warnings here: they fail generated files all the same.
    found.push({ severity: s.level === 'error' ? 'error' : 'warning', text: `${s.file}:${s.line}:${s.column} ${s.code} ${s.level}: ${s.message}` });
  }
  const failOnWarnings = (opts.failOn ?? 'warning') === 'warning';
  const line = (f: (typeof found)[number]): string => (f.severity === 'warning' ? WARNING_PREFIX + f.text : f.text);
  return {
    problems: found.filter((f) => f.severity === 'error' || failOnWarnings).map(line),
    notices: failOnWarnings ? [] : found.filter((f) => f.severity === 'warning').map(line),
  };
}

/** Formatted problem lines for the plan's Dockerfiles and shell scripts; empty means clean. */
export async function lintPlanFiles(files: { path: string; content: string }[], opts: LintPlanOptions = {}): Promise<string[]> {
  return (await lintPlan(files, opts)).problems;
}
