import { type Series } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';
import { positiveInteger, requireDatetime } from './common.js';
import { durationUs } from './duration.js';

/** A rolling window: a count of points, or a fixed duration text (`"30min"`). */
export type Window = number | string;

/**
 * Window bounds as pandas' indexers compute them: window `i` holds positions
 * [start[i], end[i]). A count window `w` ends at `i` (or is centred on it with `center`,
 * pandas' FixedWindowIndexer offset `(w − 1) >> 1`); a time window `"30min"` holds the
 * points in (t − 30min, t] (pandas' VariableWindowIndexer, closed='right').
 */
export interface WindowBounds {
  start: Int32Array;
  end: Int32Array;
  /** pandas' default min_periods: the window size for a count window, 1 for a time window. */
  minPeriodsDefault: number;
}

/** Check a window without a series (transform factories validate up front). */
export function checkWindow(window: unknown, what = 'Rolling window'): void {
  if (typeof window === 'number') positiveInteger(window, what);
  else if (typeof window === 'string') durationUs(window, what);
  else throw invalidInput(`${what} must be a positive integer (points) or a duration such as "30min", got ${show(window)}`);
}

export function windowBounds(series: Series, window: Window, center = false, what = 'Rolling window'): WindowBounds {
  const n = series.length;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  if (typeof window === 'number') {
    positiveInteger(window, what);
    const offset = center ? (window - 1) >> 1 : 0;
    for (let i = 0; i < n; i++) {
      const e = i + 1 + offset;
      end[i] = Math.min(n, e);
      start[i] = Math.min(n, Math.max(0, e - window));
    }
    return { start, end, minPeriodsDefault: window };
  }
  if (center) throw invalidInput(`center needs a count window; ${what} is the duration ${show(window)}`);
  const w = durationUs(window, what);
  const index = requireDatetime(series, `A time-based rolling window (${show(window)})`);
  series.requireSorted('A time-based rolling window');
  const t = index.values;
  let s = 0;
  for (let i = 0; i < n; i++) {
    while (t[s]! <= t[i]! - w) s++;
    start[i] = s;
    end[i] = i + 1;
  }
  return { start, end, minPeriodsDefault: 1 };
}

/** minPeriods: a non-negative integer, at most a count window's size. */
export function checkMinPeriods(minPeriods: unknown, window: Window): void {
  if (minPeriods === undefined) return;
  if (typeof minPeriods !== 'number' || !Number.isInteger(minPeriods) || minPeriods < 0) throw invalidInput(`minPeriods must be a non-negative integer, got ${show(minPeriods)}`);
  if (typeof window === 'number' && minPeriods > window) throw invalidInput(`minPeriods ${minPeriods} must be <= window ${window}`);
}
