// The committed standalone validator must be the one recipes.schema.json compiles to today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { generate, OUT } from '../../scripts/gen-validator.mjs';
// @ts-expect-error: a plain .mjs build script without types
import { generate as generateTypes, OUT as TYPES } from '../../scripts/gen-types.mjs';
import { validateManifest } from '../../src/core/manifest.js';

describe('manifest validator', () => {
  it('is up to date with recipes.schema.json (run `npm run build` to refresh)', () => {
    expect(readFileSync(OUT, 'utf8')).toBe(generate());
  });

  it('the manifest types are up to date with recipes.schema.json (run `npm run build` to refresh)', async () => {
    expect(readFileSync(TYPES, 'utf8')).toBe(await generateTypes());
  });

  it('reports schema problems as path: message issues', () => {
    const issues = validateManifest({ name: 'x', description: 'd', version: '1.0.0', bases: { families: ['debian'], default: 'debian:bookworm-slim' }, files: [], colour: 1 });
    expect(issues).toContainEqual({ path: 'colour', message: 'is not a known field' });
    expect(validateManifest({})).toEqual(expect.arrayContaining([expect.objectContaining({ path: '(root)' })]));
  });
});
