import { ProcessingType, type Series, type Transform } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';
import { makeStep, outputName, positiveInteger, requireNumeric } from './common.js';

export interface SavgolOptions {
  /** Odd number of points in the fitting window. */
  windowLength: number;
  /** Degree of the fitted polynomial, below windowLength. */
  polyorder: number;
}

function check(o: SavgolOptions): void {
  if (typeof o !== 'object' || o === null) throw invalidInput(`savgol needs { windowLength, polyorder }, got ${show(o)}`);
  positiveInteger(o.windowLength, 'savgol windowLength');
  if (o.windowLength % 2 === 0) throw invalidInput(`savgol windowLength must be odd, got ${o.windowLength}`);
  if (typeof o.polyorder !== 'number' || !Number.isInteger(o.polyorder) || o.polyorder < 0) throw invalidInput(`savgol polyorder must be a non-negative integer, got ${show(o.polyorder)}`);
  if (o.polyorder >= o.windowLength) throw invalidInput(`savgol polyorder ${o.polyorder} must be less than windowLength ${o.windowLength}`);
}

/** Solve the small symmetric system `g x = b` (Gaussian elimination, partial pivoting). */
function solve(g: number[][], b: number[]): number[] {
  const m = b.length;
  const a = g.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = c + 1; r < m; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= m; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = a[r]![m]!;
    for (let k = r + 1; k < m; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/**
 * Weights w (one per window point, offsets −h…h) such that Σ w_k·y_k is the least-squares
 * polynomial of degree `p` through the window, evaluated at offset `at`. Offsets are
 * centred, which keeps the normal equations well conditioned.
 */
function fitWeights(w: number, p: number, at: number): Float64Array {
  const h = (w - 1) / 2;
  const m = p + 1;
  const gram: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let k = 0; k < w; k++) {
    const x = k - h;
    for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) gram[r]![c]! += x ** (r + c);
  }
  const e = Array.from({ length: m }, (_, r) => at ** r);
  const z = solve(gram, e);
  const out = new Float64Array(w);
  for (let k = 0; k < w; k++) {
    const x = k - h;
    let s = 0;
    for (let r = 0; r < m; r++) s += z[r]! * x ** r;
    out[k] = s;
  }
  return out;
}

/**
 * `scipy.signal.savgol_filter(x, windowLength, polyorder)` (mode 'interp'): interior points
 * are the centred least-squares fit; the first and last `windowLength >> 1` points are the
 * polynomial fitted to the first/last window, evaluated there. Positions, not times: use on
 * regular data. NaN spreads over the windows that hold it, as in scipy.
 *
 * @example savgolSeries(s, { windowLength: 11, polyorder: 3 })
 */
export function savgolSeries(series: Series, options: SavgolOptions): Series {
  check(options);
  const v = requireNumeric(series, 'savgol');
  const { windowLength: w, polyorder: p } = options;
  const n = v.length;
  if (n === 0) return series.withValues(new Float64Array(0), 'float64');
  if (w > n) throw invalidInput(`savgol windowLength ${w} is longer than series ${show(series.name)} (${n} points)`);
  const h = (w - 1) / 2;
  const out = new Float64Array(n);
  // The centred weights are symmetric (c[h−k] = c[h+k]): pair the points, half the products.
  const centre = fitWeights(w, p, 0);
  const half = Float64Array.from({ length: h }, (_, k) => (centre[h + 1 + k]! + centre[h - 1 - k]!) / 2);
  const mid = centre[h]!;
  for (let i = h; i < n - h; i++) {
    let s = mid * v[i]!;
    for (let k = 0; k < h; k++) s += half[k]! * (v[i - 1 - k]! + v[i + 1 + k]!);
    out[i] = s;
  }
  for (let j = 0; j < h; j++) {
    const head = fitWeights(w, p, j - h), tail = fitWeights(w, p, h - j);
    let a = 0, b = 0;
    for (let k = 0; k < w; k++) { a += head[k]! * v[k]!; b += tail[k]! * v[n - w + k]!; }
    out[j] = a;
    out[n - 1 - j] = b;
  }
  return series.withValues(out, 'float64');
}

/**
 * Savitzky–Golay smoothing: FILTERING step, suffix `SAVGOL`, parameters `{window_length, polyorder, mode: 'interp'}`.
 * @example await signal.process(['A#1_RAW#1'], savgol({ windowLength: 11, polyorder: 3 }))   // A#1_SAVGOL#1
 */
export function savgol(options: SavgolOptions): Transform<unknown> {
  check(options);
  return (inputs) => {
    const step = makeStep({
      type: ProcessingType.FILTERING,
      description: `Savitzky-Golay filter: degree-${options.polyorder} least-squares polynomial over ${options.windowLength} points (scipy savgol_filter, mode "interp")`,
      suffix: 'SAVGOL',
      name: 'savgol_filter',
      fn: savgol,
      parameters: { window_length: options.windowLength, polyorder: options.polyorder, mode: 'interp' },
      inputs,
    });
    return inputs.map((s) => ({ series: savgolSeries(s, options).rename(outputName(s, step.suffix)), steps: [step] }));
  };
}
