import { DatetimeIndex, Series, type TimeSeries } from '@metaseries/core';
import { invalidInput, labelPeriod, show } from '@metaseries/core/backend-kit';
import { loadTimeSeriesKeyRange } from '@metaseries/core/backend-kit';
import { gapCheckFlags, rangeFlags, rateOfChangeFlags, spikeFlags, type GapCheckOptions, type RangeCheckOptions, type RateOfChangeOptions, type SpikeCheckOptions } from './checks.js';
import { durationUs } from './duration.js';
import { FLAG_DTYPE } from './flags.js';

/** The checks whose window is bounded in time, so a stored series can be checked one range at a time. */
export type RangedCheck =
  | { check: 'range'; options: RangeCheckOptions }
  | { check: 'rate'; options: RateOfChangeOptions }
  | { check: 'gap'; options: GapCheckOptions }
  | { check: 'spike'; options: SpikeCheckOptions };

export interface ByRangeOptions {
  /** First and last instant to check (inclusive; Date, ISO text with pandas' partial periods, or epoch ms). */
  from: Date | string | number;
  to: Date | string | number;
  /** How much to read at a time; default `"1D"`. */
  chunk?: string;
}

/**
 * How far before a chunk a check must read so that its flags equal the whole-series ones:
 * a time-window Hampel filter needs two windows (the MAD at t is a median of deviations
 * that each need their own window); rate and gap checks carry the previous valid point.
 */
function lookbackUs(spec: RangedCheck): number {
  if (spec.check !== 'spike') return 0;
  if (typeof spec.options.window !== 'string') {
    throw invalidInput(`A by-range spikeCheck needs a time window (e.g. "1h"); a count window (${show(spec.options.window)}) cannot be read by time range`);
  }
  return 2 * durationUs(spec.options.window, 'spikeCheck window');
}

function flagsOf(spec: RangedCheck, s: Series): Float64Array {
  switch (spec.check) {
    case 'range': return rangeFlags(s, spec.options);
    case 'rate': return rateOfChangeFlags(s, spec.options);
    case 'gap': return gapCheckFlags(s, spec.options);
    case 'spike': return spikeFlags(s, spec.options);
  }
}

/** The last non-NaN point of `s` as a one-point series, or null. */
function lastValid(s: Series): Series | null {
  const v = s.values as Float64Array;
  for (let i = v.length - 1; i >= 0; i--) if (v[i] === v[i]) return s.slice(i, i + 1);
  return null;
}

/** `a` then `b` (both numeric, same zone): the previous chunk's last valid point ahead of a new chunk. */
function prepend(a: Series, b: Series): Series {
  const ta = a.index.values as Float64Array, tb = b.index.values as Float64Array;
  const t = new Float64Array(ta.length + tb.length);
  t.set(ta);
  t.set(tb, ta.length);
  const v = new Float64Array(t.length);
  v.set(a.values as Float64Array);
  v.set(b.values as Float64Array, ta.length);
  const tz = b.index.kind === 'datetime' ? b.index.tz : null;
  return new Series({ index: new DatetimeIndex(t, { tz }), values: v, name: b.name, dtype: b.dtype });
}

/**
 * Flags of one check over `[from, to]` of a stored series, reading it one chunk at a time
 * (each chunk plus the look-back its window needs) instead of loading it whole: memory
 * stays at one chunk, and the flags equal those of the check on the whole series.
 * Flatline and stuck-value runs have no bounded length, so they are not offered here.
 *
 * @example
 * const flags = await flagsByRange(signal.get('A#1_RAW#1'), { check: 'spike', options: { window: '1h' } }, { from: '2024-01', to: '2024-03' });
 */
export async function flagsByRange(ts: TimeSeries, spec: RangedCheck, options: ByRangeOptions): Promise<Series> {
  if (ts.indexMetadata.type !== 'DatetimeIndex') throw invalidInput(`flagsByRange needs a datetime index; ${show(ts.name)} has ${show(ts.indexMetadata.type)}`);
  const chunk = durationUs(options.chunk ?? '1D', 'flagsByRange chunk');
  const back = lookbackUs(spec);
  flagsOf(spec, Series.fromTimes([], [], { dtype: 'float64' })); // validate the options before any read
  const tz = ts.indexMetadata.zone;
  const from = labelPeriod(options.from, tz, 'ms')[0];
  const to = labelPeriod(options.to, tz, 'ms')[1];
  if (from > to) throw invalidInput(`flagsByRange from ${show(options.from)} is after to ${show(options.to)}`);
  const times: Float64Array[] = [], flags: Float64Array[] = [];
  let carry: Series | null = null;
  for (let a = from; a <= to; a += chunk) {
    const b = Math.min(to, a + chunk - 1);
    // stored keys (µs) keep sub-millisecond stamps exact
    let part = await loadTimeSeriesKeyRange(ts, { from: a - back, to: b });
    if (carry && (spec.check === 'rate' || spec.check === 'gap')) part = prepend(carry, part);
    const f = flagsOf(spec, part);
    const t = part.index.values as Float64Array;
    let k = 0;
    while (k < t.length && t[k]! < a) k++;
    times.push(t.slice(k));
    flags.push(f.slice(k));
    carry = lastValid(part.slice(k)) ?? carry;
  }
  const n = times.reduce((x, t) => x + t.length, 0);
  const t = new Float64Array(n), f = new Float64Array(n);
  let o = 0;
  for (let i = 0; i < times.length; i++) { t.set(times[i]!, o); f.set(flags[i]!, o); o += times[i]!.length; }
  return new Series({ index: new DatetimeIndex(t, { tz }), values: f, name: ts.name, dtype: FLAG_DTYPE });
}
