/**
 * Rolling-window kernels over pandas window bounds ([start[i], end[i]), both monotone).
 * Each follows pandas' Cython kernel (pandas/_libs/window/aggregations.pyx, 2.x): the same
 * Kahan-compensated add/remove order, the same "all values equal" shortcut and the same
 * restart when a window shares nothing with the previous one, so results are bit-equal.
 */

/**
 * A kernel run that continues from a saved state (refresh, issue 17): the kernel starts at
 * position `from` with the state it had after `from − 1` (null: from the start), and
 * saves its state after each position in `capture` (ascending) into `states`. pandas'
 * running sums make each result depend on every point before it, so continuing from the
 * exact state is the only way a tail recompute is bit-equal to a full one.
 */
export interface KernelRun {
  from: number;
  state: Float64Array | null;
  capture: Int32Array;
  states: Float64Array[];
}

/**
 * pandas' roll_sum / roll_mean (add_sum/remove_sum, add_mean/remove_mean): one pass with
 * Kahan-compensated adds and removes, written out inline (a hot loop: no calls).
 * State: nobs, sum, neg count, the two compensations, consecutive-same count, last value.
 */
function kahanKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number, mean: boolean, run?: KernelRun): Float64Array {
  const n = start.length;
  const out = new Float64Array(n);
  let nobs = 0, sum = 0, neg = 0, compAdd = 0, compRemove = 0, same = 0, prev = Number.NaN;
  const s0 = run?.state;
  if (s0) { nobs = s0[0]!; sum = s0[1]!; neg = s0[2]!; compAdd = s0[3]!; compRemove = s0[4]!; same = s0[5]!; prev = s0[6]!; }
  const capture = run?.capture;
  let ci = 0;
  let nextCapture = capture && capture.length ? capture[0]! : -1;
  for (let i = run?.from ?? 0; i < n; i++) {
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
    if (i === nextCapture) {
      run!.states.push(Float64Array.of(nobs, sum, neg, compAdd, compRemove, same, prev));
      nextCapture = ++ci < capture!.length ? capture![ci]! : -1;
    }
  }
  return out;
}

/** pandas `rolling().mean()`. */
export function rollingMeanKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number, run?: KernelRun): Float64Array {
  return kahanKernel(v, start, end, minp, true, run);
}

/** pandas `rolling().sum()`: 0 for an empty window when minPeriods is 0. */
export function rollingSumKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number, run?: KernelRun): Float64Array {
  return kahanKernel(v, start, end, minp, false, run);
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
export function rollingVarKernel(v: Float64Array, start: Int32Array, end: Int32Array, minp: number, ddof = 1, sqrt = false, run?: KernelRun): Float64Array {
  const n = start.length;
  const out = new Float64Array(n);
  const m = Math.max(minp, 1);
  let nobs = 0, mean = 0, ssqdm = 0, compAdd = 0, compRemove = 0, same = 0, prev = Number.NaN;
  const s0 = run?.state;
  if (s0) { nobs = s0[0]!; mean = s0[1]!; ssqdm = s0[2]!; compAdd = s0[3]!; compRemove = s0[4]!; same = s0[5]!; prev = s0[6]!; }
  const capture = run?.capture;
  let ci = 0;
  let nextCapture = capture && capture.length ? capture[0]! : -1;
  for (let i = run?.from ?? 0; i < n; i++) {
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
    if (i === nextCapture) {
      run!.states.push(Float64Array.of(nobs, mean, ssqdm, compAdd, compRemove, same, prev));
      nextCapture = ++ci < capture!.length ? capture![ci]! : -1;
    }
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
