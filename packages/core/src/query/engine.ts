import { MetaseriesError, show } from '../errors.js';
import { resampleBins } from '../series/bins.js';
import { aggregateGroups } from '../series/group-aggregate.js';
import { DatetimeIndex, NumericIndex } from '../series/indexes.js';
import { Series } from '../series/series.js';
import type { AggregateRequest } from '../storage/backend.js';
import { planQuery } from './spec.js';
import type { Buckets, QueryFill, QueryPlan, ResolvedAgg } from './spec.js';

export type { Buckets } from './spec.js';

/**
 * The JS engine of `query` (and the fallback of every backend): pandas
 * `series.tz_convert(tz).resample(every).agg(fn)` with pandas' default bins, labels and
 * closed sides, NaN skipped. Without `every`, one bucket labelled with the first point.
 */
export function bucketSeries(series: Series, plan: Pick<QueryPlan, 'every' | 'tz' | 'aggs'>, key: string): Buckets {
  const values = series.values;
  if (!(values instanceof Float64Array)) {
    throw new MetaseriesError('UNSUPPORTED', `Cannot aggregate series ${show(key)}: its values are ${series.dtype}, not numbers`);
  }
  const index = series.index;
  if (plan.every === null) {
    const starts = Int32Array.of(0, series.length);
    const first = index.kind === 'string' || series.length === 0 ? Number.NaN : (index.values[0] as number);
    return {
      labels: series.length === 0 ? new Float64Array(0) : Float64Array.of(first),
      tz: index.kind === 'datetime' ? index.tz : null,
      columns: plan.aggs.map((a) => (series.length === 0 ? new Float64Array(0) : aggregateGroups(values, starts, a.kernel, a.q))),
    };
  }
  if (index.kind !== 'datetime') {
    throw new MetaseriesError('INVALID_INPUT', `Cannot bucket series ${show(key)} by time: it has a ${index.kind} index, not timestamps`);
  }
  const sorted = index.orderInfo().sorted ? series : series.sortByIndex();
  let dtIndex = sorted.index as DatetimeIndex;
  // Same instants, other wall clock: buckets follow the query's calendar.
  if (plan.tz !== null && dtIndex.tz !== null && dtIndex.tz !== plan.tz) dtIndex = dtIndex.with({ tz: plan.tz, freq: null });
  const bins = resampleBins(dtIndex, plan.every);
  const sortedValues = sorted.values as Float64Array;
  return { labels: bins.labels, tz: dtIndex.tz, columns: plan.aggs.map((a) => aggregateGroups(sortedValues, bins.starts, a.kernel, a.q)) };
}

/** Sum and count are 0 on an empty bucket (pandas); the others NaN. */
export function emptyValue(agg: ResolvedAgg): number {
  return agg.kernel === 'sum' || agg.kernel === 'count' ? 0 : Number.NaN;
}

/** Fill NaN cells of a column in place: carry forward, interpolate linearly in time, or a constant. */
export function fillColumn(column: Float64Array, labels: Float64Array, fill: QueryFill): void {
  if (fill === 'null') return;
  const n = column.length;
  if (typeof fill === 'number') {
    for (let i = 0; i < n; i++) if (Number.isNaN(column[i])) column[i] = fill;
    return;
  }
  if (fill === 'previous') {
    for (let i = 1; i < n; i++) if (Number.isNaN(column[i])) column[i] = column[i - 1]!;
    return;
  }
  // Linear in time between the valid neighbours; leading and trailing NaN stay (pandas `interpolate(method='time')`).
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(column[i])) continue;
    if (prev >= 0 && i - prev > 1) {
      const x0 = labels[prev]!, y0 = column[prev]!, dx = labels[i]! - x0, dy = column[i]! - y0;
      for (let j = prev + 1; j < i; j++) column[j] = y0 + (dy * (labels[j]! - x0)) / dx;
    }
    prev = i;
  }
}

/** Sorted union of label arrays (wide results join series on their bucket labels). */
export function unionLabels(all: readonly Float64Array[]): Float64Array {
  const set = new Set<number>();
  for (const labels of all) for (const l of labels) set.add(l);
  return Float64Array.from(set).sort();
}

/** `column` (at `labels`) placed on `target` labels; buckets the series does not have get `missing`. */
export function reindex(column: Float64Array, labels: Float64Array, target: Float64Array, missing: number): Float64Array {
  if (labels.length === target.length) return column;
  const out = new Float64Array(target.length).fill(missing);
  let j = 0;
  for (let i = 0; i < labels.length; i++) {
    while (target[j]! < labels[i]!) j++;
    out[j] = column[i]!;
  }
  return out;
}

/**
 * One series aggregated as `aggregate` answers it: per bucket of `request.every` (a pandas
 * frequency) or as one bucket, as a Series indexed by bucket label. `range` is applied by
 * the caller (it is in stored units).
 */
export function aggregateSeries(series: Series, request: AggregateRequest, key = series.name ?? ''): Series {
  const plan = aggregatePlan(request, key);
  return bucketsToSeries(bucketSeries(series, plan, key), plan, { name: series.name, indexName: series.index.name, datetime: series.index.kind === 'datetime' });
}

/** The one-aggregation plan of `aggregate` (validates the request). */
export function aggregatePlan(request: AggregateRequest, key: string): QueryPlan {
  return planQuery({ series: [key], agg: request.fn, ...(request.every === undefined ? {} : { every: request.every }), ...(request.tz === undefined ? {} : { tz: request.tz }) });
}

/** The first column of `buckets` as the Series `aggregate` returns, indexed by bucket label. */
export function bucketsToSeries(buckets: Buckets, plan: QueryPlan, of: { name: string | null; indexName: string | null; datetime: boolean }): Series {
  const index = of.datetime || plan.every !== null
    ? new DatetimeIndex(buckets.labels, { tz: buckets.tz, name: of.indexName })
    : new NumericIndex(buckets.labels, 'float64', of.indexName);
  return new Series({ index, values: buckets.columns[0]!, name: of.name, dtype: plan.aggs[0]!.kernel === 'count' ? 'int64' : 'float64' });
}
