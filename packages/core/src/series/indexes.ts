import { invalidInput, show } from '../errors.js';
import { checkTimeZone } from './timezone.js';
import { type Frequency, formatFrequency, parseFrequency } from './frequency.js';
import { firstOffFrequency, inferFrequency } from './frequency-check.js';
import { formatTimestamp, type Micros } from './timestamp.js';

/** The unit of a pandas datetime64 dtype: pandas 2 defaults to `ns`, pandas 3 to `us`. */
export type DatetimeUnit = 's' | 'ms' | 'us' | 'ns';
const DATETIME_UNITS: readonly DatetimeUnit[] = ['s', 'ms', 'us', 'ns'];

// Set while an index is derived from one already checked (a slice keeps its grid).
let trustedFrequency = false;

/**
 * The four index kinds a meteaudata series can carry. All are immutable; slicing
 * returns views over the same typed array.
 */
export type Index = DatetimeIndex | RangeIndex | NumericIndex | StringIndex;
export type IndexKind = Index['kind'];

/** Result of scanning an index once for order (cached per index). */
export interface OrderInfo {
  sorted: boolean;
  strictlySorted: boolean;
}

function scanOrder(values: ArrayLike<number>): OrderInfo {
  let sorted = true, strict = true;
  for (let i = 1; i < values.length; i++) {
    const a = values[i - 1]!, b = values[i]!;
    if (b < a || Number.isNaN(a) || Number.isNaN(b)) return { sorted: false, strictlySorted: false };
    if (b === a) strict = false;
  }
  return { sorted, strictlySorted: strict };
}

