/**
 * Shape-preserving reduction for display: the x range is cut into `columns` equal
 * buckets (one per pixel column) and each bucket keeps its first, minimum, maximum and
 * last point, in x order. Every local extreme a pixel column can show survives — the
 * global minimum and maximum always do — so spikes are never averaged away (what LTTB
 * or plain sampling can lose). NaN values are skipped; a bucket holding only NaN gives
 * one NaN point so the line shows the gap. `keepEnds: false` keeps only min and max
 * per column (plus the series' first and last point): enough for markers, half the points.
 *
 * @example minMaxDecimate(Float64Array.of(0, 1, 2, 3), Float64Array.of(5, 9, 1, 5), 1) // keeps 0, 1 (max 9), 2 (min 1), 3
 */
export function minMaxDecimate(x: Float64Array, y: Float64Array, columns: number, options: { keepEnds?: boolean } = {}): { x: Float64Array; y: Float64Array } {
  const n = x.length;
  const keepEnds = options.keepEnds ?? true;
  const perColumn = keepEnds ? 4 : 2;
  if (n <= columns * perColumn || n < 2) return { x, y };
  const x0 = x[0]!;
  const span = x[n - 1]! - x0;
  if (!(span > 0)) return { x, y };
  const outX = new Float64Array(columns * 4 + 2);
  const outY = new Float64Array(columns * 4 + 2);
  let o = 0;
  let i = 0;
  const emit = (k: number): void => { outX[o] = x[k]!; outY[o++] = y[k]!; };
  for (let c = 0; c < columns && i < n; c++) {
    const limit = c === columns - 1 ? Infinity : x0 + (span * (c + 1)) / columns;
    const start = i;
    let first = -1, last = -1, lo = -1, hi = -1;
    let loV = Infinity, hiV = -Infinity;
    for (; i < n && x[i]! < limit; i++) {
      const v = y[i]!;
      if (v !== v) continue;
      if (first < 0) first = i;
      last = i;
      if (v < loV) { loV = v; lo = i; }
      if (v > hiV) { hiV = v; hi = i; }
    }
    if (i === start) continue;
    if (first < 0) {
      outX[o] = x[start]!; outY[o++] = Number.NaN;
      continue;
    }
    // The kept positions in x order, each once.
    const a = lo < hi ? lo : hi;
    const b = lo < hi ? hi : lo;
    if (keepEnds && first !== a) emit(first);
    emit(a);
    if (b !== a) emit(b);
    if (keepEnds && last !== b) emit(last);
  }
  // Markers-only traces still show the series' first and last points.
  if (!keepEnds) {
    if (outX[0] !== x[0]) { outX.copyWithin(1, 0, o); outX[0] = x[0]!; outY.copyWithin(1, 0, o); outY[0] = y[0]!; o++; }
    if (outX[o - 1] !== x[n - 1]) { outX[o] = x[n - 1]!; outY[o++] = y[n - 1]!; }
  }
  return { x: outX.slice(0, o), y: outY.slice(0, o) };
}
