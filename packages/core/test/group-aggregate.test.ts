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

// Groups the size of an hour of 1-second data: ties, skewed and infinite values, sorted and
// reversed runs, and quantiles at the ends must still equal the sort.
it('selection over large groups equals the sort-based definitions (property)', () => {
  const shape = fc.constantFrom('walk', 'ties', 'skewed', 'infinite', 'sorted', 'reversed');
  fc.assert(fc.property(fc.integer({ min: 1024, max: 6000 }), shape, fc.integer({ min: 1, max: 2 ** 30 }), fc.oneof(fc.constantFrom(0, 1, 0.5, 0.95, 0.999), fc.double({ min: 0, max: 1, noNaN: true })), (m, kind, seed, q) => {
    let x = seed;
    const rand = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    let walk = 20;
    const values = Float64Array.from({ length: m }, (_, i) => {
      switch (kind) {
        case 'walk': return Math.round((walk += rand() - 0.5) * 100) / 100;
        case 'ties': return Math.floor(rand() * 4);
        case 'skewed': return rand() < 0.97 ? 1 : rand() * 1e9;
        case 'infinite': return rand() < 0.1 ? Infinity : rand() < 0.1 ? -Infinity : rand() < 0.05 ? Number.NaN : rand();
        case 'sorted': return i;
        default: return m - i;
      }
    });
    const starts = Int32Array.of(0, m);
    const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
    expect(aggregateGroups(values, starts, 'median')[0]).toBe(median(sorted));
    expect(aggregateGroups(values, starts, 'percentile', q)[0]).toBe(quantile(sorted, q));
  }), { numRuns: 300 });
});
