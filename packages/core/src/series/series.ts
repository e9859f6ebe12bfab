import { invalidInput, show } from '../errors.js';
import { type Frequency } from './frequency.js';
import { DatetimeIndex, type Index, NumericIndex, RangeIndex, renameIndex, StringIndex } from './indexes.js';
import { labelPeriod } from './partial.js';
import { type EpochUnit, toMicros } from './timestamp.js';
import { checkLocalizeOptions, type LocalizeOptions } from './timezone.js';
import { inferDtype, sameValue, sliceValues, storageOf, storageOfValues, toValues, type Values, valueAt } from './values.js';

export interface SeriesInit {
  index: Index;
  values: Values;
  name?: string | null;
  /** pandas dtype string; inferred from `values` when omitted. */
  dtype?: string;
}

export interface TimeOptions extends LocalizeOptions {
  name?: string | null;
  /** IANA zone (or fixed offset) of the index; omitted = naive wall-clock times. */
  tz?: string | null;
  /**
   * pandas frequency alias of a regular index (`5min`, `h`, `D`…), checked against the
   * timestamps as pandas does (INVALID_INPUT naming the first one off the grid), or
   * `'infer'` to take it from the timestamps (none when they are irregular).
   */
  freq?: string | Frequency | null;
  /** Unit of epoch numbers: `ms` (JS default), `s` or `us`. */
  unit?: EpochUnit;
  dtype?: string;
  indexName?: string | null;
}

export interface TimeRecord {
  time: Date | string | number;
  value: number | boolean | string | null;
}

/**
 * An immutable, columnar series: an `index` and typed-array `values`. Slicing by
 * position or by label is a binary search and a view, never a copy.
 *
 * @example
 * const s = Series.fromTimes(['2024-01-01 00:00', '2024-01-01 00:01'], [1.5, NaN], { name: 'COD', tz: 'UTC' });
 * s.between('2024-01-01 00:00', '2024-01-01 00:00').length // 1
 */
export class Series {
  readonly index: Index;
  readonly values: Values;
  readonly name: string | null;
  readonly dtype: string;

  constructor(init: SeriesInit) {
    const dtype = init.dtype ?? defaultDtype(init.values);
    if (init.index.length !== init.values.length) {
      throw invalidInput(`Series ${show(init.name ?? null)}: index has ${init.index.length} entries but values have ${init.values.length}`);
    }
    if (storageOf(dtype) !== storageOfValues(init.values)) {
      throw invalidInput(`Series ${show(init.name ?? null)}: dtype ${show(dtype)} does not match the value array (${storageOfValues(init.values)} storage)`);
    }
    this.index = init.index;
    this.values = init.values;
    this.name = init.name ?? null;
    this.dtype = dtype;
  }

  /**
   * A series over timestamps given as Dates, ISO strings or epoch numbers.
   * @example Series.fromTimes([Date.UTC(2024, 0, 1)], [3.2], { name: 'T', tz: 'UTC' })
   */
  static fromTimes(times: ArrayLike<Date | string | number>, values: ArrayLike<unknown>, options: TimeOptions = {}): Series {
    if (times.length !== values.length) {
      throw invalidInput(`Series ${show(options.name ?? null)}: ${times.length} timestamps but ${values.length} values`);
    }
    const tz = options.tz ?? null;
    const us = new Float64Array(times.length);
    const unit = options.unit ?? 'ms';
    checkLocalizeOptions(options);
    const localize: LocalizeOptions = { nonexistent: options.nonexistent ?? 'raise', ambiguous: options.ambiguous ?? 'raise' };
    for (let i = 0; i < times.length; i++) us[i] = toMicros(times[i], tz, unit, localize);
    const index = new DatetimeIndex(us, { tz, freq: options.freq ?? null, name: options.indexName ?? null });
    const dtype = options.dtype ?? inferDtype(values);
    return new Series({ index, values: toValues(values, dtype), name: options.name ?? null, dtype });
  }

  /** A series from `{time, value}` records. */
  static fromRecords(records: readonly TimeRecord[], options: TimeOptions = {}): Series {
    return Series.fromTimes(records.map((r) => r.time), records.map((r) => r.value), options);
  }

  /**
   * A regular series: `length` points from `start` every `freq` (a fixed-duration
   * alias); values from a typed array. Fast: no per-point parsing.
   */
  static regular(start: Date | string | number, freqUs: number, values: Float64Array, options: TimeOptions = {}): Series {
    const tz = options.tz ?? null;
    checkLocalizeOptions(options);
    const t0 = toMicros(start, tz, options.unit ?? 'ms', { nonexistent: options.nonexistent ?? 'raise', ambiguous: options.ambiguous ?? 'raise' });
    const us = new Float64Array(values.length);
    for (let i = 0; i < us.length; i++) us[i] = t0 + i * freqUs;
    return new Series({
      index: new DatetimeIndex(us, { tz, freq: options.freq ?? null, name: options.indexName ?? null }),
      values,
      name: options.name ?? null,
      dtype: options.dtype ?? 'float64',
    });
  }

