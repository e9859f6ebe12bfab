import { MetaseriesError } from '../errors.js';
import type { SeriesMetadata } from '../model/wire.js';
import { copySeries, type Series } from '../series/series.js';
import type { BackendCapabilities, StorageBackend, StoredSeries } from './backend.js';

/**
 * In-process storage (meteaudata's `pandas-memory`). Stores deep copies, so neither
 * the caller nor a loader can change what is stored by mutating arrays.
 */
export class MemoryBackend implements StorageBackend {
  readonly kind = 'memory';
  readonly capabilities: BackendCapabilities = Object.freeze({
    rangeReads: false,
    streaming: false,
    aggregation: false,
    metadataQuery: false,
    persistent: false,
  });
  private readonly entries = new Map<string, StoredSeries>();

  async save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    this.entries.set(key, { series: copySeries(series), metadata: structuredClone(metadata) });
  }

  async load(key: string): Promise<StoredSeries> {
    const entry = this.get(key);
    return { series: copySeries(entry.series), metadata: structuredClone(entry.metadata) };
  }

  async loadMetadata(key: string): Promise<SeriesMetadata> {
    return structuredClone(this.get(key).metadata);
  }

  async exists(key: string): Promise<boolean> {
    return this.entries.has(key);
  }

  async delete(key: string): Promise<void> {
    this.get(key);
    this.entries.delete(key);
  }

  async listKeys(prefix = ''): Promise<string[]> {
    return [...this.entries.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private get(key: string): StoredSeries {
    const entry = this.entries.get(key);
    if (!entry) throw new MetaseriesError('NOT_FOUND', `Key ${JSON.stringify(key)} not found in storage`, { backend: this.kind });
    return entry;
  }
}
