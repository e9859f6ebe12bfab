import { MetaseriesError, show } from '../errors.js';
import type { Series } from '../series/series.js';
import { aggregateSeries } from '../query/engine.js';
import type { AggregateRequest, AsOf, KeyRangeMicros, SeriesSummary } from './backend.js';
import { sliceByKeyRange, summarize } from './slice.js';
import { toKeyRange } from '../series/timestamp.js';
import type { Storage } from './storage.js';

/**
 * Holds a time series' values: in memory, in a backend, or both. Values are loaded on
 * first use, can be dropped with `unload()` once stored, and can be read for a key
 * range without loading the rest.
 */
export class SeriesContainer {
  private series: Series | null;
  private storage: Storage | null = null;
  private key: string | null = null;
  private asOf: AsOf | undefined;
  private pending: Promise<Series> | null = null;

  constructor(series: Series | null = null) {
    this.series = series;
  }

  /** A container whose values live only in `storage` under `key` until first use. */
  static stored(storage: Storage, key: string, asOf?: AsOf): SeriesContainer {
    const c = new SeriesContainer(null);
    c.bind(storage, key, asOf);
    return c;
  }

  get isLoaded(): boolean {
    return this.series !== null;
  }

  /** The storage the values live in (null when only in memory). */
  get storedIn(): Storage | null {
    return this.storage;
  }

  get storageKey(): string | null {
    return this.key;
  }

  /** Remember where the values are stored (after a save or when discovered in a backend). */
  bind(storage: Storage, key: string, asOf?: AsOf): void {
    this.storage = storage;
    this.key = key;
    this.asOf = asOf;
  }

  /** The stored version these values are read from (undefined = current). */
  get pinnedAsOf(): AsOf | undefined {
    return this.asOf;
  }

  /** The values, loading them once if needed. */
  async get(): Promise<Series> {
    if (this.series) return this.series;
    if (!this.storage || !this.key) throw new MetaseriesError('INVALID_INPUT', 'This time series has no values and no storage to load them from');
    this.pending ??= this.storage.load(this.key, this.asOf === undefined ? {} : { asOf: this.asOf }).then((stored) => {
      this.series = stored.series;
      this.pending = null;
      return stored.series;
    }, (e: unknown) => {
      this.pending = null;
      throw e;
    });
    return this.pending;
  }

  /** The values if loaded, else null. */
  peek(): Series | null {
    return this.series;
  }

  /** Replace the values held in memory. */
  set(series: Series): void {
    this.series = series;
  }

  /** Drop the values from memory; they must be stored somewhere to be reloaded. */
  unload(): void {
    if (!this.storage || !this.key) {
      throw new MetaseriesError('INVALID_INPUT', 'Cannot unload values that are not stored: attach a backend and save first');
    }
    this.series = null;
  }

  /** @internal Points in `range` (stored keys, inclusive): a view if loaded, else a range read from storage. */
  async loadRange(range: KeyRangeMicros): Promise<Series> {
    if (this.series) return sliceByKeyRange(this.series, range);
    if (!this.storage || !this.key) throw new MetaseriesError('INVALID_INPUT', `No values and no storage for key ${show(this.key)}`);
    return (await this.storage.loadKeyRange(this.key, range, this.asOf === undefined ? {} : { asOf: this.asOf })).series;
  }

  /** Aggregates per bucket: computed in memory if loaded, else by the store (pushed down when it can). */
  async aggregate(request: AggregateRequest): Promise<Series> {
    if (this.series) {
      const index = this.series.index;
      const range = request.range ? toKeyRange(request.range, { datetime: index.kind === 'datetime', tz: index.kind === 'datetime' ? index.tz : null }) : null;
      return aggregateSeries(range ? sliceByKeyRange(this.series, range) : this.series, request, this.key ?? undefined);
    }
    if (!this.storage || !this.key) throw new MetaseriesError('INVALID_INPUT', `No values and no storage for key ${show(this.key)}`);
    return this.storage.aggregate(this.key, request);
  }

  /** Length and first/last key: from memory if loaded, else from the store's `describe` (no values read where it keeps statistics). */
  async summary(): Promise<SeriesSummary> {
    if (this.series) return summarize(this.key ?? '', this.series);
    if (!this.storage || !this.key) throw new MetaseriesError('INVALID_INPUT', `No values and no storage for key ${show(this.key)}`);
    const found = (await this.storage.describeKeys(this.key)).find((s) => s.key === this.key);
    if (!found) throw new MetaseriesError('NOT_FOUND', `No stored series ${show(this.key)}`);
    return found;
  }
}

