import type { Series } from '@metaseries/core';

/**
 * The `pandas` key-value metadata pyarrow writes next to a DataFrame and reads to
 * rebuild its index (`pyarrow.pandas_compat`). We write the same blob so that
 * `pd.read_parquet` returns a Series-shaped frame with the right index, time zone
 * included; a RangeIndex is stored only here, as `{"kind": "range", …}`.
 */
export interface PandasColumn {
  name: string | null;
  field_name: string;
  pandas_type: string;
  numpy_type: string;
  metadata: Record<string, unknown> | null;
}

export interface PandasRangeIndex {
  kind: 'range';
  name: string | null;
  start: number;
  stop: number;
  step: number;
}

export interface PandasMetadata {
  index_columns: (string | PandasRangeIndex)[];
  column_indexes: unknown[];
  columns: PandasColumn[];
  creator?: { library: string; version: string };
  pandas_version?: string;
}

/** The field name pandas gives a Series' value column (its name; an unnamed Series becomes column 0). */
export function valueFieldName(series: Series): string {
  return series.name ?? '0';
}

/** The field name pandas gives an index: its name, or `__index_level_0__`. */
export function indexFieldName(series: Series): string {
  const name = series.index.name;
  return name !== null && name !== valueFieldName(series) ? name : '__index_level_0__';
}

function valueColumn(series: Series): PandasColumn {
  const field = valueFieldName(series);
  const dtype = series.dtype;
  let pandasType: string, numpyType: string;
  if (/^(float|int|uint)\d+$/.test(dtype)) [pandasType, numpyType] = [dtype, dtype];
  else if (/^(Float|Int|UInt)\d+$/.test(dtype)) [pandasType, numpyType] = [dtype.toLowerCase(), dtype];
  else if (dtype === 'bool' || dtype === 'boolean') [pandasType, numpyType] = ['bool', dtype];
  else [pandasType, numpyType] = ['unicode', dtype === 'string' ? 'string' : 'object'];
  return { name: series.name === null ? null : field, field_name: field, pandas_type: pandasType, numpy_type: numpyType, metadata: null };
}

function indexColumn(series: Series): PandasColumn | PandasRangeIndex {
  const index = series.index;
  if (index.kind === 'range') return { kind: 'range', name: index.name, start: index.start, stop: index.stop, step: index.step };
  const field = indexFieldName(series);
  if (index.kind === 'datetime') {
    return index.tz === null
      ? { name: index.name, field_name: field, pandas_type: 'datetime', numpy_type: 'datetime64[ns]', metadata: null }
      : { name: index.name, field_name: field, pandas_type: 'datetimetz', numpy_type: 'datetime64[ns]', metadata: { timezone: index.tz } };
  }
  if (index.kind === 'numeric') return { name: index.name, field_name: field, pandas_type: index.dtype, numpy_type: index.dtype, metadata: null };
  return { name: index.name, field_name: field, pandas_type: 'unicode', numpy_type: 'object', metadata: null };
}

/** The `pandas` metadata for a Series written as one value column plus its index. */
export function pandasMetadata(series: Series): PandasMetadata {
  const index = indexColumn(series);
  const columns = [valueColumn(series)];
  if (!('kind' in index)) columns.push(index);
  return {
    index_columns: ['kind' in index ? index : index.field_name],
    column_indexes: [{ name: null, field_name: null, pandas_type: 'unicode', numpy_type: 'object', metadata: { encoding: 'UTF-8' } }],
    columns,
    creator: { library: 'metaseries', version: '0.1.0' },
    pandas_version: '2.2.3',
  };
}
