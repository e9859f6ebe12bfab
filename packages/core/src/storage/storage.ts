import { MetaseriesError, show } from '../errors.js';
import type { SeriesMetadata } from '../wire.js';
import type { Series } from '../series/series.js';
import { aggregatePlan, aggregateSeries, bucketsToSeries } from '../query/engine.js';
import type { Buckets } from '../query/engine.js';
import type { QueryResult, QuerySource } from '../query/result.js';
import { runQuery } from '../query/run.js';
import type { QueryOptions, QueryPlan } from '../query/spec.js';
import {
  type AsOf,
  type AggregateRequest,
  type BackendCapabilities,
  DEFAULT_CAPABILITIES,
  type KeyRangeMicros,
  type LoadOptions,
  type ReadOptions,
  type ReadStreamOptions,
  type SeriesSummary,
  type StorageBackend,
  type StoredSeries,
  type StoredSummary,
} from './backend.js';
import { fromIndexKey, type IndexKeyKind, type TimeRange, toKeyRange } from '../series/timestamp.js';
import {
  discoverDatasets, discoverSeries, discoverSignals, headOf, headOfRecord, type DatasetInfo, type DiscoveryFilters, type DiscoverySource, type SeriesHead,
  type SeriesInfo, type SignalInfo,
} from './discovery.js';
import { CATALOG_SEGMENT, isCatalogKey, validateKey, validatePrefix } from './keys.js';
import { catalogRecords, parseCatalogMetadata } from './catalog.js';
import type { CatalogRecord, SegmentDriver } from './segments/driver.js';
import { layoutOf } from './segments/layout.js';
import { checkAfter, checkMergeable, spliceRange } from './segments/merge.js';
import { instantOf, type PruneOptions, type PruneReport, type SaveEntry, SegmentStore, type SnapshotInfo, type VersionInfo } from './segments/store.js';
import { compileRules, nowMs, type RetentionOptions, type RetentionReport, type RetentionRule } from './retention.js';
import { sliceByKeyRange, summarize } from './slice.js';
import { DEFAULT_NOTIFIED_POLL_MS, DEFAULT_WATCH_POLL_MS, eventOf, pruneEvent, Waker, type ChangeEvent, type WatchOptions } from './watch.js';

const DEFAULT_CHUNK = 100_000;
/** Operations that commit: a watcher in this process is woken after each. */
const WRITES = new Set(['save', 'append', 'update', 'deleteRange', 'delete', 'saveMany', 'snapshot', 'restoreSnapshot', 'prune', 'clear']);

/** Marks a Storage from any copy of core. */
const STORAGE_BRAND: unique symbol = Symbol.for('metaseries.Storage') as never;

/** True for a Storage from any copy of core (see `Storage[Symbol.hasInstance]`). */
export function isStorage(value: unknown): value is Storage {
  return typeof value === 'object' && value !== null && (value as { [STORAGE_BRAND]?: unknown })[STORAGE_BRAND] === true;
}

interface DiscoveryCache {
  token: string;
  catalog: CatalogRecord[];
  heads: SeriesHead[];
}

/**
 * The object users hold: a backend wrapped with the lifecycle (open once, closed
 * means closed), key validation, one error class, and the core's fallbacks for
 * every optional capability — so `loadRange`, `stream`, `aggregate` and `describe`
 * work on every backend, pushed down where the backend declares it can.
 *
 * Two kinds of backend (the capability split, `capabilities.versions`):
 * - Storage v2: a `SegmentDriver` (wrapped in a `SegmentStore`) or a `SegmentStore`.
 *   Every write is a version; `append`/`update`/`deleteRange` rewrite only the segments
 *   they touch; `asOf`, `versions`, snapshots and `prune` work.
 * - A legacy `StorageBackend` (the meteaudata layouts that Python reads): one version per
 *   key. `append`/`update`/`deleteRange` use the core's fallback (load + merge + save, so
 *   their cost grows with the stored length); `asOf`, `versions`, snapshots and `prune`
 *   are UNSUPPORTED; `saveMany` saves key by key (not atomic).
 *
 * @example
 * const store = new Storage(new MemoryBackend());
 * await store.save('plant/COD#1/RAW#1', series, metadata);
 * const day = await store.loadRange('plant/COD#1/RAW#1', { from: '2024-03-01T00:00:00Z', to: '2024-03-01T23:59:59Z' });
 */
