import { type Series, type Transform } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';
import { positiveInteger, requireDatetime, requireNumeric } from './common.js';
import { durationUs } from './duration.js';
import { checkMode, checkTransform, QualityFlag, type CheckModeOption } from './flags.js';
import { gapFlags } from './gaps.js';
import { rollingMedianKernel } from './median.js';
import { checkMinPeriods, checkWindow, windowBounds, type Window } from './windows.js';

const { OUT_OF_RANGE, RATE_OF_CHANGE, SPIKE, FLATLINE, STUCK, GAP, MISSING } = QualityFlag;

function finiteNumber(x: unknown, what: string): number {
  if (typeof x !== 'number' || Number.isNaN(x)) throw invalidInput(`${what} must be a number, got ${show(x)}`);
  return x;
}

/** Flags with MISSING set where the value is NaN, 0 elsewhere. */
function missingFlags(v: Float64Array): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) out[i] = MISSING;
  return out;
}

// ------------------------------------------------------------------ range

export interface RangeCheckOptions extends CheckModeOption {
  /** Lowest plausible value (inclusive); omit for no lower bound. */
  min?: number;
  /** Highest plausible value (inclusive); omit for no upper bound. */
  max?: number;
}

function checkRange(o: RangeCheckOptions): { min: number; max: number } {
  if (o.min === undefined && o.max === undefined) throw invalidInput('rangeCheck needs min, max or both');
  const min = o.min === undefined ? -Infinity : finiteNumber(o.min, 'rangeCheck min');
  const max = o.max === undefined ? Infinity : finiteNumber(o.max, 'rangeCheck max');
  if (min > max) throw invalidInput(`rangeCheck min ${min} must be <= max ${max}`);
  return { min, max };
}

/**
 * OUT_OF_RANGE where `v < min` or `v > max`, MISSING where NaN (pandas `(s < min) | (s > max)`).
 * @example rangeFlags(s, { min: 0, max: 14 })
 */
export function rangeFlags(series: Series, options: RangeCheckOptions): Float64Array {
  const { min, max } = checkRange(options);
  const v = requireNumeric(series, 'rangeCheck');
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    out[i] = x !== x ? MISSING : x < min || x > max ? OUT_OF_RANGE : 0;
  }
  return out;
}

/**
 * Range check: FAULT_DETECTION step, suffix `QC-RANGE`, parameters `{min, max, mode}`.
 * @example await signal.process(['pH#1_RAW#1'], rangeCheck({ min: 0, max: 14, mode: 'mask' }))   // pH#1_QC-RANGE#1, pH#1_QC-RANGE-MASKED#1
 */
export function rangeCheck(options: RangeCheckOptions): Transform<unknown> {
  checkRange(options);
  const mode = checkMode(options.mode);
  return checkTransform({
    description: `Flags values outside [${options.min ?? '-inf'}, ${options.max ?? 'inf'}] (code ${OUT_OF_RANGE}; NaN is ${MISSING})`,
    suffix: 'QC-RANGE', name: 'range_check', fn: rangeCheck,
    parameters: { min: options.min ?? null, max: options.max ?? null, mode },
  }, mode, OUT_OF_RANGE, (s) => rangeFlags(s, options));
}

// ------------------------------------------------------------------ rate of change

export interface RateOfChangeOptions extends CheckModeOption {
  /** Largest plausible |Δvalue| per second between a point and the previous valid point. */
  maxPerSecond: number;
}

function checkRate(o: RateOfChangeOptions): number {
  const m = finiteNumber(o?.maxPerSecond, 'rateOfChangeCheck maxPerSecond');
  if (!(m > 0)) throw invalidInput(`rateOfChangeCheck maxPerSecond must be > 0, got ${m}`);
  return m;
}

/**
 * RATE_OF_CHANGE at each point whose change from the previous valid point, per second,
 * exceeds `maxPerSecond` (pandas `d = s.dropna(); (d.diff() / dt.total_seconds()).abs() > max`;
 * a change at a repeated timestamp is an infinite rate).
 */
