import type { SeriesMetadata } from '../wire.js';
import type { Frequency } from '../series/frequency.js';
import type { Aggregation } from '../series/group-aggregate.js';
import type { DatetimeIndex } from '../series/indexes.js';
import type { Series } from '../series/series.js';
import type { VersionRecord } from '../storage/segments/driver.js';
import type { Buckets } from './engine.js';
import { resolveEvery, type QueryPlan, type StoredRange } from './spec.js';

/**
 * A rollup (issue 17): a stored series whose last step is meteaudata's `resample`
 * (RESAMPLING, the aggregation in its parameters) — what `signal.rollup` makes, and what
 * `signal.process([...], resample(...))` makes too. Read from the series metadata alone.
 */
export interface RollupSpec {
  /** The input series' full name (`A#1_RAW#1`), from the step's `input_series_names`. */
  input: string;
  /** The resample frequency as recorded (`'1h'`, `'1D'`…). */
  every: string;
  aggregation: Aggregation;
  /** For `percentile`. */
  q: number | null;
}

/** The rollup a series is, from its metadata; null when its last step is not a one-input `resample`. */
export function rollupOf(metadata: SeriesMetadata | null | undefined): RollupSpec | null {
  const step = metadata?.processing_steps?.at(-1);
  if (!step || step.type !== 'resampling' || step.function_info?.name !== 'resample' || step.input_series_names?.length !== 1) return null;
  const p = step.parameters ?? {};
  if (typeof p.frequency !== 'string') return null;
  const aggregation = (typeof p.aggregation === 'string' ? p.aggregation : 'mean') as Aggregation;
  return { input: step.input_series_names[0]!, every: p.frequency, aggregation, q: typeof p.q === 'number' ? p.q : null };
}

/** What answering from rollups reads: the heads of one signal's keys and a stored series. */
export interface RollupSource {
  heads(prefix: string): Promise<ReadonlyMap<string, VersionRecord>>;
  load(key: string): Promise<{ series: Series }>;
}

/** A query answered from stored rollups: the buckets, and which rollup gave each aggregation. */
export interface RollupAnswer {
  buckets: Buckets;
  /** Rollup keys, one per aggregation of the query, in its order. */
  rollups: string[];
}

const sameFrequency = (a: Frequency, b: Frequency): boolean => a.n === b.n && a.unit === b.unit && a.anchor === b.anchor;

/**
 * Answer `key`'s part of a query from rollups of it, when every aggregation has one that
 * matches exactly — same bucket frequency, the series' own zone (the query's `tz` absent or
 * equal), pandas' default labels and closed sides (all rollups have them), same aggregation
 * (and quantile) — and that is up to date with the input: its refresh record names the
 * input's current version, or (never refreshed) it was committed after the input's head.
 * A query range must cover every stored point (a cut bucket would differ). Otherwise null:
 * the caller aggregates raw points. The answer equals the raw path's because a rollup is
 * the same binning and kernels run on the same points.
 */
export async function answerFromRollups(source: RollupSource, key: string, plan: QueryPlan, range: StoredRange | undefined): Promise<RollupAnswer | null> {
  if (plan.every === null) return null;
  const parts = key.split('/');
  if (parts.length !== 3) return null;
  const [dataset, signal, part] = parts as [string, string, string];
  const inputName = `${signal}_${part}`;
  const heads = await source.heads(`${dataset}/${signal}/`);
  const input = heads.get(key);
  if (!input || input.tombstone || input.first === null || input.last === null || input.layout.indexKind !== 'datetime') return null;
  if (range && ((range.from !== undefined && range.from > input.first) || (range.to !== undefined && range.to < input.last))) return null;
  const zone = input.metadata?.index_metadata?.time_zone ?? null;
  if (plan.tz !== null && plan.tz !== zone) return null;
  const fresh = (record: VersionRecord): boolean => {
    const refresh = record.metadata?.metaseries_refresh as { inputs?: Record<string, unknown> } | undefined;
    if (refresh?.inputs && inputName in refresh.inputs) return refresh.inputs[inputName] === input.version;
    return record.createdAt > input.createdAt;
  };
  const chosen: string[] = [];
  for (const agg of plan.aggs) {
    let found: string | null = null;
    for (const [candidate, record] of heads) {
      if (candidate === key || record.tombstone) continue;
      const spec = rollupOf(record.metadata);
      if (!spec || spec.input !== inputName || spec.aggregation !== agg.kernel) continue;
      if (agg.kernel === 'percentile' && spec.q !== agg.q) continue;
      let every: Frequency;
      try {
        every = resolveEvery(spec.every);
      } catch {
        continue;
      }
      if (!sameFrequency(every, plan.every) || !fresh(record)) continue;
      found = candidate;
      break;
    }
    if (found === null) return null;
    chosen.push(found);
  }
  let labels: Float64Array | null = null;
  let tz: string | null = null;
  const columns: Float64Array[] = [];
  for (const rollupKey of chosen) {
    let series: Series;
    try {
      ({ series } = await source.load(rollupKey));
    } catch {
      // A rollup that cannot be read (damaged, pruned meanwhile) only loses its shortcut.
      return null;
    }
    if (series.index.kind !== 'datetime') return null;
    const at = series.index.values as Float64Array;
    if (labels === null) {
      labels = at;
      tz = (series.index as DatetimeIndex).tz;
    } else if (at.length !== labels.length || at.some((t, i) => t !== labels![i])) return null;
    const values = series.values;
    columns.push(values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<number | bigint>, Number));
  }
  return { buckets: { labels: labels!, tz, columns }, rollups: chosen };
}
