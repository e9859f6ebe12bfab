/**
 * A bridge between metaseries and danfo.js (`danfojs-node`, a peer dependency) for
 * people who like a pandas-style API. It copies: danfo is slow and is never the
 * in-memory representation.
 *
 * What danfo cannot hold, and what we do about it:
 * - Microseconds: danfo indexes hold JS `Date`s (milliseconds). `toDanfo` truncates
 *   to milliseconds by default; `{ index: 'text' }` writes pandas-style text
 *   (`2024-01-01 00:00:00.123456+01:00`) instead, which `fromDanfo` parses back exactly.
 * - Time zones: a `Date` is an instant without a zone. Zoned series give UTC instants;
 *   naive series give their wall clock read as UTC. Pass `{ tz }` to `fromDanfo` to put
 *   the zone back (or use `{ index: 'text' }`, whose offsets survive).
 * - Frequencies and dtypes beyond number/bool/string: pass `{ freq, dtype }` back in.
 * - NaN is kept as NaN; missing strings as null.
 */
import * as dfd from 'danfojs-node';
import {
  DatetimeIndex, type Index, NumericIndex, RangeIndex, Series, type SeriesMetadata, Signal, StringIndex, TimeSeries, type Values,
} from '@metaseries/core';
import {
  formatTimestamp, invalidInput, parseTimestampText, resolveParsed, show,
} from '@metaseries/core/backend-kit';

export type DanfoSeries = InstanceType<typeof dfd.Series>;
export type DanfoFrame = InstanceType<typeof dfd.DataFrame>;

export interface ToDanfoOptions {
  /** Datetime index as JS `Date`s (default, millisecond precision) or as pandas-style text (exact, zone offsets kept). */
  index?: 'date' | 'text';
}

export interface FromDanfoOptions {
  /** Zone of the timestamps: Dates are read as instants and shown in it; offset-free text is read as its wall clock. */
  tz?: string | null;
  freq?: string | null;
  /** Series name; default: the danfo column name. */
  name?: string | null;
  dtype?: string;
  /** DataFrame column to read (default: the first). */
  column?: string;
}

type Cell = number | string | boolean | Date | null | undefined;

function indexCells(index: Index, mode: 'date' | 'text'): (Date | string | number)[] {
  if (index.kind === 'datetime') {
    const out = new Array<Date | string>(index.length);
    for (let i = 0; i < index.length; i++) {
      const us = index.values[i]!;
      out[i] = mode === 'text' ? formatTimestamp(us, index.tz, { fractionDigits: us % 1_000_000 === 0 ? 0 : 6 }) : new Date(Math.floor(us / 1000));
    }
    return out;
  }
  return Array.from(index.values as ArrayLike<string | number>);
}

function valueCells(values: Values): (number | boolean | string | null)[] {
  if (values instanceof Uint8Array) return Array.from(values, (v) => v === 1);
  return Array.from(values as ArrayLike<number | string | null>);
}

/**
 * A danfo Series (or, for a Signal, a DataFrame with one column per time series on
 * the union of their indexes, NaN where a series has no point).
 *
 * @example
 * const ds = toDanfo(Series.fromTimes(['2024-01-01'], [1.5], { name: 'COD' }));
 * ds.values // [1.5]
 */
export function toDanfo(data: Series | TimeSeries, options?: ToDanfoOptions): DanfoSeries;
export function toDanfo(data: Signal, options?: ToDanfoOptions): DanfoFrame;
export function toDanfo(data: Series | TimeSeries | Signal, options: ToDanfoOptions = {}): DanfoSeries | DanfoFrame {
  const mode = options.index ?? 'date';
  if (data instanceof Signal) return signalToDanfo(data, mode);
  const series = data instanceof TimeSeries ? data.series : data;
  return new dfd.Series(valueCells(series.values), { index: indexCells(series.index, mode) as unknown as (string | number)[], columns: [series.name ?? 'value'] });
}

function signalToDanfo(signal: Signal, mode: 'date' | 'text'): DanfoFrame {
  const all = [...signal.timeSeries.values()].map((ts) => ts.series);
  if (all.length === 0) return new dfd.DataFrame([]);
  const kinds = new Set(all.map((s) => (s.index.kind === 'range' ? 'numeric' : s.index.kind)));
  if (kinds.size > 1) throw invalidInput(`Signal ${show(signal.name)} mixes index kinds (${[...kinds].join(', ')}); convert its series one by one`);
  const zones = new Set(all.map((s) => (s.index.kind === 'datetime' ? s.index.tz : null)));
  if (zones.size > 1) throw invalidInput(`Signal ${show(signal.name)} mixes time zones (${[...zones].join(', ')}); convert its series one by one`);
  // The sorted union of keys, like pandas' concat(axis=1).
  const keyOf = (s: Series, i: number): string | number => (s.index.kind === 'string' ? s.index.values[i]! : s.index.values[i]!);
  const keys = [...new Set(all.flatMap((s) => Array.from({ length: s.length }, (_, i) => keyOf(s, i))))];
  keys.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  const position = new Map(keys.map((k, i) => [k, i]));
  const columns: Record<string, (number | boolean | string | null)[]> = {};
  for (const [name, ts] of signal.timeSeries) {
    const s = ts.series;
    const cells = valueCells(s.values);
    const numeric = s.values instanceof Float64Array;
    const col = new Array<number | boolean | string | null>(keys.length).fill(numeric ? Number.NaN : null);
    for (let i = 0; i < s.length; i++) col[position.get(keyOf(s, i))!] = cells[i]!;
    columns[name] = col;
  }
  const first = all[0]!;
  const index = first.index.kind === 'datetime'
    ? indexCells(new DatetimeIndex(Float64Array.from(keys as number[]), { tz: first.index.tz }), mode)
    : keys;
  return new dfd.DataFrame(columns, { index: index as unknown as (string | number)[] });
}

