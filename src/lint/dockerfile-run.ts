// Rules about what a RUN instruction does: package managers, sudo and pipes.
import type { Flag, Run } from 'dockerfile-ast';
import type { LintFinding } from './finding.js';
import { execForm, runScript, type Instruction } from './dockerfile-parse.js';
import { programOf, splitCommands, type SimpleCommand } from './shell-words.js';

export interface RunContext {
  /** The stage's SHELL sets `-o pipefail`. */
  pipefail: boolean;
  /** The stage's SHELL is a POSIX shell (the pipe rule means nothing for cmd or powershell). */
  posixShell: boolean;
}

interface Mount {
  type: string;
  target: string;
}

// Options of apt-get/dnf/yum that take the next word as their value, so it is not the subcommand.
const VALUE_OPTIONS = new Set(['-o', '-c', '-t', '--option', '--config-file', '--target-release', '-x', '--exclude', '--setopt', '--repo', '--enablerepo', '--disablerepo', '--releasever', '--installroot']);

function subcommand(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return '';
}

function parseMounts(flags: Flag[]): Mount[] {
  return flags
    .filter((f) => f.getName() === 'mount')
    .map((f) => {
      const kv = new Map(f.getOptions().map((o) => [o.getName(), o.getValue() ?? ''] as const));
      return { type: kv.get('type') ?? 'bind', target: (kv.get('target') ?? kv.get('dst') ?? kv.get('destination') ?? '').replace(/\/+$/, '') };
    });
}

/** A cache or tmpfs mount over `dir` (or a parent of it) keeps that dir out of the layer. */
function mounted(mounts: Mount[], dir: string): boolean {
  return mounts.some((m) => (m.type === 'cache' || m.type === 'tmpfs') && m.target !== '' && (dir === m.target || dir.startsWith(`${m.target}/`)));
}

function removes(commands: { program: string; args: string[] }[], prefix: string): boolean {
  return commands.some((c) => c.program === 'rm' && c.args.some((a) => a.startsWith(prefix)));
}

const APT_YES = (a: string): boolean => ['-y', '--yes', '--assume-yes', '-qq'].includes(a) || /^-[a-zA-Z]*y[a-zA-Z]*$/.test(a) || /^(-q|--quiet)=2$/.test(a) || /Assume-Yes=(true|yes|1)/i.test(a);
const APT_NO_RECOMMENDS = (a: string): boolean => a === '--no-install-recommends' || /Install-Recommends=(false|no|0)/i.test(a);
// apt subcommands that ask "Do you want to continue?" and abort the build without -y.
const APT_PROMPTS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'remove', 'purge', 'autoremove', 'reinstall']);
const APT_FETCHES = new Set(['update', 'install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'reinstall', 'build-dep', 'source']);
const RPM_INSTALLS = new Set(['install', 'groupinstall', 'localinstall', 'reinstall', 'upgrade', 'update', 'distro-sync']);

function isSetPipefail(cmd: { program: string; args: string[] }): boolean {
  return cmd.program === 'set' && cmd.args.includes('pipefail') && cmd.args.some((a) => /^[-+][a-zA-Z]*o$/.test(a));
}

function commandsOf(rest: string): SimpleCommand[] {
  const exec = execForm(rest);
  if (!exec) return splitCommands(rest);
  // ["/bin/sh", "-c", "script"] is still a shell script; other exec forms run one program.
  if (exec.length >= 3 && exec[1] === '-c') return splitCommands(exec[2]!);
  return exec.length > 0 ? [{ words: exec, after: '' }] : [];
}

export function checkRun(ins: Instruction, ctx: RunContext): LintFinding[] {
  const out: LintFinding[] = [];
  const add = (rule: string, message: string, severity: LintFinding['severity'] = 'error'): void => {
    if (!out.some((f) => f.rule === rule)) out.push({ line: ins.line, rule, message, severity });
  };
  const mounts = parseMounts((ins.node as Run).getFlags());
  const cmds = commandsOf(runScript(ins)).map((c) => ({ ...programOf(c), after: c.after }));

  let pipefail = ctx.pipefail;
  let aptFetches = false;
  for (const c of cmds) {
    if (c.wrappers.includes('sudo')) {
      add('DL3004', 'do not use sudo: RUN already runs as the current USER; switch with USER root ... USER app instead');
    }
    if (isSetPipefail(c)) pipefail = true;
    if (c.after === '|' && !pipefail && ctx.posixShell) {
      add('DL4006', 'a pipe hides the failure of its left side: start the RUN with `set -o pipefail &&` or use SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'warning');
    }

    const sub = subcommand(c.args);
    if (c.program === 'apt-get' || c.program === 'apt') {
      if (APT_FETCHES.has(sub)) aptFetches = true;
      if (APT_PROMPTS.has(sub) && !c.args.some(APT_YES)) {
        add('DL3014', `use \`${c.program} ${sub} -y\`: without it the build stops at the confirmation prompt`);
      }
      if (sub === 'install' && !c.args.some(APT_NO_RECOMMENDS)) {
        add('DL3015', `use \`${c.program} install --no-install-recommends\`: recommended packages bloat the image with things nobody asked for`);
      }
    } else if (c.program === 'apk' && sub === 'add' && !c.args.includes('--no-cache') && !mounted(mounts, '/var/cache/apk') && !mounted(mounts, '/etc/apk/cache')) {
      add('DL3019', 'use `apk add --no-cache`: otherwise the package index stays in the layer');
    } else if ((c.program === 'dnf' || c.program === 'microdnf' || c.program === 'yum') && RPM_INSTALLS.has(sub)) {
      const yum = c.program === 'yum';
      if (c.program !== 'microdnf' && !c.args.some((a) => a === '-y' || a === '--assumeyes' || /^-[a-zA-Z]*y[a-zA-Z]*$/.test(a))) {
        add(yum ? 'DL3030' : 'DL3038', `use \`${c.program} ${sub} -y\`: without it the build stops at the confirmation prompt`);
      }
      const cache = yum ? '/var/cache/yum' : '/var/cache/dnf';
      const cleaned =
        cmds.some((o) => o.program === c.program && subcommand(o.args) === 'clean' && o.args.includes('all')) ||
        removes(cmds, cache) ||
        mounted(mounts, cache) ||
        mounted(mounts, '/var/cache/libdnf5') ||
        (c.program === 'microdnf' && mounted(mounts, '/var/cache/yum'));
      if (!cleaned) {
        add(yum ? 'DL3032' : 'DL3040', `end this RUN with \`${c.program} clean all\`: the package cache otherwise stays in the layer`);
      }
    }
  }
  if (aptFetches && !removes(cmds, '/var/lib/apt/lists') && !mounted(mounts, '/var/lib/apt/lists')) {
    add('DL3009', 'end this RUN with `rm -rf /var/lib/apt/lists/*` (or use a cache mount for them): the package lists otherwise stay in the layer');
  }
  return out;
}
