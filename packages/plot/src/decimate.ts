/**
 * Shape-preserving reduction for display: the x range is cut into `columns` equal
 * buckets (one per pixel column) and each bucket keeps its first, minimum, maximum and
 * last point, in x order. Every local extreme a pixel column can show survives — the
 * global minimum and maximum always do — so spikes are never averaged away (what LTTB
 * or plain sampling can lose). NaN values are skipped; a bucket holding only NaN gives
 * one NaN point so the line shows the gap.
 *
 * @example minMaxDecimate(Float64Array.of(0, 1, 2, 3), Float64Array.of(5, 9, 1, 5), 1) // keeps 0, 1 (max 9), 2 (min 1), 3
 */
export function minMaxDecimate(x: Float64Array, y: Float64Array, columns: number): { x: Float64Array; y: Float64Array } {
  const n = x.length;
  if (n <= columns * 4 || n < 2) return { x, y };
  const x0 = x[0]!;
  const span = x[n - 1]! - x0;
  if (!(span > 0)) return { x, y };
  const outX = new Float64Array(columns * 4);
  const outY = new Float64Array(columns * 4);
  let o = 0;
  let i = 0;
  for (let c = 0; c < columns && i < n; c++) {
    const limit = c === columns - 1 ? Infinity : x0 + (span * (c + 1)) / columns;
    const start = i;
    let first = -1, last = -1, lo = -1, hi = -1;
    for (; i < n && x[i]! < limit; i++) {
      const v = y[i]!;
      if (v !== v) continue;
      if (first < 0) { first = i; lo = i; hi = i; }
      last = i;
      if (v < y[lo]!) lo = i;
      if (v > y[hi]!) hi = i;
    }
    if (i === start) continue;
    if (first < 0) {
      outX[o] = x[start]!; outY[o++] = Number.NaN;
      continue;
    }
    // Emit the (up to) four kept positions in x order, each once.
    const a = lo < hi ? lo : hi;
    const b = lo < hi ? hi : lo;
    let prev = -1;
    for (const k of [first, a, b, last]) {
      if (k === prev) continue;
      prev = k;
      outX[o] = x[k]!; outY[o++] = y[k]!;
    }
  }
  return { x: outX.slice(0, o), y: outY.slice(0, o) };
}
