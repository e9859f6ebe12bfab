export { pyFloatRepr, yamlFloatText } from './pyrepr.js';
export { seriesToCsv, csvField, type CsvWriteOptions, type HeaderName } from './csv-write.js';
export { parseSeriesCsv, detectSeparator, parseNumber, type CsvReadOptions, type ParsedCsv, type KeyKind } from './csv-read.js';
export { dumpYaml, resolvesToNonString } from './yaml-dump.js';
export { parseArchiveYaml } from './yaml-read.js';
