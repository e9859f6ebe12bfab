/**
 * `@metaseries/core`: what a user of the SDK needs — the model (Dataset, Signal,
 * TimeSeries, steps), Series and indexes, opening a store, processing, archives, ingest,
 * errors. Every runtime name below is part of the public API (test/public-api.test.ts
 * holds the reviewed list); helpers for backend and transform-package authors are in
 * `@metaseries/core/backend-kit`. Types are exported broadly: they cost nothing at run time
 * and a user naming an option type should not need the kit.
 */

// The facade installs the methods users call on Signal and Dataset (see facade/signal.ts for why).
import './facade/index.js';

// Errors: one class with a code.
export { MetaseriesError, isMetaseriesError } from './errors.js';
export type * from './errors.js';

// The model: datasets, signals, series and the history they carry.
// A star export on purpose: a package augmenting `Signal` in '@metaseries/core' (as
// @metaseries/plot does) merges with the class only through `export *`, not through a named
// re-export. model/index.ts therefore exports the public model and nothing else.
export * from './model/index.js';
export { parseTsName, parseSignalName, makeTsName, type TsNameParts } from './naming.js';

// Series and their indexes.
export { Series } from './series/series.js';
export { DatetimeIndex, NumericIndex, RangeIndex, StringIndex } from './series/indexes.js';
export type {
  Aggregation, Ambiguous, Bins, Civil, DatetimeUnit, EpochUnit, FormatOptions, Frequency, FrequencyUnit, Index, IndexKind, LocalizeOptions, Micros,
  Nonexistent, OrderInfo, ParsedTimestamp, SeriesInit, TimeOptions, TimeRecord, Values, ValueStorage,
} from './series/index.js';

// Processing: registering and finding transforms (for refresh and Python-made steps).
export { registerTransform, registerTransformFactory, lookupTransform, findTransform, registeredTransforms } from './process/registry.js';
export type * from './process/index.js';

// Stores: one way to open one, the Storage users hold, and the in-memory store.
export { openStore, createBackend } from './storage/registry.js';
export { parseStoreUrl, validateStoreConfig } from './storage/config.js';
export { Storage, isStorage } from './storage/storage.js';
export { MemoryBackend } from './storage/memory.js';
export type * from './storage/index.js';
export type * from './session/index.js';

// Queries and discovery.
export { QueryResult } from './query/result.js';
export type * from './query/index.js';

// meteaudata archives (zip or folder, read by Python).
export {
  saveArchive, saveSignalArchive, loadSignalArchive, saveDatasetArchive, loadDatasetArchive,
} from './archive/names.js';
export { saveSignal, loadSignal } from './archive/signal-archive.js';
export { saveDataset, loadDataset } from './archive/dataset-archive.js';
export type * from './archive/index.js';

// Reading CSV/text files into a dataset.
export { ingest } from './ingest/ingest.js';
export { readMapping, checkMapping } from './ingest/mapping.js';
export { detectFormat, DEFAULT_MISSING } from './ingest/detect.js';
export type * from './ingest/index.js';

// Progress and cancellation options of long operations.
export type * from './progress.js';
