import { MetaseriesError, show } from '../errors.js';
import type { SeriesMetadata } from '../model/wire.js';
import type { Series } from '../series/series.js';
import { aggregateSeries } from './aggregate.js';
import {
  type AsOf,
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
import { validateKey, validatePrefix } from './keys.js';
import type { CatalogRecord, SegmentDriver } from './segments/driver.js';
import { layoutOf } from './segments/layout.js';
import { checkAfter, checkMergeable, spliceRange } from './segments/merge.js';
import { type PruneOptions, type PruneReport, type SaveEntry, SegmentStore, type SnapshotInfo, type VersionInfo } from './segments/store.js';
import { sliceByKeyRange, summarize } from './slice.js';

const DEFAULT_CHUNK = 100_000;

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
 * const day = await store.loadRange('plant/COD#1/RAW#1', { from, to });
 */
export class Storage {
  readonly backend: StorageBackend;
  private closed = false;

  constructor(backend: StorageBackend | SegmentDriver) {
    if (backend instanceof Storage) throw new MetaseriesError('INVALID_INPUT', 'Storage wraps a backend, not another Storage');
    this.backend = isSegmentDriver(backend) ? new SegmentStore(backend) : backend;
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

  /** Remove the points whose key lies in `range` (inclusive), as a new version. */
  deleteRange(key: string, range: KeyRange): Promise<void> {
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
  load(key: string, options: LoadOptions = {}): Promise<StoredSeries> {
    if (options.range) return this.loadRange(key, options.range, options.asOf === undefined ? {} : { asOf: options.asOf });
    return this.run('load', key, () => {
      if (options.asOf !== undefined) return this.requireV2('load with asOf').load(key, { asOf: options.asOf });
      return this.backend.load(key);
    });
  }

  /** Points whose index key lies in `range` (inclusive); pushed down when the backend can. */
  loadRange(key: string, range: KeyRange, options: { asOf?: AsOf } = {}): Promise<StoredSeries> {
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
  async *stream(key: string, options: StreamOptions = {}): AsyncGenerator<Series> {
    this.ensureOpen('stream');
    validateKey(key, this.kind);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new MetaseriesError('INVALID_INPUT', `chunkSize must be a positive integer, got ${show(chunkSize)}`, { backend: this.kind });
    }
    if (options.asOf !== undefined) this.requireV2('stream with asOf');
    if (options.range) checkRange(options.range, this.kind);
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

  /** Aggregate a stored series (optionally per bucket of `every`), in the engine when it can. */
  aggregate(key: string, request: AggregateRequest): Promise<Series> {
    return this.run('aggregate', key, async () => {
      if (this.capabilities.aggregation) return this.backend.aggregate!(key, request);
      const { series } = request.range ? await this.loadRange(key, request.range) : await this.backend.load(key);
      return aggregateSeries(series, request);
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

  /** Close on `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
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
      return await body();
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
