/**
 * @metaseries/processing: meteaudata's built-in transforms with pandas-equal results,
 * plus resampling aggregations, rolling windows, smoothing filters (EWM, Savitzky–Golay),
 * derivatives, and data-quality checks that write flag series (docs/quality-control.md).
 * Each transform factory returns a function for `signal.process` / `dataset.process`;
 * each kernel (`resampleSeries`, `linearFill`, …) works on a bare `Series`.
 */
export * from './average.js';
// Resampling bins and group aggregations live in core (store queries use them too); re-exported here.
export { AGGREGATIONS, aggregateGroups, checkAggregation, median, quantile, resampleBins, resampleFrequency } from '@metaseries/core/backend-kit';
export type { Aggregation, Bins } from '@metaseries/core';
export * from './checks.js';
export * from './ewm.js';
export * from './flags.js';
export { outputName, signalPart } from './common.js';
export * from './derivative.js';
export * from './gaps.js';
export * from './interpolate.js';
export * from './normalize.js';
export * from './order.js';
export * from './predict.js';
export * from './ranges.js';
export * from './replace.js';
export * from './report.js';
export * from './resample.js';
export * from './rolling.js';
export * from './savgol.js';
export * from './subset.js';
export type { Window } from './windows.js';
import './registry.js';