  /** A series over a RangeIndex 0…n-1 (or a numeric/string index when given). */
  static fromValues(values: ArrayLike<unknown>, options: { name?: string | null; dtype?: string; index?: Index } = {}): Series {
    const dtype = options.dtype ?? inferDtype(values);
    return new Series({
      index: options.index ?? new RangeIndex(0, values.length),
      values: toValues(values, dtype),
      name: options.name ?? null,
      dtype,
    });
  }

  /** A numeric (int64/float64) index series. */
  static fromNumbers(keys: ArrayLike<number>, values: ArrayLike<unknown>, options: { name?: string | null; dtype?: string; indexDtype?: 'int64' | 'float64' } = {}): Series {
    return Series.fromValues(values, { ...options, index: new NumericIndex(Float64Array.from(keys), options.indexDtype ?? 'float64') });
  }

  /** A string-keyed series. */
  static fromLabels(keys: readonly string[], values: ArrayLike<unknown>, options: { name?: string | null; dtype?: string } = {}): Series {
    return Series.fromValues(values, { ...options, index: new StringIndex([...keys]) });
  }

  /** An empty series (meteaudata's default: object dtype). */
  static empty(name: string | null = null, dtype = 'object'): Series {
    return new Series({ index: new RangeIndex(0, 0), values: toValues([], dtype), name, dtype });
  }

  get length(): number {
    return this.values.length;
  }

  /** The datetime index, or an INVALID_INPUT error naming the series and its index kind. */
  datetimeIndex(operation = 'This operation'): DatetimeIndex {
    if (this.index.kind !== 'datetime') {
      throw invalidInput(`${operation} needs a datetime index, but series ${show(this.name)} has a ${this.index.kind} index`);
    }
    return this.index;
  }

  /** Throw unless the index ascends (duplicates allowed unless `strict`). */
  requireSorted(operation = 'This operation', strict = false): void {
    const order = this.index.orderInfo();
    if (!order.sorted || (strict && !order.strictlySorted)) {
      throw invalidInput(
        `${operation} needs a ${strict ? 'strictly increasing (no duplicates)' : 'sorted'} index, but series ${show(this.name)} has ${order.sorted ? 'duplicate' : 'unsorted'} timestamps; sort it first (series.sortByIndex())`,
      );
    }
  }

  valueAt(i: number): number | boolean | string | null {
    return valueAt(this.values, i);
  }

  /** Positional slice [start, end), a view. Negative positions count from the end. */
  slice(start = 0, end = this.length): Series {
    const n = this.length;
    const s = clamp(start < 0 ? n + start : start, n);
    const e = Math.max(s, clamp(end < 0 ? n + end : end, n));
    return new Series({ index: this.index.slice(s, e), values: sliceValues(this.values, s, e), name: this.name, dtype: this.dtype });
  }

  /**
   * Label slice, both ends inclusive (pandas `.loc[from:to]`); partial date strings
   * cover their whole period. Either end may be null (open). Needs a sorted index.
   */
  between(from: Date | string | number | null, to: Date | string | number | null, options: { unit?: EpochUnit } = {}): Series {
    const [s, e] = this.positionsBetween(from, to, options.unit);
    return this.slice(s, e);
  }

  /** Positions [start, end) of a label slice; see `between`. */
  positionsBetween(from: Date | string | number | null, to: Date | string | number | null, unit: EpochUnit = 'ms'): [number, number] {
    this.requireSorted('A label slice');
    const index = this.index;
    if (index.kind === 'string') {
      const keys = index.values;
      const lo = from === null ? 0 : keys.findIndex((k) => k >= String(from));
      let hi = keys.length;
      if (to !== null) { hi = 0; while (hi < keys.length && keys[hi]! <= String(to)) hi++; }
      return [lo < 0 ? keys.length : lo, Math.max(lo < 0 ? keys.length : lo, hi)];
    }
    let lo = -Infinity, hi = Infinity;
    if (index.kind === 'datetime') {
      if (from !== null) lo = labelPeriod(from, index.tz, unit)[0];
      if (to !== null) hi = labelPeriod(to, index.tz, unit)[1];
    } else {
      if (from !== null) lo = numericLabel(from);
      if (to !== null) hi = numericLabel(to);
    }
    return index.positionsBetween(lo, hi, true);
  }

  rename(name: string | null): Series {
    return new Series({ index: this.index, values: this.values, name, dtype: this.dtype });
  }

