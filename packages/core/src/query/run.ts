import { MetaseriesError, show } from '../errors.js';
import type { SeriesMetadata } from '../wire.js';
import type { Series } from '../series/series.js';
import { toMicros } from '../series/timestamp.js';
import { bucketSeries, emptyValue, fillColumn, reindex, unionLabels, type Buckets } from './engine.js';
import { QueryResult, type QueryColumn, type QueryError, type QuerySource } from './result.js';
import { answerFromRollups, type RollupSource } from './rollups.js';
import { planQuery, type QueryOptions, type QueryPlan, type QueryRange, type StoredRange } from './spec.js';

export type { StoredRange } from './spec.js';

/**
 * What `runQuery` needs from a store. `Storage` has it; a backend that can aggregate in
 * its engine adds `queryBuckets` and returns null for what it cannot do exactly.
 */
export interface QueryReader {
  loadMetadata(key: string): Promise<SeriesMetadata>;
  loadKeyRange(key: string, range: StoredRange): Promise<{ series: Series }>;
  load(key: string): Promise<{ series: Series }>;
  queryBuckets?(key: string, plan: QueryPlan, range: StoredRange | undefined): Promise<{ buckets: Buckets; source: QuerySource } | null>;
}

/** Convert the boundary range (`from` inclusive, `to` exclusive) to stored microseconds in the series' zone. */
export function storedRange(range: QueryRange | undefined, tz: string | null): StoredRange | undefined {
  if (!range || (range.from === undefined && range.to === undefined)) return undefined;
  const out: StoredRange = {};
  if (range.from !== undefined) out.from = toMicros(range.from, tz);
  if (range.to !== undefined) out.to = toMicros(range.to, tz) - 1;
  if (out.from !== undefined && out.to !== undefined && out.to < out.from) {
    throw new MetaseriesError('INVALID_INPUT', `Query range ends (${show(range.to)}) before it starts (${show(range.from)})`);
  }
  return out;
}

/**
 * `store.query(...)`: aggregate several series into buckets in one call. Each series is
 * answered by the backend's engine when it can (exactly), else read by range and
 * computed in core; the results are joined on bucket labels (wide) or stacked (long).
 */
export async function runQuery(reader: QueryReader, options: QueryOptions, extras: { rollups?: RollupSource } = {}): Promise<QueryResult> {
  const plan = planQuery(options);
  // Validate the range once up front so a bad range fails before any read.
  storedRange(options.range, plan.tz);
  const per: Array<{ key: string; buckets: Buckets }> = [];
  const sources: Record<string, QuerySource> = {};
  const rollups: Record<string, string[]> = {};
  const errors: QueryError[] = [];
  let done = 0;
  for (const key of plan.keys) {
    options.signal?.throwIfAborted();
    try {
      const meta = await reader.loadMetadata(key);
      const zone = meta.index_metadata?.time_zone ?? null;
      const range = storedRange(options.range, zone ?? (meta.index_metadata?.type === 'DatetimeIndex' ? null : plan.tz));
      // A stored rollup that matches exactly and is up to date answers first (see rollups.ts).
      const rolled = extras.rollups ? await answerFromRollups(extras.rollups, key, plan, range) : null;
      const pushed = rolled ? null : reader.queryBuckets ? await reader.queryBuckets(key, plan, range) : null;
      if (rolled) {
        per.push({ key, buckets: rolled.buckets });
        sources[key] = 'rollup';
        rollups[key] = rolled.rollups;
      } else if (pushed) {
        per.push({ key, buckets: pushed.buckets });
        sources[key] = pushed.source;
      } else {
        const { series } = range ? await reader.loadKeyRange(key, range) : await reader.load(key);
        per.push({ key, buckets: bucketSeries(series, plan, key) });
        sources[key] = 'js';
      }
    } catch (e) {
      if (!plan.partial || !(e instanceof MetaseriesError) || e.code === 'INVALID_INPUT') throw e;
      errors.push({ key, code: e.code, message: e.message });
    }
    options.onProgress?.({ done: ++done, total: plan.keys.length, unit: 'series', key });
  }
  const zones = new Set(per.map((p) => p.buckets.tz));
  const tz = zones.size === 1 ? [...zones][0]! : null;
  const result = plan.shape === 'wide' ? wide(plan, per, tz, sources, errors) : long(plan, per, tz, sources, errors);
  return Object.keys(rollups).length ? result.withRollups(rollups) : result;
}

function wide(plan: QueryPlan, per: Array<{ key: string; buckets: Buckets }>, tz: string | null, sources: Record<string, QuerySource>, errors: QueryError[]): QueryResult {
  const labels = unionLabels(per.map((p) => p.buckets.labels));
  const columns: QueryColumn[] = [];
  for (const { key, buckets } of per) {
    plan.aggs.forEach((agg, a) => {
      const values = reindex(buckets.columns[a]!, buckets.labels, labels, emptyValue(agg));
      const owned = values === buckets.columns[a] ? values.slice() : values;
      fillColumn(owned, labels, plan.fill);
      columns.push({ name: `${key}:${agg.label}`, key, agg: agg.label, values: owned });
    });
  }
  return new QueryResult({ shape: 'wide', labelsUs: labels, keys: null, columns, tz, sources, errors });
}

function long(plan: QueryPlan, per: Array<{ key: string; buckets: Buckets }>, tz: string | null, sources: Record<string, QuerySource>, errors: QueryError[]): QueryResult {
  const total = per.reduce((n, p) => n + p.buckets.labels.length, 0);
  const labels = new Float64Array(total);
  const keys: string[] = [];
  const columns: QueryColumn[] = plan.aggs.map((agg) => ({ name: agg.label, key: null, agg: agg.label, values: new Float64Array(total) }));
  let row = 0;
  for (const { key, buckets } of per) {
    labels.set(buckets.labels, row);
    plan.aggs.forEach((_, a) => {
      const values = buckets.columns[a]!.slice();
      fillColumn(values, buckets.labels, plan.fill);
      columns[a]!.values.set(values, row);
    });
    for (let i = 0; i < buckets.labels.length; i++) keys.push(key);
    row += buckets.labels.length;
  }
  return new QueryResult({ shape: 'long', labelsUs: labels, keys, columns, tz, sources, errors });
}
