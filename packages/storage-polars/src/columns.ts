import pl from 'nodejs-polars';
import {
  DatetimeIndex, type Index, MetaseriesError, NumericIndex, RangeIndex, Series, StringIndex, type Values,
} from '@metaseries/core';
import {
  show, storageOf,
} from '@metaseries/core/backend-kit';

/**
 * Column conversions between core `Series` parts and polars series. Datetimes are
 * written as polars `Datetime('us', tz)` (the zone name kept, never an offset), numbers
 * as Float64 (Int64 for integer dtypes), booleans as Boolean, text as String.
 */

export type PolarsSeries = pl.Series;

/** A Float64Array of microseconds as a polars Datetime column (zone name kept). */
export function datetimeColumn(name: string, micros: Float64Array, tz: string | null): PolarsSeries {
  return pl.Series(name, micros).cast(pl.Int64).cast(tz ? pl.Datetime('us', tz) : pl.Datetime('us'));
}

/** The polars column for an index (a RangeIndex becomes Int64 keys). */
export function indexColumn(name: string, index: Index): PolarsSeries {
  switch (index.kind) {
    case 'datetime':
      return datetimeColumn(name, index.values, index.tz);
    case 'range':
      return pl.Series(name, index.values).cast(pl.Int64);
    case 'numeric':
      return index.dtype === 'int64' ? pl.Series(name, index.values).cast(pl.Int64) : pl.Series(name, index.values);
    case 'string':
      return pl.Series(name, [...index.values], pl.Utf8);
  }
}

/** The polars column for values of a pandas `dtype`. */
export function valueColumn(name: string, values: Values, dtype: string): PolarsSeries {
  if (values instanceof Float64Array) {
    const s = pl.Series(name, values);
    return /^u?int/i.test(dtype) ? s.cast(pl.Int64) : s;
  }
  if (values instanceof Uint8Array) return pl.Series(name, values).cast(pl.Bool);
  return pl.Series(name, [...values], pl.Utf8);
}

function variant(s: PolarsSeries): string {
  return (s.dtype as { variant: string }).variant;
}

function isIntegerVariant(v: string): boolean {
  return /^U?Int(8|16|32|64)$/.test(v);
}

function isFloatVariant(v: string): boolean {
  return v === 'Float32' || v === 'Float64';
}

/** A numeric polars column as a Float64Array, nulls as NaN. */
export function toFloat64(s: PolarsSeries): Float64Array {
  let col = variant(s) === 'Float64' ? s : s.cast(pl.Float64);
  if (col.nullCount() > 0) {
    col = pl.DataFrame([col.rename('x')]).select(pl.col('x').fillNull(pl.lit(Number.NaN))).getColumn('x');
  }
  return col.toTypedArray() as Float64Array;
}

/** Epoch microseconds of a Datetime/Date column, with its zone ('' → null). */
export function datetimeMicros(s: PolarsSeries, source: string): { micros: Float64Array; tz: string | null } {
  const v = variant(s);
  if (v === 'Date') {
    const days = toFloat64(s.cast(pl.Int32));
    for (let i = 0; i < days.length; i++) days[i] = days[i]! * 86_400_000_000;
    return { micros: days, tz: null };
  }
  if (v !== 'Datetime') throw new MetaseriesError('CORRUPT_DATA', `${source}: column ${show(s.name)} is ${String(s.dtype)}, not a datetime`);
  const dtype = s.dtype as unknown as { timeUnit?: string; timeZone?: string };
  const tz = dtype.timeZone ? dtype.timeZone : null;
  if (s.nullCount() > 0) throw new MetaseriesError('CORRUPT_DATA', `${source}: datetime column ${show(s.name)} has missing timestamps`);
  const us = dtype.timeUnit === 'us' ? s : s.cast(tz ? pl.Datetime('us', tz) : pl.Datetime('us'));
  return { micros: toFloat64(us.cast(pl.Int64)), tz };
}

/** Whether a polars column holds timestamps. */
export function isTemporal(s: PolarsSeries): boolean {
  const v = variant(s);
  return v === 'Datetime' || v === 'Date';
}

/** An index from a polars column (datetime, integer, float or text keys). */
export function indexFromColumn(s: PolarsSeries, source: string, name: string | null, freq: string | null = null): Index {
  const v = variant(s);
  if (v === 'Datetime' || v === 'Date') {
    const { micros, tz } = datetimeMicros(s, source);
    return new DatetimeIndex(micros, { tz, freq, name });
  }
  if (isIntegerVariant(v)) return new NumericIndex(toFloat64(s), 'int64', name);
  if (isFloatVariant(v)) return new NumericIndex(toFloat64(s), 'float64', name);
  if (v === 'String' || v === 'Utf8' || v === 'Categorical') return new StringIndex(s.cast(pl.Utf8).toArray() as string[], name);
  throw new MetaseriesError('CORRUPT_DATA', `${source}: column ${show(s.name)} of type ${String(s.dtype)} cannot be an index`);
}

/** The pandas dtype a polars column maps to. */
export function dtypeOfColumn(s: PolarsSeries): string {
  const v = variant(s);
  if (isFloatVariant(v)) return v.toLowerCase();
  if (isIntegerVariant(v)) return s.nullCount() > 0 ? 'float64' : v.toLowerCase();
  if (v === 'Bool') return s.nullCount() > 0 ? 'object' : 'bool';
  return 'object';
}

/** Values from a polars column, in the storage `dtype` asks for (or the column's own). */
export function valuesFromColumn(s: PolarsSeries, source: string, dtype?: string): { values: Values; dtype: string } {
  const v = variant(s);
  const wanted = dtype ?? dtypeOfColumn(s);
  const storage = storageOf(wanted);
  if (v === 'Null') {
    // An all-missing column: polars writes no physical type for it.
    const n = s.len();
    if (storage === 'number') return { values: new Float64Array(n).fill(Number.NaN), dtype: wanted };
    return { values: new Array<string | null>(n).fill(null), dtype: storage === 'bool' ? 'object' : wanted };
  }
  if (storage === 'number') {
    if (!(isFloatVariant(v) || isIntegerVariant(v) || v === 'Bool')) {
      throw new MetaseriesError('CORRUPT_DATA', `${source}: value column ${show(s.name)} is ${String(s.dtype)} but the dtype is ${show(wanted)}`);
    }
    const values = toFloat64(v === 'Bool' ? s.cast(pl.Float64) : s);
    // An integer dtype cannot hold NaN: fall back to float64, as pandas does.
    const finalDtype = /^u?int/i.test(wanted) && s.nullCount() > 0 ? 'float64' : wanted;
    return { values, dtype: finalDtype };
  }
  if (storage === 'bool') {
    if (v !== 'Bool' || s.nullCount() > 0) return { values: stringsOf(s), dtype: 'object' };
    return { values: s.cast(pl.UInt8).toTypedArray() as Uint8Array, dtype: wanted };
  }
  return { values: stringsOf(s), dtype: wanted };
}

function stringsOf(s: PolarsSeries): (string | null)[] {
  const arr = (variant(s) === 'String' ? s : s.cast(pl.Utf8)).toArray() as (string | null)[];
  return arr;
}

/** A Series from a polars index column (or a RangeIndex) and a value column. */
export function seriesFromColumns(
  values: PolarsSeries,
  index: Index | null,
  options: { name: string | null; dtype?: string; source: string },
): Series {
  const { values: vals, dtype } = valuesFromColumn(values, options.source, options.dtype);
  return new Series({ index: index ?? new RangeIndex(0, vals.length), values: vals, name: options.name, dtype });
}
