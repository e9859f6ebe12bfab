import { ProcessingType, type Series, type Transform } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';
import { makeStep, outputName, requireNumeric } from './common.js';

export type Label = string | number;
export type IndexPair = readonly [Label, Label];

/** Each pair must be `[start, end]`; INVALID_INPUT names the first bad one. */
export function checkIndexPairs(indexPairs: unknown): IndexPair[] {
  if (!Array.isArray(indexPairs)) throw invalidInput(`indexPairs must be an array of [start, end] pairs, got ${show(indexPairs)}`);
  for (const pair of indexPairs) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw invalidInput(`Each pair of indices must contain 2 values (start, and end). Instead, received ${show(pair)}.`);
    }
  }
  return indexPairs as IndexPair[];
}

/**
 * Set every value whose label lies in one of the inclusive ranges `[start, end]` to
 * `replaceWith` (pandas `loc[start:end] = value`; partial dates cover their period).
 * Works on any sorted index. Returns a new series; the input is not modified.
 *
 * @example replaceRangesInSeries(s, [['2024-01-01 00:20', '2024-01-01 00:25']])
 */
export function replaceRangesInSeries(series: Series, indexPairs: readonly IndexPair[], replaceWith = Number.NaN): Series {
  const pairs = checkIndexPairs(indexPairs);
  if (typeof replaceWith !== 'number') throw invalidInput(`replaceWith must be a number (NaN for missing), got ${show(replaceWith)}`);
  const out = requireNumeric(series, 'replaceRanges').slice();
  for (const [start, end] of pairs) {
    const [s, e] = series.positionsBetween(start, end);
    out.fill(replaceWith, s, e);
  }
  const dtype = series.dtype.startsWith('int') && !Number.isInteger(replaceWith) ? 'float64' : series.dtype;
  return series.withValues(out, dtype);
}

/**
 * meteaudata's `replace_ranges`: FILTERING step, suffix `REPLACED-RANGES`, parameters
 * `{index_pairs, reason, replace_with}` with NaN recorded as the string `"nan"` (as Python).
 *
 * @example await signal.process(['A#1_RAW#1'], replaceRanges([['2024-01-01 00:20', '2024-01-01 00:25']], 'sensor cleaning'))
 */
export function replaceRanges(indexPairs: readonly IndexPair[], reason: string, replaceWith = Number.NaN): Transform<unknown> {
  const pairs = checkIndexPairs(indexPairs);
  if (typeof reason !== 'string') throw invalidInput(`replaceRanges needs a reason (string), got ${show(reason)}`);
  if (typeof replaceWith !== 'number') throw invalidInput(`replaceWith must be a number (NaN for missing), got ${show(replaceWith)}`);
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.FILTERING,
      description: 'A function for replacing ranges of values with another (fixed) value.',
      suffix: 'REPLACED-RANGES',
      name: 'replace_ranges',
      fn: replaceRanges,
      parameters: { index_pairs: pairs.map((p) => [p[0], p[1]]), reason, replace_with: Number.isNaN(replaceWith) ? 'nan' : replaceWith },
      inputs,
    });
    return inputs.map((s) => ({ series: replaceRangesInSeries(s, pairs, replaceWith).rename(outputName(s, step.suffix)), steps: [step] }));
  };
}
