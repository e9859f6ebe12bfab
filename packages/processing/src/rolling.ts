import { ProcessingType, type KernelCheckpoint, type Series, type Transform } from '@metaseries/core';
import { invalidInput, lowerBound, show } from '@metaseries/core/backend-kit';
import { makeStep, outputName, requireNumeric } from './common.js';
import { rollingMedianKernel } from './median.js';
import { rollingCountKernel, rollingExtremeKernel, rollingMeanKernel, rollingSumKernel, rollingVarKernel, type KernelRun } from './rolling-kernels.js';
import { checkMinPeriods, checkWindow, windowBounds, type Window } from './windows.js';
import { capturePositions, decodeState, encodeState } from './kernel-state.js';

export type RollingStatistic = 'mean' | 'median' | 'min' | 'max' | 'sum' | 'std' | 'var' | 'count';
const STATISTICS: readonly RollingStatistic[] = ['mean', 'median', 'min', 'max', 'sum', 'std', 'var', 'count'];

export interface RollingOptions {
  /** Fewest non-NaN values a window needs for a result; default: the window size for a count window, 1 for a time window (pandas' defaults). */
  minPeriods?: number;
  /** Centre a count window on each point (pandas `center=True`); default false (trailing). */
  center?: boolean;
}

function kernel(statistic: RollingStatistic, v: Float64Array, start: Int32Array, end: Int32Array, minp: number): Float64Array {
  switch (statistic) {
    case 'mean': return rollingMeanKernel(v, start, end, minp);
    case 'median': return rollingMedianKernel(v, start, end, minp);
    case 'min': return rollingExtremeKernel(v, start, end, minp, false);
    case 'max': return rollingExtremeKernel(v, start, end, minp, true);
    case 'sum': return rollingSumKernel(v, start, end, minp);
    case 'std': return rollingVarKernel(v, start, end, minp, 1, true);
    case 'var': return rollingVarKernel(v, start, end, minp, 1, false);
    case 'count': return rollingCountKernel(v, start, end, minp);
  }
}

function checkStatistic(statistic: unknown): asserts statistic is RollingStatistic {
  if (!STATISTICS.includes(statistic as RollingStatistic)) throw invalidInput(`Unknown rolling statistic ${show(statistic)}; expected one of ${STATISTICS.join(', ')}`);
}

/**
 * pandas `series.rolling(window, min_periods).mean()` / `.median()`: `window` is a count
 * of points or a duration text (`"30min"`, on a sorted datetime index). NaN values are
 * skipped; a window with fewer than `minPeriods` values gives NaN.
 *
 * @example rollingSeries(s, 5, 'mean')
 * @example rollingSeries(s, '30min', 'median')
 */
export function rollingSeries(series: Series, window: Window, statistic: RollingStatistic, options: RollingOptions = {}): Series {
  checkStatistic(statistic);
  checkMinPeriods(options.minPeriods, window);
  const v = requireNumeric(series, `rolling ${statistic}`);
  const { start, end, minPeriodsDefault } = windowBounds(series, window, options.center ?? false);
  const minp = options.minPeriods ?? minPeriodsDefault;
  return series.withValues(kernel(statistic, v, start, end, minp), 'float64');
}

/** The statistics whose kernels keep running sums (pandas' roll_sum/mean/var): resumable from a saved state. */
export type RunningStatistic = 'mean' | 'sum' | 'std' | 'var';

/**
 * A trailing rolling mean/sum/std/var of `series` that continues from a checkpoint — the
 * kernel state saved after the point `from.offset` of `series` (which must start where
 * the checkpoint says, `from.from_us`) — and saves checkpoints near its end. With `null`,
 * the whole series. Bit-equal to `rollingSeries` on the whole input (refresh, issue 17).
 *
 * @example const { series, checkpoints } = resumeRolling(s, 15, 'mean', {}, null)
 */
