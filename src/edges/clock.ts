// The day a run sees: the one reading of the clock and the environment that dated warnings need.

/** Today as YYYY-MM-DD; CREATE_IMAGE_TODAY sets another day (tests of the end-of-support warning). */
export function today(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.CREATE_IMAGE_TODAY;
  return set && /^\d{4}-\d{2}-\d{2}$/.test(set) ? set : utcDay(Date.now());
}

/**
 * The UTC calendar day of `ms` since the epoch, worked out by arithmetic (the proleptic Gregorian
 * calendar's civil-from-days): a Date's first toISOString() costs a millisecond or more of every start.
 */
export function utcDay(ms: number): string {
  const z = Math.floor(ms / 86_400_000) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
}
