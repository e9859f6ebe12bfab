import { MetaseriesError, show } from '../errors.js';
import { DatetimeIndex, NumericIndex } from '../series/indexes.js';
import { Series } from '../series/series.js';
import type { AggregateFn, AggregateRequest } from './backend.js';

/**
 * The core's aggregation (also the fallback for backends without pushdown):
 * NaN-skipping, one row per non-empty bucket, buckets at multiples of `every`.
 */
export function aggregateSeries(series: Series, request: AggregateRequest): Series {
  const values = series.values;
  if (!(values instanceof Float64Array)) {
    throw new MetaseriesError('UNSUPPORTED', `Aggregation needs numeric values; series ${show(series.name)} has dtype ${series.dtype}`);
  }
  if (series.index.kind === 'string') throw new MetaseriesError('UNSUPPORTED', `Aggregation needs a numeric or datetime index; series ${show(series.name)} has a string index`);
  const keys = series.index.values;
  const every = request.every;
  if (every !== undefined && !(every > 0)) throw new MetaseriesError('INVALID_INPUT', `Bucket width "every" must be positive, got ${show(every)}`);
  const outKeys: number[] = [];
  const outValues: number[] = [];
  let i = 0;
  const n = series.length;
  if (every !== undefined) series.requireSorted('Bucketed aggregation');
  while (i < n) {
    const bucket = every === undefined ? (keys[0] ?? 0) : Math.floor(keys[i]! / every) * every;
    let j = i;
    if (every === undefined) j = n;
    else while (j < n && keys[j]! < bucket + every) j++;
    outKeys.push(bucket);
    outValues.push(reduce(request.fn, values, i, j));
    i = j;
  }
  const keyArray = Float64Array.from(outKeys);
  const index = series.index.kind === 'datetime'
    ? new DatetimeIndex(keyArray, { tz: series.index.tz, name: series.index.name, unit: series.index.unit })
    : new NumericIndex(keyArray, 'float64', series.index.name);
  return new Series({ index, values: Float64Array.from(outValues), name: series.name, dtype: 'float64' });
}

export function reduce(fn: AggregateFn, values: Float64Array, start: number, end: number): number {
  let count = 0, sum = 0, min = Infinity, max = -Infinity, first = NaN, last = NaN;
  for (let k = start; k < end; k++) {
    const v = values[k]!;
    if (Number.isNaN(v)) continue;
    if (count === 0) first = v;
    last = v;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  switch (fn) {
    case 'count': return count;
    case 'sum': return sum;
    case 'mean': return count === 0 ? NaN : sum / count;
    case 'min': return count === 0 ? NaN : min;
    case 'max': return count === 0 ? NaN : max;
    case 'first': return first;
    case 'last': return last;
  }
}
