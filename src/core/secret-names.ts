// One notion of "this variable name holds a credential", shared by answer validation (secret-looking
// --env values are refused) and the Dockerfile lint (CI002: secrets in ENV/ARG/LABEL). Kept free of
// dependencies: the render path imports it.

const SECRET_PART = /^(pass|passwords?|passwd|secrets?|tokens?|apikeys?|privatekeys?|credentials?)$/;

/** PASSWORD, PASSWD, PASS, SECRET, TOKEN, API_KEY, PRIVATE_KEY, CREDENTIALS as a word part of the name (any case, camelCase split); `*_FILE` names a file, which is fine. */
export function looksSecret(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (parts.at(-1) === 'file') return false;
  return parts.some((p, i) => SECRET_PART.test(p) || ((p === 'api' || p === 'private') && /^keys?$/.test(parts[i + 1] ?? '')));
}
