/**
 * `binEdges` (the bucket edges an engine groups rows by, from the first and last key only)
 * and `resampleBins` (pandas' bins over the points) are one rule: on random sorted
 * indexes, zones with DST days and every kind of width, the point positions where each
 * edge falls are exactly the bins' starts, and the labels are the same.
 */
import fc from 'fast-check';
import { DatetimeIndex } from '@metaseries/core';
import { binEdges, lowerBound, resampleBins, resampleFrequency } from '@metaseries/core/backend-kit';
import { describe, expect, it } from 'vitest';

describe('binEdges', () => {
  it('puts every point in the bin resampleBins puts it in (property)', () => {
    const arb = fc.record({
      start: fc.constantFrom(Date.UTC(2024, 2, 9), Date.UTC(2024, 2, 30, 20), Date.UTC(2024, 9, 26, 13), Date.UTC(2024, 3, 6, 10), Date.UTC(2023, 11, 31, 22)),
      steps: fc.array(fc.constantFrom(0, 1, 7, 60, 180, 1440, 4320, 20_000), { minLength: 1, maxLength: 120 }),
      tz: fc.constantFrom(null, 'UTC', 'Europe/Zurich', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu'),
      every: fc.constantFrom('7min', '1h', '3h', '1D', '2D', '1W', 'W-MON', '1MS', 'ME', 'QS', 'QE', 'YS', '2ME'),
    });
    fc.assert(fc.property(arb, (c) => {
      let t = c.start * 1000;
      const keys = Float64Array.from(c.steps, (s) => (t += s * 60_000_000));
      const freq = resampleFrequency(c.every);
      const bins = resampleBins(new DatetimeIndex(keys, { tz: c.tz }), freq);
      const { labels, edges } = binEdges(keys[0]!, keys.at(-1)!, c.tz, freq);
      expect(Array.from(labels)).toEqual(Array.from(bins.labels));
      expect(edges.length).toBe(labels.length);
      expect(edges[0]).toBeLessThanOrEqual(keys[0]!);
      // Bin k starts at the first point at or after edges[k].
      for (let k = 1; k < edges.length; k++) expect(lowerBound(keys, edges[k]!), `edge ${k} of ${c.every} in ${c.tz}`).toBe(bins.starts[k]);
    }), { numRuns: 300 });
  });
});
