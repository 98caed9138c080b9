// One notion of "this variable holds a credential", shared by answer validation (secret-looking --env
// names and values are refused) and the Dockerfile lint (CI002: secrets in ENV/ARG/LABEL). The words
// are BuildKit's SecretsUsedInArgOrEnv ones and common token names, so what passes here builds without
// that warning. Kept free of dependencies: the render path imports it.

const SECRET_PART = /^(apikeys?|auth|credentials?|keys?|passwords?|passwd|pass|pwd|secrets?|tokens?|pat|privatekeys?)$/;

/**
 * A word part of the name (any case, camelCase split) is one of BuildKit's secret words (apikey, auth,
 * credential(s), key, password, pass, pwd, secret, token) or PAT; `*_FILE` names a file and PUBLIC_* is
 * public, which are fine.
 */
export function looksSecret(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (parts.at(-1) === 'file' || parts.includes('public')) return false;
  return parts.some((p) => SECRET_PART.test(p));
}

/** A URL with a password in it (`postgres://app:s3cr3t@db/app`): a secret whatever the variable is called. */
export function hasUrlPassword(value: string): boolean {
  return /[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/i.test(value);
}
