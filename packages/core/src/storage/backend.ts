import type { SeriesMetadata } from '../wire.js';
import type { QuerySource } from '../query/result.js';
import type { Buckets, QueryAgg, QueryPlan } from '../query/spec.js';
import type { Series } from '../series/series.js';
import type { TimeRange } from '../series/timestamp.js';

/**
 * What a backend can do beyond the required core. Declared as data, never sniffed:
 * where a flag is false the core (`Storage`) supplies a slower but correct fallback,
 * so every backend offers the whole API.
 */
export interface BackendCapabilities {
  /** `load(key, { range })` reads only the requested keys from the engine. Default false: load all, then slice. */
  readonly rangeReads: boolean;
  /** `stream(key, options)` yields chunks without loading the whole series. Default false: load, then chunk. */
  readonly streaming: boolean;
  /**
   * `queryBuckets` answers (some) `query` plans in the engine or from stored statistics,
   * exactly as the JS engine would. Default false: core reads the range and computes
   * pandas-exact buckets in JS.
   */
  readonly aggregation: boolean;
  /** `describe(prefix)` answers from stored summaries. Default false: load every series. */
  readonly metadataQuery: boolean;
  /** Data outlives the process (files, databases). */
  readonly persistent: boolean;
  /**
   * Storage v2 (a `SegmentStore` over a `SegmentDriver`): every write is a version,
   * `asOf` reads, `versions`, snapshots and `prune`; append/update/deleteRange touch only
   * the segments they change. Default false: append/update/deleteRange fall back to
   * load + merge + save, and the version API is UNSUPPORTED.
   */
  readonly versions?: boolean;
}

export const DEFAULT_CAPABILITIES: BackendCapabilities = Object.freeze({
  rangeReads: false,
  streaming: false,
  aggregation: false,
  metadataQuery: false,
  persistent: false,
  versions: false,
});

/**
 * For backend authors (`@metaseries/core/backend-kit`), not users: an inclusive range of
 * stored keys. For a datetime index the bounds are epoch microseconds in the index's own
 * representation (UTC instants when zoned, wall times when naive); for a numeric or
 * range index they are index values. A missing bound is open. Users pass a `TimeRange`
 * (Dates, ISO text, epoch ms), which `Storage` converts once with `toKeyRange`.
 */
export interface KeyRangeMicros {
  from?: number;
  to?: number;
}

/**
 * Which stored version a read sees: a version number (1, 2, …), an instant (`Date` or
 * ISO string: the version current at that time) or a snapshot name.
 */
export type AsOf = number | Date | string;

/** Backend contract (µs keys): what `StorageBackend.load` receives. Users pass `ReadOptions`. */
export interface LoadOptions {
  range?: KeyRangeMicros;
  /** Only on versioned stores (`capabilities.versions`). */
  asOf?: AsOf;
}

export interface StoredSeries {
  series: Series;
  metadata: SeriesMetadata;
}

/** What users pass to `Storage.load`: a range of boundary times (inclusive) and/or a version. */
export interface ReadOptions {
  range?: TimeRange;
  /** Only on versioned stores (`capabilities.versions`). */
  asOf?: AsOf;
}

/** What users pass to `Storage.stream`. */
export interface ReadStreamOptions extends ReadOptions {
  /** Points per chunk (default 100 000). */
  chunkSize?: number;
}

/** Backend contract (µs keys): what `StorageBackend.stream` receives. Users pass `ReadStreamOptions`. */
export interface StreamOptions {
  range?: KeyRangeMicros;
  /** Points per chunk (default 100 000). */
  chunkSize?: number;
  /** Only on versioned stores (`capabilities.versions`). */
  asOf?: AsOf;
}

/** An aggregation: see `QueryAgg` (`'mean'`, `'max'`, `'median'`, `'p95'`, `{ quantile: 0.9 }`…). */
export type AggregateFn = QueryAgg;

export interface AggregateRequest {
  fn: AggregateFn;
  /** Inclusive range of boundary times (Dates, ISO text, epoch ms; index values for a numeric index). */
  range?: TimeRange;
  /** Bucket width as a pandas frequency (`'15min'`, `'1h'`, `'1D'`, `'1MS'`…); omitted = one bucket. Bare numbers are refused. */
  every?: string;
  /** IANA zone for calendar buckets (default: the series' zone). */
  tz?: string;
}

/** Backend contract (µs keys): a stored series described without loading its values. Users get `StoredSummary`. */
export interface SeriesSummary {
  key: string;
  length: number;
  dtype: string;
  /** First and last index keys (microseconds for datetime), null when empty or not numeric. */
  first: number | null;
  last: number | null;
  /** Whether the index is a datetime index (first/last are epoch µs). Optional: when absent, `Storage.describe` reads the key's metadata. */
  datetime?: boolean;
}

/** A stored series described without loading its values: what `Storage.describe` returns. */
export interface StoredSummary {
  key: string;
  length: number;
  dtype: string;
  /** First and last index key: a `Date` for a datetime index (naive: the UTC wall clock), else the index value; null when empty or a string index. */
  first: Date | number | null;
  last: Date | number | null;
}

/**
 * The contract a storage backend implements. Small on purpose: eight methods, a
 * `kind` and `capabilities`. Keys reach a backend already validated
 * (`dataset/signal/ts`, no `..`, no empty segments); values reach it as a `Series`
 * and leave it as one. Data and metadata of a key must commit together.
 */
export interface StorageBackend {
  readonly kind: string;
  readonly capabilities: BackendCapabilities;
  save(key: string, series: Series, metadata: SeriesMetadata): Promise<void>;
  /** NOT_FOUND when the key is missing. `options.range` is honoured only if `capabilities.rangeReads`. */
  load(key: string, options?: LoadOptions): Promise<StoredSeries>;
  loadMetadata(key: string): Promise<SeriesMetadata>;
  exists(key: string): Promise<boolean>;
  /** NOT_FOUND when the key is missing. */
  delete(key: string): Promise<void>;
  /** Keys that start with `prefix`, sorted. */
  listKeys(prefix?: string): Promise<string[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
  /** Present when `capabilities.streaming`. */
  stream?(key: string, options: StreamOptions): AsyncIterable<Series>;
  /** Present when `capabilities.metadataQuery`. */
  describe?(prefix?: string): Promise<SeriesSummary[]>;
  /**
   * Present when `capabilities.aggregation`: one series of a `query` plan as buckets, or
   * null for a plan the backend cannot answer exactly (core then computes it in JS).
   * Results must equal `bucketSeries` over the loaded range, value for value.
   */
  queryBuckets?(key: string, plan: QueryPlan, range: KeyRangeMicros | undefined): Promise<{ buckets: Buckets; source: QuerySource } | null>;
}