export function resumeRolling(series: Series, window: Window, statistic: RunningStatistic, options: RollingOptions, from: KernelCheckpoint | null): { series: Series; checkpoints: KernelCheckpoint[] } {
  checkMinPeriods(options.minPeriods, window);
  if (options.center) throw invalidInput('A centred rolling window looks ahead: it cannot continue from a saved state');
  const v = requireNumeric(series, `rolling ${statistic}`);
  const { start, end, minPeriodsDefault } = windowBounds(series, window, false);
  const minp = options.minPeriods ?? minPeriodsDefault;
  const n = series.length;
  const i0 = from ? from.offset + 1 : 0;
  if (from && (from.offset < 0 || from.offset >= n)) throw invalidInput(`Checkpoint offset ${show(from.offset)} is outside the ${n} points read from ${show(from.from_us)}`);
  const run: KernelRun = { from: i0, state: from ? decodeState(from.state) : null, capture: capturePositions(i0, n - 1), states: [] };
  const values = statistic === 'mean' ? rollingMeanKernel(v, start, end, minp, run)
    : statistic === 'sum' ? rollingSumKernel(v, start, end, minp, run)
      : rollingVarKernel(v, start, end, minp, 1, statistic === 'std', run);
  const keys = series.index.values as Float64Array;
  const checkpoints = Array.from(run.capture, (p, k): KernelCheckpoint => {
    const windowStart = keys[start[p]!]!;
    return { at_us: keys[p]!, from_us: windowStart, offset: p - lowerBound(keys, windowStart), state: encodeState(run.states[k]!) };
  });
  return { series: series.slice(i0).withValues(values.slice(i0), 'float64'), checkpoints };
}

function rolling(statistic: RollingStatistic, window: Window, options: RollingOptions, fn: (...args: never[]) => unknown): Transform<unknown> {
  checkWindow(window);
  checkMinPeriods(options.minPeriods, window);
  if (options.center && typeof window !== 'number') throw invalidInput(`center needs a count window; Rolling window is the duration ${show(window)}`);
  const suffix = `ROLLING-${statistic.toUpperCase()}`;
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.SMOOTHING,
      description: `Rolling-window ${statistic} over ${typeof window === 'number' ? `${window} points` : `a ${window} time window`} (pandas rolling semantics, NaN skipped)`,
      suffix,
      name: `rolling_${statistic}`,
      fn,
      parameters: { window, min_periods: options.minPeriods ?? null, ...(options.center ? { center: true } : {}) },
      inputs,
    });
    return inputs.map((s) => ({ series: rollingSeries(s, window, statistic, options).rename(outputName(s, suffix)), steps: [step] }));
  };
}

/**
 * Rolling-mean smoothing: SMOOTHING step, suffix `ROLLING-MEAN`, parameters `{window, min_periods}`.
 * @example await signal.process(['A#1_RAW#1'], rollingMean('30min'))   // A#1_ROLLING-MEAN#1
 */
export function rollingMean(window: Window, options: RollingOptions = {}): Transform<unknown> {
  return rolling('mean', window, options, rollingMean);
}

/**
 * Rolling-median smoothing (O(n log w)): SMOOTHING step, suffix `ROLLING-MEDIAN`, parameters `{window, min_periods}`.
 * @example await signal.process(['A#1_RAW#1'], rollingMedian(5))   // A#1_ROLLING-MEDIAN#1
 */
export function rollingMedian(window: Window, options: RollingOptions = {}): Transform<unknown> {
  return rolling('median', window, options, rollingMedian);
}

/** Rolling minimum (pandas `rolling().min()`): suffix `ROLLING-MIN`. @example await signal.process(['A#1_RAW#1'], rollingMin('1h')) */
export function rollingMin(window: Window, options: RollingOptions = {}): Transform<unknown> {
  return rolling('min', window, options, rollingMin);
}

/** Rolling maximum (pandas `rolling().max()`): suffix `ROLLING-MAX`. @example await signal.process(['A#1_RAW#1'], rollingMax(10)) */
export function rollingMax(window: Window, options: RollingOptions = {}): Transform<unknown> {
  return rolling('max', window, options, rollingMax);
}

/** Rolling sum (pandas `rolling().sum()`): suffix `ROLLING-SUM`. @example await signal.process(['A#1_RAW#1'], rollingSum('1D')) */
export function rollingSum(window: Window, options: RollingOptions = {}): Transform<unknown> {
  return rolling('sum', window, options, rollingSum);
}

/** Rolling sample standard deviation (pandas `rolling().std()`, ddof 1): suffix `ROLLING-STD`. @example await signal.process(['A#1_RAW#1'], rollingStd('30min')) */
export function rollingStd(window: Window, options: RollingOptions = {}): Transform<unknown> {
  return rolling('std', window, options, rollingStd);
}

/** Rolling count of non-NaN values (pandas `rolling().count()`): suffix `ROLLING-COUNT`. @example await signal.process(['A#1_RAW#1'], rollingCount('1h')) */
export function rollingCount(window: Window, options: RollingOptions = {}): Transform<unknown> {
  return rolling('count', window, options, rollingCount);
}
