import {
  DatetimeIndex, ProcessingType, Series, type Aggregation, type Frequency, type Transform,
} from '@metaseries/core';
import {
  aggregateGroups, checkAggregation, resampleBins, resampleFrequency,
} from '@metaseries/core/backend-kit';
import { makeStep, outputName, requireDatetime, requireNumeric } from './common.js';

export interface ResampleOptions {
  /** How each bin is reduced; default `mean` (meteaudata's). */
  aggregation?: Aggregation;
  /** For `percentile`: the quantile in [0, 1]. */
  q?: number;
}

/**
 * Resample a datetime-indexed series to `frequency` with pandas' default bins (see
 * `resampleBins`) and a NaN-skipping aggregation. The result carries the new frequency.
 *
 * @example resampleSeries(series, '5min').length
 * @example resampleSeries(series, 'ME', { aggregation: 'percentile', q: 0.9 })
 */
export function resampleSeries(series: Series, frequency: string | Frequency, options: ResampleOptions = {}): Series {
  const aggregation = options.aggregation ?? 'mean';
  checkAggregation(aggregation, options.q);
  const freq = resampleFrequency(frequency);
  requireDatetime(series, 'resample');
  requireNumeric(series, 'resample');
  const sorted = series.index.orderInfo().sorted ? series : series.sortByIndex();
  const index = sorted.index as DatetimeIndex;
  const bins = resampleBins(index, freq);
  const values = aggregateGroups(sorted.values as Float64Array, bins.starts, aggregation, options.q);
  return new Series({
    index: new DatetimeIndex(bins.labels, { tz: index.tz, freq: bins.freq, name: index.name, unit: index.unit }),
    values,
    name: series.name,
    dtype: aggregation === 'count' ? 'int64' : 'float64',
  });
}

/**
 * meteaudata's `resample`: RESAMPLING step, suffix `RESAMPLED`, parameters
 * `{frequency}`. With another aggregation the suffix names it (`RESAMPLED-MAX`,
 * `RESAMPLED-PERCENTILE`) and the parameters record it (`{frequency, aggregation, q}`).
 *
 * @example await signal.process(['A#1_RAW#1'], resample('5min'))   // A#1_RESAMPLED#1
 * @example await signal.process(['A#1_RAW#1'], resample('h', { aggregation: 'max' }))   // A#1_RESAMPLED-MAX#1
 */
export function resample(frequency: string, options: ResampleOptions = {}): Transform<unknown> {
  const aggregation = options.aggregation ?? 'mean';
  checkAggregation(aggregation, options.q);
  resampleFrequency(frequency);
  const plain = aggregation === 'mean';
  const transform: Transform<unknown> = (inputs) => {
    const step = makeStep({
      type: ProcessingType.RESAMPLING,
      description: plain
        ? 'A simple processing function that resamples a series to a given frequency'
        : `A processing function that resamples a series to a given frequency, reducing each bin with its ${aggregation === 'percentile' ? `${options.q} quantile` : aggregation}`,
      suffix: plain ? 'RESAMPLED' : `RESAMPLED-${aggregation.toUpperCase()}`,
      name: 'resample',
      fn: resample,
      parameters: plain ? { frequency } : aggregation === 'percentile' ? { frequency, aggregation, q: options.q! } : { frequency, aggregation },
      inputs,
    });
    return inputs.map((s) => ({ series: resampleSeries(s, frequency, options).rename(outputName(s, step.suffix)), steps: [step] }));
  };
  return transform;
}
