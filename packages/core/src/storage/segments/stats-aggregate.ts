import { MetaseriesError, show } from '../../errors.js';
import { DatetimeIndex, NumericIndex } from '../../series/indexes.js';
import { Series } from '../../series/series.js';
import type { AggregateFn, AggregateRequest } from '../backend.js';
import { sliceByKeyRange } from '../slice.js';
import type { SegmentRef } from './driver.js';
import type { SeriesLayout } from './layout.js';

interface Acc {
  count: number;
  sum: number;
  min: number;
  max: number;
  first: number;
  last: number;
}

/**
 * "Coarse aggregates come from the statistics": a segment that lies wholly inside the range
 * and inside one bucket contributes its statistics (count, sum, min, max, first/last value)
 * without decoding; only segments cut by a range end or a bucket edge — or whose statistics
 * cannot answer (±Infinity sums stored as null, a NaN first value for first/last) — are
 * read with `read`. Same result as `aggregateSeries` on the loaded range; sums add per
 * segment, so they may differ from a sequential sum in the last bits.
 */
export async function aggregateSegments(
  refs: readonly SegmentRef[],
  layout: SeriesLayout,
  request: AggregateRequest,
  read: (ref: SegmentRef) => Promise<Series>,
  backend?: string,
): Promise<Series> {
  const every = request.every;
  if (every !== undefined && !(every > 0)) throw new MetaseriesError('INVALID_INPUT', `Bucket width "every" must be positive, got ${show(every)}`, { backend });
  const from = request.range?.from ?? -Infinity, to = request.range?.to ?? Infinity;
  const needEnds = request.fn === 'first' || request.fn === 'last';
  const buckets = new Map<number, Acc>();
  let firstKey: number | null = null;
  const bucketOf = (k: number): number => (every === undefined ? 0 : Math.floor(k / every) * every);
  const acc = (b: number): Acc => {
    let a = buckets.get(b);
    if (!a) buckets.set(b, (a = { count: 0, sum: 0, min: Infinity, max: -Infinity, first: Number.NaN, last: Number.NaN }));
    return a;
  };
  for (const ref of refs) {
    if (ref.count === 0 || ref.last < from || ref.first > to) continue;
    const whole = ref.first >= from && ref.last <= to && bucketOf(ref.first) === bucketOf(ref.last);
    const numeric = ref.count - ref.nanCount;
    const usable = numeric === 0 || (ref.min !== null && ref.max !== null && ref.sum !== null && (!needEnds || (ref.firstValue !== null && ref.lastValue !== null)));
    if (whole && usable) {
      firstKey ??= ref.first;
      const a = acc(bucketOf(ref.first));
      if (numeric > 0) {
        if (a.count === 0) a.first = ref.firstValue ?? Number.NaN;
        a.last = ref.lastValue ?? a.last;
        a.count += numeric;
        a.sum += ref.sum!;
        a.min = Math.min(a.min, ref.min!);
        a.max = Math.max(a.max, ref.max!);
      }
      continue;
    }
    const raw = await read(ref);
    const part = request.range ? sliceByKeyRange(raw, request.range) : raw;
    const keys = part.index.values as Float64Array, values = part.values as Float64Array;
    for (let i = 0; i < part.length; i++) {
      firstKey ??= keys[i]!;
      const a = acc(bucketOf(keys[i]!));
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      if (a.count === 0) a.first = v;
      a.last = v;
      a.count++;
      a.sum += v;
      if (v < a.min) a.min = v;
      if (v > a.max) a.max = v;
    }
  }
  const outKeys = every === undefined ? (firstKey === null ? [] : [firstKey]) : [...buckets.keys()];
  const outValues = [...buckets.values()].map((a) => finish(request.fn, a));
  const keyArray = Float64Array.from(outKeys);
  const index = layout.indexKind === 'datetime' ? new DatetimeIndex(keyArray, { tz: layout.tz, name: layout.indexName }) : new NumericIndex(keyArray, 'float64', layout.indexName);
  return new Series({ index, values: Float64Array.from(outValues), name: layout.name, dtype: 'float64' });
}

function finish(fn: AggregateFn, a: Acc): number {
  switch (fn) {
    case 'count': return a.count;
    case 'sum': return a.sum;
    case 'mean': return a.count === 0 ? Number.NaN : a.sum / a.count;
    case 'min': return a.count === 0 ? Number.NaN : a.min;
    case 'max': return a.count === 0 ? Number.NaN : a.max;
    case 'first': return a.first;
    case 'last': return a.last;
  }
}
