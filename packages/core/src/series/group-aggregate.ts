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
 * pandas' groupby kernels bit for bit (see `reducerFor`). Empty (or all-NaN) groups give
 * NaN, except sum (0) and count (0).
 */
export function aggregateGroups(values: Float64Array, starts: Int32Array, aggregation: Aggregation, q = 0.5): Float64Array {
  const nb = starts.length - 1;
  const out = new Float64Array(nb);
  const reducer = reducerFor(aggregation, q);
  for (let k = 0; k < nb; k++) {
    reducer.add(values, starts[k]!, starts[k + 1]!);
    out[k] = reducer.take();
  }
  return out;
}

/** What a segment's statistics say of its points (count excludes NaN; min/max/first/last are of the non-NaN points). */
export interface PointsSummary {
  count: number;
  min: number;
  max: number;
  first: number;
  last: number;
}

/**
 * One bucket at a time, its points given in order in as many runs as they arrive (a
 * bucket may span segments): the pandas kernels in streaming form. mean and sum use the
 * same Kahan-compensated summation as pandas, std/var Welford's update (ddof 1),
 * percentiles linear interpolation between order statistics — the running state is the
 * kernel's own, so the result does not depend on how the points were split into runs.
 */
export interface BucketReducer {
  /** Add `values[lo..hi)` (NaN skipped) to the open bucket. */
  add(values: Float64Array, lo: number, hi: number): void;
  /**
   * Add a run of points known only by its summary (count, min, max, first, last kernels:
   * `addSummary` is absent on the others, which need the points).
   */
  addSummary?(summary: PointsSummary): void;
  /** The open bucket's value (NaN when it holds no number; 0 for sum and count); the next bucket opens empty. */
  take(): number;
}

/** The streaming kernel of `aggregation` (`q` for percentile). */
export function reducerFor(aggregation: Aggregation, q = 0.5): BucketReducer {
  switch (aggregation) {
    case 'mean':
    case 'sum':
      return new KahanSum(aggregation === 'mean');
    case 'count':
      return new Count();
    case 'min':
      return new Extreme(true);
    case 'max':
      return new Extreme(false);
    case 'first':
      return new First();
    case 'last':
      return new Last();
    case 'std':
    case 'var':
      return new Welford(aggregation === 'std');
    case 'median':
      return new OrderStatistic(null);
    case 'percentile':
      return new OrderStatistic(q);
  }
}

class KahanSum implements BucketReducer {
  private sum = 0;
  private comp = 0;
  private count = 0;
  constructor(private readonly mean: boolean) {}
  add(values: Float64Array, lo: number, hi: number): void {
    let sum = this.sum, comp = this.comp, count = this.count;
    for (let i = lo; i < hi; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      count++;
      const y = v - comp;
      const t = sum + y;
      comp = t - sum - y;
      if (comp !== comp) comp = 0; // ±Infinity: keep the infinite sum (pandas GH#50367)
      sum = t;
    }
    this.sum = sum;
    this.comp = comp;
    this.count = count;
  }
  take(): number {
    const r = this.mean ? (this.count === 0 ? Number.NaN : this.sum / this.count) : this.sum;
    this.sum = this.comp = this.count = 0;
    return r;
  }
}

class Count implements BucketReducer {
  private n = 0;
  add(values: Float64Array, lo: number, hi: number): void {
    let n = 0;
    for (let i = lo; i < hi; i++) if (values[i] === values[i]) n++;
    this.n += n;
  }
  addSummary(s: PointsSummary): void {
    this.n += s.count;
  }
  take(): number {
    const r = this.n;
    this.n = 0;
    return r;
  }
}

class Extreme implements BucketReducer {
  private best = Number.NaN;
  constructor(private readonly isMin: boolean) {}
  add(values: Float64Array, lo: number, hi: number): void {
    let best = this.best;
    // Strict comparison, the first one kept on ties (so equal values keep their sign, -0 vs 0).
    if (this.isMin) {
      for (let i = lo; i < hi; i++) {
        const v = values[i]!;
        if (v < best || (best !== best && v === v)) best = v;
      }
    } else {
      for (let i = lo; i < hi; i++) {
        const v = values[i]!;
        if (v > best || (best !== best && v === v)) best = v;
      }
    }
    this.best = best;
  }
  addSummary(s: PointsSummary): void {
    if (s.count === 0) return;
    const v = this.isMin ? s.min : s.max;
    if (this.best !== this.best || (this.isMin ? v < this.best : v > this.best)) this.best = v;
  }
  take(): number {
    const r = this.best;
    this.best = Number.NaN;
    return r;
  }
}

class First implements BucketReducer {
  private value = Number.NaN;
  add(values: Float64Array, lo: number, hi: number): void {
    if (this.value === this.value) return;
    for (let i = lo; i < hi; i++) {
      if (values[i] === values[i]) {
        this.value = values[i]!;
        return;
      }
    }
  }
  addSummary(s: PointsSummary): void {
    if (this.value !== this.value && s.count > 0) this.value = s.first;
  }
  take(): number {
    const r = this.value;
    this.value = Number.NaN;
    return r;
  }
}

class Last implements BucketReducer {
  private value = Number.NaN;
  add(values: Float64Array, lo: number, hi: number): void {
    for (let i = hi - 1; i >= lo; i--) {
      if (values[i] === values[i]) {
        this.value = values[i]!;
        return;
      }
    }
  }
  addSummary(s: PointsSummary): void {
    if (s.count > 0) this.value = s.last;
  }
  take(): number {
    const r = this.value;
    this.value = Number.NaN;
    return r;
  }
}

class Welford implements BucketReducer {
  private count = 0;
  private mean = 0;
  private m2 = 0;
  constructor(private readonly std: boolean) {}
  add(values: Float64Array, lo: number, hi: number): void {
    let count = this.count, mean = this.mean, m2 = this.m2;
    for (let i = lo; i < hi; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      count++;
      const old = mean;
      mean += (v - old) / count;
      m2 += (v - mean) * (v - old);
    }
    this.count = count;
    this.mean = mean;
    this.m2 = m2;
  }
  take(): number {
    const n = this.count, m2 = this.m2;
    this.count = this.mean = this.m2 = 0;
    return n <= 1 ? Number.NaN : this.std ? Math.sqrt(m2 / (n - 1)) : m2 / (n - 1);
  }
}

/** Median (q null) or linear quantile q: the bucket's numbers are gathered, then selected. */
class OrderStatistic implements BucketReducer {
  private scratch = new Float64Array(1024);
  private m = 0;
  constructor(private readonly q: number | null) {}
  add(values: Float64Array, lo: number, hi: number): void {
    if (this.m + (hi - lo) > this.scratch.length) {
      const grown = new Float64Array(Math.max(2 * this.scratch.length, this.m + (hi - lo)));
      grown.set(this.scratch.subarray(0, this.m));
      this.scratch = grown;
    }
    const a = this.scratch;
    let m = this.m;
    for (let i = lo; i < hi; i++) {
      const v = values[i]!;
      if (v === v) a[m++] = v;
    }
    this.m = m;
  }
  take(): number {
    const m = this.m;
    this.m = 0;
    return this.q === null ? selectMedian(this.scratch, m) : selectQuantile(this.scratch, m, this.q);
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
