import { ProcessingType, type Series, type Transform } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';
import { makeStep, outputName, requireDatetime, requireNumeric } from './common.js';

const PER_SECONDS = { s: 1, min: 60, h: 3600, D: 86400 } as const;
export type RatePer = keyof typeof PER_SECONDS;

/**
 * Rate of change between consecutive points, per second by default:
 * `(v[i] − v[i−1]) / (t[i] − t[i−1])`; the first point (and any point next to a NaN) is
 * NaN. Equals pandas `s.diff() / s.index.to_series().diff().dt.total_seconds()`.
 *
 * @example derivativeSeries(s).values   // units of s per second
 * @example derivativeSeries(s, 'h')     // per hour
 */
export function derivativeSeries(series: Series, per: RatePer = 's'): Series {
  const perS = PER_SECONDS[per];
  if (perS === undefined) throw invalidInput(`Unknown rate unit ${show(per)}; expected one of ${Object.keys(PER_SECONDS).join(', ')}`);
  const t = requireDatetime(series, 'derivative').values;
  // A rate between neighbours in time, not in position: unsorted keys are refused.
  series.requireSorted('derivative');
  const v = requireNumeric(series, 'derivative');
  const out = new Float64Array(v.length);
  if (v.length > 0) out[0] = Number.NaN;
  for (let i = 1; i < v.length; i++) {
    const seconds = (t[i]! - t[i - 1]!) / 1e6;
    out[i] = (v[i]! - v[i - 1]!) / (perS === 1 ? seconds : seconds / perS);
  }
  return series.withValues(out, 'float64');
}

/**
 * Rate of change: TRANSFORMATION step, suffix `DERIVATIVE`, parameters `{per}`.
 * @example await signal.process(['A#1_RAW#1'], derivative())   // A#1_DERIVATIVE#1, per second
 */
export function derivative(per: RatePer = 's'): Transform<unknown> {
  if (!(per in PER_SECONDS)) throw invalidInput(`Unknown rate unit ${show(per)}; expected one of ${Object.keys(PER_SECONDS).join(', ')}`);
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.TRANSFORMATION,
      description: `Rate of change between consecutive points, per ${per}: (v[i] - v[i-1]) / (t[i] - t[i-1])`,
      suffix: 'DERIVATIVE',
      name: 'derivative',
      fn: derivative,
      parameters: { per },
      inputs,
    });
    return inputs.map((s) => ({ series: derivativeSeries(s, per).rename(outputName(s, step.suffix)), steps: [step] }));
  };
}
