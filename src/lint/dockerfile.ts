// The Dockerfile linter every rendered Dockerfile must pass. Pure and synchronous: dockerfile-utils
// catches what the builder would reject, our rules (named by their hadolint ids where hadolint has
// one) catch what builds but makes a poor or unreproducible image. No hadolint binary is needed.
import type { From, PropertyInstruction } from 'dockerfile-ast';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { argsAfterFlags, execForm, onbuildTrigger, parseDockerfile, substitute, type Instruction } from './dockerfile-parse.js';
import { checkRun } from './dockerfile-run.js';
import { splitWords } from './shell-words.js';
import { looksSecret } from '../core/secret-names.js';
import type { LintFinding } from './finding.js';

export { looksSecret };
export type { LintFinding } from './finding.js';

export interface LintDockerfileOptions {
  /** Name of the file, for callers that keep it with the findings; the rules do not depend on it. */
  file?: string;
  /** The service needs root (like `# lint: allow-root <reason>` in the file): skip DL3002. */
  allowRootUser?: boolean;
}

// dockerfile-utils replaces its defaults with these settings wholesale, so every key is spelled out.
// MAINTAINER and relative WORKDIR are ignored because our DL4000 and DL3000 report them already.
const DU_SETTINGS: Required<ValidatorSettings> = {
  deprecatedMaintainer: ValidationSeverity.IGNORE,
  directiveCasing: ValidationSeverity.WARNING,
  emptyContinuationLine: ValidationSeverity.WARNING,
  instructionCasing: ValidationSeverity.WARNING,
  instructionCmdMultiple: ValidationSeverity.WARNING,
  instructionEntrypointMultiple: ValidationSeverity.WARNING,
  instructionHealthcheckMultiple: ValidationSeverity.WARNING,
  instructionJSONInSingleQuotes: ValidationSeverity.WARNING,
  instructionWorkdirRelative: ValidationSeverity.IGNORE,
};

interface Stage {
  name?: string;
  line: number;
  user?: { value: string; line: number };
  pipefail: boolean;
  posixShell: boolean;
  vars: Map<string, string>;
}

const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'zsh', 'busybox']);
const ALLOW_ROOT = /^lint:\s*allow-root\b\s*(.*)$/;

