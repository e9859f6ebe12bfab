import { DatetimeIndex, Series } from '@metaseries/core';

/** `a` then `b` (float values on a datetime index), as the store holds them after an append: no `freq`. */
export function concatSeries(a: Series, b: Series): Series {
  if (b.length === 0) return a;
  const keys = new Float64Array(a.length + b.length);
  keys.set(a.index.values as Float64Array);
  keys.set(b.index.values as Float64Array, a.length);
  const values = new Float64Array(a.length + b.length);
  values.set(a.values as Float64Array);
  values.set(b.values as Float64Array, a.length);
  return new Series({ index: (a.index as DatetimeIndex).with({ values: keys, freq: null }), values, name: a.name });
}

/** The last index key of a non-empty series (epoch µs for a datetime index). */
export const lastKey = (s: Series): number => s.index.values[s.length - 1] as number;

/** How `minutePoints` shapes its data: gap and NaN-run probabilities and lengths, and the values. */
export interface PointShape {
  /** Chance that a step skips minutes, and the most it skips. */
  gapChance: number;
  maxGap: number;
  /** Chance that a NaN run starts, and its longest length. */
  nanChance: number;
  maxNanRun: number;
  /** A value from the seeded generator. */
  value: (rand: () => number) => number;
}

/** `n` seeded points after `last` (µs), at 1-minute spacing with gaps and NaN runs, in UTC, named RAW. */
export function minutePoints(n: number, last: number, seed: number, shape: PointShape): Series {
  let x = seed;
  const rand = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const keys = new Float64Array(n);
  const values = new Float64Array(n);
  let t = last, nanRun = 0;
  for (let i = 0; i < n; i++) {
    t += 60_000_000 * (rand() < shape.gapChance ? 1 + Math.floor(rand() * shape.maxGap) : 1);
    keys[i] = t;
    if (nanRun === 0 && rand() < shape.nanChance) nanRun = 1 + Math.floor(rand() * shape.maxNanRun);
    values[i] = nanRun > 0 ? Number.NaN : shape.value(rand);
    if (nanRun > 0) nanRun--;
  }
  return new Series({ index: new DatetimeIndex(keys, { tz: 'UTC' }), values, name: 'RAW' });
}