export function rateOfChangeFlags(series: Series, options: RateOfChangeOptions): Float64Array {
  const max = checkRate(options);
  const t = requireDatetime(series, 'rateOfChangeCheck').values;
  const v = requireNumeric(series, 'rateOfChangeCheck');
  const out = missingFlags(v);
  let prev = -1;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== v[i]) continue;
    if (prev >= 0 && Math.abs((v[i]! - v[prev]!) / ((t[i]! - t[prev]!) / 1e6)) > max) out[i] = RATE_OF_CHANGE;
    prev = i;
  }
  return out;
}

/**
 * Rate-of-change check: FAULT_DETECTION step, suffix `QC-RATE`, parameters `{max_per_second, mode}`.
 * @example await signal.process(['T#1_RAW#1'], rateOfChangeCheck({ maxPerSecond: 0.01 }))   // T#1_QC-RATE#1
 */
export function rateOfChangeCheck(options: RateOfChangeOptions): Transform<unknown> {
  const max = checkRate(options);
  const mode = checkMode(options.mode);
  return checkTransform({
    description: `Flags changes faster than ${max} per second since the previous valid point (code ${RATE_OF_CHANGE})`,
    suffix: 'QC-RATE', name: 'rate_of_change_check', fn: rateOfChangeCheck,
    parameters: { max_per_second: max, mode },
  }, mode, RATE_OF_CHANGE, (s) => rateOfChangeFlags(s, options));
}

// ------------------------------------------------------------------ spike (Hampel)

/** The MAD of normally distributed data times this is its standard deviation. */
export const MAD_SCALE = 1.4826;

export interface SpikeCheckOptions extends CheckModeOption {
  /** Rolling window: a count of points or a duration (`"1h"`). */
  window: Window;
  /** Threshold in scaled MADs; default 3. */
  k?: number;
  /** Centre a count window on each point; default false (trailing, as pandas). */
  center?: boolean;
  /** Fewest non-NaN values per window (pandas min_periods); default as pandas rolling. */
  minPeriods?: number;
}

function checkSpike(o: SpikeCheckOptions): number {
  if (typeof o !== 'object' || o === null) throw invalidInput(`spikeCheck needs { window, k }, got ${show(o)}`);
  checkWindow(o.window, 'spikeCheck window');
  checkMinPeriods(o.minPeriods, o.window);
  const k = o.k === undefined ? 3 : finiteNumber(o.k, 'spikeCheck k');
  if (!(k > 0)) throw invalidInput(`spikeCheck k must be > 0, got ${k}`);
  if (o.center && typeof o.window !== 'number') throw invalidInput(`center needs a count window; spikeCheck window is the duration ${show(o.window)}`);
  return k;
}

/**
 * SPIKE where `|x − m| > k · 1.4826 · MAD`, with m the rolling median of x and MAD the
 * rolling median of |x − m| over the same window. pandas equivalent:
 * `m = s.rolling(w).median(); d = (s − m).abs(); d > k * 1.4826 * d.rolling(w).median()`.
 * Two O(n log w) rolling medians.
 */
export function spikeFlags(series: Series, options: SpikeCheckOptions): Float64Array {
  const k = checkSpike(options);
  const v = requireNumeric(series, 'spikeCheck');
  const { start, end, minPeriodsDefault } = windowBounds(series, options.window, options.center ?? false, 'spikeCheck window');
  const minp = options.minPeriods ?? minPeriodsDefault;
  const med = rollingMedianKernel(v, start, end, minp);
  const dev = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) dev[i] = Math.abs(v[i]! - med[i]!);
  const mad = rollingMedianKernel(dev, start, end, minp);
  const out = missingFlags(v);
  const scale = k * MAD_SCALE;
  for (let i = 0; i < v.length; i++) if (dev[i]! > scale * mad[i]!) out[i] = SPIKE;
  return out;
}

/**
 * Hampel spike check: FAULT_DETECTION step, suffix `QC-SPIKE`, parameters `{window, k, center, min_periods, mode}`.
 * @example await signal.process(['A#1_RAW#1'], spikeCheck({ window: '1h', k: 4, mode: 'mask' }))   // A#1_QC-SPIKE#1, A#1_QC-SPIKE-MASKED#1
 */