export function lintDockerfile(text: string, opts: LintDockerfileOptions = {}): LintFinding[] {
  const out: LintFinding[] = [];
  for (const d of validate(text, DU_SETTINGS)) {
    // LSP severities: 1 error, 2 warning; information and hints are not findings.
    if (d.severity !== 1 && d.severity !== 2) continue;
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    out.push({ line: d.range.start.line + 1, rule: `DU${String(d.code ?? '')}`, message, severity: d.severity === 1 ? 'error' : 'warning' });
  }

  const parsed = parseDockerfile(text);
  const firstLine = parsed.instructions[0]?.line ?? Infinity;
  for (const d of parsed.directives) if (d.name === 'syntax') out.push(syntaxFinding(d.line));
  for (const c of parsed.comments) if (c.line < firstLine && /^syntax\s*=/i.test(c.text)) out.push(syntaxFinding(c.line));

  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  let stage: Stage | undefined;

  for (const original of parsed.instructions) {
    // ONBUILD X runs X in a child image: check X, but it does not change this stage's USER or SHELL.
    const onbuild = original.keyword === 'ONBUILD';
    const ins = (onbuild && onbuildTrigger(original)) || original;
    const add = (rule: string, message: string, severity: LintFinding['severity'] = 'error'): void => {
      out.push({ line: ins.line, rule, message, severity });
    };

    switch (ins.keyword) {
      case 'FROM': {
        if (onbuild) break;
        const r = checkFrom(ins, globalArgs, stages);
        out.push(...r.findings);
        stage = r.stage;
        stages.push(stage);
        break;
      }
      case 'ARG':
      case 'ENV':
      case 'LABEL':
        for (const p of (ins.node as PropertyInstruction).getProperties()) {
          const key = p.getName();
          const value = p.getValue() ?? undefined;
          if (value && looksSecret(key)) {
            add('CI002', `${ins.keyword} ${key} has a value: secrets in ENV/ARG/LABEL stay in the image layers and \`docker history\`; pass them at run time (${key} or a ${key}_FILE)`);
          }
          if (ins.keyword === 'LABEL' || onbuild) continue;
          const vars = stage ? stage.vars : globalArgs;
          if (value !== undefined) vars.set(key, value);
        }
        break;
      case 'RUN':
        out.push(...checkRun(ins, { pipefail: stage?.pipefail ?? false, posixShell: stage?.posixShell ?? true }));
        break;
      case 'CMD':
      case 'ENTRYPOINT':
        if (!execForm(ins.args)) {
          add('DL3025', `use the JSON (exec) form, ${ins.keyword} ["program", "arg"]: in shell form /bin/sh is PID 1 and the process never gets the SIGTERM of \`docker stop\``);
        }
        break;
      case 'WORKDIR': {
        const dir = splitWords(ins.args, parsed.escape)[0] ?? '';
        if (!/^(\/|\$|[A-Za-z]:[\\/])/.test(dir)) {
          add('DL3000', `WORKDIR ${dir} is relative, so it depends on the WORKDIR before it: use an absolute path`);
        }
        break;
      }
      case 'USER':
        if (stage && !onbuild) stage.user = { value: splitWords(ins.args, parsed.escape)[0] ?? '', line: ins.line };
        break;
      case 'MAINTAINER':
        add('DL4000', 'MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors="..."');
        break;
      case 'ADD': {
        const rest = argsAfterFlags(ins);
        const local = (execForm(rest) ?? splitWords(rest, parsed.escape)).slice(0, -1).filter((s) => !isRemote(s) && !isArchive(s));
        if (local.length > 0) {
          add('DL3020', `use COPY for ${local.join(', ')}: ADD also fetches URLs and unpacks archives, COPY only copies`);
        }
        break;
      }
      case 'SHELL': {
        const shell = execForm(ins.args);
        if (stage && shell && !onbuild) {
          stage.pipefail = shell.some((w, i) => w === 'pipefail' && /^[-+][a-zA-Z]*o$/.test(shell[i - 1] ?? ''));
          const exe = shell[0] ?? '';
          stage.posixShell = POSIX_SHELLS.has(exe.slice(exe.lastIndexOf('/') + 1));
        }
        break;
      }
    }
  }

  const final = stages.at(-1);
  const allowComment = parsed.comments.map((c) => ALLOW_ROOT.exec(c.text)).find(Boolean);
  if (final && !opts.allowRootUser && !allowComment?.[1]) {
    const hint = allowComment ? ' (the `# lint: allow-root` comment needs a reason after it)' : ' (or `# lint: allow-root <reason>` when the service needs root)';
    if (!final.user) {
      out.push({ line: final.line, rule: 'DL3002', severity: 'warning', message: `the final stage never sets USER, so it runs as the base image's user, usually root: add USER <non-root>${hint}` });
    } else if (isRoot(final.user.value, final.vars)) {
      out.push({ line: final.user.line, rule: 'DL3002', severity: 'error', message: `the last USER of the final stage is root: switch to a non-root user${hint}` });
    }
  }

  return out.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

/** `Dockerfile:12 DL3007 error: ...`, one line per finding. */
export function formatFindings(findings: LintFinding[], file: string): string[] {
  return findings.map((f) => `${file}:${f.line} ${f.rule} ${f.severity}: ${f.message}`);
}

function syntaxFinding(line: number): LintFinding {
  return { line, rule: 'CI001', severity: 'error', message: 'remove the `# syntax=` directive: it makes the builder pull a frontend image, which fails offline; the built-in frontend is enough' };
}

function checkFrom(ins: Instruction, globalArgs: ReadonlyMap<string, string>, stages: Stage[]): { findings: LintFinding[]; stage: Stage } {
  const findings: LintFinding[] = [];
  const from = ins.node as From;
  const image = from.getImage() ?? '';
  const stage: Stage = { name: from.getBuildStage() ?? undefined, line: ins.line, pipefail: false, posixShell: true, vars: new Map() };
  const fail = (rule: string, message: string): { findings: LintFinding[]; stage: Stage } => {
    findings.push({ line: ins.line, rule, message, severity: 'error' });
    return { findings, stage };
  };

  let ref = image;
  if (image.includes('$')) {
    // Only ARGs before the first FROM apply here; a --build-arg may override, but the default must be pinned.
    const { value, missing } = substitute(image, globalArgs);
    if (missing.length > 0) {
      return fail('DL3006', `FROM ${image}: ARG ${missing[0]} needs a pinned default before the first FROM (ARG ${missing[0]}=image:tag)`);
    }
    ref = value;
  }
  if (ref === '') return { findings, stage }; // dockerfile-utils reports the empty base name

  // A stage built earlier in this file carries its USER, SHELL and ENV into this one.
  const parent = stages.find((s) => s.name !== undefined && s.name.toLowerCase() === ref.toLowerCase());
  if (parent) return { findings, stage: { ...stage, user: parent.user, pipefail: parent.pipefail, posixShell: parent.posixShell, vars: new Map(parent.vars) } };
  if (ref.toLowerCase() === 'scratch' || ref.includes('@')) return { findings, stage };

  const via = ref === image ? '' : ` (${image} resolves to ${ref})`;
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  if (colon < 0) return fail('DL3006', `FROM ${ref}${via}: tag the image explicitly (${ref}:<version>); no tag means :latest and the build is not reproducible`);
  if (name.slice(colon + 1).toLowerCase() === 'latest') return fail('DL3007', `FROM ${ref}${via}: do not use :latest; pin a version tag or a digest so the build is reproducible`);
  return { findings, stage };
}

function isRoot(user: string, vars: ReadonlyMap<string, string>): boolean {
  const name = substitute(user, vars).value.split(':')[0]!;
  return name === 'root' || /^0+$/.test(name);
}

function isRemote(src: string): boolean {
  return /^(https?|ftp|git):\/\//i.test(src) || /^git@/.test(src);
}

function isArchive(src: string): boolean {
  return /\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz|tzst)$/i.test(src);
}
