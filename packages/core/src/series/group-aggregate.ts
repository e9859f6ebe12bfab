import { invalidInput, show } from '../errors.js';

/** How `resample` reduces the points of a bin; every one skips NaN, as pandas does. */
export type Aggregation = 'mean' | 'min' | 'max' | 'sum' | 'count' | 'first' | 'last' | 'median' | 'std' | 'var' | 'percentile';

export const AGGREGATIONS: readonly Aggregation[] = ['mean', 'min', 'max', 'sum', 'count', 'first', 'last', 'median', 'std', 'var', 'percentile'];

export function checkAggregation(aggregation: unknown, q: unknown): void {
  if (!AGGREGATIONS.includes(aggregation as Aggregation)) {
    throw invalidInput(`Unknown aggregation ${show(aggregation)}; expected one of ${AGGREGATIONS.join(', ')}`);
  }
  if (aggregation === 'percentile' && (typeof q !== 'number' || !(q >= 0 && q <= 1))) {
    throw invalidInput(`Percentile q must be a number in [0, 1], got ${show(q)}`);
  }
}

/**
 * Reduce each group `[starts[k], starts[k+1])` of `values` with `aggregation`, matching
 * pandas' groupby kernels bit for bit: mean and sum use the same Kahan-compensated
 * summation, std/var Welford's update (ddof 1), percentile linear interpolation
 * between order statistics. Empty (or all-NaN) groups give NaN, except sum (0) and
 * count (0).
 */
export function aggregateGroups(values: Float64Array, starts: Int32Array, aggregation: Aggregation, q = 0.5): Float64Array {
  const nb = starts.length - 1;
  const out = new Float64Array(nb);
  switch (aggregation) {
    case 'mean':
    case 'sum':
      for (let k = 0; k < nb; k++) {
        let sum = 0, comp = 0, count = 0;
        for (let i = starts[k]!, e = starts[k + 1]!; i < e; i++) {
          const v = values[i]!;
          if (v !== v) continue;
          count++;
          const y = v - comp;
          const t = sum + y;
          comp = t - sum - y;
          if (comp !== comp) comp = 0; // ±Infinity: keep the infinite sum (pandas GH#50367)
          sum = t;
        }
        out[k] = aggregation === 'sum' ? sum : count === 0 ? Number.NaN : sum / count;
      }
      return out;
    case 'count':
      for (let k = 0; k < nb; k++) {
        let count = 0;
        for (let i = starts[k]!, e = starts[k + 1]!; i < e; i++) if (values[i] === values[i]) count++;
        out[k] = count;
      }
      return out;
    case 'min':
    case 'max': {
      const isMin = aggregation === 'min';
      for (let k = 0; k < nb; k++) {
        let best = Number.NaN;
        for (let i = starts[k]!, e = starts[k + 1]!; i < e; i++) {
          const v = values[i]!;
          if (v !== v) continue;
          if (best !== best || (isMin ? v < best : v > best)) best = v;
        }
        out[k] = best;
      }
      return out;
    }
    case 'first':
      for (let k = 0; k < nb; k++) {
        let r = Number.NaN;
        for (let i = starts[k]!, e = starts[k + 1]!; i < e; i++) if (values[i] === values[i]) { r = values[i]!; break; }
        out[k] = r;
      }
      return out;
    case 'last':
      for (let k = 0; k < nb; k++) {
        let r = Number.NaN;
        for (let i = starts[k + 1]! - 1, s = starts[k]!; i >= s; i--) if (values[i] === values[i]) { r = values[i]!; break; }
        out[k] = r;
      }
      return out;
    case 'std':
    case 'var':
      for (let k = 0; k < nb; k++) {
        let count = 0, mean = 0, m2 = 0;
        for (let i = starts[k]!, e = starts[k + 1]!; i < e; i++) {
          const v = values[i]!;
          if (v !== v) continue;
          count++;
          const old = mean;
          mean += (v - old) / count;
          m2 += (v - mean) * (v - old);
        }
        out[k] = count <= 1 ? Number.NaN : aggregation === 'std' ? Math.sqrt(m2 / (count - 1)) : m2 / (count - 1);
      }
      return out;
    case 'median':
    case 'percentile': {
      let widest = 0;
      for (let k = 0; k < nb; k++) widest = Math.max(widest, starts[k + 1]! - starts[k]!);
      const scratch = new Float64Array(widest);
      for (let k = 0; k < nb; k++) {
        let m = 0;
        for (let i = starts[k]!, e = starts[k + 1]!; i < e; i++) if (values[i] === values[i]) scratch[m++] = values[i]!;
        out[k] = aggregation === 'median' ? selectMedian(scratch, m) : selectQuantile(scratch, m, q);
      }
      return out;
    }
  }
}

/**
 * Order statistics by selection (Hoare's quickselect, median-of-three pivots), O(m) on
 * average instead of a sort: `a[0..m)` is permuted so that `a[k]` is the k-th smallest,
 * everything before it ≤ and everything after ≥.
 */
function select(a: Float64Array, m: number, k: number): number {
  let lo = 0, hi = m - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot keeps sorted and constant runs (common in sensor data) linear.
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Smallest of `a[from..m)`. */
function minFrom(a: Float64Array, from: number, m: number): number {
  let best = a[from]!;
  for (let i = from + 1; i < m; i++) if (a[i]! < best) best = a[i]!;
  return best;
}

/** Median of the first `m` values of `a` (permutes them), as `median(sorted)` computes it. */
function selectMedian(a: Float64Array, m: number): number {
  if (m === 0) return Number.NaN;
  const h = m >> 1;
  const upper = select(a, m, h);
  return m % 2 === 1 ? upper : (select(a, h, h - 1) + upper) / 2;
}

/** pandas' linear quantile of the first `m` values of `a` (permutes them), as `quantile(sorted, q)` computes it. */
function selectQuantile(a: Float64Array, m: number, q: number): number {
  if (m === 0) return Number.NaN;
  const idx = q * (m - 1);
  const lo = Math.floor(idx);
  const frac = idx - lo;
  const x = select(a, m, lo);
  if (frac === 0) return x;
  const y = minFrom(a, lo + 1, m);
  return x + (y - x) * frac;
}

/** Median of sorted values (mean of the two middle ones for an even count); NaN when empty. */
export function median(sorted: Float64Array): number {
  const m = sorted.length;
  if (m === 0) return Number.NaN;
  const h = m >> 1;
  return m % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/** pandas' linear quantile of sorted values; NaN when empty. */
export function quantile(sorted: Float64Array, q: number): number {
  const m = sorted.length;
  if (m === 0) return Number.NaN;
  const idx = q * (m - 1);
  const lo = Math.floor(idx);
  const frac = idx - lo;
  if (frac === 0) return sorted[lo]!;
  const a = sorted[lo]!, b = sorted[lo + 1]!;
  return a + (b - a) * frac;
}
