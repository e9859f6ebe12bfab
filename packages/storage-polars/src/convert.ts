import pl from 'nodejs-polars';
import { MetaseriesError, Series, type SeriesMetadata, TimeSeries } from '@metaseries/core';
import { show } from '@metaseries/core/backend-kit';
import { indexColumn, indexFromColumn, isTemporal, seriesFromColumns, valueColumn } from './columns.js';

export interface ToPolarsOptions {
  /** Name of the index column (default: the index's name, else `index`); `false` leaves the index out. */
  indexColumn?: string | false;
}

export interface FromPolarsOptions {
  /** Column holding the index; default: the first column when there are two or more, none (RangeIndex) for one. `null` forces a RangeIndex. */
  indexColumn?: string | null;
  /** Column holding the values; default: the first column that is not the index. */
  valueColumn?: string;
  /** Series name; default: the value column's name. */
  name?: string | null;
  /** pandas dtype of the values; default: from the column type. */
  dtype?: string;
  /** Frequency alias of a datetime index (polars has none). */
  freq?: string | null;
}

/**
 * A polars DataFrame of `[index, values]` (the index first, like pandas
 * `reset_index()`); datetimes keep their zone (`Datetime('us', tz)`).
 *
 * @example
 * const df = toPolars(Series.fromTimes(['2024-01-01'], [1.5], { name: 'COD', tz: 'UTC' }));
 * df.columns // ['index', 'COD']
 */
export function toPolars(data: Series | TimeSeries, options: ToPolarsOptions = {}): pl.DataFrame {
  const series = data instanceof TimeSeries ? data.series : data;
  const valueName = series.name || 'value';
  const values = valueColumn(valueName, series.values, series.dtype);
  if (options.indexColumn === false) return pl.DataFrame([values]);
  let indexName = options.indexColumn ?? series.index.name ?? 'index';
  if (indexName === valueName) indexName = `${indexName}_index`;
  return pl.DataFrame([indexColumn(indexName, series.index), values]);
}

/**
 * A core `Series` from a polars DataFrame (index column + value column) or a polars
 * Series (RangeIndex). Nulls in float columns become NaN.
 *
 * @example
 * const s = fromPolars(pl.DataFrame({ time: [new Date(0)], v: [1] }), { indexColumn: 'time' });
 */
export function fromPolars(data: pl.DataFrame | pl.Series, options: FromPolarsOptions = {}): Series {
  const source = 'polars data';
  if (isPolarsSeries(data)) {
    return seriesFromColumns(data, null, { name: options.name === undefined ? data.name || null : options.name, dtype: options.dtype, source });
  }
  const columns = data.columns;
  const need = (name: string): void => {
    if (!columns.includes(name)) throw new MetaseriesError('INVALID_INPUT', `Column ${show(name)} not in the polars DataFrame (columns: ${columns.join(', ')})`);
  };
  let indexName: string | null;
  if (options.indexColumn === undefined) {
    const first = columns[0];
    indexName = columns.length >= 2 && first !== undefined && first !== options.valueColumn ? first : null;
  } else indexName = options.indexColumn;
  if (indexName !== null) need(indexName);
  const valueName = options.valueColumn ?? columns.find((c) => c !== indexName);
  if (valueName === undefined) throw new MetaseriesError('INVALID_INPUT', `The polars DataFrame has no value column (columns: ${columns.join(', ')})`);
  need(valueName);
  const indexCol = indexName === null ? null : data.getColumn(indexName);
  const freq = options.freq ?? null;
  if (freq !== null && indexCol !== null && !isTemporal(indexCol)) {
    throw new MetaseriesError('INVALID_INPUT', `freq ${show(freq)} needs a datetime index column; ${show(indexName)} is ${String(indexCol.dtype)}`);
  }
  const index = indexCol === null ? null : indexFromColumn(indexCol, source, indexName === 'index' ? null : indexName, freq);
  const name = options.name === undefined ? valueName : options.name;
  return seriesFromColumns(data.getColumn(valueName), index, { name: name === 'value' && options.name === undefined ? null : name, dtype: options.dtype, source });
}

/** `toPolars` for a TimeSeries; its metadata stays with you (`ts.metadataDict()`). */
export function timeSeriesToPolars(ts: TimeSeries, options: ToPolarsOptions = {}): pl.DataFrame {
  return toPolars(ts.series, options);
}

/**
 * A `TimeSeries` from polars data; with `metadata` (a stored `metadata_dict()`), its
 * processing history comes back too.
 */
export function timeSeriesFromPolars(data: pl.DataFrame | pl.Series, options: FromPolarsOptions & { metadata?: SeriesMetadata } = {}): TimeSeries {
  const series = fromPolars(data, options);
  return options.metadata ? TimeSeries.fromStored(series, options.metadata) : new TimeSeries({ series });
}

function isPolarsSeries(x: unknown): x is pl.Series {
  return typeof x === 'object' && x !== null && typeof (x as pl.Series).toTypedArray === 'function' && typeof (x as pl.DataFrame).getColumns !== 'function';
}
