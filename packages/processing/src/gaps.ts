import { ProcessingType, type Series, type Transform } from '@metaseries/core';
import { makeStep, outputName, requireDatetime } from './common.js';
import { durationUs } from './duration.js';

export interface GapOptions {
  /** Measure gaps between valid (non-missing) values, so NaN runs count as gaps; default true. */
  ignoreMissing?: boolean;
}

function isMissing(values: Series['values'], i: number): boolean {
  if (values instanceof Float64Array) return values[i] !== values[i];
  if (values instanceof Uint8Array) return false;
  return values[i] === null;
}

/**
 * A boolean series on the same index: true at each point that comes more than `maxGap`
 * after the previous point (the previous valid point with `ignoreMissing`, the default;
 * missing points themselves are false). The first point is false.
 *
 * @example gapFlags(s, '10min').values   // Uint8Array, 1 where a gap > 10 min ends
 */
export function gapFlags(series: Series, maxGap: string, options: GapOptions = {}): Series {
  const limit = durationUs(maxGap, 'maxGap');
  const t = requireDatetime(series, 'detectGaps').values;
  // Gaps are between neighbours in time: on unsorted keys they would be made up.
  series.requireSorted('detectGaps');
  const ignoreMissing = options.ignoreMissing ?? true;
  const out = new Uint8Array(t.length);
  let prev = Number.NaN;
  for (let i = 0; i < t.length; i++) {
    if (ignoreMissing && isMissing(series.values, i)) continue;
    if (t[i]! - prev > limit) out[i] = 1;
    prev = t[i]!;
  }
  return series.withValues(out, 'bool');
}

/**
 * Gap detection: FAULT_DETECTION step, suffix `GAPS`, parameters `{max_gap, ignore_missing}`.
 * @example await signal.process(['A#1_RAW#1'], detectGaps('15min'))   // A#1_GAPS#1
 */
export function detectGaps(maxGap: string, options: GapOptions = {}): Transform<unknown> {
  durationUs(maxGap, 'maxGap');
  const ignoreMissing = options.ignoreMissing ?? true;
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.FAULT_DETECTION,
      description: `Flags points that follow a gap longer than ${maxGap} since the previous ${ignoreMissing ? 'valid ' : ''}point`,
      suffix: 'GAPS',
      name: 'detect_gaps',
      fn: detectGaps,
      parameters: { max_gap: maxGap, ignore_missing: ignoreMissing },
      inputs,
    });
    return inputs.map((s) => ({ series: gapFlags(s, maxGap, options).rename(outputName(s, step.suffix)), steps: [step] }));
  };
}
