// Which smoke check verifies an image: one rule for the verification `--build` runs (src/engines/smoke.ts)
// and the generated ci/smoke-test.sh (src/pipelines/smoke.ts), so the two never disagree.
import { sh } from './escape.js';
import { isPlainLocale, SERVICES, webPort } from './families.js';
import type { Answers, Manifest, PortSpec, Probe, RuntimeName, SmokeCheck } from './types.js';
import { manifestPorts, mergePorts } from './validate.js';

/** The answers a smoke check depends on. */
export type SmokeAnswers = Pick<Answers, 'set' | 'tz' | 'locale' | 'runtime' | 'family'>;

/** The answers the checks of an image depend on: its services' probes need them and the ports. */
export type CheckAnswers = SmokeAnswers & Partial<Pick<Answers, 'services' | 'ports'>>;

/** A check ready to run: `setup` resolved to the command it stands for, with words for people. */
export type ResolvedSmoke = SmokeCheck & Partial<Pick<Probe, 'label' | 'refuse'>> & {
  /** A oneShot check's required secrets: each gets a throwaway random value when the check runs. */
  randomEnv?: string[];
};

/** What asks each runtime to run at all (its version on stdout or stderr). */
const RUNTIME_PROBE: Record<Exclude<RuntimeName, 'none'>, string> = {
  node: 'node --version',
  python: 'python3 --version',
  go: 'go version',
  java: 'java -version',
  ruby: 'ruby --version',
  php: 'php --version',
};

/**
 * The `setup` check: the image is as answered. Its zone's data is there (a missing tzdata leaves TZ
 * silently UTC), its locale is compiled (glibc families, where localedef makes it), and its runtime runs
 * (and, pinned, is that version). One POSIX sh script; every answer in it is quoted.
 */
export function setupCheck(a: Pick<Answers, 'tz' | 'locale' | 'runtime' | 'family'>): ResolvedSmoke {
  const lines = ['set -u', 'fail() { echo "setup check: $*" >&2; exit 1; }'];
  const checked: string[] = [];
  lines.push(`zone=${sh(a.tz)}`, '[ -f "/usr/share/zoneinfo/$zone" ] || fail "no zone data for $zone in /usr/share/zoneinfo"');
  checked.push(`zone ${a.tz}`);
  if (!isPlainLocale(a.locale) && (a.family === 'debian' || a.family === 'ubuntu')) {
    // `locale -a` names a UTF-8 locale zh_CN.utf8: the codeset lower-cased, without its dash
    const [name, codeset] = a.locale.split('.');
    const listed = codeset ? `${name}.${codeset.toLowerCase().replace(/-/g, '')}` : a.locale;
    lines.push(`want=${sh(listed)}`, 'locale -a 2>/dev/null | grep -qxF "$want" || fail "locale $want is not compiled (not in locale -a)"');
    checked.push(`locale ${a.locale}`);
  }
  if (a.runtime.name !== 'none') {
    const probe = RUNTIME_PROBE[a.runtime.name];
    lines.push(`got=$(${probe} 2>&1) || fail ${sh(`${probe} failed`)}": $got"`);
    if (a.runtime.version) {
      lines.push(`case "$got" in *${sh(a.runtime.version)}*) ;; *) fail ${sh(`${a.runtime.name} ${a.runtime.version} was answered`)}", $got runs" ;; esac`);
    }
    checked.push(`${a.runtime.name}${a.runtime.version ? ` ${a.runtime.version}` : ''} runs`);
  }
  lines.push(`echo ${sh(`setup ok: ${checked.join(', ')}`)}`);
  return { kind: 'command', command: ['sh', '-c', lines.join('\n')], expect: 'setup ok', label: `setup: ${checked.join(', ')}` };
}

/**
 * The recipe's smoke check describes its sample as the default answers make it (its page, its path). With
 * any of the recipe's own questions answered otherwise (a WAR, an app dir, another context), it may not
 * apply: then undefined, and the image's HEALTHCHECK, which follows the answers, is what is verified.
 */
export function smokeForAnswers(m: Pick<Manifest, 'smoke' | 'questions' | 'env'>, a: SmokeAnswers): ResolvedSmoke | undefined {
  // the setup check follows the answers themselves: it always applies
  if (m.smoke?.kind === 'setup') return setupCheck(a);
  const norm = (v: unknown) => JSON.stringify(Array.isArray(v) ? [...v].map(String).sort() : v === undefined || v === null ? '' : v);
  const asDefault = (m.questions ?? []).every((q) => !(q.name in a.set) || norm(a.set[q.name]) === norm(q.default));
  if (!asDefault || !m.smoke) return undefined;
  // an image run alone for a oneShot check still needs its required secrets to start at all
  const secrets = (m.env ?? []).filter((e) => e.secret && e.required && !(e.name in (m.smoke!.env ?? {}))).map((e) => e.name);
  return m.smoke.oneShot && secrets.length ? { ...m.smoke, randomEnv: secrets } : m.smoke;
}

/**
 * Every check that proves an image works, in the order they run: the recipe's own (while it applies),
 * then, for a recipe whose user composes the services (it asks `services`), each chosen service's
 * probes. The verification `--build` runs, `recipe test --build` and ci/smoke-test.sh all take this list.
 */
export function smokeChecks(m: Pick<Manifest, 'smoke' | 'questions' | 'ask' | 'ports' | 'env'>, a: CheckAnswers): ResolvedSmoke[] {
  const own = smokeForAnswers(m, a);
  return [...(own ? [own] : []), ...(m.ask?.includes('services') ? serviceProbes(a.services ?? [], mergePorts(manifestPorts(m), a.ports ?? [])) : [])];
}

/** The probes of the chosen services; a web server listens where its config does (webPort). */
export function serviceProbes(services: readonly string[], ports: readonly PortSpec[]): Probe[] {
  return services.flatMap((s) => {
    const def = SERVICES[s];
    return def ? def.probes({ port: def.ownPort ?? webPort(services, ports, def.port ?? 8080), services }) : [];
  });
}

/** The container port a network check reaches (https defaults to 443, the rest to 80). */
export const checkPort = (s: SmokeCheck): number => s.port ?? (s.kind === 'https' ? 443 : 80);
