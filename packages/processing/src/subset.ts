import { ProcessingType, type Series, type Transform } from '@metaseries/core';
import { makeStep, outputName, requireDatetime } from './common.js';

export type Position = string | number | null;

/**
 * A slice of `series`: by rank (`rankBased`, Python's `iloc[start:end]`: end exclusive,
 * negative positions from the end, null open) or by label (`loc[start:end]`: both ends
 * inclusive; partial dates such as `"2020-01-01"` cover the whole period). A view; the
 * frequency is kept.
 *
 * @example subsetSeries(s, '2024-01-01', '2024-01-01')   // every point of that day
 * @example subsetSeries(s, 5, 20, true)                   // positions 5…19
 */
export function subsetSeries(series: Series, start: Position, end: Position, rankBased = false): Series {
  if (rankBased) return series.slice(start === null ? 0 : Number(start), end === null ? series.length : Number(end));
  return series.between(start, end);
}

/**
 * meteaudata's `subset`: RESAMPLING step, suffix `SLICE`, parameters
 * `{start_position, end_position, rank_based}`.
 * @example await signal.process(['A#1_RAW#1'], subset('2024-01-01 00:10', '2024-01-01 00:20'))   // A#1_SLICE#1
 */
export function subset(start: Position, end: Position, rankBased = false): Transform<unknown> {
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.RESAMPLING,
      description: 'A simple processing function that slices a series to given indices.',
      suffix: 'SLICE',
      name: 'subset',
      fn: subset,
      parameters: { start_position: start, end_position: end, rank_based: rankBased },
      inputs,
    });
    return inputs.map((s) => {
      requireDatetime(s, 'subset');
      return { series: subsetSeries(s, start, end, rankBased).rename(outputName(s, step.suffix)), steps: [step] };
    });
  };
}
