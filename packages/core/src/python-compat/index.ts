/**
 * Everything written for Python to read goes through this module, so there is one
 * formatter per format (float repr, PyYAML's emitter, pandas timestamp text, dtype names)
 * and every writer — archives, the SQL meteaudata layout, Parquet and Polars sidecars —
 * writes the same text Python does.
 */
export { pyFloatRepr, yamlFloatText, pyIntText, parsePyNumber } from './float.js';
export { dumpYaml, resolvesToNonString } from './yaml-dump.js';
export { loadPythonYaml, parseArchiveYaml, type YamlLimits } from './yaml-load.js';
export { pandasTimestampText, parsePandasTimestamp, parseLenientJson } from './pandas-text.js';
export { parseDatetimeDtype, datetimeDtype, isTextDtype, canonicalValuesDtype, type DatetimeDtype } from './dtype.js';
