import { describe, expect, it } from 'vitest';
import { lineOfJsonError, lineOfPath } from '../../src/core/json-position.js';

const TEXT = `{
  "name": "x",
  "bases": {
    "families": ["debian", "alpine"],
    "default": "debian:latest"
  },
  "files": [
    { "template": "a.eta", "path": "A" },
    {
      "template": "b.eta",
      "path": "../escape"
    }
  ],
  "questions": [{ "name": "q", "note": "a \\"quoted\\" } string" }, { "name": "r" }]
}
`;

describe('lineOfPath', () => {
  it.each([
    ['name', 2],
    ['bases.default', 5],
    ['bases.families[1]', 4],
    ['files[0].path', 8],
    ['files[1]', 9],
    ['files[1].path', 11],
    ['questions[1].name', 14],
    ['(root)', 1],
    ['bases.nosuch', 3],
  ])('%s -> line %i', (path, line) => {
    expect(lineOfPath(TEXT, path)).toBe(line);
  });

  it('turns JSON.parse errors into lines', () => {
    const bad = '{\n  "a": 1,\n  "b": oops\n}';
    let msg = '';
    try {
      JSON.parse(bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(lineOfJsonError(bad, msg)).toBe(3);
  });
});
