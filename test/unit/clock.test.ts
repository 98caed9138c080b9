// The day a run sees, by arithmetic: the same as Date's own UTC day, across leap days, centuries and eras.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { today, utcDay } from '../../src/edges/clock.js';

describe('the day a run sees', () => {
  it("is Date's UTC day for any instant from 1970 to 9999", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => utcDay(ms) === new Date(ms).toISOString().slice(0, 10)),
      { numRuns: 5000 },
    );
    for (const iso of ['2000-02-29T23:59:59.999Z', '2100-03-01T00:00:00Z', '2024-12-31T12:00:00Z', '1970-01-01T00:00:00Z']) {
      expect(utcDay(Date.parse(iso))).toBe(iso.slice(0, 10));
    }
  });

  it('CREATE_IMAGE_TODAY sets another day; anything but YYYY-MM-DD is ignored', () => {
    expect(today({ CREATE_IMAGE_TODAY: '2031-05-06' })).toBe('2031-05-06');
    expect(today({ CREATE_IMAGE_TODAY: 'tomorrow' })).toBe(new Date().toISOString().slice(0, 10));
  });
});
