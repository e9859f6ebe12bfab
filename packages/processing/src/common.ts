import { FunctionInfo, parseTsName, ProcessingStep, type DatetimeIndex, type ParameterValue, type ProcessingType, type Series } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';

/** meteaudata's author and reference strings for its built-in functions. */
export const AUTHOR = 'Jean-David Therrien';
export const REFERENCE = 'www.github.com/modelEAU/meteaudata';
/** `average_signals` spells its reference differently. */
export const AVERAGE_REFERENCE = 'www.github.com/modelEAU/metEAUdata';
export const VERSION = '0.1';

/** The signal part of a full ts name (`A#1_RAW#1` → `A#1`), as meteaudata's `extract_ts_base_and_number`. */
export function signalPart(series: Series): string {
  return parseTsName(series.name ?? 'None').signal;
}

/** `<signal part>_<SUFFIX>`: the name a transform gives its output (the signal adds the counter). */
export function outputName(series: Series, suffix: string): string {
  return `${signalPart(series)}_${suffix}`;
}

/**
 * The datetime index of `series`, or INVALID_INPUT naming the series and its index kind
 * (meteaudata raises IndexError "Series … has index type …" here).
 */
export function requireDatetime(series: Series, operation: string): DatetimeIndex {
  if (series.index.kind !== 'datetime') {
    throw invalidInput(`${operation}: series ${show(series.name)} has a ${series.index.kind} index; it needs a datetime index`);
  }
  return series.index;
}

/** Numeric values of `series`, or INVALID_INPUT for string/bool data. */
export function requireNumeric(series: Series, operation: string): Float64Array {
  const v = series.values;
  if (!(v instanceof Float64Array)) throw invalidInput(`${operation}: series ${show(series.name)} has ${series.dtype} values; it needs numbers`);
  return v;
}

export interface StepSpec {
  type: ProcessingType;
  description: string;
  suffix: string;
  /** FunctionInfo name (meteaudata's, where the function exists there). */
  name: string;
  fn: (...args: never[]) => unknown;
  parameters: Record<string, ParameterValue> | null;
  inputs: readonly Series[] | readonly string[];
  stepDistance?: number;
  reference?: string;
}

/** One ProcessingStep as meteaudata's built-ins make it (version 0.1, requires_calibration false). */
export function makeStep(spec: StepSpec): ProcessingStep {
  return new ProcessingStep({
    type: spec.type,
    description: spec.description,
    suffix: spec.suffix,
    requiresCalibration: false,
    functionInfo: new FunctionInfo({ name: spec.name, version: VERSION, author: AUTHOR, reference: spec.reference ?? REFERENCE, fn: spec.fn }),
    parameters: spec.parameters,
    stepDistance: spec.stepDistance ?? 0,
    inputSeriesNames: spec.inputs.map((s) => (typeof s === 'string' ? s : String(s.name))),
  });
}

/** A positive integer option, or INVALID_INPUT naming it. */
export function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalidInput(`${what} must be a positive integer, got ${show(value)}`);
  return value;
}