export class Storage {
  readonly backend: StorageBackend;
  private closed = false;
  private readonly waker = new Waker();
  /** The driver subscription shared by this Storage's watchers (see `listen`). */
  private subscription: Promise<(() => Promise<void>) | null> | null = null;
  /** Discovery's last read of the whole catalog and heads, and the driver's change token then. */
  private discoveryCache: DiscoveryCache | null = null;
  private listeners = 0;
  /** @internal the cross-copy brand. */
  readonly [STORAGE_BRAND] = true;

  /** `x instanceof Storage` holds for a Storage made by another copy of core too (a `Symbol.for` brand). */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== Storage) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isStorage(value);
  }

  /** The store's retention policy (from its config: `retention`), used by `applyRetention()` without `rules`. */
  readonly retention: readonly RetentionRule[] | null;

  constructor(backend: StorageBackend | SegmentDriver, options: { retention?: readonly RetentionRule[] } = {}) {
    if (backend instanceof Storage) throw new MetaseriesError('INVALID_INPUT', 'Storage wraps a backend, not another Storage');
    this.backend = isSegmentDriver(backend) ? new SegmentStore(backend) : backend;
    this.retention = options.retention ? [...options.retention] : null;
    if (this.retention) compileRules(this.retention, 0);
  }

  /** Wrap a backend or driver, or return a Storage unchanged. */
  static from(backend: StorageBackend | SegmentDriver | Storage): Storage {
    return backend instanceof Storage ? backend : new Storage(backend);
  }

  /** The SegmentStore behind a v2 storage, else null (legacy backend). */
  get segments(): SegmentStore | null {
    return this.backend instanceof SegmentStore ? this.backend : null;
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

  /** A new version replacing all points of `key`. */
  save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    return this.run('save', key, () => this.backend.save(key, series, metadata));
  }

  /**
   * Add points after the last stored one (creates the key when absent; then `metadata`
   * is required). An overlap is INVALID_INPUT naming the first overlapping timestamp.
   *
   * @example await store.append('plant/COD#1/RAW#1', nextHour);
   */
  append(key: string, series: Series, metadata?: SeriesMetadata): Promise<void> {
    return this.run('append', key, async () => {
      const v2 = this.segments;
      if (v2) return v2.append(key, series, metadata);
      if (!(await this.backend.exists(key))) return this.backend.save(key, series, requireMeta(metadata, key, 'append'));
      const stored = await this.backend.load(key);
      const layout = layoutOf(stored.series);
      checkMergeable(layout, series, key, 'append');
      checkAfter(layout, layout.keyed && stored.series.length ? (stored.series.index.values[stored.series.length - 1] as number) : null, series, key);
      await this.backend.save(key, spliceRange(stored.series, Infinity, Infinity, series, layout), metadata ?? stored.metadata);
    });
  }

  /** Replace the stored points in [first, last] of `series` by `series` (creates the key when absent). */
  update(key: string, series: Series, metadata?: SeriesMetadata): Promise<void> {
    return this.run('update', key, async () => {
      const v2 = this.segments;
      if (v2) return v2.update(key, series, metadata);
      if (!(await this.backend.exists(key))) return this.backend.save(key, series, requireMeta(metadata, key, 'update'));
      const stored = await this.backend.load(key);
      const layout = layoutOf(stored.series);
      checkMergeable(layout, series, key, 'update');
      if (series.length === 0) return this.backend.save(key, stored.series, metadata ?? stored.metadata);
      const keys = series.index.values as Float64Array;
      await this.backend.save(key, spliceRange(stored.series, keys[0]!, keys[keys.length - 1]!, series, layout), metadata ?? stored.metadata);
    });
  }

  /**
   * Remove the points in `range` (inclusive; Dates, ISO text or epoch ms — index values
   * for a numeric index), as a new version.
   *
   * @example await store.deleteRange('plant/COD#1/RAW#1', { to: '2024-03-01T00:00:00Z' });
   */
  deleteRange(key: string, range: TimeRange): Promise<void> {
    return this.run('deleteRange', key, async () => this.deleteKeyRange(key, await this.keyRange(key, range)));
  }

  /** @internal `deleteRange` in stored keys (epoch µs for datetime): for core and `backend-kit`'s `deleteKeyRange`. */
  deleteKeyRange(key: string, range: KeyRangeMicros): Promise<void> {
    return this.run('deleteRange', key, async () => {
      checkRange(range, this.kind);
      const v2 = this.segments;
      if (v2) return v2.deleteRange(key, range);
      const stored = await this.backend.load(key);
      const layout = layoutOf(stored.series);
      if (!layout.keyed) throw new MetaseriesError('INVALID_INPUT', `deleteRange on ${show(key)} needs a sorted datetime, numeric or range index`, { backend: this.kind });
      await this.backend.save(key, spliceRange(stored.series, range.from ?? -Infinity, range.to ?? Infinity, null, layout), stored.metadata);
    });
  }

  /**
   * Save several keys at once: on a v2 store one atomic commit (with `catalog` records),
   * all or nothing; on a legacy backend key by key.
   */
  saveMany(entries: readonly SaveEntry[], catalog: readonly CatalogRecord[] = []): Promise<void> {
    return this.guard('saveMany', show(entries.map((e) => e.key)), async () => {
      for (const e of entries) validateKey(e.key, this.kind);
      const v2 = this.segments;
      if (v2) return v2.saveMany(entries, catalog);
      if (catalog.length) throw new MetaseriesError('UNSUPPORTED', `The ${this.kind} storage has no catalog records`, { backend: this.kind });
      for (const e of entries) await this.backend.save(e.key, e.series, e.metadata);
    });
  }

  /**
   * Load a key: all of it, or `range`; as it is now, or `asOf` a version number, an
   * instant (Date / ISO string) or a snapshot name.
   *
   * @example const before = await store.load('plant/COD#1/RAW#1', { asOf: 'before-reprocessing' });
   */
  load(key: string, options: ReadOptions = {}): Promise<StoredSeries> {
    if (options.range) return this.loadRange(key, options.range, options.asOf === undefined ? {} : { asOf: options.asOf });
    return this.run('load', key, () => {
      if (options.asOf !== undefined) return this.requireV2('load with asOf').load(key, { asOf: options.asOf });
      return this.backend.load(key);
    });
  }

  /**
   * Points in `range` (inclusive), pushed down when the backend can. Bounds are a `Date`,
   * ISO-8601 text or epoch milliseconds (a naive series reads Dates and numbers as UTC
   * wall clock and zone-less text as its wall time); for a numeric index, index values.
   *
   * @example const day = await store.loadRange('plant/COD#1/RAW#1', { from: '2024-03-01T00:00:00Z', to: '2024-03-01T23:59:59Z' });
   */
  loadRange(key: string, range: TimeRange, options: { asOf?: AsOf } = {}): Promise<StoredSeries> {
    return this.run('loadRange', key, async () => this.loadKeyRange(key, await this.keyRange(key, range, options.asOf), options));
  }

  /** @internal `loadRange` in stored keys (epoch µs for datetime): for core and `backend-kit`'s `loadKeyRange`. */
  loadKeyRange(key: string, range: KeyRangeMicros, options: { asOf?: AsOf } = {}): Promise<StoredSeries> {
    return this.run('loadRange', key, async () => {
      checkRange(range, this.kind);
      if (options.asOf !== undefined) return this.requireV2('load with asOf').load(key, { range, asOf: options.asOf });
      if (this.capabilities.rangeReads) {
        const loadOptions: LoadOptions = { range };
        return this.backend.load(key, loadOptions);
      }
      const whole = await this.backend.load(key);
      return { series: sliceByKeyRange(whole.series, range), metadata: whole.metadata };
    });
  }

  loadMetadata(key: string, options: { asOf?: AsOf } = {}): Promise<SeriesMetadata> {
    return this.run('loadMetadata', key, () => {
      if (options.asOf !== undefined) return this.requireV2('loadMetadata with asOf').loadMetadata(key, { asOf: options.asOf });
      return this.backend.loadMetadata(key);
    });
  }

  /** Every retained version of `key`: `{ version, createdAt, operation, length, first, last }`, oldest first. */
  versions(key: string): Promise<VersionInfo[]> {
    return this.run('versions', key, () => this.requireV2('versions').versions(key));
  }

  /**
   * Record the current version of every key (or of those under `prefix`) under `name`,
   * atomically. CONFLICT if the name is taken.
   */
  snapshot(name: string, options: { prefix?: string } = {}): Promise<SnapshotInfo> {
    return this.guard('snapshot', show(name), () => {
      const prefix = validatePrefix(options.prefix, this.kind);
      return this.requireV2('snapshot').snapshot(name, { prefix });
    });
  }

  snapshots(): Promise<SnapshotInfo[]> {
    return this.guard('snapshots', '', () => this.requireV2('snapshots').snapshots());
  }

  /** NOT_FOUND when no snapshot has that name. Versions it held become prunable. */
  deleteSnapshot(name: string): Promise<void> {
    return this.guard('deleteSnapshot', show(name), () => this.requireV2('deleteSnapshot').deleteSnapshot(name));
  }

  /** Make each key's snapshot version current again, as new versions; returns the keys restored. */
  restoreSnapshot(name: string): Promise<string[]> {
    return this.guard('restoreSnapshot', show(name), () => this.requireV2('restoreSnapshot').restoreSnapshot(name));
  }

  /**
   * Remove old versions and the segments only they use; never a current version or one a
   * snapshot holds. Without options it keeps the last 10 versions of every key
   * (`DEFAULT_KEEP_LAST`), so a pipeline that re-saves hourly stays bounded.
   */
  prune(options: PruneOptions = {}): Promise<PruneReport> {
    return this.guard('prune', '', () => this.requireV2('prune').prune(options));
  }

  exists(key: string): Promise<boolean> {
    return this.run('exists', key, () => this.backend.exists(key));
  }

  delete(key: string): Promise<void> {
    return this.run('delete', key, () => this.backend.delete(key));
  }

  /** Keys under `prefix`, sorted; with `asOf` (an instant or a snapshot name) the keys that existed then. */
  listKeys(prefix?: string, options: { asOf?: AsOf } = {}): Promise<string[]> {
    return this.guard('listKeys', show(prefix ?? ''), () => {
      const checked = validatePrefix(prefix, this.kind);
      if (options.asOf !== undefined) return this.requireV2('listKeys with asOf').listKeysAsOf(checked, options.asOf);
      return this.backend.listKeys(checked);
    });
  }

  clear(): Promise<void> {
    return this.guard('clear', '', () => this.backend.clear());
  }

  /** Chunks of at most `chunkSize` points, in index order. */
  async *stream(key: string, options: ReadStreamOptions = {}): AsyncGenerator<Series> {
    this.ensureOpen('stream');
    validateKey(key, this.kind);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new MetaseriesError('INVALID_INPUT', `chunkSize must be a positive integer, got ${show(chunkSize)}`, { backend: this.kind });
    }
    if (options.asOf !== undefined) this.requireV2('stream with asOf');
    let range: KeyRangeMicros | undefined;
    try {
      if (options.range) range = await this.keyRange(key, options.range, options.asOf);
    } catch (e) {
      throw wrap(e, this.kind, 'stream', key);
    }
    if (this.capabilities.streaming) {
      try {
        yield* this.backend.stream!(key, { ...(options.asOf === undefined ? {} : { asOf: options.asOf }), ...(range ? { range } : {}), chunkSize });
      } catch (e) {
        throw wrap(e, this.kind, 'stream', key);
      }
      return;
    }
    const asOf = options.asOf === undefined ? {} : { asOf: options.asOf };
    const { series } = range ? await this.loadKeyRange(key, range, asOf) : await this.load(key, asOf);
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
      // Validate before reading (unknown functions, bare-number widths…).
      const plan = aggregatePlan(request, key);
      const range = request.range ? await this.keyRange(key, request.range) : undefined;
      // Segment stores answer count/min/max/first/last of whole segments from their statistics.
      const pushed = await this.segments?.queryBuckets(key, plan, range);
      if (pushed) return bucketsToSeries(pushed.buckets, plan, pushed.series);
      const { series } = range ? await this.loadKeyRange(key, range) : await this.backend.load(key);
      return aggregateSeries(series, request, key);
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
      const v2 = this.segments;
      // Rollups answer from version heads (their lineage and refresh records): v2 stores only.
      return runQuery(this, options, v2 ? { rollups: { heads: (prefix) => v2.driver.readHeads(prefix), load: (key) => this.load(key) } } : {});
    });
  }

  /**
   * @internal the pushdown hook of `query` (`QueryReader.queryBuckets`): the backend's
   * answer when it declares `capabilities.aggregation`, else null (JS).
   */
  queryBuckets(key: string, plan: QueryPlan, range: KeyRangeMicros | undefined): Promise<{ buckets: Buckets; source: QuerySource } | null> {
    const backend = this.backend;
    if (!this.capabilities.aggregation || !backend.queryBuckets) return Promise.resolve(null);
    return this.run('query', key, () => backend.queryBuckets!(key, plan, range));
  }

  /**
   * Length, dtype and first/last key of every stored series under `prefix`, without
   * loading values where the backend keeps summaries: `Date`s for datetime indexes.
   *
   * @example (await store.describe('plant/')).map((s) => `${s.key}: ${s.length} points from ${s.first}`)
   */
  describe(prefix?: string): Promise<StoredSummary[]> {
    return this.guard('describe', show(prefix ?? ''), async () => {
      const out: StoredSummary[] = [];
      for (const s of await this.describeKeys(prefix)) {
        const datetime = s.datetime ?? (s.first === null ? false : (await this.indexKeyKind(s.key)).datetime);
        out.push({
          key: s.key, length: s.length, dtype: s.dtype,
          first: s.first === null ? null : fromIndexKey(s.first, datetime), last: s.last === null ? null : fromIndexKey(s.last, datetime),
        });
      }
      return out;
    });
  }

  /** @internal `describe` in stored keys (epoch µs for datetime): for core and `backend-kit`'s `describeKeys`. */
  describeKeys(prefix?: string): Promise<SeriesSummary[]> {
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
    return this.guard('datasets', '', async () => discoverDatasets(await this.discoverySource()));
  }

  /**
   * Signals whose provenance, units or name match `where` (exact text, a list of allowed
   * values, or `{ prefix }`), optionally only in one dataset and only with data in `range`,
   * each with the summaries of its series. Answered from the catalog and series summaries.
   * @example await store.signals({ where: { parameter: 'COD', location: { prefix: 'Clarifier' } }, range: { from: '2024-03-01' } })
   */
  signals(filters?: DiscoveryFilters): Promise<SignalInfo[]> {
    return this.guard('signals', '', async () => discoverSignals(await this.discoverySource(), filters));
  }

  /** The series of the signals `signals(filters)` finds, flat: key, length, first/last (epoch ms), dtype, units, last step. */
  series(filters?: DiscoveryFilters): Promise<SeriesInfo[]> {
    return this.guard('series', '', async () => discoverSeries(await this.discoverySource(), filters));
  }

  /**
   * Where discovery reads catalog records and series summaries. Stores without a catalog
   * of their own are read through the metaseries 0.1 catalog series and `describe`.
   */
  private async discoverySource(): Promise<DiscoverySource> {
    const v2 = this.segments;
    // The 0.1 catalog record (`<dataset>/__metaseries__`), still read for stores written before catalog records.
    const legacyCatalog = async (prefix: string): Promise<CatalogRecord[]> => {
      const keys = (await this.backend.listKeys(validatePrefix(prefix, this.kind))).filter(isCatalogKey);
      const out: CatalogRecord[] = [];
      for (const key of keys) {
        const dataset = key.slice(0, -CATALOG_SEGMENT.length - 1);
        out.push(...catalogRecords(dataset, parseCatalogMetadata(await this.backend.loadMetadata(key), dataset, this.kind)));
      }
      return out;
    };
    if (v2) {
      // One read of the catalog and one of the heads: no values, no per-key calls.
      const direct: DiscoverySource = {
        catalog: async (prefix) => {
          const records = await v2.driver.readCatalog(prefix);
          const have = new Set(records.map((r) => `${r.kind}:${r.name}`));
          return [...records, ...(await legacyCatalog(prefix)).filter((r) => !have.has(`${r.kind}:${r.name}`))];
        },
        heads: async (prefix) => {
          const heads: SeriesHead[] = [];
          const series = (key: string): boolean => !isCatalogKey(key) && key.split('/').length === 3;
          // Only the fields discovery shows, when the database extracts them: no whole records to parse.
          const summaries = v2.driver.readHeadSummaries ? await v2.driver.readHeadSummaries(prefix) : null;
          if (summaries) {
            for (const h of summaries) if (series(h.key)) heads.push(h);
          } else {
            for (const [key, record] of await v2.driver.readHeads(prefix)) {
              const head = series(key) ? headOfRecord(key, record) : null;
              if (head) heads.push(head);
            }
          }
          return heads.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        },
      };
      // The whole store's catalog and heads are kept while the driver's change token says
      // nothing was committed since (any process): repeated discovery reads no records.
      const token = v2.driver.changeToken ? await v2.driver.changeToken() : null;
      if (token === null) return direct;
      const kept = this.discoveryCache?.token === token ? this.discoveryCache : null;
      let whole: Promise<DiscoveryCache> | null = kept ? Promise.resolve(kept) : null;
      const wholeStore = (): Promise<DiscoveryCache> => (whole ??= Promise.all([direct.catalog(''), direct.heads('')]).then(([catalog, heads]) => (this.discoveryCache = { token, catalog, heads })));
      // A dataset's own records are read directly (a prefix read is cheap) unless the whole store is at hand.
      return {
        catalog: async (prefix) => (prefix === '' || kept ? (await wholeStore()).catalog.filter((r) => r.name.startsWith(prefix)) : direct.catalog(prefix)),
        heads: async (prefix) => (prefix === '' || kept ? (await wholeStore()).heads.filter((h) => h.key.startsWith(prefix)) : direct.heads(prefix)),
      };
    }
    return {
      catalog: legacyCatalog,
      heads: async (prefix) => {
        const summaries = (await this.describeKeys(prefix)).filter((d) => !isCatalogKey(d.key) && d.key.split('/').length === 3);
        const heads: SeriesHead[] = [];
        for (const d of summaries) heads.push(headOf(d, await this.backend.loadMetadata(d.key)));
        return heads;
      },
    };
  }

  /**
   * Apply retention rules (`rules`, else the store's policy from its config): for each key the first matching rule removes the points older
   * than `keep` before `now`, with `deleteRange` (a new version: snapshots and older
   * versions keep them until pruned), then prunes versions. `dryRun` reports what would
   * go — per key, in points and bytes — and changes nothing.
   *
   * @example await store.applyRetention({ rules: [{ match: 'plant/*\/RAW#*', keep: '90d' }], dryRun: true })
   */
  applyRetention(options: RetentionOptions = {}): Promise<RetentionReport> {
    return this.guard('applyRetention', '', async () => {
      const now = nowMs(options?.now);
      const given = options?.rules ?? this.retention ?? undefined;
      if (given === undefined) throw new MetaseriesError('INVALID_INPUT', `applyRetention needs rules: pass { rules: [{ match, keep }] } or open the store with a "retention" policy in its config`, { backend: this.kind });
      const rules = compileRules(given, now);
      const report: RetentionReport = { dryRun: options?.dryRun ?? false, keys: [] };
      for (const summary of await this.describeKeys('')) {
        const rule = rules.find((r) => r.re.test(summary.key));
        if (!rule || summary.first === null || summary.first >= rule.cutoffMs * 1000) continue;
        const v2 = this.segments;
        // Only time-indexed series age: the version's layout says so on v2, the metadata elsewhere.
        const datetime = v2
          ? (await v2.resolve(summary.key)).layout.indexKind === 'datetime'
          : (await this.backend.loadMetadata(summary.key)).index_metadata?.type === 'DatetimeIndex';
        if (!datetime) continue;
        const to = rule.cutoffMs * 1000 - 1;
        let points: number, bytes = 0;
        if (v2) {
          // From segment statistics: whole segments before the cutoff, and the one it cuts by its count.
          const refs = await v2.segments(summary.key);
          const cut = refs.filter((r) => r.first <= to);
          const partial = cut.filter((r) => r.last > to);
          points = cut.reduce((n, r) => n + (r.last <= to ? r.count : 0), 0);
          for (const r of partial) points += (await this.loadKeyRange(summary.key, { from: r.first, to })).series.length;
          bytes = Math.round(cut.reduce((b, r) => b + (r.last <= to ? r.bytes : 0), 0) + partial.reduce((b, r) => b + r.bytes * ((to - r.first) / Math.max(1, r.last - r.first)), 0));
        } else points = (await this.loadKeyRange(summary.key, { to })).series.length;
        if (points === 0) continue;
        report.keys.push({ key: summary.key, rule: rule.match, cutoff: new Date(rule.cutoffMs), points, bytes });
        if (!report.dryRun) await this.deleteKeyRange(summary.key, { to });
      }
      if (!report.dryRun && options.prune !== false && this.segments && report.keys.length > 0) await this.prune(options.prune ?? {});
      return report;
    });
  }

  /**
   * Change events for the keys under `prefix`, as an async iterable that ends when
   * `signal` aborts: one event per committed version (`save`, `append`, `update`,
   * `deleteRange`, `delete`, `restore`, or `rollup` for a version of a rollup series), per
   * new snapshot and per key pruned, ordered per key, from this process and others. Resume
   * with `since` (key → last version seen) and `sinceAt` (the `at` of the last snapshot or
   * prune seen).
   *
   * @example for await (const e of store.watch({ prefix: 'plant/', signal })) console.log(e.type, e.key, e.version);
   */
  async *watch(options: WatchOptions): AsyncGenerator<ChangeEvent> {
    this.ensureOpen('watch');
    const v2 = this.requireV2('watch');
    if (!(options?.signal instanceof AbortSignal)) throw new MetaseriesError('INVALID_INPUT', 'watch needs { signal: AbortSignal } to know when to stop', { backend: this.kind });
    const prefix = validatePrefix(options.prefix, this.kind);
    const pollMs = options.pollMs ?? (v2.driver.subscribe ? DEFAULT_NOTIFIED_POLL_MS : DEFAULT_WATCH_POLL_MS);
    if (!(pollMs > 0)) throw new MetaseriesError('INVALID_INPUT', `pollMs must be positive, got ${show(pollMs)}`, { backend: this.kind });
    let sinceAt: number | null = null;
    if (options.sinceAt !== undefined) {
      sinceAt = instantOf(options.sinceAt);
      if (sinceAt === null) throw new MetaseriesError('INVALID_INPUT', `watch sinceAt must be a Date, an ISO instant or epoch ms, got ${show(options.sinceAt)}`, { backend: this.kind });
    }
    const replay = (at: number): boolean => options.fromStart === true || (sinceAt !== null && at >= sinceAt);
    const seen = new Map<string, number>(Object.entries(options.since ?? {}));
    const snapshots = new Set<string>();
    const driver = v2.driver;
    const release = this.listen(driver);
    try {
      // Start: keys not in `since` start after their current head (or from the start), snapshots and prunes from now (or `sinceAt`).
      for (const [key, head] of await driver.readHeads(prefix)) {
        if (seen.has(key)) continue;
        if (options.fromStart || (sinceAt !== null && head.createdAt >= sinceAt)) {
          // Replay this key's versions committed at or after `sinceAt` (all with fromStart).
          const before = options.fromStart ? [] : (await driver.listVersions(key)).filter((r) => r.createdAt < sinceAt!);
          seen.set(key, before.at(-1)?.version ?? 0);
        } else seen.set(key, head.version);
      }
      for (const s of await driver.listSnapshots()) if (!replay(s.createdAt)) snapshots.add(s.name);
      let changeSeq = -1;
      let replayed: ChangeEvent[] = [];
      for (const c of await v2.readChanges(-1)) {
        changeSeq = Math.max(changeSeq, c.seq);
        if (replay(c.at) && c.key.startsWith(prefix)) replayed.push(pruneEvent(c));
      }
      while (!options.signal.aborted && !this.closed) {
        const generation = this.waker.generation;
        for (const [key, head] of await driver.readHeads(prefix)) {
          const last = seen.get(key) ?? 0;
          if (head.version <= last) continue;
          const records = (await driver.listVersions(key)).filter((r) => r.version > last - 1);
          const byVersion = new Map(records.map((r) => [r.version, r]));
          for (const r of records) {
            if (r.version <= last) continue;
            if (options.signal.aborted) return;
            yield eventOf(key, r, byVersion.get(r.version - 1));
            seen.set(key, r.version);
          }
        }
        for (const s of await driver.listSnapshots()) {
          if (snapshots.has(s.name)) continue;
          snapshots.add(s.name);
          if (options.signal.aborted) return;
          yield { type: 'snapshot', key: s.name, version: 0, range: null, at: new Date(s.createdAt) };
        }
        // Prunes to replay come after the versions of the first look, like the ones that follow.
        for (const e of replayed) {
          if (options.signal.aborted) return;
          yield e;
        }
        replayed = [];
        for (const c of await v2.readChanges(changeSeq)) {
          changeSeq = Math.max(changeSeq, c.seq);
          if (!c.key.startsWith(prefix)) continue;
          if (options.signal.aborted) return;
          yield pruneEvent(c);
        }
        await this.waker.sleep(pollMs, options.signal, generation);
      }
    } finally {
      await release();
    }
  }

  /**
   * Share one driver subscription (PostgreSQL LISTEN) among this Storage's watchers: it
   * wakes them when another process commits. A driver without `subscribe`, or one whose
   * subscription fails, leaves them polling.
   */
  private listen(driver: SegmentDriver): () => Promise<void> {
    if (!driver.subscribe) return async () => undefined;
    this.listeners++;
    this.subscription ??= driver.subscribe(() => this.waker.notify()).catch(() => null);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (--this.listeners > 0 || !this.subscription) return;
      const pending = this.subscription;
      this.subscription = null;
      await (await pending)?.().catch(() => undefined);
    };
  }

  /** Close the backend. Idempotent; any later call fails with CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waker.notify();
    const subscription = this.subscription;
    this.subscription = null;
    await (await subscription)?.().catch(() => undefined);
    try {
      await this.backend.close();
    } catch (e) {
      throw wrap(e, this.kind, 'close', '');
    }
  }

  /** Close on `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * The one conversion of a user's range: read how `key` is indexed (its metadata, as of
   * `asOf` when given), then `toKeyRange`. No read when the range has no bounds.
   */
  private async keyRange(key: string, range: TimeRange, asOf?: AsOf): Promise<KeyRangeMicros> {
    if (range === null || typeof range !== 'object') return toKeyRange(range, { datetime: true, tz: null });
    if ((range.from === undefined || range.from === null) && (range.to === undefined || range.to === null)) return {};
    return toKeyRange(range, await this.indexKeyKind(key, asOf));
  }

  /** How `key`'s index reads boundary times: from the version's layout (v2), else its metadata, else its values. */
  private async indexKeyKind(key: string, asOf?: AsOf): Promise<IndexKeyKind> {
    const v2 = this.segments;
    if (v2) {
      const layout = (await v2.resolve(key, asOf)).layout;
      return { datetime: layout.indexKind === 'datetime', tz: typeof layout.tz === 'string' ? layout.tz : null };
    }
    if (asOf !== undefined) this.requireV2('load with asOf');
    const index = (await this.backend.loadMetadata(key)).index_metadata;
    if (index) return { datetime: index.type === 'DatetimeIndex', tz: index.time_zone ?? null };
    // Metadata without index_metadata (written by hand): the stored values say.
    const stored = (await this.backend.load(key)).series.index;
    return { datetime: stored.kind === 'datetime', tz: stored.kind === 'datetime' ? stored.tz : null };
  }

  private requireV2(operation: string): SegmentStore {
    const v2 = this.segments;
    if (!v2) {
      throw new MetaseriesError('UNSUPPORTED', `${operation} needs a versioned store (Storage v2); the ${this.kind} storage keeps one version per key (e.g. the meteaudata layouts Python reads)`, { backend: this.kind });
    }
    return v2;
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
      const result = await body();
      if (WRITES.has(operation)) this.waker.notify();
      return result;
    } catch (e) {
      throw wrap(e, this.kind, operation, subject);
    }
  }
}

