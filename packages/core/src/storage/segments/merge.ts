import { invalidInput, show } from '../../errors.js';
import type { Series } from '../../series/series.js';
import { lowerBound, upperBound } from '../../series/indexes.js';
import { formatTimestamp } from '../../series/timestamp.js';
import { fixedDurationUs, parseFrequency, type Frequency } from '../../series/frequency.js';
import { firstOffFrequency } from '../../series/frequency-check.js';
import { concatSegments, type SeriesLayout } from './layout.js';

/**
 * The point-level merges of append, update and deleteRange, written once: the
 * SegmentStore applies them to the few segments a write touches, and `Storage`'s
 * fallback for legacy backends applies them to the whole loaded series.
 */

/** A key as a user reads it: a timestamp in the index's zone, or the number. */
export function showKey(layout: SeriesLayout, key: number): string {
  return layout.indexKind === 'datetime' ? formatTimestamp(key, layout.tz) : String(key);
}

/** Throw unless `series` can be merged into a stored series of `layout`. */
export function checkMergeable(layout: SeriesLayout, series: Series, key: string, operation: string): void {
  if (!layout.keyed) {
    throw invalidInput(`${operation} on ${show(key)} needs a sorted datetime, numeric or range index; the stored series has a ${layout.indexKind === 'string' ? 'string' : 'unsorted'} index (use save to replace it)`);
  }
  const kind = series.index.kind;
  const sameKind = kind === layout.indexKind || ((kind === 'range' || kind === 'numeric') && (layout.indexKind === 'range' || layout.indexKind === 'numeric'));
  if (!sameKind) throw invalidInput(`${operation} on ${show(key)}: the new points have a ${kind} index but the stored series has a ${layout.indexKind} index`);
  if (kind === 'datetime' && series.index.kind === 'datetime' && series.index.tz !== layout.tz) {
    throw invalidInput(`${operation} on ${show(key)}: the new points are in time zone ${show(series.index.tz)} but the stored series is in ${show(layout.tz)}`);
  }
  const keyDtype = series.index.kind === 'range' ? 'int64' : series.index.kind === 'numeric' ? series.index.dtype : null;
  if (keyDtype !== null && layout.indexDtype !== null && keyDtype !== layout.indexDtype) {
    throw invalidInput(`${operation} on ${show(key)}: the new points have ${keyDtype} index keys but the stored series has ${layout.indexDtype} keys`);
  }
  if (series.dtype !== layout.dtype) {
    throw invalidInput(`${operation} on ${show(key)}: the new points have dtype ${show(series.dtype)} but the stored series has ${show(layout.dtype)}`);
  }
  series.requireSorted(`${operation} on ${show(key)}`);
}

/** Throw unless every new point comes strictly after `lastKey` (the stored series' last key). */
export function checkAfter(layout: SeriesLayout, lastKey: number | null, series: Series, key: string): void {
  if (lastKey === null || series.length === 0) return;
  const first = series.index.values[0] as number;
  if (first <= lastKey) {
    throw invalidInput(
      `append to ${show(key)}: the point at ${showKey(layout, first)} is not after the last stored point (${showKey(layout, lastKey)}); ` +
        'append adds points after the stored ones only — use update() to replace stored points',
    );
  }
}

/** Points of `stored` with keys < from, then `insert`, then points with keys > to. */
export function spliceRange(stored: Series, from: number, to: number, insert: Series | null, layout: SeriesLayout): Series {
  const keys = stored.index.values as Float64Array;
  const lo = lowerBound(keys, from);
  const hi = Math.max(lo, upperBound(keys, to));
  const parts = [stored.slice(0, lo), ...(insert ? [insert] : []), stored.slice(hi)].filter((p) => p.length > 0);
  return concatSegments(parts.length ? parts : [stored.slice(0, 0)], layout);
}

/**
 * The layout a merged version keeps: a datetime frequency survives only if the new points
 * share it and the merged keys stay on its grid (pandas drops `freq` from an index with a
 * gap). Without the grid check an append after a gap kept the frequency, and every later
 * load failed its frequency check. `stored` is the stored version's first and last key.
 */
export function mergedLayout(layout: SeriesLayout, series: Series | null, stored?: { first: number | null; last: number | null }): SeriesLayout {
  if (layout.indexKind !== 'datetime') return layout;
  const freq = series && series.index.kind === 'datetime' ? series.index.freqstr : null;
  if (freq !== layout.freq) return { ...layout, freq: null };
  if (freq === null || !series || series.length === 0 || !stored || stored.first === null || stored.last === null) return layout;
  return staysOnGrid(layout, series, stored.first, stored.last, parseFrequency(freq)) ? layout : { ...layout, freq: null };
}

/** Whether `series` (regular on `freq`) merged over stored keys [first, last] (regular too) leaves one grid. */
function staysOnGrid(layout: SeriesLayout, series: Series, first: number, last: number, freq: Frequency): boolean {
  const keys = series.index.values as Float64Array;
  const newFirst = keys[0]!;
  const newLast = keys[keys.length - 1]!;
  const adjacent = (a: number, b: number): boolean => firstOffFrequency(Float64Array.of(a, b), layout.tz, freq) === -1;
  if (newFirst > last) return adjacent(last, newFirst);
  if (newLast < first) return adjacent(newLast, first);
  // Overlapping: on a fixed step the new points must share the stored points' phase; a
  // calendar frequency keeps its grid only when the new points cover the stored ones.
  const step = fixedDurationUs(freq);
  if (step !== null && (freq.unit !== 'D' || layout.tz === null)) return (newFirst - first) % step === 0;
  return newFirst <= first && newLast >= last;
}