export function spikeCheck(options: SpikeCheckOptions): Transform<unknown> {
  const k = checkSpike(options);
  const mode = checkMode(options.mode);
  return checkTransform({
    description: `Hampel filter: flags points further than ${k} x 1.4826 x MAD from the rolling median over ${typeof options.window === 'number' ? `${options.window} points` : options.window} (code ${SPIKE})`,
    suffix: 'QC-SPIKE', name: 'spike_check', fn: spikeCheck,
    parameters: { window: options.window, k, center: options.center ?? false, min_periods: options.minPeriods ?? null, mode },
  }, mode, SPIKE, (s) => spikeFlags(s, options));
}

// ------------------------------------------------------------------ runs: flatline, stuck

/**
 * Flag every point of each run of consecutive valid points in which `same(i)` links
 * point i to point i−1, when the run is long enough.
 */
function runFlags(v: Float64Array, same: (i: number) => boolean, longEnough: (first: number, last: number) => boolean, accept: (first: number) => boolean, code: number): Float64Array {
  const out = missingFlags(v);
  let first = 0;
  const close = (last: number): void => {
    if (last >= first && v[first] === v[first] && longEnough(first, last) && accept(first)) for (let j = first; j <= last; j++) out[j] = code;
  };
  for (let i = 1; i <= v.length; i++) {
    if (i < v.length && v[i] === v[i] && v[i - 1] === v[i - 1] && same(i)) continue;
    close(i - 1);
    first = i;
  }
  return out;
}

export interface FlatlineOptions extends CheckModeOption {
  /** Shortest flat stretch to flag: a duration (`"2h"`, from first to last point of the run) or a count of points. */
  window: Window;
  /** Largest change between consecutive points that still counts as flat; default 0. */
  tolerance?: number;
}

function checkFlatline(o: FlatlineOptions): number {
  if (typeof o !== 'object' || o === null) throw invalidInput(`flatlineCheck needs { window, tolerance }, got ${show(o)}`);
  checkWindow(o.window, 'flatlineCheck window');
  const tol = o.tolerance === undefined ? 0 : finiteNumber(o.tolerance, 'flatlineCheck tolerance');
  if (tol < 0) throw invalidInput(`flatlineCheck tolerance must be >= 0, got ${tol}`);
  return tol;
}

/**
 * FLATLINE on every point of a run whose consecutive changes are all ≤ tolerance and that
 * lasts at least `window` (time from its first to its last point, or its number of points).
 * A NaN ends a run. pandas equivalent: `same = s.diff().abs() <= tol`, runs `(~same).cumsum()`,
 * duration per run via groupby.
 */
export function flatlineFlags(series: Series, options: FlatlineOptions): Float64Array {
  const tol = checkFlatline(options);
  const v = requireNumeric(series, 'flatlineCheck');
  const w = options.window;
  if (typeof w === 'number') return runFlags(v, (i) => Math.abs(v[i]! - v[i - 1]!) <= tol, (a, b) => b - a + 1 >= w, () => true, FLATLINE);
  const span = durationUs(w, 'flatlineCheck window');
  const t = requireDatetime(series, 'flatlineCheck with a time window').values;
  series.requireSorted('flatlineCheck with a time window');
  return runFlags(v, (i) => Math.abs(v[i]! - v[i - 1]!) <= tol, (a, b) => t[b]! - t[a]! >= span, () => true, FLATLINE);
}

/**
 * Flatline check: FAULT_DETECTION step, suffix `QC-FLATLINE`, parameters `{window, tolerance, mode}`.
 * @example await signal.process(['A#1_RAW#1'], flatlineCheck({ window: '2h', tolerance: 0.01 }))   // A#1_QC-FLATLINE#1
 */
export function flatlineCheck(options: FlatlineOptions): Transform<unknown> {
  const tol = checkFlatline(options);
  const mode = checkMode(options.mode);
  return checkTransform({
    description: `Flags stretches of at least ${options.window}${typeof options.window === 'number' ? ' points' : ''} whose consecutive changes stay within ${tol} (code ${FLATLINE})`,
    suffix: 'QC-FLATLINE', name: 'flatline_check', fn: flatlineCheck,
    parameters: { window: options.window, tolerance: tol, mode },
  }, mode, FLATLINE, (s) => flatlineFlags(s, options));
}

