import { MetaseriesError, show } from '../errors.js';
import type { SeriesMetadata } from '../model/wire.js';
import type { Series } from '../series/series.js';
import { bucketSeries } from '../query/engine.js';
import type { QueryResult } from '../query/result.js';
import { runQuery } from '../query/run.js';
import { planQuery, type QueryOptions } from '../query/spec.js';
import { DatetimeIndex, NumericIndex } from '../series/indexes.js';
import { Series as SeriesClass } from '../series/series.js';
import {
  type AggregateRequest,
  type BackendCapabilities,
  DEFAULT_CAPABILITIES,
  type KeyRange,
  type LoadOptions,
  type SeriesSummary,
  type StorageBackend,
  type StoredSeries,
  type StreamOptions,
} from './backend.js';
import {
  discoverDatasets, discoverSeries, discoverSignals, type DatasetInfo, type DiscoveryFilters, type DiscoverySource, type SeriesHead,
  type SeriesInfo, type SignalInfo,
} from './discovery.js';
import { CATALOG_SEGMENT, isCatalogKey, validateKey, validatePrefix } from './keys.js';
import { catalogRecords, parseCatalogMetadata } from './legacy-catalog.js';
import { sliceByKeyRange, summarize } from './slice.js';

const DEFAULT_CHUNK = 100_000;

/**
 * The object users hold: a backend wrapped with the lifecycle (open once, closed
 * means closed), key validation, one error class, and the core's fallbacks for
 * every optional capability — so `loadRange`, `stream`, `aggregate` and `describe`
 * work on every backend, pushed down where the backend declares it can.
 *
 * @example
 * const store = new Storage(new MemoryBackend());
 * await store.save('plant/COD#1/RAW#1', series, metadata);
 * const day = await store.loadRange('plant/COD#1/RAW#1', { from, to });
 */
export class Storage {
  readonly backend: StorageBackend;
  private closed = false;

  constructor(backend: StorageBackend) {
    if (backend instanceof Storage) throw new MetaseriesError('INVALID_INPUT', 'Storage wraps a backend, not another Storage');
    this.backend = backend;
  }

  /** Wrap a backend, or return a Storage unchanged. */
  static from(backend: StorageBackend | Storage): Storage {
    return backend instanceof Storage ? backend : new Storage(backend);
  }

  get kind(): string {
    return this.backend.kind;
  }

  get capabilities(): BackendCapabilities {
    return { ...DEFAULT_CAPABILITIES, ...this.backend.capabilities };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    return this.run('save', key, () => this.backend.save(key, series, metadata));
  }

  load(key: string): Promise<StoredSeries> {
    return this.run('load', key, () => this.backend.load(key));
  }

  /** Points whose index key lies in `range` (inclusive); pushed down when the backend can. */
  loadRange(key: string, range: KeyRange): Promise<StoredSeries> {
    return this.run('loadRange', key, async () => {
      checkRange(range, this.kind);
      if (this.capabilities.rangeReads) {
        const options: LoadOptions = { range };
        return this.backend.load(key, options);
      }
      const whole = await this.backend.load(key);
      return { series: sliceByKeyRange(whole.series, range), metadata: whole.metadata };
    });
  }

  loadMetadata(key: string): Promise<SeriesMetadata> {
    return this.run('loadMetadata', key, () => this.backend.loadMetadata(key));
  }

  exists(key: string): Promise<boolean> {
    return this.run('exists', key, () => this.backend.exists(key));
  }

  delete(key: string): Promise<void> {
    return this.run('delete', key, () => this.backend.delete(key));
  }

  listKeys(prefix?: string): Promise<string[]> {
    return this.guard('listKeys', show(prefix ?? ''), () => this.backend.listKeys(validatePrefix(prefix, this.kind)));
  }

  clear(): Promise<void> {
    return this.guard('clear', '', () => this.backend.clear());
  }

