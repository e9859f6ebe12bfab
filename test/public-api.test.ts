/**
 * The reviewed runtime surface of @metaseries/core's two entry points.
 *
 * Changing either list is an API change: a name added here is a promise to users (root) or
 * to backend and transform-package authors (backend-kit); a name removed breaks them. Edit
 * the list in the same commit as the export, and say so in the change's notes. Helpers a
 * sibling package needs go to backend-kit, never to the root; pure internals go nowhere.
 */
import * as root from '@metaseries/core';
import * as kit from '@metaseries/core/backend-kit';
import { expect, it } from 'vitest';

const ROOT_API = [
  // errors
  'MetaseriesError', 'isMetaseriesError',
  // model
  'DataProvenance', 'Dataset', 'FunctionInfo', 'IndexMetadata', 'Parameters', 'ProcessingStep', 'ProcessingType', 'Signal', 'TimeSeries',
  'isProcessingType',
  // naming rules
  'makeTsName', 'parseSignalName', 'parseTsName',
  // series
  'DatetimeIndex', 'NumericIndex', 'RangeIndex', 'Series', 'StringIndex',
  // transforms
  'findTransform', 'lookupTransform', 'registerTransform', 'registerTransformFactory', 'registeredTransforms',
  // stores
  'MemoryBackend', 'Storage', 'createBackend', 'isStorage', 'openStore', 'parseStoreUrl', 'validateStoreConfig',
  // queries
  'QueryResult',
  // archives
  'loadDataset', 'loadDatasetArchive', 'loadSignal', 'loadSignalArchive', 'saveArchive', 'saveDataset', 'saveDatasetArchive', 'saveSignal',
  'saveSignalArchive',
  // ingest
  'DEFAULT_MISSING', 'checkMapping', 'detectFormat', 'ingest', 'readMapping',
].sort();

const BACKEND_KIT_API = [
  'AGGREGATIONS', 'CATALOG_SEGMENT', 'DEFAULT_CAPABILITIES', 'FileSegmentDriver', 'MemoryBackend', 'MemoryDriver', 'MetaseriesError',
  'STORE_PACKAGE_HINTS', 'SegmentStore', 'Storage', 'US_PER_DAY', 'US_PER_H', 'US_PER_MIN', 'US_PER_MS', 'US_PER_S', 'aggregateGroups',
  'aggregateSeries', 'binEdges', 'bucketSeries', 'canonicalValuesDtype', 'catalogKey', 'checkAggregation', 'checkTimeZone', 'commitStep', 'commitTemp',
  'commitTempIfAbsent', 'copyCatalog', 'csvField', 'datetimeDtype', 'decodeSegment', 'dumpYaml', 'encodeSegment', 'ensureStoreDir', 'fileStem',
  'fixedDurationUs', 'formatFrequency', 'formatTimestamp', 'formatWall', 'fractionDigitsFor', 'fsyncDir', 'invalidInput', 'isCatalogKey',
  'isMetaseriesError', 'isStorage', 'isTempName', 'isTextDtype', 'keyFromPythonStem', 'labelPeriod', 'layoutOf', 'loadPythonYaml', 'lowerBound', 'median',
  'pandasTimestampText', 'parseArchiveYaml', 'parseDatetimeDtype', 'parseFrequency', 'parseLayout', 'parseLenientJson', 'parsePandasTimestamp',
  'parsePyNumber', 'parseSeriesCsv', 'parseTimestampText', 'pathExists', 'planQuery', 'pyFloatRepr', 'pyIntText', 'pythonStem',
  'pythonStemUsable', 'quantile', 'readCatalog', 'readZip', 'registerBackend', 'registeredKinds', 'removeFile', 'removeStaleTemps',
  'resampleBins', 'resampleFrequency', 'resolveParsed', 'runQuery', 'segmentStats', 'seriesKey', 'seriesToCsv', 'seriesToCsvBuffer', 'show',
  'sliceByKeyRange', 'stageFile', 'storedRange', 'storageOf', 'storeOptionNames', 'summarize', 'tempPath', 'throwIfAborted', 'toMicros', 'toValues',
  'utcToWall', 'validateKey', 'validatePrefix', 'validateStoreConfig', 'validateWithSchema', 'wallToUtc', 'withKeyLock', 'writeFileAtomic',
  'writeSynced', 'deleteKeyRange', 'describeKeys', 'fromIndexKey', 'loadKeyRange', 'loadTimeSeriesKeyRange', 'toIndexKey', 'toKeyRange', 'checkCustomName', 'incomingTsParts', 'maxNumbers', 'nextNumber', 'numberSignalName', 'parseTimestamp', 'timeParser',
].sort();

it('the root exports exactly the reviewed public API (runtime names)', () => {
  expect(Object.keys(root).sort()).toEqual(ROOT_API);
});

it('@metaseries/core/backend-kit exports exactly its reviewed runtime names', () => {
  expect(Object.keys(kit).sort()).toEqual(BACKEND_KIT_API);
});

it('both entry points hand out the same classes (one Storage, one MetaseriesError)', () => {
  expect(kit.Storage).toBe(root.Storage);
  expect(kit.MetaseriesError).toBe(root.MetaseriesError);
  expect(kit.MemoryBackend).toBe(root.MemoryBackend);
});

it('the facade methods are installed whichever entry point is loaded, as class methods are (not enumerable)', () => {
  for (const m of ['process', 'refresh', 'rollup', 'saveAll', 'append', 'loadAll', 'save']) {
    expect(typeof (root.Signal.prototype as unknown as Record<string, unknown>)[m], `Signal.prototype.${m}`).toBe('function');
    expect(Object.getOwnPropertyDescriptor(root.Signal.prototype, m)?.enumerable, `Signal.prototype.${m} enumerable`).toBe(false);
  }
  for (const m of ['process', 'refresh', 'saveAll', 'loadAll', 'save']) expect(typeof (root.Dataset.prototype as unknown as Record<string, unknown>)[m]).toBe('function');
  expect(typeof root.Signal.load).toBe('function');
  expect(typeof root.Dataset.load).toBe('function');
  expect(typeof root.Dataset.fromBackend).toBe('function');
  expect(typeof root.Dataset.find).toBe('function');
  const s = new root.Signal({ name: 'A' });
  expect(Object.keys(s)).not.toContain('process');
});
