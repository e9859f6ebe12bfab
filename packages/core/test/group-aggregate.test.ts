import fc from 'fast-check';
import { aggregateGroups, median, quantile } from '@metaseries/core/backend-kit';
import { expect, it } from 'vitest';

// Median and percentiles use selection instead of a sort; they must equal the sorted definitions exactly.
it('selection-based median and quantiles equal the sort-based definitions (property)', () => {
  const value = fc.oneof(fc.integer({ min: -5, max: 5 }).map((x) => x / 2), fc.constant(Number.NaN), fc.double({ noNaN: true }));
  fc.assert(fc.property(fc.array(fc.array(value, { maxLength: 40 }), { minLength: 1, maxLength: 6 }), fc.double({ min: 0, max: 1, noNaN: true }), (groups, q) => {
    const values = Float64Array.from(groups.flat());
    const starts = new Int32Array(groups.length + 1);
    groups.forEach((g, k) => (starts[k + 1] = starts[k]! + g.length));
    const med = aggregateGroups(values, starts, 'median');
    const pct = aggregateGroups(values, starts, 'percentile', q);
    groups.forEach((g, k) => {
      const sorted = Float64Array.from(g.filter((v) => !Number.isNaN(v))).sort();
      expect(Object.is(med[k], median(sorted)) || med[k] === median(sorted)).toBe(true);
      expect(Object.is(pct[k], quantile(sorted, q)) || pct[k] === quantile(sorted, q)).toBe(true);
    });
  }), { numRuns: 500 });
});
