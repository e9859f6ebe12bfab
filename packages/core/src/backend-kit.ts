/**
 * `@metaseries/core/backend-kit`: what a storage backend or transform-package author needs
 * beyond the public API — the backend contract and its capabilities, the Storage v2
 * segment-driver contract, key rules, the core's fallbacks (slicing, summaries,
 * aggregation), the registration API, config types, errors, the file-commit and key↔file
 * helpers every file store shares, the Python-compatible formatters that every writer
 * Python reads must use, and the time/aggregation kernels transforms are built from.
 * Users of the SDK do not need this entry point. Unlike the root, it may change between
 * minor versions as backends need.
 *
 * @example
 * import { type StorageBackend, DEFAULT_CAPABILITIES, registerBackend, validateKey } from '@metaseries/core/backend-kit';
 */

// Signal and Dataset carry their facade methods whichever entry point loads them first.
import './facade/index.js';

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
  CatalogRecord, CommitEntry, HeadSummary, SegmentDriver, SegmentFileDecoder, SegmentRef, SegmentStats, SnapshotRecord, VersionOperation, VersionRecord,
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
export type { SeriesMetadata, IndexMetadataDict } from './wire.js';

// Segment layout, codec statistics, engine-side bucketing and query plans (SQL pushdown).
export { layoutOf, parseLayout, type SeriesLayout } from './storage/segments/layout.js';
export { segmentStats } from './storage/segments/codec.js';
export { MemoryDriver } from './storage/segments/memory-driver.js';
export { bucketSeries, type Buckets } from './query/engine.js';
export { planQuery, type QueryPlan } from './query/spec.js';
export { runQuery, storedRange } from './query/run.js';

// File stores: one file-commit module, one key↔file mapping, one segment driver on files.
export {
  commitStep, commitTemp, commitTempIfAbsent, ensureStoreDir, fsyncDir, isTempName, pathExists, removeFile, removeStaleTemps,
  stageFile, tempPath, withKeyLock, writeFileAtomic, writeSynced,
} from './files/commit.js';
export { fileStem, keyFromPythonStem, pythonStem, pythonStemUsable } from './files/names.js';
export { FileSegmentDriver } from './files/segment-driver.js';
export type * from './files/index.js';

// Python-compatible text: the one formatter per format that every writer Python reads uses.
export {
  canonicalValuesDtype, datetimeDtype, dumpYaml, isTextDtype, loadPythonYaml, pandasTimestampText, parseArchiveYaml, parseDatetimeDtype,
  parseLenientJson, parsePandasTimestamp, parsePyNumber, pyFloatRepr, pyIntText,
} from './python-compat/index.js';
export type * from './python-compat/index.js';

// meteaudata archive pieces: CSV bodies and zip entries as the archives write and read them.
export { csvField, seriesToCsv, seriesToCsvBuffer } from './archive/csv-write.js';
export { parseSeriesCsv } from './archive/csv-read.js';
export { readZip } from './archive/zip.js';

// The storage session's catalog (a converter copies it with the series).
export { copyCatalog, readCatalog } from './session/persistence.js';

// Time, frequency and value kernels (microseconds since the epoch, wall clocks, dtypes).
export { US_PER_DAY, US_PER_H, US_PER_MIN, US_PER_MS, US_PER_S } from './series/calendar.js';
export { fixedDurationUs, formatFrequency, parseFrequency } from './series/frequency.js';
export { formatWall } from './series/timestamp.js';
export { formatTimestamp, fractionDigitsFor, parseTimestampText, resolveParsed, toMicros } from './series/timestamp.js';
export { checkTimeZone, utcToWall, wallToUtc } from './series/timezone.js';
export { labelPeriod } from './series/partial.js';
export { storageOf, toValues } from './series/values.js';
export { binEdges, resampleBins, resampleFrequency } from './series/bins.js';
export { AGGREGATIONS, aggregateGroups, checkAggregation, median, quantile } from './series/group-aggregate.js';

// The naming rules (signal `NAME#n`, series `SIGNAL#n_OP#n`) beyond what users parse.
export { checkCustomName, incomingTsParts, maxNumbers, nextNumber, numberSignalName } from './naming.js';
export { parseTimestamp } from './series/timestamp.js';
export { timeParser } from './ingest/time-formats.js';

// Long operations: cancellation between units of work.
export { throwIfAborted } from './progress.js';
export { lowerBound } from './series/indexes.js';


/**
 * For sibling packages (plot, processing) that work in stored keys: a time series' points
 * in `range` (epoch µs for a datetime index, inclusive), exact to the microsecond. Users
 * call `ts.loadRange(from, to)` with Dates, ISO text or epoch ms.
 */
export async function loadTimeSeriesKeyRange(ts: TimeSeries, range: KeyRangeMicros): Promise<Series> {
  return (await ts.storageState().container.loadRange(range)).rename(ts.name);
}
