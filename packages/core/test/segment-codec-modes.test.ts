import { DatetimeIndex, decodeSegment, encodeSegment, layoutOf, NumericIndex, Series } from '@metaseries/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * encode → decode is the identity for every column mode of the segment codec: keys
 * stored as start+step, as runs of steps, as bit-packed delta-of-deltas (every width
 * 0–53), as floats; values as decimals (every exponent 0–12, every miniblock width,
 * exceptions) or raw bits; with and without deflate. Compared with Object.is and bit
 * for bit (NaN payloads, -0).
 */
const T0 = Date.UTC(2024, 0, 1) * 1000;

function expectSame(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  const a = new BigUint64Array(got.buffer, got.byteOffset, got.length);
  const b = new BigUint64Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < want.length; i++) {
    if (a[i] !== b[i] || !Object.is(got[i], want[i])) expect({ i, got: got[i], bits: a[i]!.toString(16) }).toEqual({ i, got: want[i], bits: b[i]!.toString(16) });
  }
}

function roundTrip(s: Series): void {
  for (const level of [0, 6]) {
    const back = decodeSegment(encodeSegment(s, { level }), layoutOf(s));
    expectSame(back.index.values as Float64Array, s.index.values as Float64Array);
    expectSame(back.values as Float64Array, s.values as Float64Array);
    expect(back.equals(s)).toBe(true);
  }
}

const nanWithPayload = new Float64Array(new BigUint64Array([0x7ff8dead0000beefn, 0xfff0000000000001n]).buffer);
const special = fc.constantFrom(Number.NaN, nanWithPayload[0]!, nanWithPayload[1]!, -0, 0, Infinity, -Infinity, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE);
const decimalWith = (e: number): fc.Arbitrary<number> => fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((k) => k / 10 ** e);
const value = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }).chain(decimalWith) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: special },
  { weight: 1, arbitrary: fc.maxSafeInteger().map((k) => (k % 2 ? k : -k)) },
);

/** Sorted integer keys: regular, with a few step changes, random gaps, or huge jumps. */
const integerKeys = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 3_600_000_000 }), fc.integer({ min: 0, max: 2000 })).map(([step, n]) => Float64Array.from({ length: n }, (_, i) => T0 + i * step)),
  fc.array(fc.tuple(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 600 })), { minLength: 1, maxLength: 4 }).map((runs) => {
    const keys: number[] = [T0];
    for (const [step, len] of runs) for (let j = 0; j < len; j++) keys.push(keys.at(-1)! + step);
    return Float64Array.from(keys);
  }),
  fc.array(fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 2 ** 40 }).map((g) => g * 1000)), { maxLength: 900 }).map((gaps) => {
    const keys = new Float64Array(gaps.length);
    for (let i = 0, t = T0; i < gaps.length; i++) keys[i] = t += gaps[i]!;
    return keys;
  }),
);

describe('segment codec modes (property)', () => {
  it('datetime keys in every key mode, values in every value mode', () => {
    fc.assert(
      fc.property(integerKeys, fc.array(value, { maxLength: 2000 }), fc.constantFrom(null, 'UTC'), (keys, vals, tz) => {
        const values = Float64Array.from({ length: keys.length }, (_, i) => (vals.length ? vals[i % vals.length]! : 0));
        roundTrip(new Series({ index: new DatetimeIndex(keys, { tz }), values, name: 'v' }));
      }),
      { numRuns: 120 },
    );
  });

  it('decimal runs of one exponent, long enough to fill miniblocks of every width', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 700 }), fc.integer(), (e, width, n, seed) => {
        // deltas up to 2^width (as integers at exponent e), so the miniblocks take that width
        let s = seed >>> 0, k = 0;
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const step = Math.floor((s / 2 ** 32) * 2 ** width) * (s & 1 ? 1 : -1);
          k = Math.abs(k + step) <= 2 ** 50 ? k + step : 0;
          values[i] = k / 10 ** e;
        }
        roundTrip(new Series({ index: new DatetimeIndex(Float64Array.from({ length: n }, (_, i) => T0 + i * 1e6)), values }));
      }),
      { numRuns: 150 },
    );
  });

  it('delta-of-delta keys of every width', () => {
    for (let width = 0; width <= 50; width += 1) {
      const n = 300;
      const keys = new Float64Array(n);
      let t = 0, d = 1;
      for (let i = 0; i < n; i++) {
        d = Math.max(1, d + ((i * 7919) % 2 ? 1 : -1) * Math.floor(((i * 2654435761) % 4294967296) / 4294967296 * 2 ** width));
        if (t + d > 2 ** 52) d = 1;
        keys[i] = t += d;
      }
      roundTrip(new Series({ index: new NumericIndex(keys, 'int64'), values: Float64Array.from(keys, (k) => k / 1000), dtype: 'float64' }));
    }
  });

  it('float keys (not integers) and empty or one-point segments', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }), { maxLength: 300 }), (xs) => {
        const keys = Float64Array.from(new Set(xs.map((x) => (Object.is(x, -0) ? 0 : x)))).sort();
        roundTrip(new Series({ index: new NumericIndex(keys, 'float64'), values: Float64Array.from(keys, (k) => -k) }));
      }),
      { numRuns: 100 },
    );
    roundTrip(new Series({ index: new DatetimeIndex(new Float64Array(0)), values: new Float64Array(0) }));
    roundTrip(new Series({ index: new DatetimeIndex(Float64Array.of(T0)), values: Float64Array.of(-0) }));
    roundTrip(new Series({ index: new DatetimeIndex(Float64Array.of(T0)), values: nanWithPayload.subarray(0, 1) }));
  });
});
