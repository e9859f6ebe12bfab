/**
 * `@metaseries/core/backend-kit`: what a storage backend author needs beyond the public
 * API — the backend contract and its capabilities, the Storage v2 segment-driver
 * contract, key rules, the core's fallbacks (slicing, summaries, aggregation), the
 * registration API, config types, errors, and the Python-compatible formatters that
 * every writer Python reads must use. Users of the SDK do not need this entry point.
 *
 * @example
 * import { type StorageBackend, DEFAULT_CAPABILITIES, registerBackend, validateKey } from '@metaseries/core/backend-kit';
 */

import type { Series } from './series/series.js';
import type { TimeSeries } from './model/time-series.js';
import type { KeyRangeMicros } from './storage/backend.js';

// The backend contract and the Storage wrapper that owns lifecycle and fallbacks.
export type {
  AggregateFn, AggregateRequest, BackendCapabilities, KeyRangeMicros, LoadOptions, SeriesSummary, StorageBackend, StoredSeries, StreamOptions,
} from './storage/backend.js';
export { DEFAULT_CAPABILITIES } from './storage/backend.js';
export { Storage, isStorage, loadKeyRange, deleteKeyRange, describeKeys } from './storage/storage.js';
export { toKeyRange, toIndexKey, fromIndexKey, type IndexKeyKind } from './series/timestamp.js';
export { MemoryBackend } from './storage/memory.js';

// Storage v2: the segment driver a physical backend implements.
export type {
  CatalogRecord, CommitEntry, SegmentDriver, SegmentRef, SegmentStats, SnapshotRecord, VersionOperation, VersionRecord,
} from './storage/segments/driver.js';

// Keys, and the fallbacks a backend can reuse for what it does not push down.
export { CATALOG_SEGMENT, catalogKey, isCatalogKey, seriesKey, validateKey, validatePrefix } from './storage/keys.js';
export { sliceByKeyRange, summarize } from './storage/slice.js';
export { aggregateSeries } from './query/engine.js';

// Storage v2: the logic written once over any driver, the default segment codec, and its shared tests' helpers.
export { SegmentStore, type SegmentStoreOptions, type SaveEntry } from './storage/segments/store.js';
export { encodeSegment, decodeSegment } from './storage/segments/codec.js';

// Registration and configuration.
export { registerBackend, registeredKinds, type BackendRegistration } from './storage/registry.js';
export {
  STORE_PACKAGE_HINTS, storeOptionNames, validateStoreConfig, validateWithSchema,
  type StandardSchemaV1, type StandardResult, type StoreConfig, type StoreConfigs,
} from './storage/config.js';

// Errors: one class with a code; `show` quotes a user value for a message.
export { MetaseriesError, invalidInput, isMetaseriesError, show, type ErrorCode, type ErrorOptions } from './errors.js';

// What a stored series carries next to its values.
export type { SeriesMetadata, IndexMetadataDict } from './model/wire.js';

/**
 * For sibling packages (plot, processing) that work in stored keys: a time series' points
 * in `range` (epoch µs for a datetime index, inclusive), exact to the microsecond. Users
 * call `ts.loadRange(from, to)` with Dates, ISO text or epoch ms.
 */
export async function loadTimeSeriesKeyRange(ts: TimeSeries, range: KeyRangeMicros): Promise<Series> {
  return (await ts.storageState().container.loadRange(range)).rename(ts.name);
}
