import { ProcessingType, type Series, type Transform } from '@metaseries/core';
import { makeStep, outputName, requireDatetime, requireNumeric } from './common.js';

/**
 * pandas' `interpolate(method="linear")` on a float array: positional (time spacing is
 * ignored), leading NaNs stay NaN, trailing NaNs take the last valid value. Same
 * arithmetic as numpy's `interp` (slope·(x − x₀) + y₀), so results are bit-identical.
 * Returns a new array; `values` is not modified.
 *
 * @example linearFill(Float64Array.of(NaN, 1, NaN, NaN, 4, NaN)) // [NaN, 1, 2, 3, 4, 4]
 */
export function linearFill(values: Float64Array): Float64Array {
  const n = values.length;
  const out = values.slice();
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    if (prev >= 0 && i - prev > 1) {
      const y0 = values[prev]!;
      const slope = (v - y0) / (i - prev);
      for (let j = prev + 1; j < i; j++) {
        let r = slope * (j - prev) + y0;
        if (r !== r) {
          // numpy retries from the right end, then falls back to a flat segment
          r = slope * (j - i) + v;
          if (r !== r && y0 === v) r = y0;
        }
        out[j] = r;
      }
    }
    prev = i;
  }
  if (prev >= 0) for (let j = prev + 1; j < n; j++) out[j] = values[prev]!;
  return out;
}

/** `linearFill` on a series (any index; meteaudata's transform requires a datetime one). */
export function interpolateSeries(series: Series): Series {
  return series.withValues(linearFill(requireNumeric(series, 'linearInterpolation')), series.dtype === 'int64' ? 'float64' : series.dtype);
}

/**
 * meteaudata's `linear_interpolation`: GAP_FILLING step, suffix `LIN-INT`, no parameters.
 * @example await signal.process(['A#1_RAW#1'], linearInterpolation())   // A#1_LIN-INT#1
 */
export function linearInterpolation(): Transform<unknown> {
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.GAP_FILLING,
      description: 'A simple processing function that linearly interpolates a series',
      suffix: 'LIN-INT',
      name: 'linear interpolation',
      fn: linearInterpolation,
      parameters: {},
      inputs,
    });
    return inputs.map((s) => {
      requireDatetime(s, 'linearInterpolation');
      return { series: interpolateSeries(s).rename(outputName(s, step.suffix)), steps: [step] };
    });
  };
}
