import { type Index, IndexMetadata, MetaseriesError, RangeIndex, StringIndex } from '@metaseries/core';

/**
 * Reading what Python's PolarsAdapter wrote: the Parquet holds only the values (the
 * pandas index is dropped), the sidecar holds `index_metadata` and `index_values`
 * (`str()` of every index value) and `original_name`.
 */

/** The index of a Python-written file, rebuilt from `index_values` + `index_metadata`. */
export function pythonIndex(body: Record<string, unknown>, length: number, source: string): Index {
  const raw = body.index_values;
  const meta = body.index_metadata;
  if (raw === undefined || raw === null) {
    // A polars Series saved directly, or a RangeIndex: positions are the keys.
    if (meta && typeof meta === 'object') {
      const m = IndexMetadata.fromDict(meta as Record<string, unknown>);
      if (m.type === 'RangeIndex' && m.start !== null && m.end !== null) {
        const index = new RangeIndex(m.start, m.end, m.step ?? 1, m.name);
        if (index.length === length) return index;
      }
    }
    return new RangeIndex(0, length);
  }
  if (!Array.isArray(raw)) throw new MetaseriesError('CORRUPT_DATA', `${source}: index_values in its sidecar is not a list`);
  if (raw.length !== length) {
    throw new MetaseriesError('CORRUPT_DATA', `${source} has ${length} rows but its sidecar lists ${raw.length} index_values`);
  }
  const keys = raw.map((v) => (typeof v === 'string' || typeof v === 'number' ? v : String(v)));
  if (!meta || typeof meta !== 'object') return new StringIndex(keys.map(String));
  try {
    return IndexMetadata.fromDict(meta as Record<string, unknown>).rebuildIndex(keys);
  } catch (cause) {
    throw new MetaseriesError('CORRUPT_DATA', `${source}: cannot rebuild its index from the sidecar: ${(cause as Error).message}`, { cause });
  }
}

/** Python: column = series name, else `original_name`, else `value`. */
export function pythonSeriesName(column: string, body: Record<string, unknown>): string | null {
  if (typeof body.original_name === 'string') return body.original_name;
  if (column === 'value' || column === '') return null;
  return column;
}

