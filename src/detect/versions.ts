// Whether a runtime version meets the pin a project writes: pins are read as the ecosystems write them
// (`>=18`, `^20.1`, `18.x`, `~=3.11`, `>=3.9,<4`), compared on major.minor only. Which versions each
// base brings is the providers' knowledge (`bases` in types.ts).

const tuple = (v: string): number[] => v.split('.').map(Number);
const cmp = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
};

/** Whether `version` (major.minor) satisfies `spec`; a spec with no version in it (lts/*) is satisfied by anything. */
export function satisfies(version: string, spec: string): boolean {
  const v = tuple(version);
  const alts = spec.split('||').map((alt) => [...alt.matchAll(/(>=|<=|>|<|\^|~=|~|==|=)?\s*v?(\d+)(?:\.(\d+|x|\*))?(?:\.(?:\d+|x|\*))?/g)]);
  if (alts.every((a) => a.length === 0)) return true;
  return alts.some((comparators) =>
    comparators.every((m) => {
      const op = m[1] ?? '';
      const want = [Number(m[2]), ...(m[3] !== undefined && /^\d+$/.test(m[3]) ? [Number(m[3])] : [])];
      const head = v.slice(0, want.length);
      switch (op) {
        case '>=':
        case '~=':
          return cmp(head, want) >= 0;
        case '>':
          return cmp(head, want) > 0;
        case '<':
          return cmp(v, want) < 0;
        case '<=':
          return cmp(head, want) <= 0;
        case '^':
          return v[0] === want[0] && cmp(head, want) >= 0;
        default:
          // 18, 18.x, =18.2, ~18.2: the same major (and minor when given)
          return cmp(head, want) === 0;
      }
    }),
  );
}
