import { ProcessingType, type ProcessingStep, type Series, type Transform, type TransformOutput } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';
import { makeStep, outputName, requireNumeric, type StepSpec } from './common.js';

/**
 * Quality flag codes: one bit per fault, so flags from several checks combine with a
 * bitwise OR (`combineFlags`) and a point can carry several faults. Flag series have
 * dtype `int8` (0…127); 0 means no check found anything.
 */
export const QualityFlag = {
  OK: 0,
  /** Value below `min` or above `max` (rangeCheck). */
  OUT_OF_RANGE: 1,
  /** Change from the previous valid point faster than `maxPerSecond` (rateOfChangeCheck). */
  RATE_OF_CHANGE: 2,
  /** Further than k·MAD from the rolling median (spikeCheck, Hampel). */
  SPIKE: 4,
  /** Part of a run whose consecutive changes stay within `tolerance` for at least `window` (flatlineCheck). */
  FLATLINE: 8,
  /** Part of a run of at least `minRepeats` identical values (stuckValue). */
  STUCK: 16,
  /** First point after a gap longer than `maxGap` (gapCheck). */
  GAP: 32,
  /** The value itself is missing (NaN); every check sets it. */
  MISSING: 64,
} as const;
export type QualityFlagName = keyof typeof QualityFlag;
export const FLAG_NAMES = Object.keys(QualityFlag) as QualityFlagName[];

/** The names of the bits set in `code` (`['SPIKE', 'OUT_OF_RANGE']`), or `['OK']`. */
export function flagNames(code: number): QualityFlagName[] {
  if (code === 0) return ['OK'];
  return FLAG_NAMES.filter((n) => n !== 'OK' && (code & QualityFlag[n]) !== 0);
}

export const FLAG_DTYPE = 'int8';

export type CheckMode = 'flag' | 'mask';

export interface CheckModeOption {
  /** `'flag'` (default): one output, the flag series. `'mask'`: also the input with flagged points set to NaN. */
  mode?: CheckMode;
}

export function checkMode(mode: unknown): CheckMode {
  if (mode === undefined) return 'flag';
  if (mode !== 'flag' && mode !== 'mask') throw invalidInput(`mode must be "flag" or "mask", got ${show(mode)}`);
  return mode;
}

/** The input with the points whose flag has any bit of `bits` set to NaN. */
export function maskSeries(series: Series, flags: Float64Array, bits: number): Series {
  const v = requireNumeric(series, 'mask');
  const out = Float64Array.from(v);
  for (let i = 0; i < out.length; i++) if ((flags[i]! & bits) !== 0) out[i] = Number.NaN;
  return series.withValues(out, 'float64');
}

/**
 * One check as a transform: for each input, the flag series (`<signal>_<SUFFIX>`) and,
 * with mode 'mask', the cleaned series (`<signal>_<SUFFIX>-MASKED`) — both from the
 * same step, so the lineage of the cleaned series names the check that cleaned it.
 */
export function checkTransform(
  spec: Omit<StepSpec, 'inputs' | 'type'> & { type?: StepSpec['type'] },
  mode: CheckMode,
  bit: number,
  flagsOf: (s: Series) => Float64Array,
): Transform<unknown> {
  return (inputs) => {
    const step: ProcessingStep = makeStep({ type: ProcessingType.FAULT_DETECTION, ...spec, inputs });
    const outputs: TransformOutput[] = [];
    for (const s of inputs) {
      const flags = flagsOf(s);
      outputs.push({ series: s.withValues(flags, FLAG_DTYPE).rename(outputName(s, spec.suffix)), steps: [step] });
      if (mode === 'mask') outputs.push({ series: maskSeries(s, flags, bit).rename(outputName(s, `${spec.suffix}-MASKED`)), steps: [step] });
    }
    return outputs;
  };
}

/** Bitwise OR of flag series on the same index; INVALID_INPUT names a series whose index differs. */
export function combineFlagSeries(flags: readonly Series[]): Series {
  if (flags.length === 0) throw invalidInput('combineFlags needs at least one flag series');
  const first = flags[0]!;
  const out = new Float64Array(first.length);
  const keys = first.index.values as ArrayLike<unknown>;
  for (const f of flags) {
    const v = requireNumeric(f, 'combineFlags');
    const k = f.index.values as ArrayLike<unknown>;
    let same = f.length === first.length && f.index.kind === first.index.kind;
    for (let i = 0; same && i < k.length; i++) same = k[i] === keys[i];
    if (!same) throw invalidInput(`combineFlags: series ${show(f.name)} does not have the same index as ${show(first.name)}`);
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (!Number.isInteger(x) || x < 0 || x > 127) throw invalidInput(`combineFlags: series ${show(f.name)} holds ${show(x)} at position ${i}, not a flag code 0..127`);
      out[i] = out[i]! | x;
    }
  }
  return first.withValues(out, FLAG_DTYPE);
}

/**
 * Combined flags: FAULT_IDENTIFICATION step, suffix `QC-FLAGS`, the bitwise OR of the input flag series.
 * @example await signal.process(['A#1_QC-RANGE#1', 'A#1_QC-SPIKE#1'], combineFlags())   // A#1_QC-FLAGS#1
 */
export function combineFlags(): Transform<unknown> {
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.FAULT_IDENTIFICATION,
      description: 'Combines quality flag series (bitwise OR of their codes)',
      suffix: 'QC-FLAGS',
      name: 'combine_flags',
      fn: combineFlags,
      parameters: null,
      inputs,
    });
    return [{ series: combineFlagSeries(inputs).rename(outputName(inputs[0]!, step.suffix)), steps: [step] }];
  };
}
