// What a manifest `when` condition can test: the recipe's own answers and a few facts derived from the common ones.
import type { Answers, PortSpec, When } from './types.js';

/** Names a manifest `when` can test besides the recipe's own questions (docs/recipes.md lists what each holds). */
export const FACT_NAMES = ['services', 'process', 'http', 'runtime', 'family', 'base', 'tz', 'locale', 'ports', 'supervisor'] as const;

/** A port as `when` compares it: "8080", "53/udp", "21100-21110" (tcp is the default and is not written). */
const portFact = (p: PortSpec) => `${p.from === p.to ? p.from : `${p.from}-${p.to}`}${p.proto === 'udp' ? '/udp' : ''}`;

/**
 * The recipe's answers plus facts derived from the common answers, for `when` conditions. `multiProcess` is
 * the manifest's condition for running several processes of its own: when it holds, `process` is the
 * supervisor answer as with two or more services.
 */
export function whenFacts(a: Pick<Answers, 'set' | 'services' | 'supervisor' | 'runtime' | 'family' | 'base' | 'tz' | 'locale' | 'ports'>, multiProcess?: When): Record<string, unknown> {
  const facts: Record<string, unknown> = {
    ...a.set,
    services: a.services,
    http: a.services.some((s) => s === 'nginx' || s === 'apache'),
    runtime: a.runtime.name,
    family: a.family,
    base: a.base,
    tz: a.tz,
    locale: a.locale,
    ports: a.ports.map(portFact),
    supervisor: a.supervisor,
  };
  const several = a.services.length > 1 || (multiProcess !== undefined && matchesWhen(multiProcess, facts));
  facts.process = several ? a.supervisor : a.services.length === 1 ? 'single' : 'none';
  return facts;
}

/** For list answers (services), `equals` means "contains"; `any` holds when one of its conditions does. */
export function matchesWhen(when: When | undefined, facts: Record<string, unknown>): boolean {
  if (!when) return true;
  if (when.any) return when.any.some((w) => matchesWhen(w, facts));
  const v = facts[when.question!];
  if (Array.isArray(v) && 'equals' in when) return v.includes(when.equals);
  if ('equals' in when) return v === when.equals;
  if (when.in) return when.in.includes(v);
  if ('not' in when) return v !== when.not;
  return Boolean(v);
}


/** A condition in words, for messages: `stack is php`, `stack is one of php, ruby`, `tls is not true`, `tls is set`, `a is x or b is y`. */
export function describeWhen(when: When): string {
  if (when.any) return when.any.map(describeWhen).join(' or ');
  if ('equals' in when) return `${when.question} is ${String(when.equals)}`;
  if (when.in) return `${when.question} is one of ${when.in.map(String).join(', ')}`;
  if ('not' in when) return `${when.question} is not ${String(when.not)}`;
  return `${when.question} is set`;
}
