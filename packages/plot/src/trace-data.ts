import {
  MetaseriesError, ProcessingType, type Series, type TimeInput, type TimeSeries,
} from '@metaseries/core';
import {
  fixedDurationUs, labelPeriod, parseFrequency, utcToWall,
} from '@metaseries/core/backend-kit';
import { type KeyRangeMicros as KeyRange, loadTimeSeriesKeyRange, sliceByKeyRange, toIndexKey } from '@metaseries/core/backend-kit';
import { minMaxDecimate } from './decimate.js';

/** A time bound: core's one boundary type — Date, ISO text (pandas partial periods: `"2014-07"` is all of July), or epoch ms. */
export type { TimeInput };

export type XType = 'time' | 'number' | 'category';

/** The points one trace shows, already shifted, zoned and reduced for display. */
export interface TraceData {
  /** Time: the data's local wall clock as epoch ms read as UTC; number: index values; category: labels. */
  x: Float64Array | string[];
  y: Float64Array;
  xType: XType;
  /** Zone the x values are shown in (null for naive or non-time indexes). */
  timeZone: string | null;
  /** Points in the requested range before decimation. */
  sourcePoints: number;
  /** How the points were reduced: none, min/max per column in memory, or min/max aggregates read from the store. */
  reduction: 'none' | 'min-max' | 'store-min-max';
  /** Prediction shift applied, in steps (Σ step_distance of PREDICTION steps). */
  shiftSteps: number;
}

export interface ReadOptions {
  /** Markers only (no line between points): decimation keeps min and max per column, not the column ends. */
  markersOnly?: boolean;
  start?: TimeInput | null;
  end?: TimeInput | null;
  /** Pixel columns available; beyond 4 points per column the series is decimated. */
  columns: number;
}

/**
 * The displayable points of a series in [start, end]. A loaded series is sliced and
 * decimated in memory; a series whose values live in a store is never loaded whole:
 * it is counted, then either range-read (small enough) or read as per-column min/max
 * aggregates computed by the store.
 */
export async function readTraceData(ts: TimeSeries, options: ReadOptions): Promise<TraceData> {
  const meta = ts.indexMetadata;
  const isTime = meta.type === 'DatetimeIndex';
  const tz = isTime ? meta.zone : null;
  const range = keyRange(ts, options);
  const shiftSteps = ts.processingSteps.filter((s) => s.type === ProcessingType.PREDICTION).reduce((n, s) => n + s.stepDistance, 0);
  let series: Series;
  let reduction: TraceData['reduction'] = 'none';
  let sourcePoints: number;
  if (ts.isLoaded) {
    series = range ? sliceByKeyRange(ts.series, range) : ts.series;
    sourcePoints = series.length;
  } else {
    // Without a range the store's statistics give the count (no scan where it keeps them).
    const counted = range ? await countPoints(ts, range) : await ts.extent().then((e) => e.length, () => countPoints(ts, null));
    if (counted === null) {
      // No aggregation on this index (string labels): small by nature, read it.
      series = range ? await loadRangeKeys(ts, range) : await ts.load();
      sourcePoints = series.length;
    } else if (counted <= options.columns * 4) {
      series = range ? await loadRangeKeys(ts, range) : await ts.load();
      sourcePoints = counted;
    } else {
      const ext = await keyExtent(ts);
      const spacing = ext.length > 1 && ext.first !== null && ext.last !== null ? (ext.last - ext.first) / (ext.length - 1) : 0;
      const delta = shiftSteps === 0 ? 0 : stepSize(ts, spacing);
      const reduced = await storeMinMax(ts, { from: range?.from ?? ext.first ?? 0, to: range?.to ?? ext.last ?? 0 }, options.columns, (k) => toX(k + delta * shiftSteps, isTime, tz)).catch((e: unknown) => {
        if (e instanceof MetaseriesError && e.code === 'UNSUPPORTED') return null;
        throw e;
      });
      if (reduced) return { ...reduced, xType: isTime ? 'time' : 'number', timeZone: tz, sourcePoints: counted, reduction: 'store-min-max', shiftSteps };
      // Values or index the store cannot aggregate (text labels): read them.
      series = range ? await loadRangeKeys(ts, range) : await ts.load();
      sourcePoints = series.length;
    }
  }
  const index = series.index;
  if (index.kind === 'string') {
    return { x: [...index.values], y: numeric(series), xType: 'category', timeZone: null, sourcePoints, reduction, shiftSteps };
  }
  let keys: Float64Array = index.kind === 'range' ? Float64Array.from({ length: index.length }, (_, i) => index.start + i * index.step) : index.values;
  let y = numeric(series);
  if (keys.length > options.columns * (options.markersOnly ? 2 : 4)) {
    const d = minMaxDecimate(keys, y, options.columns, { keepEnds: !options.markersOnly });
    keys = d.x; y = d.y;
    reduction = 'min-max';
  }
  const delta = shiftSteps === 0 ? 0 : stepSize(ts, firstSpacing(series));
  const x = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) x[i] = toX(keys[i]! + delta * shiftSteps, isTime, tz);
  return { x, y, xType: isTime ? 'time' : 'number', timeZone: tz, sourcePoints, reduction, shiftSteps };
}

