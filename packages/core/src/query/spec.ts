import { invalidInput, show } from '../errors.js';
import { parseFrequency, type Frequency } from '../series/frequency.js';
import { resampleFrequency } from '../series/bins.js';
import type { Aggregation } from '../series/group-aggregate.js';
import { checkTimeZone } from '../series/timezone.js';

import type { TimeInput } from '../series/timestamp.js';

export type { TimeInput };

/**
 * An aggregation of a query: a name, `pNN` (the NN-th percentile, e.g. `p95`), or
 * `{ quantile: q }` with q in [0, 1]. Every one skips NaN, as pandas does.
 */
export type QueryAgg =
  | 'mean' | 'min' | 'max' | 'sum' | 'count' | 'first' | 'last' | 'median' | 'std' | 'var'
  | `p${number}`
  | { quantile: number };

export const QUERY_AGGS = ['mean', 'min', 'max', 'sum', 'count', 'first', 'last', 'median', 'std', 'var'] as const;

/** How empty buckets (NaN results) are filled: left as NaN (`'null'`), carried forward, interpolated in time, or a constant. */
export type QueryFill = 'null' | 'previous' | 'linear' | number;

/** `from` is inclusive, `to` exclusive: `{ from: '2024-03-01', to: '2024-04-01' }` is March. */
export interface QueryRange {
  from?: TimeInput;
  to?: TimeInput;
}

export interface QueryProgress {
  done: number;
  total: number;
  unit: 'series';
  key: string;
}

export interface QueryOptions {
  /** Stored keys (`dataset/signal/ts`) to aggregate. */
  series: readonly string[];
  range?: QueryRange;
  /**
   * Bucket width as a pandas frequency: `'15min'`, `'1h'`, `'1D'`, `'1W'` (weeks ending
   * Sunday), `'1MS'` (month starts), `'ME'`, `'QS'`, `'YS'`… Bins, labels and closed
   * sides are pandas' `resample` defaults. Omitted: one bucket over the whole range.
   */
  every?: string;
  /**
   * IANA zone for calendar buckets: days, weeks and months in local time (DST days are
   * 23 or 25 hours, as in pandas). Default: each series' own zone. A naive series is
   * already in local wall time and is bucketed as it is.
   */
  tz?: string;
  agg: QueryAgg | readonly QueryAgg[];
  fill?: QueryFill;
  /** `'wide'` (default): one row per bucket, a column per (series, agg). `'long'`: one row per (series, bucket). */
  shape?: 'long' | 'wide';
  /** Answer the other series when one cannot be read (its error is listed in `result.errors`). Default false. */
  partial?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: QueryProgress) => void;
}

/** An aggregation resolved to the kernel that computes it. */
export interface ResolvedAgg {
  /** Column label: `mean`, `p95`, `q0.25`. */
  label: string;
  kernel: Aggregation;
  q: number;
}

export interface QueryPlan {
  keys: readonly string[];
  every: Frequency | null;
  tz: string | null;
  aggs: ResolvedAgg[];
  fill: QueryFill;
  shape: 'long' | 'wide';
  partial: boolean;
}

const OPTION_NAMES = ['series', 'range', 'every', 'tz', 'agg', 'fill', 'shape', 'partial', 'signal', 'onProgress'];
const AGG_HELP = `one of ${QUERY_AGGS.join(', ')}, "pNN" (a percentile such as "p95") or { quantile: q } with q in [0, 1]`;

/** Resolve one aggregation; INVALID_INPUT naming it when it is not one we compute. */
export function resolveAgg(agg: unknown): ResolvedAgg {
  if (typeof agg === 'string') {
    if ((QUERY_AGGS as readonly string[]).includes(agg)) return { label: agg, kernel: agg as Aggregation, q: 0.5 };
    const p = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(agg);
    if (p) return { label: agg, kernel: 'percentile', q: Number(p[1]) / 100 };
  } else if (agg !== null && typeof agg === 'object' && 'quantile' in agg) {
    const q = (agg as { quantile: unknown }).quantile;
    if (typeof q !== 'number' || !(q >= 0 && q <= 1)) throw invalidInput(`Quantile ${show(q)} is outside [0, 1]`);
    return { label: `q${q}`, kernel: 'percentile', q };
  }
  throw invalidInput(`Unknown aggregation ${show(agg)}; expected ${AGG_HELP}`);
}

/**
 * A bucket width: a pandas frequency string. Bare numbers are refused on purpose — the
 * old `every` counted microseconds, so `every: 86400` silently made 86.4 ms buckets.
 */
export function resolveEvery(every: unknown): Frequency {
  if (typeof every !== 'string') {
    throw invalidInput(`Bucket width ${show(every)} is not a frequency; give it as text such as "15min", "1h", "1D", "1W" or "1MS"`);
  }
  try {
    parseFrequency(every);
  } catch {
    throw invalidInput(`Bucket width ${show(every)} is not a frequency; expected text such as "15min", "1h", "1D", "1W" or "1MS"`);
  }
  return resampleFrequency(every);
}

/** Validate query options once, before any read. */
export function planQuery(options: QueryOptions): QueryPlan {
  if (options === null || typeof options !== 'object') throw invalidInput(`Query options must be an object, got ${show(options)}`);
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) throw invalidInput(`Unknown query option ${show(name)}; valid options: ${OPTION_NAMES.join(', ')}`);
  }
  const keys = options.series;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw invalidInput(`Query "series" must be a list of keys such as ["plant/COD#1/RAW#1"], got ${show(keys)}`);
  }
  const list = (Array.isArray(options.agg) ? options.agg : [options.agg]) as unknown[];
  if (list.length === 0) throw invalidInput(`Query "agg" is empty; expected ${AGG_HELP}`);
  const aggs = list.map(resolveAgg);
  const seen = new Set<string>();
  for (const a of aggs) {
    if (seen.has(a.label)) throw invalidInput(`Aggregation ${show(a.label)} is listed twice`);
    seen.add(a.label);
  }
  const fill = options.fill ?? 'null';
  if (!(fill === 'null' || fill === 'previous' || fill === 'linear' || (typeof fill === 'number' && !Number.isNaN(fill)))) {
    throw invalidInput(`Unknown fill ${show(fill)}; expected "null", "previous", "linear" or a number`);
  }
  const shape = options.shape ?? 'wide';
  if (shape !== 'wide' && shape !== 'long') throw invalidInput(`Unknown shape ${show(shape)}; expected "wide" or "long"`);
  let tz: string | null = null;
  if (options.tz !== undefined) {
    try {
      tz = checkTimeZone(options.tz);
    } catch {
      throw invalidInput(`Time zone ${show(options.tz)} is not an IANA zone name such as "Europe/Zurich" or "America/New_York"`);
    }
  }
  return {
    keys,
    every: options.every === undefined ? null : resolveEvery(options.every),
    tz,
    aggs,
    fill,
    shape,
    partial: options.partial ?? false,
  };
}

/**
 * Aggregated buckets of one series: labels (epoch µs) and one column per aggregation, as the
 * JS engine and every pushdown (statistics, SQL, Polars) return them. Here, beside the plan,
 * so the store contract can name it without importing the engine.
 */
export interface Buckets {
  labels: Float64Array;
  /** Zone of the labels (null: naive wall times). */
  tz: string | null;
  columns: Float64Array[];
}

/** An inclusive key range in stored units (epoch µs for datetime indexes). */
export interface StoredRange {
  from?: number;
  to?: number;
}