function isSegmentDriver(b: StorageBackend | SegmentDriver): b is SegmentDriver {
  return typeof (b as Partial<SegmentDriver>).putSegments === 'function' && typeof (b as Partial<SegmentDriver>).commit === 'function';
}

function requireMeta(metadata: SeriesMetadata | undefined, key: string, operation: string): SeriesMetadata {
  if (!metadata) throw new MetaseriesError('INVALID_INPUT', `${operation} on ${show(key)}, which does not exist yet, needs the series metadata`);
  return metadata;
}

/** Backend-kit: `Storage.loadRange` in stored keys (epoch µs for a datetime index). */
export function loadKeyRange(storage: Storage, key: string, range: KeyRangeMicros, options: { asOf?: AsOf } = {}): Promise<StoredSeries> {
  return storage.loadKeyRange(key, range, options);
}

/** Backend-kit: `Storage.describe` in stored keys (epoch µs for a datetime index). */
export function describeKeys(storage: Storage, prefix?: string): Promise<SeriesSummary[]> {
  return storage.describeKeys(prefix);
}

/** Backend-kit: `Storage.deleteRange` in stored keys (epoch µs for a datetime index). */
export function deleteKeyRange(storage: Storage, key: string, range: KeyRangeMicros): Promise<void> {
  return storage.deleteKeyRange(key, range);
}

function checkRange(range: KeyRangeMicros, backend: string): void {
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
