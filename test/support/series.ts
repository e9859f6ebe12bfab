import { type DatetimeIndex, Series } from '@metaseries/core';

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
