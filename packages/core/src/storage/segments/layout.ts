import { MetaseriesError, show } from '../../errors.js';
import { DatetimeIndex, type Index, NumericIndex, RangeIndex, StringIndex } from '../../series/indexes.js';
import { Series } from '../../series/series.js';
import { storageOf, type Values } from '../../series/values.js';

/**
 * What core needs, beside the points, to rebuild a stored `Series` (kept in each
 * version record as `layout`): index kind, zone, frequency, names, dtypes.
 */
export interface SeriesLayout {
  indexKind: 'datetime' | 'range' | 'numeric' | 'string';
  tz: string | null;
  freq: string | null;
  indexName: string | null;
  /** Numeric index dtype (`int64`/`float64`); range indexes are int64. */
  indexDtype: 'int64' | 'float64' | null;
  name: string | null;
  dtype: string;
  /**
   * Whether segment keys are index keys (sorted numeric/datetime/range index) or
   * positions (string or unsorted index: such versions support save and load only).
   */
  keyed: boolean;
}

export function layoutOf(series: Series): SeriesLayout {
  const index = series.index;
  return {
    indexKind: index.kind,
    tz: index.kind === 'datetime' ? index.tz : null,
    freq: index.kind === 'datetime' ? index.freqstr : null,
    indexName: index.name,
    indexDtype: index.kind === 'numeric' ? index.dtype : index.kind === 'range' ? 'int64' : null,
    name: series.name,
    dtype: series.dtype,
    keyed: index.kind !== 'string' && index.orderInfo().sorted && finiteEnds(index.values),
  };
}

/** Sorted keys are all finite when both ends are (±Infinity would not survive the JSON version record). */
function finiteEnds(keys: Float64Array): boolean {
  return keys.length === 0 || (Number.isFinite(keys[0]!) && Number.isFinite(keys[keys.length - 1]!));
}

const KINDS = new Set(['datetime', 'range', 'numeric', 'string']);

/** Read a layout back from a version record, or CORRUPT_DATA. */
export function parseLayout(raw: Record<string, unknown>): SeriesLayout {
  if (!KINDS.has(raw.indexKind as string) || typeof raw.dtype !== 'string') {
    throw new MetaseriesError('CORRUPT_DATA', `Invalid series layout ${show(raw)}`);
  }
  return raw as unknown as SeriesLayout;
}

/** The key of each point as segments see it: index key, or position when not keyed. */
export function keysOf(series: Series, layout: SeriesLayout, positionOffset = 0): Float64Array {
  if (layout.keyed && series.index.kind !== 'string') return series.index.values;
  return Float64Array.from({ length: series.length }, (_, i) => positionOffset + i);
}

/** Build an index of `layout` over decoded keys (or labels for a string index). */
export function buildIndex(layout: SeriesLayout, keys: Float64Array | readonly string[] | { start: number; step: number; count: number }): Index {
  if ('step' in keys) return new RangeIndex(keys.start, keys.start + keys.count * keys.step, keys.step, layout.indexName);
  if (layout.indexKind === 'string') return new StringIndex(keys as readonly string[], layout.indexName);
  const values = keys as Float64Array;
  if (layout.indexKind === 'datetime') return new DatetimeIndex(values, { tz: layout.tz, freq: layout.freq, name: layout.indexName });
  if (layout.indexKind === 'range') return rangeOrNumeric(values, layout.indexName);
  return new NumericIndex(values, layout.indexDtype ?? 'float64', layout.indexName);
}

/** A RangeIndex when the keys are still an arithmetic progression of integers, else int64 keys. */
function rangeOrNumeric(values: Float64Array, name: string | null): Index {
  const n = values.length;
  if (n === 0) return new RangeIndex(0, 0, 1, name);
  const step = n > 1 ? values[1]! - values[0]! : 1;
  let regular = step !== 0 && Number.isSafeInteger(step) && Number.isSafeInteger(values[0]!);
  for (let i = 2; regular && i < n; i++) if (values[i]! - values[i - 1]! !== step) regular = false;
  return regular ? new RangeIndex(values[0]!, values[0]! + n * step, step, name) : new NumericIndex(values, 'int64', name);
}

/** Concatenate segments (already in order) into one series of `layout`. */
export function concatSegments(parts: readonly Series[], layout: SeriesLayout): Series {
  if (parts.length === 1) return withLayout(parts[0]!, layout);
  const total = parts.reduce((a, p) => a + p.length, 0);
  let index: Index;
  if (layout.indexKind === 'string') {
    const labels: string[] = [];
    for (const p of parts) labels.push(...(p.index as StringIndex).values);
    index = buildIndex(layout, labels);
  } else {
    const keys = new Float64Array(total);
    let at = 0;
    for (const p of parts) {
      keys.set(p.index.values as Float64Array, at);
      at += p.length;
    }
    index = buildIndex(layout, keys);
  }
  return new Series({ index, values: concatValues(parts.map((p) => p.values), layout.dtype, total), name: layout.name, dtype: layout.dtype });
}

export function concatValues(parts: readonly Values[], dtype: string, total = parts.reduce((a, p) => a + p.length, 0)): Values {
  const storage = storageOf(dtype);
  if (storage === 'number' || storage === 'bool') {
    const out = storage === 'number' ? new Float64Array(total) : new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      // typed-array set copies element bits (NaN payloads kept)
      (out as Float64Array).set(p as Float64Array, at);
      at += p.length;
    }
    return out;
  }
  const out: (string | null)[] = [];
  for (const p of parts) for (const v of p as readonly (string | null)[]) out.push(v);
  return out;
}

/** Re-label one decoded part with the layout's names, zone and frequency. */
function withLayout(s: Series, layout: SeriesLayout): Series {
  const index = s.index.kind === 'range' || layout.indexKind !== 'range' ? s.index : buildIndex(layout, s.index.values as Float64Array);
  if (index.kind === 'datetime') {
    const fixed = index.with({ tz: layout.tz, freq: layout.freq, name: layout.indexName });
    return new Series({ index: fixed, values: s.values, name: layout.name, dtype: layout.dtype });
  }
  return new Series({ index, values: s.values, name: layout.name, dtype: layout.dtype });
}
