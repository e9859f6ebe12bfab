import { MetaseriesError, show } from '../errors.js';

/**
 * Storage keys follow meteaudata: `<dataset>/<signal>/<ts part>`. Any character is
 * allowed inside a segment (`#`, spaces, quotes, `;`, `%`, unicode) except `/`, `\`
 * and NUL; segments may not be empty, `.` or `..`, so no key can escape a folder.
 */
export function validateKey(key: unknown, backend?: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new MetaseriesError('INVALID_INPUT', `Invalid storage key ${show(key)}: expected a non-empty string such as "dataset/signal#1/RAW#1"`, { backend });
  }
  if (key.includes('\\') || key.includes('\0')) {
    throw new MetaseriesError('INVALID_INPUT', `Invalid storage key ${show(key)}: backslashes and NUL characters are not allowed`, { backend });
  }
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new MetaseriesError('INVALID_INPUT', `Invalid storage key ${show(key)}: segments must be non-empty and not "." or ".." (no path traversal)`, { backend });
    }
  }
  return key;
}

/** Validate a listing prefix: like a key, but may end with `/` and may be empty. */
export function validatePrefix(prefix: unknown, backend?: string): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string') throw new MetaseriesError('INVALID_INPUT', `Invalid key prefix ${show(prefix)}`, { backend });
  validateKey(prefix.endsWith('/') ? prefix.slice(0, -1) || 'x' : prefix, backend);
  return prefix;
}

/** The key of a time series: `<dataset>/<signal>/<ts name without "<signal>_">` (meteaudata §6.4). */
export function seriesKey(datasetName: string, signalName: string, tsName: string): string {
  const prefix = `${signalName}_`;
  const part = tsName.startsWith(prefix) ? tsName.slice(prefix.length) : tsName;
  return `${datasetName}/${signalName}/${part}`;
}

/**
 * Where metaseries keeps the dataset- and signal-level metadata (units, provenance,
 * description…) that Python's backends do not store: an empty series under this
 * key, whose metadata carries it. Python meteaudata ignores keys it did not write.
 */
export const CATALOG_SEGMENT = '__metaseries__';

export function catalogKey(datasetName: string): string {
  return `${datasetName}/${CATALOG_SEGMENT}`;
}

export function isCatalogKey(key: string): boolean {
  return key.endsWith(`/${CATALOG_SEGMENT}`);
}