function isDanfoFrame(x: unknown): x is DanfoFrame {
  return x instanceof dfd.DataFrame;
}

function columnOf(frame: DanfoFrame, column: string | undefined): DanfoSeries {
  const name = column ?? frame.columns[0];
  if (name === undefined || !frame.columns.includes(name)) {
    throw invalidInput(`Column ${show(name)} not in the danfo DataFrame (columns: ${frame.columns.join(', ')})`);
  }
  return frame.column(name);
}

function buildIndex(cells: readonly Cell[], options: FromDanfoOptions): Index {
  const n = cells.length;
  const tz = options.tz ?? null;
  if (n > 0 && cells.every((c) => c instanceof Date)) {
    const us = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ms = (cells[i] as Date).getTime();
      if (Number.isNaN(ms)) throw invalidInput(`Index entry ${i} is an invalid Date`);
      us[i] = ms * 1000;
    }
    return new DatetimeIndex(us, { tz, freq: options.freq ?? null });
  }
  if (cells.every((c) => typeof c === 'number')) {
    const nums = cells as number[];
    if (nums.every((v, i) => v === i) && options.freq == null) return new RangeIndex(0, n);
    return new NumericIndex(Float64Array.from(nums), nums.every(Number.isInteger) ? 'int64' : 'float64');
  }
  if (n > 0 && cells.every((c) => typeof c === 'string' && parseTimestampText(c.trim()) !== null)) {
    const us = new Float64Array(n);
    for (let i = 0; i < n; i++) us[i] = resolveParsed(parseTimestampText((cells[i] as string).trim())!, tz);
    return new DatetimeIndex(us, { tz, freq: options.freq ?? null });
  }
  return new StringIndex(cells.map((c) => (c instanceof Date ? c.toISOString() : String(c))));
}

function buildValues(cells: readonly Cell[], dtype: string | undefined): { values: unknown[]; dtype: string | undefined } {
  if (dtype) return { values: cells.map((c) => (c === undefined ? null : c)), dtype };
  const present = cells.filter((c) => c !== null && c !== undefined && !(typeof c === 'number' && Number.isNaN(c)));
  if (present.length > 0 && present.every((c) => typeof c === 'boolean') && present.length === cells.length) return { values: [...cells], dtype: 'bool' };
  if (present.every((c) => typeof c === 'number')) return { values: cells.map((c) => (typeof c === 'number' ? c : Number.NaN)), dtype: 'float64' };
  return { values: cells.map((c) => (c === undefined || c === null || (typeof c === 'number' && Number.isNaN(c)) ? null : c instanceof Date ? c.toISOString() : String(c))), dtype: 'object' };
}

/**
 * A core Series from a danfo Series (or one column of a DataFrame). Dates, timestamp
 * text and numbers in the index become a datetime or numeric index; danfo's default
 * 0…n-1 index becomes a RangeIndex.
 *
 * @example
 * const s = fromDanfo(new dfd.Series([1, NaN], { index: [new Date(0), new Date(60_000)] }), { tz: 'UTC' });
 */
export function fromDanfo(data: DanfoSeries | DanfoFrame, options: FromDanfoOptions = {}): Series {
  const col = isDanfoFrame(data) ? columnOf(data, options.column) : data;
  const index = buildIndex(col.index as Cell[], options);
  const { values, dtype } = buildValues(col.values as Cell[], options.dtype);
  const columnName = col.columns[0] ?? null;
  const name = options.name === undefined ? (columnName === 'value' ? null : columnName) : options.name;
  return Series.fromValues(values, { name, dtype, index });
}

/** `fromDanfo`, wrapped as a TimeSeries; pass the stored `metadata` to bring its history back. */
export function timeSeriesFromDanfo(data: DanfoSeries | DanfoFrame, options: FromDanfoOptions & { metadata?: SeriesMetadata } = {}): TimeSeries {
  const series = fromDanfo(data, options);
  return options.metadata ? TimeSeries.fromStored(series, options.metadata) : new TimeSeries({ series });
}

/**
 * A Signal from a danfo DataFrame: one TimeSeries per column (column names such as
 * `CODs#1_RAW#1` or plain operations such as `RAW`). Every series spans the whole
 * DataFrame index; rows that were NaN padding in `toDanfo(signal)` stay NaN unless
 * `dropMissing` is set.
 */
export function signalFromDanfo(
  frame: DanfoFrame,
  options: FromDanfoOptions & { name: string; units?: string; dropMissing?: boolean },
): Signal {
  const data: Series[] = [];
  for (const column of frame.columns) {
    let s = fromDanfo(frame, { ...options, column, name: column });
    if (options.dropMissing) {
      const keep: number[] = [];
      for (let i = 0; i < s.length; i++) {
        const v = s.valueAt(i);
        if (!(v === null || (typeof v === 'number' && Number.isNaN(v)))) keep.push(i);
      }
      s = s.take(keep, false);
    }
    data.push(s);
  }
  return new Signal({ name: options.name, units: options.units, data });
}
