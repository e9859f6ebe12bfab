import { registerTransformFactory, type Incremental, type IncrementalSpec, type Transform } from '@metaseries/core';
import { fixedDurationUs, parseFrequency } from '@metaseries/core/backend-kit';
import { VERSION } from './common.js';
import { derivative, type RatePer } from './derivative.js';
import { durationUs } from './duration.js';
import { detectGaps } from './gaps.js';
import { linearInterpolation } from './interpolate.js';
import { normalizeIndex } from './normalize.js';
import { predictFromPreviousPoint } from './predict.js';
import { replaceRanges, type IndexPair } from './replace.js';
import { resample, type ResampleOptions } from './resample.js';
import { resumeRolling, rollingCount, rollingMax, rollingMean, rollingMedian, rollingMin, rollingStd, rollingSum, type RollingOptions } from './rolling.js';
import { averageSeries } from './average.js';
import { ewm, resumeEwm, type EwmOptions } from './ewm.js';
import { savgol } from './savgol.js';
import { removeDuplicates, sortIndex, type KeepDuplicate } from './order.js';
import { flatlineCheck, gapCheck, rangeCheck, rateOfChangeCheck, spikeCheck, stuckValue } from './checks.js';
import { combineFlags, type CheckMode } from './flags.js';
import type { Window } from './windows.js';
import { subset, type Position } from './subset.js';

/**
 * The built-ins register themselves (when this package is imported) so `refresh` can
 * replay the steps they recorded: each entry rebuilds the transform from the step's
 * parameters and says how much input history a new output point needs.
 */
type Params = Record<string, unknown> | null;
const p = (params: Params): Record<string, unknown> => params ?? {};

function register(name: string, make: (params: Record<string, unknown>) => Transform<unknown>, incremental: IncrementalSpec = { kind: 'full' }): void {
  registerTransformFactory({ name, version: VERSION, fromParameters: (params) => ({ transform: make(p(params)), params: undefined }), incremental });
}

register('resample', (q) => {
  const options: ResampleOptions = {};
  if (q.aggregation !== undefined) options.aggregation = q.aggregation as ResampleOptions['aggregation'];
  if (q.q !== undefined) options.q = q.q as number;
  return resample(q.frequency as string, options);
}, { kind: 'bins', width: (q) => fixedDurationUs(parseFrequency(p(q).frequency as string)) });

register('linear interpolation', () => linearInterpolation(), { kind: 'lastValid' });

const rollingOptions = (q: Record<string, unknown>): RollingOptions => ({
  ...(q.min_periods == null ? {} : { minPeriods: q.min_periods as number }),
  ...(q.center ? { center: true } : {}),
});
// Order statistics and extremes are exact on a tail; a centred window also looks ahead, so it recomputes fully.
const window = (q: Params): Incremental => (p(q).center ? { kind: 'full' } : {
  kind: 'lookback',
  points: () => (typeof p(q).window === 'number' ? (p(q).window as number) : 1),
  duration: () => (typeof p(q).window === 'string' ? durationUs(p(q).window as string, 'Rolling window') : 0),
});
for (const [name, factory] of [['rolling_median', rollingMedian], ['rolling_min', rollingMin], ['rolling_max', rollingMax], ['rolling_count', rollingCount]] as const) {
  register(name, (q) => factory(q.window as Window, rollingOptions(q)), window);
}
// pandas' rolling mean, sum and std keep running (compensated) sums from the first point,
// so their last bits depend on everything before the window: refresh continues the kernel
// from the state it saved (resumable), which is exact; a centred window looks ahead: full.
for (const [name, factory, statistic] of [['rolling_mean', rollingMean, 'mean'], ['rolling_sum', rollingSum, 'sum'], ['rolling_std', rollingStd, 'std']] as const) {
  register(name, (q) => factory(q.window as Window, rollingOptions(q)), (q): Incremental => (p(q).center ? { kind: 'full' } : {
    kind: 'resumable',
    resume: (params, input, from) => resumeRolling(input, p(params).window as Window, statistic, rollingOptions(p(params)), from),
  }));
}
const ewmOptions = (q: Record<string, unknown>): EwmOptions => ({
  ...(q.span === undefined ? {} : { span: q.span as number }), ...(q.halflife === undefined ? {} : { halflife: q.halflife as number }),
  ...(q.alpha === undefined ? {} : { alpha: q.alpha as number }), ...(q.com === undefined ? {} : { com: q.com as number }),
  adjust: q.adjust as boolean, ignoreNa: q.ignore_na as boolean, minPeriods: q.min_periods as number,
});
// The ewm carries its whole past in three numbers: refresh continues from them (resumable).
register('ewm_mean', (q) => ewm(ewmOptions(q)), { kind: 'resumable', resume: (params, input, from) => resumeEwm(input, ewmOptions(p(params)), from) });
register('savgol_filter', (q) => savgol({ windowLength: q.window_length as number, polyorder: q.polyorder as number }));
register('sort_index', () => sortIndex());
register('remove_duplicates', (q) => removeDuplicates({ keep: q.keep as KeepDuplicate }));
// Quality checks: the range check looks at each point alone; the others compare with neighbours or runs.
const mode = (q: Record<string, unknown>): CheckMode => q.mode as CheckMode;
register('range_check', (q) => rangeCheck({ ...(q.min == null ? {} : { min: q.min as number }), ...(q.max == null ? {} : { max: q.max as number }), mode: mode(q) }), { kind: 'pointwise' });
register('rate_of_change_check', (q) => rateOfChangeCheck({ maxPerSecond: q.max_per_second as number, mode: mode(q) }));
register('spike_check', (q) => spikeCheck({ window: q.window as Window, k: q.k as number, center: q.center as boolean, ...(q.min_periods == null ? {} : { minPeriods: q.min_periods as number }), mode: mode(q) }));
register('flatline_check', (q) => flatlineCheck({ window: q.window as Window, tolerance: q.tolerance as number, mode: mode(q) }));
register('stuck_value', (q) => stuckValue({ minRepeats: q.min_repeats as number, ...(q.values == null ? {} : { values: q.values as number[] }), mode: mode(q) }));
register('gap_check', (q) => gapCheck({ maxGap: q.max_gap as string, mode: mode(q) }));
register('combine_flags', () => combineFlags());

register('replace_ranges', (q) => replaceRanges(q.index_pairs as IndexPair[], q.reason as string, q.replace_with === 'nan' ? Number.NaN : (q.replace_with as number)), { kind: 'pointwise' });
register('subset', (q) => subset(q.start_position as Position, q.end_position as Position, q.rank_based as boolean));
register('derivative', (q) => derivative(q.per as RatePer), { kind: 'lookback', points: () => 2 });
// A gap flag compares a point with the previous valid one (or the previous one without ignore_missing).
register('detect_gaps', (q) => detectGaps(q.max_gap as string, { ignoreMissing: q.ignore_missing as boolean }), { kind: 'lastValid', after: true });
register('Previous point prediction', () => predictFromPreviousPoint());
register('normalize_index_to_timedelta', (q) => normalizeIndex(q.unit as string, (q.reference_time as string | undefined) ?? null));
// A dataset-level step (across signals): each output row averages the inputs at that timestamp, so new rows need only new input.
register('Signal Averaging', () => (inputs) => {
  const byName = new Map(inputs.map((s) => [s.name, s])); // an input listed twice counts once, as in averageSignals
  return [{ series: averageSeries([...byName.values()]), steps: [] }];
}, { kind: 'pointwise' });
