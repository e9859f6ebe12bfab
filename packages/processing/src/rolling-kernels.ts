/**
 * Rolling-window kernels over pandas window bounds ([start[i], end[i]), both monotone).
 * Each follows pandas' Cython kernel (pandas/_libs/window/aggregations.pyx, 2.x): the same
 * Kahan-compensated add/remove order, the same "all values equal" shortcut and the same
 * restart when a window shares nothing with the previous one, so results are bit-equal.
 */

/**
 * pandas' roll_sum / roll_mean (add_sum/remove_sum, add_mean/remove_mean): one pass with
 * Kahan-compensated adds and removes, written out inline (a hot loop: no calls).
 */
function kahanKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number, mean: boolean): Float64Array {
  const n = start.length;
  const out = new Float64Array(n);
  let nobs = 0, sum = 0, neg = 0, compAdd = 0, compRemove = 0, same = 0, prev = Number.NaN;
  for (let i = 0; i < n; i++) {
    const s = start[i]!, e = end[i]!;
    let from: number;
    if (i === 0 || s >= end[i - 1]!) {
      nobs = 0; sum = 0; neg = 0; compAdd = 0; compRemove = 0;
      prev = v[s]!; same = 0;
      from = s;
    } else {
      for (let j = start[i - 1]!; j < s; j++) {
        const x = v[j]!;
        if (x !== x) continue;
        nobs--;
        const y = -x - compRemove;
        const t = sum + y;
        compRemove = t - sum - y;
        sum = t;
        if (x < 0 || (x === 0 && 1 / x < 0)) neg--;
      }
      from = end[i - 1]!;
    }
    for (let j = from; j < e; j++) {
      const x = v[j]!;
      if (x !== x) continue;
      nobs++;
      const y = x - compAdd;
      const t = sum + y;
      compAdd = t - sum - y;
      sum = t;
      if (x < 0 || (x === 0 && 1 / x < 0)) neg++;
      if (x === prev) same++;
      else same = 1;
      prev = x;
    }
    let r = Number.NaN;
    if (mean) {
      if (nobs >= minp && nobs > 0) {
        r = sum / nobs;
        if (same >= nobs) r = prev;
        else if (neg === 0 && r < 0) r = 0;
        else if (neg === nobs && r > 0) r = 0;
      }
    } else if (nobs === 0 && minp === 0) r = 0;
    else if (nobs >= minp) r = same >= nobs ? prev * nobs : sum;
    out[i] = r;
  }
  return out;
}

/** pandas `rolling().mean()`. */
export function rollingMeanKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number): Float64Array {
  return kahanKernel(v, start, end, minp, true);
}

/** pandas `rolling().sum()`: 0 for an empty window when minPeriods is 0. */
export function rollingSumKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number): Float64Array {
  return kahanKernel(v, start, end, minp, false);
}

/** pandas `rolling().count()`: the window's non-NaN values (NaN where the window has fewer than minPeriods points). */
export function rollingCountKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number): Float64Array {
  const present = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) present[i] = v[i] === v[i] ? 1 : 0;
  return rollingSumKernel(present, start, end, minp);
}

/**
 * pandas `rolling().var(ddof)` (Welford with Kahan compensation, add_var/remove_var);
 * `std` takes the square root (negative rounding noise → 0, as pandas' zsqrt).
 */
export function rollingVarKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number, ddof = 1, sqrt = false): Float64Array {
  const n = start.length;
  const out = new Float64Array(n);
  const m = Math.max(minp, 1);
  let nobs = 0, mean = 0, ssqdm = 0, compAdd = 0, compRemove = 0, same = 0, prev = Number.NaN;
  for (let i = 0; i < n; i++) {
    const s = start[i]!, e = end[i]!;
    let from: number;
    if (i === 0 || s >= end[i - 1]!) {
      nobs = 0; mean = 0; ssqdm = 0; compAdd = 0; compRemove = 0;
      prev = v[s]!; same = 0;
      from = s;
    } else {
      for (let j = start[i - 1]!; j < s; j++) {
        const x = v[j]!;
        if (x !== x) continue;
        nobs--;
        if (nobs) {
          const prevMean = mean - compRemove;
          const y = x - compRemove;
          const t = y - mean;
          compRemove = t + mean - y;
          mean -= t / nobs;
          ssqdm -= (x - prevMean) * (x - mean);
        } else {
          mean = 0;
          ssqdm = 0;
        }
      }
      from = end[i - 1]!;
    }
    for (let j = from; j < e; j++) {
      const x = v[j]!;
      if (x !== x) continue;
      if (x === prev) same++;
      else same = 1;
      prev = x;
      nobs++;
      const prevMean = mean - compAdd;
      const y = x - compAdd;
      const t = y - mean;
      compAdd = t + mean - y;
      mean = nobs ? mean + t / nobs : 0;
      ssqdm += (x - prevMean) * (x - mean);
    }
    let r = Number.NaN;
    if (nobs >= m && nobs > ddof) r = nobs === 1 || same >= nobs ? 0 : ssqdm / (nobs - ddof);
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
      if (max) while (tail > head && v[dq[tail - 1]!]! <= x) tail--;
      else while (tail > head && v[dq[tail - 1]!]! >= x) tail--;
      dq[tail++] = added;
    }
    for (; removed < s; removed++) if (v[removed] === v[removed]) nobs--;
    while (head < tail && dq[head]! < s) head++;
    out[i] = nobs >= Math.max(minp, 1) && head < tail ? v[dq[head]!]! : Number.NaN;
  }
  return out;
}
