export { seriesToCsv, seriesToCsvBuffer, csvField, type CsvWriteOptions, type HeaderName } from './csv-write.js';
export { parseSeriesCsv, detectSeparator, parseNumber, type CsvReadOptions, type ParsedCsv, type KeyKind } from './csv-read.js';
export { saveSignal, loadSignal, signalMetadataDict, strictIso, type ArchiveLoadOptions, type ArchiveWriteOptions, type SignalSaveOptions } from './signal-archive.js';
export { saveDataset, loadDataset, datasetMetadataDict, type DatasetSaveOptions } from './dataset-archive.js';
export { type OutputValueNames, type DatasetOutputValueNames } from './headers.js';
export { isSafeEntryName, readZip, type ArchiveLimits } from './zip.js';
export { saveArchive, saveSignalArchive, loadSignalArchive, saveDatasetArchive, loadDatasetArchive } from './names.js';