  /** Chunks of at most `chunkSize` points, in index order. */
  async *stream(key: string, options: StreamOptions = {}): AsyncGenerator<Series> {
    this.ensureOpen('stream');
    validateKey(key, this.kind);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new MetaseriesError('INVALID_INPUT', `chunkSize must be a positive integer, got ${show(chunkSize)}`, { backend: this.kind });
    }
    if (this.capabilities.streaming) {
      try {
        yield* this.backend.stream!(key, { ...options, chunkSize });
      } catch (e) {
        throw wrap(e, this.kind, 'stream', key);
      }
      return;
    }
    const { series } = options.range ? await this.loadRange(key, options.range) : await this.load(key);
    for (let start = 0; start < series.length; start += chunkSize) yield series.slice(start, start + chunkSize);
  }

  /**
   * Aggregate one stored series, per bucket of `every` (a pandas frequency such as
   * `'1h'` or `'1D'`) or as one bucket: the single-series form of `query`.
   *
   * @example await store.aggregate('plant/COD#1/RAW#1', { fn: 'max', every: '1D', tz: 'America/New_York' })
   */
  aggregate(key: string, request: AggregateRequest): Promise<Series> {
    return this.run('aggregate', key, async () => {
      const plan = planQuery({ series: [key], agg: request.fn, ...(request.every === undefined ? {} : { every: request.every }), ...(request.tz === undefined ? {} : { tz: request.tz }) });
      if (request.range) checkRange(request.range, this.kind);
      const { series } = request.range ? await this.loadRange(key, request.range) : await this.backend.load(key);
      const buckets = bucketSeries(series, plan, key);
      const index = series.index.kind === 'datetime' || plan.every !== null
        ? new DatetimeIndex(buckets.labels, { tz: buckets.tz, name: series.index.name })
        : new NumericIndex(buckets.labels, 'float64', series.index.name);
      return new SeriesClass({ index, values: buckets.columns[0]!, name: series.name, dtype: plan.aggs[0]!.kernel === 'count' ? 'int64' : 'float64' });
    });
  }

  /**
   * Aggregate several series into time buckets in one call: pandas `resample(every).agg(...)`
   * semantics, calendar buckets in `tz`, empty buckets filled as asked.
   *
   * @example
   * const report = await store.query({ series: ['plant/COD#1/RAW#1'], range: { from: '2024-03-01', to: '2024-04-01' },
   *   every: '1h', agg: ['mean', 'max', 'p95'] });
   */
  query(options: QueryOptions): Promise<QueryResult> {
    return this.guard('query', '', async () => {
      for (const key of Array.isArray(options?.series) ? options.series : []) validateKey(key, this.kind);
      return runQuery(this, options);
    });
  }

  /** Length, dtype and first/last key of every stored series under `prefix`. */
  describe(prefix?: string): Promise<SeriesSummary[]> {
    return this.guard('describe', show(prefix ?? ''), async () => {
      const checked = validatePrefix(prefix, this.kind);
      if (this.capabilities.metadataQuery) return this.backend.describe!(checked);
      const keys = await this.backend.listKeys(checked);
      const out: SeriesSummary[] = [];
      for (const key of keys) out.push(summarize(key, (await this.backend.load(key)).series));
      return out;
    });
  }

  /**
   * Every dataset in the store with its catalog fields and how many signals and series it holds.
   * @example (await store.datasets()).map((d) => d.name)
   */
  datasets(): Promise<DatasetInfo[]> {
    return this.guard('datasets', '', () => discoverDatasets(this.discoverySource()));
  }

  /**
   * Signals whose provenance, units or name match `where` (exact text, a list of allowed
   * values, or `{ prefix }`), optionally only in one dataset and only with data in `range`,
   * each with the summaries of its series. Answered from the catalog and series summaries.
   * @example await store.signals({ where: { parameter: 'COD', location: { prefix: 'Clarifier' } }, range: { from: '2024-03-01' } })
   */
  signals(filters?: DiscoveryFilters): Promise<SignalInfo[]> {
    return this.guard('signals', '', () => discoverSignals(this.discoverySource(), filters));
  }

  /** The series of the signals `signals(filters)` finds, flat: key, length, first/last (epoch ms), dtype, units, last step. */
  series(filters?: DiscoveryFilters): Promise<SeriesInfo[]> {
    return this.guard('series', '', () => discoverSeries(this.discoverySource(), filters));
  }

  /**
   * Where discovery reads catalog records and series summaries. Stores without a catalog
   * of their own are read through the metaseries 0.1 catalog series and `describe`.
   */
  private discoverySource(): DiscoverySource {
    return {
      catalog: async (prefix) => {
        const keys = (await this.backend.listKeys(validatePrefix(prefix, this.kind))).filter(isCatalogKey);
        const out = [];
        for (const key of keys) {
          const dataset = key.slice(0, -CATALOG_SEGMENT.length - 1);
          out.push(...catalogRecords(dataset, parseCatalogMetadata(await this.backend.loadMetadata(key), dataset, this.kind)));
        }
        return out;
      },
      heads: async (prefix) => {
        const summaries = (await this.describe(prefix)).filter((d) => !isCatalogKey(d.key) && d.key.split('/').length === 3);
        const heads: SeriesHead[] = [];
        for (const d of summaries) heads.push({ ...d, metadata: await this.backend.loadMetadata(d.key) });
        return heads;
      },
    };
  }

  /** Close the backend. Idempotent; any later call fails with CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.backend.close();
    } catch (e) {
      throw wrap(e, this.kind, 'close', '');
    }
  }

  private ensureOpen(operation: string): void {
    if (this.closed) throw new MetaseriesError('CLOSED', `Cannot ${operation}: the ${this.kind} storage is closed`, { backend: this.kind });
  }

  private run<T>(operation: string, key: string, body: () => Promise<T>): Promise<T> {
    return this.guard(operation, key, async () => {
      validateKey(key, this.kind);
      return body();
    });
  }

  private async guard<T>(operation: string, subject: string, body: () => Promise<T>): Promise<T> {
    this.ensureOpen(operation);
    try {
      return await body();
    } catch (e) {
      throw wrap(e, this.kind, operation, subject);
    }
  }
}

function checkRange(range: KeyRange, backend: string): void {
  for (const bound of [range.from, range.to]) {
    if (bound !== undefined && (typeof bound !== 'number' || Number.isNaN(bound))) {
      throw new MetaseriesError('INVALID_INPUT', `Invalid range bound ${show(bound)}: expected a number (epoch microseconds for a datetime index)`, { backend });
    }
  }
}

/** Engine errors become one MetaseriesError naming the operation and key; ours pass through. */
function wrap(e: unknown, backend: string, operation: string, key: string): MetaseriesError {
  if (e instanceof MetaseriesError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new MetaseriesError('IO_ERROR', `${backend} ${operation}${key ? ` ${show(key)}` : ''} failed: ${message}`, { backend, cause: e });
}
