// Built-in templates compiled ahead of time, keyed by the sha256 of their text. Empty here: the build
// (scripts/build.mjs) puts every built-in template's compiled function in the bundle in its place,
// so a run renders them without parsing them (eta's compile is most of what a render costs). A
// template whose text differs from the shipped one (an edited or a user recipe's) has no entry and
// is compiled as usual.
export type CompiledTemplate = (this: unknown, it: object, options?: object) => string;

export const precompiled: ReadonlyMap<string, CompiledTemplate> = new Map();
