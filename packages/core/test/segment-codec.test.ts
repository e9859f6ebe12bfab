import { DatetimeIndex, MetaseriesError, NumericIndex, RangeIndex, Series, StringIndex } from '@metaseries/core';
import { decodeSegment, encodeSegment, layoutOf, segmentStats } from '@metaseries/core/backend-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const T0 = Date.UTC(2024, 0, 1) * 1000;

function bitsOf(f: Float64Array): bigint[] {
  return Array.from(new BigUint64Array(f.buffer, f.byteOffset, f.length));
}

function roundTrip(s: Series): Series {
  const back = decodeSegment(encodeSegment(s), layoutOf(s));
  expect(back.equals(s)).toBe(true);
  if (s.values instanceof Float64Array) expect(bitsOf(back.values as Float64Array)).toEqual(bitsOf(s.values));
  if (s.index.kind === 'datetime' || s.index.kind === 'numeric') expect(bitsOf(back.index.values as Float64Array)).toEqual(bitsOf(s.index.values));
  return back;
}

function fromBits(bits: readonly bigint[]): Float64Array {
  return new Float64Array(BigUint64Array.from(bits).buffer);
}

const SPECIAL = [
  0x7ff8000000000000n, // canonical NaN
  0x7ff8dead0000beefn, // NaN with payload
  0x7ff0000000000001n, // signalling NaN
  0xfff8000000000000n, // negative NaN
  0x7ff0000000000000n, // +Inf
  0xfff0000000000000n, // -Inf
  0x8000000000000000n, // -0
  0n,
  1n, // 5e-324
  0x8000000000000001n,
  0x7fefffffffffffffn, // DBL_MAX
];

describe('segment codec', () => {
  it('round-trips special values bit-exactly inside decimal data', () => {
    const n = 1000;
    const values = Float64Array.from({ length: n }, (_, i) => Math.round(Math.sin(i) * 1000) / 100);
    const special = fromBits(SPECIAL);
    values.set(special, 500);
    values[900] = 0.1 + 0.2;
    values[901] = Math.PI;
    const s = Series.regular(T0 / 1000, 1_000_000, values, { tz: 'UTC', freq: 's' });
    roundTrip(s);
  });

  it('round-trips random float bit patterns (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 400 }), (bits) => {
        const values = fromBits(bits);
        roundTrip(new Series({ index: new NumericIndex(Float64Array.from(values, (_, i) => i * 0.5), 'float64'), values }));
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips decimal walks with specials and irregular timestamps (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -100000, max: 100000 }).map((k) => k / 100), fc.constantFrom(...SPECIAL.map((b) => fromBits([b])[0]!)), fc.double()), { maxLength: 700 }),
        fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 700, maxLength: 700 }),
        fc.constantFrom(null, 'UTC', 'Europe/Paris'),
        (vals, gaps, tz) => {
          const keys = new Float64Array(vals.length);
          for (let i = 0, t = T0; i < keys.length; i++) keys[i] = t += gaps[i]!;
          roundTrip(new Series({ index: new DatetimeIndex(keys, { tz }), values: Float64Array.from(vals), name: 'x' }));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps every index kind and dtype', () => {
    const t = Float64Array.from({ length: 5 }, (_, i) => T0 + i * 60e6);
    roundTrip(new Series({ index: new DatetimeIndex(t, { tz: 'America/Toronto', freq: 'min', name: 'horodatage' }), values: Float64Array.from([1, 2, 3, 4, 5]), name: 'a' }));
    roundTrip(new Series({ index: new RangeIndex(3, 13, 2, 'r'), values: Float64Array.from([1, 2, 3, 4, 5]), name: 'b' }));
    roundTrip(new Series({ index: new NumericIndex(Float64Array.from([-3, 0, 7]), 'int64'), values: Float64Array.from([-(2 ** 53) + 1, 0, 2 ** 53 - 1]), dtype: 'int64' }));
    roundTrip(new Series({ index: new StringIndex(['b', 'a', 'ü']), values: Uint8Array.from([1, 0, 1]), dtype: 'bool' }));
    roundTrip(new Series({ index: new DatetimeIndex(t.slice(0, 4)), values: ['a', null, 'ünïcødé ✓', ''], dtype: 'object' }));
    roundTrip(new Series({ index: new DatetimeIndex(Float64Array.from([Date.UTC(1701, 0, 1) * 1000 + 1, T0 + 123456, Date.UTC(2249, 11, 31) * 1000 + 999999])), values: Float64Array.from([1, 2, 3]) }));
    roundTrip(new Series({ index: new DatetimeIndex(Float64Array.from([T0 + 5, T0, T0 + 0.5])), values: Float64Array.from([1, 2, 3]) }));
    roundTrip(new Series({ index: new DatetimeIndex(new Float64Array(0)), values: new Float64Array(0) }));
  });

  it('makes regular 1-second decimal data small', () => {
    const n = 65536;
    let x = 20;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = Math.round((x += Math.sin(i * 7.1) * 0.05) * 100) / 100;
    const s = Series.regular(T0 / 1000, 1_000_000, values, { tz: 'UTC' });
    const bytes = encodeSegment(s);
    expect(bytes.length / n).toBeLessThan(1.5);
    roundTrip(s);
  });

  it('statistics without NaN, from the values', () => {
    const s = new Series({ index: new DatetimeIndex(Float64Array.from([T0, T0 + 1, T0 + 2, T0 + 3])), values: Float64Array.from([Number.NaN, 2, -1, 4]) });
    expect(segmentStats(s, layoutOf(s))).toEqual({ count: 4, first: T0, last: T0 + 3, min: -1, max: 4, sum: 5, nanCount: 1, firstValue: null, lastValue: 4 });
  });

  it('a damaged blob is CORRUPT_DATA, never wrong data', () => {
    const s = Series.regular(T0 / 1000, 1_000_000, Float64Array.from({ length: 3000 }, (_, i) => i / 100), { tz: 'UTC' });
    const bytes = encodeSegment(s);
    const layout = layoutOf(s);
    const damaged: Uint8Array[] = [bytes.slice(0, 20), bytes.slice(0, 3), new Uint8Array(0)];
    for (const at of [0, 2, 3, 5, 9, 12, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const b = bytes.slice();
      b[at] = b[at]! ^ 0x5a;
      damaged.push(b);
    }
    for (const b of damaged) {
      let err: unknown;
      try {
        decodeSegment(b, layout, 'segment x of key k');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MetaseriesError);
      expect((err as MetaseriesError).code).toBe('CORRUPT_DATA');
      expect((err as MetaseriesError).message).toContain('segment x of key k');
    }
  });
});
