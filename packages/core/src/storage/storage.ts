import { MetaseriesError, show } from '../errors.js';
import type { SeriesMetadata } from '../model/wire.js';
import type { Series } from '../series/series.js';
import { aggregateSeries } from './aggregate.js';
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
import { validateKey, validatePrefix } from './keys.js';
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
/** Marks a Storage from any copy of core. */
const STORAGE_BRAND: unique symbol = Symbol.for('metaseries.Storage') as never;

/** True for a Storage from any copy of core (see `Storage[Symbol.hasInstance]`). */
export function isStorage(value: unknown): value is Storage {
  return typeof value === 'object' && value !== null && (value as { [STORAGE_BRAND]?: unknown })[STORAGE_BRAND] === true;
}

export class Storage {
  readonly backend: StorageBackend;
  private closed = false;
  /** @internal the cross-copy brand. */
  readonly [STORAGE_BRAND] = true;

  /** `x instanceof Storage` holds for a Storage made by another copy of core too (a `Symbol.for` brand). */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== Storage) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isStorage(value);
  }

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
