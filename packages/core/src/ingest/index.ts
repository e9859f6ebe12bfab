export { ingest, type IngestSource, type IngestOptions, type IngestResult, type BadRow, type BadRowReport } from './ingest.js';
export { readMapping, checkMapping, type IngestMapping, type CheckedMapping, type ColumnMapping, type IngestFormat } from './mapping.js';
export { detectFormat, DEFAULT_MISSING, type IngestDetection } from './detect.js';
export { timeParser, detectTimeFormat, TIME_FORMATS, type TimeFormat, type TimeParser, type TimeDetection } from './time-formats.js';
export { parseDecimal } from './columns.js';
