// The day a run sees: the one reading of the clock and the environment that dated warnings need.

/** Today as YYYY-MM-DD; CREATE_IMAGE_TODAY sets another day (tests of the end-of-support warning). */
export function today(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.CREATE_IMAGE_TODAY;
  return set && /^\d{4}-\d{2}-\d{2}$/.test(set) ? set : new Date().toISOString().slice(0, 10);
}
