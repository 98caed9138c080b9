// Which smoke check verifies an image: one rule for the verification `--build` runs (src/engines/smoke.ts)
// and the generated ci/smoke-test.sh (src/pipelines/smoke.ts), so the two never disagree.
import type { Manifest, SmokeCheck } from './types.js';

/**
 * The recipe's smoke check describes its sample as the default answers make it (its page, its path). With
 * any of the recipe's own questions answered otherwise (a WAR, an app dir, another context), it may not
 * apply: then undefined, and the image's HEALTHCHECK, which follows the answers, is what is verified.
 */
export function smokeForAnswers(m: Pick<Manifest, 'smoke' | 'questions'>, set: Record<string, unknown>): SmokeCheck | undefined {
  const norm = (v: unknown) => JSON.stringify(Array.isArray(v) ? [...v].map(String).sort() : v === undefined || v === null ? '' : v);
  const asDefault = (m.questions ?? []).every((q) => !(q.name in set) || norm(set[q.name]) === norm(q.default));
  return asDefault ? m.smoke : undefined;
}