function loadRangeKeys(ts: TimeSeries, range: KeyRange): Promise<Series> {
  return loadTimeSeriesKeyRange(ts, range);
}

/** `ts.extent()` in stored keys (µs for time: Dates carry ms, the bounds only size the buckets). */
async function keyExtent(ts: TimeSeries): Promise<{ length: number; first: number | null; last: number | null }> {
  const { length, first, last } = await ts.extent();
  const key = (v: Date | number | null): number | null => (v === null ? null : v instanceof Date ? v.getTime() * 1000 : v);
  return { length, first: key(first), last: last instanceof Date ? last.getTime() * 1000 + 999 : key(last) };
}

/** A stored-key range as the boundary type: epoch ms for time (widened to whole ms), index values otherwise. */
function boundaryRange(ts: TimeSeries, range: KeyRange): { from?: number; to?: number } {
  if (ts.indexMetadata.type !== 'DatetimeIndex') return range;
  return { ...(range.from === undefined ? {} : { from: Math.floor(range.from / 1000) }), ...(range.to === undefined ? {} : { to: Math.ceil(range.to / 1000) }) };
}

function keyRange(ts: TimeSeries, options: ReadOptions): KeyRange | null {
  const { start, end } = options;
  if (start == null && end == null) return null;
  const isTime = ts.indexMetadata.type === 'DatetimeIndex';
  const tz = ts.indexMetadata.zone;
  const range: KeyRange = {};
  const index = { datetime: isTime, tz };
  if (start != null) range.from = isTime && typeof start === 'string' ? labelPeriod(start, tz)[0] : toIndexKey(start, index, 'plot start');
  if (end != null) range.to = isTime && typeof end === 'string' ? labelPeriod(end, tz)[1] : toIndexKey(end, index, 'plot end');
  return range;
}

function numeric(series: Series): Float64Array {
  const v = series.values;
  if (v instanceof Float64Array) return v;
  return Float64Array.from(v as ArrayLike<unknown>, (x) => (x === null || x === undefined ? Number.NaN : Number(x)));
}

/** Display x of an index key: local wall-clock ms (read as UTC) for time, the key otherwise. */
function toX(key: number, isTime: boolean, tz: string | null): number {
  return isTime ? (tz ? utcToWall(tz, key) : key) / 1000 : key;
}

function firstSpacing(series: Series): number {
  const index = series.index;
  if (index.kind === 'range') return index.step;
  if (index.kind === 'string' || index.length < 2) return 0;
  return index.values[1]! - index.values[0]!;
}

/** One index step: the frequency's fixed duration, else the data's spacing (meteaudata: index[1] − index[0]). */
function stepSize(ts: TimeSeries, spacing: number): number {
  const freq = ts.indexMetadata.frequency;
  if (freq) {
    const us = fixedDurationUs(parseFrequency(freq));
    if (us !== null) return us;
  }
  return spacing;
}

/** Points in range counted by the store, or null when the index cannot be aggregated. */
async function countPoints(ts: TimeSeries, range: KeyRange | null): Promise<number | null> {
  try {
    const counted = await ts.aggregate({ fn: 'count', ...(range ? { range: boundaryRange(ts, range) } : {}) });
    return counted.length === 0 ? 0 : (counted.values as Float64Array)[0]!;
  } catch (e) {
    if (e instanceof MetaseriesError && e.code === 'UNSUPPORTED') return null;
    throw e;
  }
}

/**
 * Per-column min and max computed by the store (`every` = range / columns). The store
 * does not say where in a bucket each extreme lies: min goes to the bucket start and max
 * to its middle — the same pixel column, so the picture is the one full data would give.
 */
async function storeMinMax(ts: TimeSeries, range: KeyRange, columns: number, x: (key: number) => number): Promise<{ x: Float64Array; y: Float64Array }> {
  const from = range.from ?? 0;
  const to = range.to ?? 0;
  const every = Math.max(1, Math.ceil((to - from + 1) / columns));
  // Bucket widths cross the API as pandas frequencies: `<n>us`.
  const request = { every: `${every}us`, range: boundaryRange(ts, { from, to }) };
  const [mins, maxs] = await Promise.all([ts.aggregate({ fn: 'min', ...request }), ts.aggregate({ fn: 'max', ...request })]);
  const keys = (mins.index as { values: Float64Array }).values;
  const lo = mins.values as Float64Array;
  const hi = maxs.values as Float64Array;
  const outX: number[] = [];
  const outY: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (Number.isNaN(lo[i]!)) continue; // an empty bucket (pandas keeps them, NaN)
    outX.push(x(keys[i]!), x(keys[i]! + every / 2));
    outY.push(lo[i]!, hi[i]!);
  }
  return { x: Float64Array.from(outX), y: Float64Array.from(outY) };
}
