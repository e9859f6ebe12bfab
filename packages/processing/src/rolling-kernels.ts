/**
 * Rolling-window kernels over pandas window bounds ([start[i], end[i]), both monotone).
 * Each follows pandas' Cython kernel (pandas/_libs/window/aggregations.pyx, 2.x): the same
 * Kahan-compensated add/remove order, the same "all values equal" shortcut and the same
 * restart when a window shares nothing with the previous one, so results are bit-equal.
 */

/** True when window i must be computed afresh (pandas' setup branch). */
function restart(i: number, s: number, end: Int32Array): boolean {
  return i === 0 || s >= end[i - 1]!;
}

/** Running Kahan sum/mean state, as pandas' add_sum/add_mean/remove_sum/remove_mean. */
class KahanWindow {
  nobs = 0; sum = 0; neg = 0; compAdd = 0; compRemove = 0; same = 0; prev = Number.NaN;
  reset(first: number): void {
    this.nobs = 0; this.sum = 0; this.neg = 0; this.compAdd = 0; this.compRemove = 0;
    this.prev = first; this.same = 0;
  }
  add(x: number): void {
    if (x !== x) return;
    this.nobs++;
    const y = x - this.compAdd;
    const t = this.sum + y;
    this.compAdd = t - this.sum - y;
    this.sum = t;
    if (x < 0 || Object.is(x, -0)) this.neg++;
    if (x === this.prev) this.same++;
    else this.same = 1;
    this.prev = x;
  }
  remove(x: number): void {
    if (x !== x) return;
    this.nobs--;
    const y = -x - this.compRemove;
    const t = this.sum + y;
    this.compRemove = t - this.sum - y;
    this.sum = t;
    if (x < 0 || Object.is(x, -0)) this.neg--;
  }
}

function slide(v: Float64Array, start: Int32Array, end: Int32Array, w: { reset(first: number): void; add(x: number): void; remove(x: number): void }, i: number): void {
  const s = start[i]!, e = end[i]!;
  if (restart(i, s, end)) {
    w.reset(v[s]!);
    for (let j = s; j < e; j++) w.add(v[j]!);
  } else {
    for (let j = start[i - 1]!; j < s; j++) w.remove(v[j]!);
    for (let j = end[i - 1]!; j < e; j++) w.add(v[j]!);
  }
}

/** pandas `rolling().mean()`. */
export function rollingMeanKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number): Float64Array {
  const out = new Float64Array(start.length);
  const w = new KahanWindow();
  for (let i = 0; i < out.length; i++) {
    slide(v, start, end, w, i);
    let r = Number.NaN;
    if (w.nobs >= minp && w.nobs > 0) {
      r = w.sum / w.nobs;
      if (w.same >= w.nobs) r = w.prev;
      else if (w.neg === 0 && r < 0) r = 0;
      else if (w.neg === w.nobs && r > 0) r = 0;
    }
    out[i] = r;
  }
  return out;
}

/** pandas `rolling().sum()`: 0 for an empty window when minPeriods is 0. */
export function rollingSumKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number): Float64Array {
  const out = new Float64Array(start.length);
  const w = new KahanWindow();
  for (let i = 0; i < out.length; i++) {
    slide(v, start, end, w, i);
    out[i] = w.nobs === 0 && minp === 0 ? 0 : w.nobs >= minp ? (w.same >= w.nobs ? w.prev * w.nobs : w.sum) : Number.NaN;
  }
  return out;
}

/** pandas `rolling().count()`: the window's non-NaN values (NaN where the window has fewer than minPeriods points). */
export function rollingCountKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number): Float64Array {
  const present = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) present[i] = v[i] === v[i] ? 1 : 0;
  return rollingSumKernel(present, start, end, minp);
}

/** Welford variance with Kahan compensation, as pandas' add_var/remove_var. */
class VarWindow {
  nobs = 0; mean = 0; ssqdm = 0; compAdd = 0; compRemove = 0; same = 0; prev = Number.NaN;
  reset(first: number): void {
    this.nobs = 0; this.mean = 0; this.ssqdm = 0; this.compAdd = 0; this.compRemove = 0;
    this.prev = first; this.same = 0;
  }
  add(x: number): void {
    if (x !== x) return;
    if (x === this.prev) this.same++;
    else this.same = 1;
    this.prev = x;
    this.nobs++;
    const prevMean = this.mean - this.compAdd;
    const y = x - this.compAdd;
    const t = y - this.mean;
    this.compAdd = t + this.mean - y;
    this.mean = this.nobs ? this.mean + t / this.nobs : 0;
    this.ssqdm += (x - prevMean) * (x - this.mean);
  }
  remove(x: number): void {
    if (x !== x) return;
    this.nobs--;
    if (this.nobs) {
      const prevMean = this.mean - this.compRemove;
      const y = x - this.compRemove;
      const t = y - this.mean;
      this.compRemove = t + this.mean - y;
      this.mean -= t / this.nobs;
      this.ssqdm -= (x - prevMean) * (x - this.mean);
    } else {
      this.mean = 0;
      this.ssqdm = 0;
    }
  }
}

/** pandas `rolling().var(ddof)`; `std` takes the square root (negative rounding noise → 0, as pandas' zsqrt). */
export function rollingVarKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number, ddof = 1, sqrt = false): Float64Array {
  const out = new Float64Array(start.length);
  const w = new VarWindow();
  const m = Math.max(minp, 1);
  for (let i = 0; i < out.length; i++) {
    slide(v, start, end, w, i);
    let r = Number.NaN;
    if (w.nobs >= m && w.nobs > ddof) r = w.nobs === 1 || w.same >= w.nobs ? 0 : w.ssqdm / (w.nobs - ddof);
    out[i] = sqrt ? (r < 0 ? 0 : Math.sqrt(r)) : r;
  }
  return out;
}

/** pandas `rolling().min()` / `.max()`: a monotone deque of positions, O(n). */
export function rollingExtremeKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number, max: boolean): Float64Array {
  const n = start.length;
  const out = new Float64Array(n);
  const dq = new Int32Array(v.length);
  let head = 0, tail = 0, nobs = 0, added = 0, removed = 0;
  for (let i = 0; i < n; i++) {
    const s = start[i]!, e = end[i]!;
    // Add first: every position below s has then been counted once before it is removed.
    for (; added < e; added++) {
      const x = v[added]!;
      if (x !== x) continue;
      nobs++;
      while (tail > head && (max ? v[dq[tail - 1]!]! <= x : v[dq[tail - 1]!]! >= x)) tail--;
      dq[tail++] = added;
    }
    for (; removed < s; removed++) if (v[removed] === v[removed]) nobs--;
    while (head < tail && dq[head]! < s) head++;
    out[i] = nobs >= Math.max(minp, 1) && head < tail ? v[dq[head]!]! : Number.NaN;
  }
  return out;
}
