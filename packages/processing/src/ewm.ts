import { ProcessingType, type KernelCheckpoint, type Series, type Transform } from '@metaseries/core';
import { invalidInput, lowerBound, show } from '@metaseries/core/backend-kit';
import { makeStep, outputName, requireNumeric } from './common.js';
import { exactExp } from './exp.js';
import { capturePositions, decodeState, encodeState } from './kernel-state.js';
import type { KernelRun } from './rolling-kernels.js';

/** Exactly one decay parameter, as pandas `ewm(span= | halflife= | alpha= | com=)`; counted in points. */
export interface EwmOptions {
  span?: number;
  halflife?: number;
  alpha?: number;
  com?: number;
  /** Divide by the decaying sum of weights (pandas' default true) rather than the recursive form. */
  adjust?: boolean;
  /** Fewest observations before a result; default 0 (pandas treats it as 1). */
  minPeriods?: number;
  /** Let missing values not count as elapsed steps (pandas `ignore_na`); default false. */
  ignoreNa?: boolean;
}

/** pandas' center of mass from whichever decay parameter is given (pandas' own checks and messages). */
function centerOfMass(o: EwmOptions): { com: number; given: Record<string, number> } {
  const given = Object.fromEntries((['com', 'span', 'halflife', 'alpha'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]!]));
  const keys = Object.keys(given);
  if (keys.length !== 1) throw invalidInput(`ewm needs exactly one of span, halflife, alpha, com; got ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const [k] = keys as ('com' | 'span' | 'halflife' | 'alpha')[];
  const x = given[k!]!;
  if (typeof x !== 'number' || Number.isNaN(x)) throw invalidInput(`ewm ${k} must be a number, got ${show(x)}`);
  switch (k!) {
    case 'com':
      if (x < 0) throw invalidInput(`ewm com must be >= 0, got ${x}`);
      return { com: x, given };
    case 'span':
      if (x < 1) throw invalidInput(`ewm span must be >= 1, got ${x}`);
      return { com: (x - 1) / 2, given };
    case 'halflife':
      if (x <= 0) throw invalidInput(`ewm halflife must be > 0, got ${x}`);
      return { com: 1 / (1 - exactExp(Math.log(0.5) / x)) - 1, given };
    case 'alpha':
      if (x <= 0 || x > 1) throw invalidInput(`ewm alpha must be in (0, 1], got ${x}`);
      return { com: 1 / x - 1, given };
  }
}

/**
 * pandas' ewma kernel (aggregations.pyx `ewm`, normalize=True, no times). With `run`, it
 * continues from a saved state (weighted mean, observations, old weight) at `run.from`
 * and saves its state after the positions in `run.capture`.
 */
function ewmaKernel(v: Float64Array, com: number, adjust: boolean, ignoreNa: boolean, minp: number, run?: KernelRun): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const alpha = 1 / (1 + com);
  const oldWtFactor = 1 - alpha;
  const newWt = adjust ? 1 : alpha;
  const capture = run?.capture;
  let ci = 0;
  let nextCapture = capture && capture.length ? capture[0]! : -1;
  let weighted: number, nobs: number, oldWt: number, i0: number;
  const s0 = run?.state;
  if (s0) {
    weighted = s0[0]!; nobs = s0[1]!; oldWt = s0[2]!; i0 = run!.from;
  } else {
    weighted = v[0]!;
    nobs = weighted === weighted ? 1 : 0;
    out[0] = nobs >= minp ? weighted : Number.NaN;
    oldWt = 1;
    i0 = 1;
    if (nextCapture === 0) {
      run!.states.push(Float64Array.of(weighted, nobs, oldWt));
      nextCapture = ++ci < capture!.length ? capture![ci]! : -1;
    }
  }
  for (let i = i0; i < n; i++) {
    const cur = v[i]!;
    const isObs = cur === cur;
    if (isObs) nobs++;
    if (weighted === weighted) {
      if (isObs || !ignoreNa) {
        oldWt *= oldWtFactor;
        if (isObs) {
          // pandas skips the update on equal values to keep constant series exact
          if (weighted !== cur) weighted = (oldWt * weighted + newWt * cur) / (oldWt + newWt);
          if (adjust) oldWt += newWt;
          else oldWt = 1;
        }
      }
    } else if (isObs) weighted = cur;
    out[i] = nobs >= minp ? weighted : Number.NaN;
    if (i === nextCapture) {
      run!.states.push(Float64Array.of(weighted, nobs, oldWt));
      nextCapture = ++ci < capture!.length ? capture![ci]! : -1;
    }
  }
  return out;
}

/**
 * The ewm of `series` continued from a checkpoint (the kernel state after point
 * `from.offset` of `series`, which starts at `from.from_us`), saving checkpoints near its
 * end; with `null`, the whole series. Bit-equal to `ewmSeries` on the whole input.
 *
 * @example const { series, checkpoints } = resumeEwm(s, { span: 10 }, null)
 */
export function resumeEwm(series: Series, options: EwmOptions, from: KernelCheckpoint | null): { series: Series; checkpoints: KernelCheckpoint[] } {
  const { com } = centerOfMass(options);
  const minp = checkMinp(options.minPeriods);
  const v = requireNumeric(series, 'ewm');
  const n = series.length;
  if (from && (from.offset < 0 || from.offset >= n)) throw invalidInput(`Checkpoint offset ${show(from.offset)} is outside the ${n} points read from ${show(from.from_us)}`);
  const i0 = from ? from.offset + 1 : 0;
  const run: KernelRun = { from: i0, state: from ? decodeState(from.state) : null, capture: capturePositions(i0, n - 1), states: [] };
  const values = ewmaKernel(v, com, options.adjust ?? true, options.ignoreNa ?? false, Math.max(minp, 1), run);
  const keys = series.index.values as Float64Array;
  // No window: the state alone carries the past, so a resume reads from the checkpoint's own point.
  const checkpoints = Array.from(run.capture, (p, k): KernelCheckpoint => ({ at_us: keys[p]!, from_us: keys[p]!, offset: p - lowerBound(keys, keys[p]!), state: encodeState(run.states[k]!) }));
  return { series: series.slice(i0).withValues(values.slice(i0), 'float64'), checkpoints };
}

/**
 * pandas `s.ewm(span|halflife|alpha|com, adjust, ignore_na, min_periods).mean()` (decay in points).
 * @example ewmSeries(s, { span: 10 })
 */
export function ewmSeries(series: Series, options: EwmOptions): Series {
  const { com } = centerOfMass(options);
  const minp = checkMinp(options.minPeriods);
  const v = requireNumeric(series, 'ewm');
  return series.withValues(ewmaKernel(v, com, options.adjust ?? true, options.ignoreNa ?? false, Math.max(minp, 1)), 'float64');
}

function checkMinp(m: unknown): number {
  if (m === undefined) return 0;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 0) throw invalidInput(`minPeriods must be a non-negative integer, got ${show(m)}`);
  return m;
}

/**
 * Exponentially weighted mean: SMOOTHING step, suffix `EWM`, parameters `{<decay>, adjust, ignore_na, min_periods}`.
 * @example await signal.process(['A#1_RAW#1'], ewm({ span: 12 }))   // A#1_EWM#1
 */
export function ewm(options: EwmOptions): Transform<unknown> {
  const { given } = centerOfMass(options);
  const minp = checkMinp(options.minPeriods);
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.SMOOTHING,
      description: `Exponentially weighted mean (pandas ewm(${Object.entries(given).map(([k, x]) => `${k}=${x}`).join(', ')}, adjust=${options.adjust ?? true}).mean())`,
      suffix: 'EWM',
      name: 'ewm_mean',
      fn: ewm,
      parameters: { ...given, adjust: options.adjust ?? true, ignore_na: options.ignoreNa ?? false, min_periods: minp },
      inputs,
    });
    return inputs.map((s) => ({ series: ewmSeries(s, options).rename(outputName(s, step.suffix)), steps: [step] }));
  };
}
