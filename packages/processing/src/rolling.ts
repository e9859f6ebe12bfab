import { invalidInput, ProcessingType, show, type Series, type Transform } from '@metaseries/core';
import { makeStep, outputName, positiveInteger, requireDatetime, requireNumeric } from './common.js';
import { durationUs } from './duration.js';

export type RollingStatistic = 'mean' | 'median';

export interface RollingOptions {
  /** Fewest non-NaN values a window needs for a result; default: the window size for a count window, 1 for a time window (pandas' defaults). */
  minPeriods?: number;
}

/**
 * Window bounds as pandas computes them: a count window `w` ends at each point and holds
 * the `w` positions before it; a time window `"30min"` holds the points in (t − 30min, t].
 */
function windowBounds(series: Series, window: number | string): { start: Int32Array; minPeriodsDefault: number } {
  const n = series.length;
  const start = new Int32Array(n);
  if (typeof window === 'number') {
    positiveInteger(window, 'Rolling window');
    for (let i = 0; i < n; i++) start[i] = Math.max(0, i - window + 1);
    return { start, minPeriodsDefault: window };
  }
  const w = durationUs(window, 'Rolling window');
  const index = requireDatetime(series, `A time-based rolling window (${show(window)})`);
  series.requireSorted('A time-based rolling window');
  const t = index.values;
  let s = 0;
  for (let i = 0; i < n; i++) {
    while (t[s]! <= t[i]! - w) s++;
    start[i] = s;
  }
  return { start, minPeriodsDefault: 1 };
}

function checkMinPeriods(minPeriods: unknown, window: number | string): void {
  if (minPeriods === undefined) return;
  if (typeof minPeriods !== 'number' || !Number.isInteger(minPeriods) || minPeriods < 0) throw invalidInput(`minPeriods must be a non-negative integer, got ${show(minPeriods)}`);
  if (typeof window === 'number' && minPeriods > window) throw invalidInput(`minPeriods ${minPeriods} must be <= window ${window}`);
}

/**
 * pandas' rolling mean: running Kahan-compensated sums with the same add/remove order,
 * the same "all values equal" and sign guards, so results match `Series.rolling().mean()`.
 */
function rollingMeanKernel(v: Float64Array, start: Int32Array, minp: number): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  let nobs = 0, sum = 0, neg = 0, compAdd = 0, compRemove = 0, same = 0, prev = Number.NaN;
  const add = (x: number): void => {
    if (x !== x) return;
    nobs++;
    const y = x - compAdd;
    const t = sum + y;
    compAdd = t - sum - y;
    sum = t;
    if (x < 0) neg++;
    if (x === prev) same++;
    else same = 1;
    prev = x;
  };
  const remove = (x: number): void => {
    if (x !== x) return;
    nobs--;
    const y = -x - compRemove;
    const t = sum + y;
    compRemove = t - sum - y;
    sum = t;
    if (x < 0) neg--;
  };
  for (let i = 0; i < n; i++) {
    const s = start[i]!;
    if (i === 0 || s >= i) {
      // A window that shares nothing with the previous one starts afresh (as pandas' Cython kernel).
      nobs = 0; sum = 0; neg = 0; compAdd = 0; compRemove = 0;
      prev = v[s]!;
      same = 0;
      for (let j = s; j <= i; j++) add(v[j]!);
    } else {
      for (let j = start[i - 1]!; j < s; j++) remove(v[j]!);
      add(v[i]!);
    }
    let r = Number.NaN;
    if (nobs >= minp && nobs > 0) {
      r = sum / nobs;
      if (same >= nobs) r = prev;
      else if (neg === 0 && r < 0) r = 0;
      else if (neg === nobs && r > 0) r = 0;
    }
    out[i] = r;
  }
  return out;
}

/** Rolling median: a sorted buffer of the window's non-NaN values (mean of the middle two when even). */
function rollingMedianKernel(v: Float64Array, start: Int32Array, minp: number): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  let widest = 0;
  for (let i = 0; i < n; i++) widest = Math.max(widest, i - start[i]! + 1);
  const buf = new Float64Array(widest);
  let m = 0;
  const find = (x: number): number => {
    let lo = 0, hi = m;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (buf[mid]! < x) lo = mid + 1; else hi = mid; }
    return lo;
  };
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      for (let j = start[i - 1]!; j < start[i]!; j++) {
        const x = v[j]!;
        if (x !== x) continue;
        const p = find(x);
        buf.copyWithin(p, p + 1, m);
        m--;
      }
    }
    const lo = i === 0 ? start[0]! : i;
    for (let j = lo; j <= i; j++) {
      const x = v[j]!;
      if (x !== x) continue;
      const p = find(x);
      buf.copyWithin(p + 1, p, m);
      buf[p] = x;
      m++;
    }
    const h = m >> 1;
    out[i] = m === 0 || m < minp ? Number.NaN : m % 2 === 1 ? buf[h]! : (buf[h - 1]! + buf[h]!) / 2;
  }
  return out;
}

/**
 * pandas `series.rolling(window, min_periods).mean()` / `.median()`: `window` is a count
 * of points or a duration text (`"30min"`, on a sorted datetime index). NaN values are
 * skipped; a window with fewer than `minPeriods` values gives NaN.
 *
 * @example rollingSeries(s, 5, 'mean')
 * @example rollingSeries(s, '30min', 'median')
 */
export function rollingSeries(series: Series, window: number | string, statistic: RollingStatistic, options: RollingOptions = {}): Series {
  checkMinPeriods(options.minPeriods, window);
  const v = requireNumeric(series, `rolling ${statistic}`);
  const { start, minPeriodsDefault } = windowBounds(series, window);
  const minp = options.minPeriods ?? minPeriodsDefault;
  const out = statistic === 'mean' ? rollingMeanKernel(v, start, minp) : rollingMedianKernel(v, start, minp);
  return series.withValues(out, 'float64');
}

function rolling(statistic: RollingStatistic, window: number | string, options: RollingOptions, fn: (...args: never[]) => unknown): Transform<unknown> {
  if (typeof window === 'number') positiveInteger(window, 'Rolling window');
  else durationUs(window, 'Rolling window');
  checkMinPeriods(options.minPeriods, window);
  const suffix = `ROLLING-${statistic.toUpperCase()}`;
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.SMOOTHING,
      description: `Rolling-window ${statistic} over ${typeof window === 'number' ? `${window} points` : `a ${window} time window`} (pandas rolling semantics, NaN skipped)`,
      suffix,
      name: `rolling_${statistic}`,
      fn,
      parameters: { window, min_periods: options.minPeriods ?? null },
      inputs,
    });
    return inputs.map((s) => ({ series: rollingSeries(s, window, statistic, options).rename(outputName(s, suffix)), steps: [step] }));
  };
}

/**
 * Rolling-mean smoothing: SMOOTHING step, suffix `ROLLING-MEAN`, parameters `{window, min_periods}`.
 * @example await signal.process(['A#1_RAW#1'], rollingMean('30min'))   // A#1_ROLLING-MEAN#1
 */
export function rollingMean(window: number | string, options: RollingOptions = {}): Transform<unknown> {
  return rolling('mean', window, options, rollingMean);
}

/**
 * Rolling-median smoothing: SMOOTHING step, suffix `ROLLING-MEDIAN`, parameters `{window, min_periods}`.
 * @example await signal.process(['A#1_RAW#1'], rollingMedian(5))   // A#1_ROLLING-MEDIAN#1
 */
export function rollingMedian(window: number | string, options: RollingOptions = {}): Transform<unknown> {
  return rolling('median', window, options, rollingMedian);
}
