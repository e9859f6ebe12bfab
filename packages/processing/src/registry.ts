import { fixedDurationUs, parseFrequency, registerTransformFactory, type Incremental, type Transform } from '@metaseries/core';
import { VERSION } from './common.js';
import { derivative, type RatePer } from './derivative.js';
import { durationUs } from './duration.js';
import { detectGaps } from './gaps.js';
import { linearInterpolation } from './interpolate.js';
import { normalizeIndex } from './normalize.js';
import { predictFromPreviousPoint } from './predict.js';
import { replaceRanges, type IndexPair } from './replace.js';
import { resample, type ResampleOptions } from './resample.js';
import { rollingMean, rollingMedian } from './rolling.js';
import { subset, type Position } from './subset.js';

/**
 * The built-ins register themselves (when this package is imported) so `refresh` can
 * replay the steps they recorded: each entry rebuilds the transform from the step's
 * parameters and says how much input history a new output point needs.
 */
type Params = Record<string, unknown> | null;
const p = (params: Params): Record<string, unknown> => params ?? {};

function register(name: string, make: (params: Record<string, unknown>) => Transform<unknown>, incremental: Incremental = { kind: 'full' }): void {
  registerTransformFactory({ name, version: VERSION, fromParameters: (params) => ({ transform: make(p(params)), params: undefined }), incremental });
}

register('resample', (q) => {
  const options: ResampleOptions = {};
  if (q.aggregation !== undefined) options.aggregation = q.aggregation as ResampleOptions['aggregation'];
  if (q.q !== undefined) options.q = q.q as number;
  return resample(q.frequency as string, options);
}, { kind: 'bins', width: (q) => fixedDurationUs(parseFrequency(p(q).frequency as string)) });

register('linear interpolation', () => linearInterpolation(), { kind: 'lastValid' });

// A rolling median is an order statistic: a tail recompute equals the full one exactly.
register('rolling_median', (q) => rollingMedian(q.window as number | string, q.min_periods == null ? {} : { minPeriods: q.min_periods as number }), {
  kind: 'lookback',
  points: (q) => (typeof p(q).window === 'number' ? (p(q).window as number) : 1),
  duration: (q) => (typeof p(q).window === 'string' ? durationUs(p(q).window as string, 'Rolling window') : 0),
});
// pandas' rolling mean keeps a running (compensated) sum from the first point, so its
// last bits depend on everything before the window: only a full recompute is exact.
register('rolling_mean', (q) => rollingMean(q.window as number | string, q.min_periods == null ? {} : { minPeriods: q.min_periods as number }));

register('replace_ranges', (q) => replaceRanges(q.index_pairs as IndexPair[], q.reason as string, q.replace_with === 'nan' ? Number.NaN : (q.replace_with as number)), { kind: 'pointwise' });
register('subset', (q) => subset(q.start_position as Position, q.end_position as Position, q.rank_based as boolean));
register('derivative', (q) => derivative(q.per as RatePer), { kind: 'lookback', points: () => 2 });
// A gap flag compares a point with the previous valid one (or the previous one without ignore_missing).
register('detect_gaps', (q) => detectGaps(q.max_gap as string, { ignoreMissing: q.ignore_missing as boolean }), { kind: 'lastValid', after: true });
register('Previous point prediction', () => predictFromPreviousPoint());
register('normalize_index_to_timedelta', (q) => normalizeIndex(q.unit as string, (q.reference_time as string | undefined) ?? null));