/** First position whose value is ≥ `x` (values sorted ascending). */
export function lowerBound(values: ArrayLike<number>, x: number): number {
  let lo = 0, hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position whose value is > `x` (values sorted ascending). */
export function upperBound(values: ArrayLike<number>, x: number): number {
  let lo = 0, hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

abstract class NumberKeyedIndex {
  abstract readonly values: Float64Array;
  private order: OrderInfo | undefined;

  get length(): number {
    return this.values.length;
  }

  /** Whether the keys ascend (ties allowed); scanned once, then cached. */
  orderInfo(): OrderInfo {
    this.order ??= scanOrder(this.values);
    return this.order;
  }

  /** Positions [start, end) of keys within [from, to] (inclusive ends by default). */
  positionsBetween(from: number, to: number, inclusiveEnd = true): [number, number] {
    const start = lowerBound(this.values, from);
    const end = inclusiveEnd ? upperBound(this.values, to) : lowerBound(this.values, to);
    return [start, Math.max(start, end)];
  }
}

/** Timestamps as epoch microseconds: UTC instants with a zone, wall-clock times without. */
export class DatetimeIndex extends NumberKeyedIndex {
  readonly kind = 'datetime' as const;
  readonly values: Float64Array;
  readonly tz: string | null;
  readonly freq: Frequency | null;
  readonly name: string | null;
  /** The dtype's unit as pandas would report it (`datetime64[ns]`); values are microseconds either way. */
  readonly unit: DatetimeUnit;

  /**
   * `freq` is checked against the keys as pandas does (INVALID_INPUT naming the first key
   * off the grid); `'infer'` takes it from the keys (none when they are irregular).
   */
  constructor(values: Float64Array, options: { tz?: string | null; freq?: Frequency | string | null; name?: string | null; unit?: DatetimeUnit } = {}) {
    super();
    this.values = values;
    this.tz = options.tz == null ? null : checkTimeZone(options.tz);
    this.name = options.name ?? null;
    const unit = options.unit ?? 'ns';
    if (!DATETIME_UNITS.includes(unit)) throw invalidInput(`Datetime unit must be one of s, ms, us, ns; got ${show(unit)}`);
    this.unit = unit;
    if (options.freq === 'infer') {
      this.freq = inferFrequency(values, this.tz);
      return;
    }
    this.freq = options.freq == null ? null : parseFrequency(options.freq);
    if (this.freq !== null && !trustedFrequency) {
      const bad = firstOffFrequency(values, this.tz, this.freq);
      if (bad >= 0) {
        const at = values[bad]!;
        const text = at !== at ? 'NaT' : formatTimestamp(at, this.tz);
        const prev = bad > 0 && values[bad - 1] === values[bad - 1] ? ` after ${formatTimestamp(values[bad - 1]!, this.tz)}` : '';
        throw invalidInput(`Frequency ${show(formatFrequency(this.freq))} does not match the timestamps: ${text} at position ${bad}${prev} is off the grid (pandas refuses such an index); pass freq: 'infer' or null`);
      }
    }
  }

  get freqstr(): string | null {
    return this.freq === null ? null : formatFrequency(this.freq);
  }

  slice(start: number, end: number): DatetimeIndex {
    // A contiguous slice of keys on a grid is on the same grid (for anchored calendar
    // frequencies too: every key of the grid is on its anchor).
    trustedFrequency = true;
    try {
      return new DatetimeIndex(this.values.subarray(start, end), this);
    } finally {
      trustedFrequency = false;
    }
  }

  with(changes: { tz?: string | null; freq?: Frequency | string | null; name?: string | null; values?: Float64Array; unit?: DatetimeUnit }): DatetimeIndex {
    const options = {
      tz: 'tz' in changes ? changes.tz : this.tz,
      freq: 'freq' in changes ? changes.freq : this.freq,
      name: 'name' in changes ? changes.name : this.name,
      unit: changes.unit ?? this.unit,
    };
    // Same keys, same zone and frequency: already checked.
    trustedFrequency = changes.values === undefined && !('tz' in changes) && !('freq' in changes);
    try {
      return new DatetimeIndex(changes.values ?? this.values, options);
    } finally {
      trustedFrequency = false;
    }
  }

  /** A `Date` for position `i` (millisecond precision: Date cannot hold microseconds). */
  dateAt(i: number): Date {
    return new Date(this.values[i]! / 1000);
  }

  /** pandas-style text of position `i` (`2024-03-10 01:00:00-05:00`). */
  textAt(i: number): string {
    return formatTimestamp(this.values[i]!, this.tz);
  }

  get dtype(): string {
    return this.tz === null ? `datetime64[${this.unit}]` : `datetime64[${this.unit}, ${this.tz}]`;
  }
}

/** pandas' RangeIndex: start, stop (exclusive), step; no array behind it. */
export class RangeIndex {
  readonly kind = 'range' as const;
  readonly start: number;
  readonly stop: number;
  readonly step: number;
  readonly name: string | null;
  private cached: Float64Array | undefined;

  constructor(start: number, stop: number, step = 1, name: string | null = null) {
    for (const [label, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
      if (!Number.isSafeInteger(v)) throw invalidInput(`RangeIndex ${label} must be an integer, got ${show(v)}`);
    }
    if (step === 0) throw invalidInput('RangeIndex step must not be 0');
    this.start = start;
    this.stop = stop;
    this.step = step;
    this.name = name;
  }

  get length(): number {
    return Math.max(0, Math.ceil((this.stop - this.start) / this.step));
  }

  /** Materialised keys (made once, on demand). */
  get values(): Float64Array {
    if (!this.cached) {
      const out = new Float64Array(this.length);
      for (let i = 0; i < out.length; i++) out[i] = this.start + i * this.step;
      this.cached = out;
    }
    return this.cached;
  }

  slice(start: number, end: number): RangeIndex {
    const n = this.length;
    const s = Math.min(Math.max(start, 0), n), e = Math.min(Math.max(end, s), n);
    return new RangeIndex(this.start + s * this.step, this.start + e * this.step, this.step, this.name);
  }

  orderInfo(): OrderInfo {
    return { sorted: this.step > 0, strictlySorted: this.step > 0 };
  }

  positionsBetween(from: number, to: number, inclusiveEnd = true): [number, number] {
    if (this.step < 0) throw invalidInput('A RangeIndex with a negative step is not sorted ascending');
    const n = this.length;
    const start = Math.min(n, Math.max(0, Math.ceil((from - this.start) / this.step)));
    const lastIn = inclusiveEnd ? Math.floor((to - this.start) / this.step) : Math.ceil((to - this.start) / this.step) - 1;
    const end = Math.min(n, Math.max(start, lastIn + 1));
    return [start, end];
  }

  withName(name: string | null): RangeIndex {
    return new RangeIndex(this.start, this.stop, this.step, name);
  }

  get dtype(): string {
    return 'int64';
  }
}

/** A plain numeric pandas `Index` (int64 or float64 keys). */
export class NumericIndex extends NumberKeyedIndex {
  readonly kind = 'numeric' as const;
  readonly values: Float64Array;
  readonly dtype: 'int64' | 'float64';
  readonly name: string | null;

  constructor(values: Float64Array, dtype: 'int64' | 'float64' = 'float64', name: string | null = null) {
    super();
    this.values = values;
    this.dtype = dtype;
    this.name = name;
  }

  slice(start: number, end: number): NumericIndex {
    return new NumericIndex(this.values.subarray(start, end), this.dtype, this.name);
  }

  withName(name: string | null): NumericIndex {
    return new NumericIndex(this.values, this.dtype, name);
  }
}

/** A pandas object `Index` of strings. */
export class StringIndex {
  readonly kind = 'string' as const;
  readonly values: readonly string[];
  readonly name: string | null;

  constructor(values: readonly string[], name: string | null = null) {
    this.values = values;
    this.name = name;
  }

  get length(): number {
    return this.values.length;
  }

  slice(start: number, end: number): StringIndex {
    return new StringIndex(this.values.slice(start, end), this.name);
  }

  orderInfo(): OrderInfo {
    let strict = true;
    for (let i = 1; i < this.values.length; i++) {
      if (this.values[i]! < this.values[i - 1]!) return { sorted: false, strictlySorted: false };
      if (this.values[i] === this.values[i - 1]) strict = false;
    }
    return { sorted: true, strictlySorted: strict };
  }

  withName(name: string | null): StringIndex {
    return new StringIndex(this.values, name);
  }

  get dtype(): string {
    return 'object';
  }
}

/** Rename any index. */
export function renameIndex(index: Index, name: string | null): Index {
  return index.kind === 'datetime' ? index.with({ name }) : index.withName(name);
}

/** Key of position `i` as a number (datetime: microseconds), or a string for a string index. */
export function keyAt(index: Index, i: number): number | string {
  return index.kind === 'string' ? index.values[i]! : index.values[i]!;
}

export type { Micros };
