// What a Dockerfile lint rule reports (the rule modules and the linter that runs them share it).
export interface LintFinding {
  /** 1-based line where the instruction starts. */
  line: number;
  /** A hadolint id (DL3007), `DU<code>` for dockerfile-utils, or one of ours (CI001). */
  rule: string;
  message: string;
  severity: 'error' | 'warning';
}
