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
    ['bases.families.x', 4],
    ['files[1].nosuch', 9],
    ['files[7].path', 7],
    ['questions[0].note', 14],
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

describe('lineOfPath, more', () => {
  it('tells a numeric property name from an array index', () => {
    const text = '{\n  "m": {\n    "0": "zero"\n  },\n  "a": [\n    "first"\n  ]\n}\n';
    expect(lineOfPath(text, 'm.0')).toBe(3);
    expect(lineOfPath(text, 'a[0]')).toBe(6);
    expect(lineOfPath(text, 'a.first')).toBe(5);
  });

  it('has no line for an empty text', () => {
    expect(lineOfPath('', 'name')).toBeUndefined();
    expect(lineOfPath('  \n', 'name')).toBeUndefined();
  });
});

describe('lineOfJsonError', () => {
  const lineOf = (text: string): number | undefined => {
    try {
      JSON.parse(text);
    } catch (e) {
      return lineOfJsonError(text, (e as Error).message);
    }
    throw new Error('parsed');
  };

  it('places each kind of JSON.parse error', () => {
    expect(lineOf('{\n  "a": 1,\n}')).toBe(3); // trailing comma
    expect(lineOf('[1,\n2\n3]')).toBe(3);
    expect(lineOf('{\n  "a": 1 // no comments\n}')).toBe(2);
    expect(lineOf('{\n  "a": "x\ny"\n}')).toBe(2);
    expect(lineOf('{\n  "a": tru\n}')).toBe(2);
  });

  it('places an early end at the end, where the old scanner had no line', () => {
    expect(lineOf('{\n  "a": [1,\n')).toBe(3);
  });

  it('takes the line or position from the message when it has one', () => {
    expect(lineOfJsonError('{}', 'Unexpected token } in JSON at line 7 column 2')).toBe(7);
    expect(lineOfJsonError('{\n\n}', 'Unexpected token in JSON at position 3')).toBe(3);
  });
});
