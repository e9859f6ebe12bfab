import type { ProcessingStep } from '../model/processing-step.js';
import type { Signal } from '../model/signal.js';
import type { Series } from '../series/series.js';

/** One output of a transform: the new values and the step(s) that made them. */
export interface TransformOutput {
  /** Named `<signal part>_<SUFFIX>` by convention (no counter; the signal numbers it). */
  series: Series;
  steps: ProcessingStep[];
}

/**
 * A signal-level transform: a plain function of the input series (each named with its
 * full ts name) and parameters. May be async.
 *
 * @example
 * const double: Transform = (inputs) => inputs.map((s) => ({
 *   series: s.withValues(s.values.map((v) => v * 2)).rename(`${parseTsName(s.name!).signal}_DOUBLED`),
 *   steps: [new ProcessingStep({ type: ProcessingType.TRANSFORMATION, description: 'x2', suffix: 'DOUBLED',
 *     functionInfo: new FunctionInfo({ name: 'double', version: '1', author: 'me', reference: '-', fn: double }),
 *     inputSeriesNames: [s.name!] })],
 * }));
 */
export type Transform<P = undefined> = (inputs: Series[], params: P) => TransformOutput[] | Promise<TransformOutput[]>;

/**
 * A dataset-level transform (meteaudata's protocol): copies of the signals holding the
 * inputs (one per input name, in order), the input ts names, and parameters; returns
 * new signals.
 */
export type DatasetTransform<P = undefined> = (inputs: Signal[], inputTsNames: string[], params: P) => Signal[] | Promise<Signal[]>;

export interface ProcessOptions {
  /** Custom operation names, one per output (no `_`): `A#1_daily-avg#1`. */
  outputNames?: readonly string[];
  /** Replace the latest version of each output's operation instead of adding a new one. */
  overwrite?: boolean;
}

export interface DatasetProcessOptions {
  /** Custom base names for the output signals, one per output (no `_`). */
  outputSignalNames?: readonly string[];
  /** Custom operation names for the series of each output signal (no `_`). */
  outputTsNames?: readonly string[];
  /** Replace the latest version of each output signal instead of adding a new one. */
  overwrite?: boolean;
}