  withValues(values: Values, dtype?: string): Series {
    return new Series({ index: this.index, values, name: this.name, dtype: dtype ?? defaultDtype(values) });
  }

  withIndex(index: Index): Series {
    return new Series({ index, values: this.values, name: this.name, dtype: this.dtype });
  }

  withIndexName(name: string | null): Series {
    return this.withIndex(renameIndex(this.index, name));
  }

  /** A copy sorted by index (stable, so duplicates keep their order). */
  sortByIndex(): Series {
    if (this.index.orderInfo().sorted) return this;
    const order = Array.from({ length: this.length }, (_, i) => i);
    const index = this.index;
    if (index.kind === 'string') order.sort((a, b) => (index.values[a]! < index.values[b]! ? -1 : index.values[a]! > index.values[b]! ? 1 : a - b));
    else {
      const keys = index.values;
      order.sort((a, b) => keys[a]! - keys[b]! || a - b);
    }
    return this.take(order, true);
  }

  /** Select positions (copies). The result drops a frequency since gaps may appear. */
  take(positions: ArrayLike<number>, dropFreq = true): Series {
    const n = positions.length;
    const index = this.index;
    let newIndex: Index;
    if (index.kind === 'string') newIndex = new StringIndex(Array.from({ length: n }, (_, i) => index.values[positions[i]!]!), index.name);
    else {
      const keys = index.values;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = keys[positions[i]!]!;
      newIndex = index.kind === 'datetime' ? index.with({ values: out, freq: dropFreq ? null : index.freq })
        : new NumericIndex(out, index.kind === 'range' ? 'int64' : index.dtype, index.name);
    }
    const v = this.values;
    let values: Values;
    if (v instanceof Float64Array || v instanceof Uint8Array) {
      const out = v instanceof Float64Array ? new Float64Array(n) : new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = v[positions[i]!]!;
      values = out;
    } else values = Array.from({ length: n }, (_, i) => v[positions[i]!] ?? null);
    return new Series({ index: newIndex, values, name: this.name, dtype: this.dtype });
  }

  /** `{time, value}` records (times as `Date`, millisecond precision) for a datetime index. */
  toRecords(): { time: Date; value: number | boolean | string | null }[] {
    const index = this.datetimeIndex('toRecords');
    return Array.from({ length: this.length }, (_, i) => ({ time: index.dateAt(i), value: this.valueAt(i) }));
  }

  /** Exact equality of name, dtype, index (kind, keys, zone, frequency) and values (NaN = NaN, -0 ≠ 0). */
  equals(other: Series): boolean {
    return this.name === other.name && this.dtype === other.dtype && indexEquals(this.index, other.index) && valuesEqual(this.values, other.values);
  }

  toString(): string {
    return `Series(${show(this.name)}, ${this.length} × ${this.dtype}, ${this.index.kind} index)`;
  }
}

function clamp(i: number, n: number): number {
  return Math.min(Math.max(i, 0), n);
}

function numericLabel(label: unknown): number {
  const x = typeof label === 'number' ? label : Number(label);
  if (Number.isNaN(x)) throw invalidInput(`Invalid numeric label ${show(label)}`);
  return x;
}

function defaultDtype(values: Values): string {
  return values instanceof Float64Array ? 'float64' : values instanceof Uint8Array ? 'bool' : 'object';
}

export function valuesEqual(a: Values, b: Values): boolean {
  if (a.length !== b.length || storageOfValues(a) !== storageOfValues(b)) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

export function indexEquals(a: Index, b: Index): boolean {
  if (a.name !== b.name || a.length !== b.length) return false;
  if (a.kind === 'range' && b.kind === 'range') return a.length === 0 || (a.start === b.start && a.step === b.step);
  if (a.kind !== b.kind) return false;
  if (a.kind === 'datetime' && b.kind === 'datetime') {
    if (a.tz !== b.tz || a.freqstr !== b.freqstr) return false;
  }
  if (a.kind === 'numeric' && b.kind === 'numeric' && a.dtype !== b.dtype) return false;
  const av = a.values, bv = b.values;
  for (let i = 0; i < av.length; i++) if (!sameValue(av[i], bv[i])) return false;
  return true;
}

/** A deep copy whose arrays share nothing with `series` (for stores that must not alias caller memory). */
export function copySeries(series: Series): Series {
  const index = series.index;
  const v = series.values;
  const values = v instanceof Float64Array ? v.slice() : v instanceof Uint8Array ? v.slice() : [...v];
  const copiedIndex: Index = index.kind === 'datetime' ? index.with({ values: index.values.slice() })
    : index.kind === 'numeric' ? new NumericIndex(index.values.slice(), index.dtype, index.name)
    : index.kind === 'string' ? new StringIndex([...index.values], index.name)
    : index;
  return new Series({ index: copiedIndex, values, name: series.name, dtype: series.dtype });
}
