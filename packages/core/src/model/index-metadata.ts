import { MetaseriesError, invalidInput, show } from '../errors.js';
import { formatFrequency, parseFrequency } from '../series/frequency.js';
import { DatetimeIndex, type Index, NumericIndex, RangeIndex, StringIndex } from '../series/indexes.js';
import { parseTimestampText, resolveParsed } from '../series/timestamp.js';
import { canonicalJson } from './canonical.js';
import type { IndexMetadataDict } from '../wire.js';

const DATETIME_DTYPE = /^datetime64\[(ns|us|ms|s)(?:,\s*(.+))?\]$/;

/**
 * Describes an index so it can be rebuilt after CSV, Parquet or SQL
 * (meteaudata's `IndexMetadata`, all 11 fields).
 */
export class IndexMetadata {
  readonly type: string;
  readonly name: string | null;
  readonly frequency: string | null;
  readonly timeZone: string | null;
  readonly closed: string | null;
  readonly categories: unknown[] | null;
  readonly ordered: boolean | null;
  readonly start: number | null;
  readonly end: number | null;
  readonly step: number | null;
  readonly dtype: string;

  constructor(d: IndexMetadataDict) {
    this.type = d.type;
    this.name = d.name ?? null;
    this.frequency = d.frequency ?? null;
    this.timeZone = d.time_zone ?? null;
    this.closed = d.closed ?? null;
    this.categories = d.categories ?? null;
    this.ordered = d.ordered ?? null;
    this.start = d.start ?? null;
    this.end = d.end ?? null;
    this.step = d.step ?? null;
    this.dtype = d.dtype;
  }

  /** What pandas' `extract_index_metadata` records for this index. */
  static fromIndex(index: Index): IndexMetadata {
    const base: IndexMetadataDict = {
      type: 'Index', name: index.name, frequency: null, time_zone: null, closed: null, categories: null,
      ordered: null, start: null, end: null, step: null, dtype: index.dtype,
    };
    switch (index.kind) {
      case 'datetime':
        return new IndexMetadata({ ...base, type: 'DatetimeIndex', frequency: index.freq ? formatFrequency(index.freq) : null, time_zone: index.tz });
      case 'range':
        return new IndexMetadata({ ...base, type: 'RangeIndex', start: index.start, end: index.stop, step: index.step });
      default:
        return new IndexMetadata(base);
    }
  }

  toDict(): IndexMetadataDict {
    return {
      type: this.type, name: this.name, frequency: this.frequency, time_zone: this.timeZone, closed: this.closed,
      categories: this.categories, ordered: this.ordered, start: this.start, end: this.end, step: this.step, dtype: this.dtype,
    };
  }

  /** Read leniently: missing keys are null. */
  static fromDict(d: Partial<IndexMetadataDict> | null | undefined): IndexMetadata {
    if (!d || typeof d !== 'object') throw invalidInput(`index_metadata must be a mapping, got ${show(d)}`);
    return new IndexMetadata({
      type: String(d.type ?? 'Index'), name: d.name == null ? null : String(d.name), frequency: d.frequency ?? null,
      time_zone: d.time_zone ?? null, closed: d.closed ?? null, categories: d.categories ?? null, ordered: d.ordered ?? null,
      start: d.start == null ? null : Number(d.start), end: d.end == null ? null : Number(d.end), step: d.step == null ? null : Number(d.step),
      dtype: String(d.dtype ?? 'object'),
    });
  }

  /** The zone of a datetime index: `time_zone`, or the one inside `dtype` (`datetime64[ns, UTC]`). */
  get zone(): string | null {
    return this.timeZone ?? DATETIME_DTYPE.exec(this.dtype)?.[2]?.trim() ?? null;
  }

  /**
   * Rebuild the index from raw keys read back from storage: strings (CSV, SQL text) or
   * numbers (epoch microseconds for datetime). Unlike Python, the frequency is attached
   * to the keys as read — no rows are invented, the zone name is kept, and series that
   * cross a DST change load fine.
   */
  rebuildIndex(raw: readonly (string | number)[] | Float64Array): Index {
    const n = raw.length;
    const type = this.type;
    if (type === 'DatetimeIndex' || DATETIME_DTYPE.test(this.dtype)) {
      const tz = this.zone;
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const r = raw[i]!;
        if (typeof r === 'number') { values[i] = r; continue; }
        const parsed = parseTimestampText(r.trim());
        if (!parsed) throw new MetaseriesError('CORRUPT_DATA', `Index value ${show(r)} at row ${i} is not a timestamp (index_metadata says ${type})`);
        values[i] = resolveParsed(parsed, tz);
      }
      // Keep the unit pandas wrote (`datetime64[us]` from pandas 3, `[ns]` from pandas 2), so
      // the series and every step after it say what was read.
      const unit = (DATETIME_DTYPE.exec(this.dtype)?.[1] ?? 'ns') as 'ns' | 'us' | 'ms' | 's';
      return new DatetimeIndex(values, { tz, freq: this.frequency ? parseFrequency(this.frequency) : null, name: this.name, unit });
    }
    if (type === 'RangeIndex') {
      if (this.start === null || this.end === null) throw new MetaseriesError('CORRUPT_DATA', 'RangeIndex metadata lacks start or end');
      const index = new RangeIndex(this.start, this.end, this.step ?? 1, this.name);
      if (index.length !== n) return new NumericIndex(toNumbers(raw), 'int64', this.name);
      return index;
    }
    if (/^(u?int|float)\d*$/.test(this.dtype) || type === 'Int64Index' || type === 'Float64Index') {
      const dtype = /int/.test(this.dtype) || type === 'Int64Index' ? 'int64' : 'float64';
      return new NumericIndex(toNumbers(raw), dtype, this.name);
    }
    return new StringIndex(Array.from(raw as ArrayLike<string | number>, String), this.name);
  }

  equals(other: IndexMetadata): boolean {
    return canonicalJson(this.toDict()) === canonicalJson(other.toDict());
  }
}

function toNumbers(raw: readonly (string | number)[] | Float64Array): Float64Array {
  if (raw instanceof Float64Array) return raw;
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    const x = typeof r === 'number' ? r : Number(r);
    if (Number.isNaN(x) && !(typeof r === 'string' && /^nan$/i.test(r.trim()))) {
      throw new MetaseriesError('CORRUPT_DATA', `Index value ${show(r)} at row ${i} is not a number`);
    }
    out[i] = x;
  }
  return out;
}