export interface StuckValueOptions extends CheckModeOption {
  /** Fewest identical consecutive values that count as stuck (>= 2). */
  minRepeats: number;
  /** Only runs at these values (a sensor's rails, e.g. `[0, 4095]`); default any value. */
  values?: readonly number[];
}

function checkStuck(o: StuckValueOptions): void {
  if (typeof o !== 'object' || o === null) throw invalidInput(`stuckValue needs { minRepeats }, got ${show(o)}`);
  positiveInteger(o.minRepeats, 'stuckValue minRepeats');
  if (o.minRepeats < 2) throw invalidInput(`stuckValue minRepeats must be >= 2, got ${o.minRepeats}`);
  if (o.values !== undefined && (!Array.isArray(o.values) || !o.values.every((x) => typeof x === 'number'))) throw invalidInput(`stuckValue values must be an array of numbers, got ${show(o.values)}`);
}

/**
 * STUCK on every point of a run of at least `minRepeats` identical consecutive values
 * (at one of `values` when given). pandas: `runs = (s != s.shift()).cumsum()`, run sizes by groupby.
 */
export function stuckFlags(series: Series, options: StuckValueOptions): Float64Array {
  checkStuck(options);
  const v = requireNumeric(series, 'stuckValue');
  const only = options.values === undefined ? null : new Set(options.values);
  return runFlags(v, (i) => v[i] === v[i - 1], (a, b) => b - a + 1 >= options.minRepeats, (a) => only === null || only.has(v[a]!), STUCK);
}

/**
 * Stuck-value check: FAULT_DETECTION step, suffix `QC-STUCK`, parameters `{min_repeats, values, mode}`.
 * @example await signal.process(['A#1_RAW#1'], stuckValue({ minRepeats: 10 }))   // A#1_QC-STUCK#1
 */
export function stuckValue(options: StuckValueOptions): Transform<unknown> {
  checkStuck(options);
  const mode = checkMode(options.mode);
  return checkTransform({
    description: `Flags runs of ${options.minRepeats} or more identical values${options.values ? ` at ${options.values.join(', ')}` : ''} (code ${STUCK})`,
    suffix: 'QC-STUCK', name: 'stuck_value', fn: stuckValue,
    parameters: { min_repeats: options.minRepeats, values: options.values ? [...options.values] : null, mode },
  }, mode, STUCK, (s) => stuckFlags(s, options));
}

// ------------------------------------------------------------------ gaps

export interface GapCheckOptions extends CheckModeOption {
  /** Longest acceptable time between valid points (`"15min"`). */
  maxGap: string;
}

/** GAP at each valid point that follows the previous valid point by more than `maxGap` (as `gapFlags`), MISSING where NaN. */
export function gapCheckFlags(series: Series, options: GapCheckOptions): Float64Array {
  const gaps = gapFlags(series, options.maxGap).values as Uint8Array;
  const out = missingFlags(requireNumeric(series, 'gapCheck'));
  for (let i = 0; i < gaps.length; i++) if (gaps[i]) out[i] = GAP;
  return out;
}

/**
 * Gap check: FAULT_DETECTION step, suffix `QC-GAP`, parameters `{max_gap, mode}`.
 * @example await signal.process(['A#1_RAW#1'], gapCheck({ maxGap: '15min' }))   // A#1_QC-GAP#1
 */
export function gapCheck(options: GapCheckOptions): Transform<unknown> {
  durationUs(options?.maxGap, 'gapCheck maxGap');
  const mode = checkMode(options.mode);
  return checkTransform({
    description: `Flags the first valid point after more than ${options.maxGap} without valid data (code ${GAP})`,
    suffix: 'QC-GAP', name: 'gap_check', fn: gapCheck,
    parameters: { max_gap: options.maxGap, mode },
  }, mode, GAP, (s) => gapCheckFlags(s, options));
}
