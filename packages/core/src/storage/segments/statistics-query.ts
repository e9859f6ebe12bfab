import { bucketSeries, type Buckets } from '../../query/engine.js';
import type { QuerySource } from '../../query/result.js';
import type { QueryPlan } from '../../query/spec.js';
import { resampleBins } from '../../series/bins.js';
import type { Aggregation } from '../../series/group-aggregate.js';
import { DatetimeIndex } from '../../series/indexes.js';
import type { Series } from '../../series/series.js';
import { storageOf } from '../../series/values.js';
import type { KeyRangeMicros } from '../backend.js';
import { sliceByKeyRange } from '../slice.js';
import type { SegmentRef, VersionRecord } from './driver.js';
import { concatSegments, type SeriesLayout } from './layout.js';

/**
 * Aggregations a segment's statistics answer exactly. Not sum/mean: pandas sums a bucket
 * with one Kahan-compensated pass over its points, and per-segment partial sums combined
 * differ from it in the last bits. Not std/var/median/percentiles: they need the points.
 */
const FROM_STATISTICS: ReadonlySet<Aggregation> = new Set(['count', 'min', 'max', 'first', 'last']);

/** Reads segments of the version being queried (whole when `range` is omitted). */
export type SegmentReader = (refs: readonly SegmentRef[], range?: KeyRangeMicros) => Promise<Series[]>;

export interface SegmentBuckets {
  buckets: Buckets;
  source: QuerySource;
  /** Names of the stored series and its index, and whether it is a datetime index (for `aggregate`'s Series). */
  series: { name: string | null; indexName: string | null; datetime: boolean };
  /** Segments answered from their statistics, and segments decoded. */
  fromStatistics: number;
  decoded: number;
}

/**
 * A stored value the statistics can stand for. Version records travel as JSON, which
 * turns ±Infinity into null and -0 into 0: a null or a zero may not be the value the
 * points hold (and Object.is(-0, 0) is false), so such segments are decoded instead.
 */
const trusted = (v: number | null): v is number => v !== null && Number.isFinite(v) && v !== 0;

/** Whether `ref`'s statistics answer every aggregation of the plan bit for bit. */
function answers(ref: SegmentRef, kernels: ReadonlySet<Aggregation>): boolean {
  if (ref.nanCount === ref.count) return true; // all NaN: contributes nothing to any of them
  if ((kernels.has('min') && !trusted(ref.min)) || (kernels.has('max') && !trusted(ref.max))) return false;
  // firstValue/lastValue are the first/last points, null when NaN: the first non-NaN is then unknown.
  if (kernels.has('first') && !trusted(ref.firstValue)) return false;
  if (kernels.has('last') && !trusted(ref.lastValue)) return false;
  return true;
}

/**
 * `query` of one version from its segments: buckets that hold whole segments take count,
 * min, max, first and last from the statistics kept beside each segment (no decoding);
 * segments cut by the range or by a bucket edge are decoded, and only those. Results are
 * identical (Object.is per value) to `bucketSeries` over the loaded points, because bins
 * depend only on the first and last point in range, which are always known exactly.
 *
 * Returns null when statistics cannot help (other aggregations, unsorted or non-numeric
 * series): the caller reads the range and computes in JS, as for any backend.
 */
export async function bucketsFromSegments(
  key: string, record: VersionRecord, layout: SeriesLayout, plan: QueryPlan, range: KeyRangeMicros | undefined, read: SegmentReader,
): Promise<SegmentBuckets | null> {
  if (!layout.keyed || storageOf(layout.dtype) !== 'number') return null;
  if (plan.every !== null && layout.indexKind !== 'datetime') return null;
  const kernels = new Set(plan.aggs.map((a) => a.kernel));
  for (const k of kernels) if (!FROM_STATISTICS.has(k)) return null;
  const from = range?.from ?? -Infinity, to = range?.to ?? Infinity;
  const refs = record.segments.filter((r) => r.count > 0 && r.last >= from && r.first <= to);
  // Decoded points of each segment by position in `refs`; null while it is answered by statistics.
  const parts: Array<Series | null> = refs.map(() => null);
  const decode = async (which: number[], cut: boolean): Promise<void> => {
    if (which.length === 0) return;
    const got = await read(which.map((i) => refs[i]!), cut ? range : undefined);
    which.forEach((i, j) => { parts[i] = cut && range ? sliceByKeyRange(got[j]!, range) : got[j]!; });
  };
  const edges: number[] = [], doubtful: number[] = [];
  refs.forEach((r, i) => {
    if (r.first < from || r.last > to) edges.push(i);
    else if (!answers(r, kernels)) doubtful.push(i);
  });
  await decode(edges, true);
  await decode(doubtful, false);
  let layoutOfPoints = buildPoints(refs, parts);
  let bins = binsOf(layoutOfPoints.times, layout, plan);
  // A segment whose first and last points fall in different buckets is cut by a bucket edge: decode it.
  const straddling: number[] = [];
  for (let i = 0; i < refs.length; i++) {
    const at = layoutOfPoints.at[i]!;
    if (parts[i] === null && bins.binAt[at] !== bins.binAt[at + 1]) straddling.push(i);
  }
  if (straddling.length) {
    await decode(straddling, false);
    // Bins depend only on the first and last point, both unchanged: only positions move.
    layoutOfPoints = buildPoints(refs, parts);
    bins = binsOf(layoutOfPoints.times, layout, plan);
  }
  const fromStatistics = parts.filter((p) => p === null).length;
  const decoded = refs.length - fromStatistics;
  if (fromStatistics === 0) {
    // Nothing to gain: compute exactly as the JS path does over the decoded points.
    const points = parts.filter((p): p is Series => p !== null && p.length > 0);
    if (points.length === 0) return null;
    return { buckets: bucketSeries(concatSegments(points, layout), plan, key), source: 'js', series: namesOf(layout), fromStatistics, decoded };
  }
  const { values, owner } = layoutOfPoints;
  const nb = bins.labels.length;
  const columns = plan.aggs.map(() => new Float64Array(nb));
  for (let k = 0; k < nb; k++) {
    const lo = bins.starts[k]!, hi = bins.starts[k + 1]!;
    plan.aggs.forEach((agg, a) => { columns[a]![k] = reduce(agg.kernel, lo, hi, values, owner, refs); });
  }
  return { buckets: { labels: bins.labels, tz: bins.tz, columns }, source: 'statistics', series: namesOf(layout), fromStatistics, decoded };
}

const namesOf = (layout: SeriesLayout): SegmentBuckets['series'] => ({ name: layout.name, indexName: layout.indexName, datetime: layout.indexKind === 'datetime' });

interface Points {
  /** Keys in order: every point of decoded segments, first and last key of the others. */
  times: Float64Array;
  /** Values of decoded points (NaN at the statistics placeholders). */
  values: Float64Array;
  /** -1 for a decoded point; the segment's position in `refs` for its two placeholders. */
  owner: Int32Array;
  /** Position in `times` where each segment starts. */
  at: Int32Array;
}

function buildPoints(refs: readonly SegmentRef[], parts: ReadonlyArray<Series | null>): Points {
  let n = 0;
  for (const p of parts) n += p === null ? 2 : p.length;
  const times = new Float64Array(n), values = new Float64Array(n), owner = new Int32Array(n), at = new Int32Array(refs.length);
  let j = 0;
  refs.forEach((r, i) => {
    at[i] = j;
    const p = parts[i];
    if (p === null || p === undefined) {
      times[j] = r.first;
      times[j + 1] = r.last;
      values[j] = values[j + 1] = Number.NaN;
      owner[j] = owner[j + 1] = i;
      j += 2;
    } else {
      times.set(p.index.values as Float64Array, j);
      values.set(p.values as Float64Array, j);
      owner.fill(-1, j, j + p.length);
      j += p.length;
    }
  });
  return { times, values, owner, at };
}

interface PointBins {
  labels: Float64Array;
  starts: Int32Array;
  tz: string | null;
  /** Bucket of each position of `times`. */
  binAt: Int32Array;
}

/** The same bins `bucketSeries` makes over these keys (same zone conversion, same anchors). */
function binsOf(times: Float64Array, layout: SeriesLayout, plan: QueryPlan): PointBins {
  const n = times.length;
  if (plan.every === null) {
    return {
      labels: n === 0 ? new Float64Array(0) : Float64Array.of(times[0]!),
      starts: n === 0 ? Int32Array.of(0) : Int32Array.of(0, n),
      tz: layout.indexKind === 'datetime' ? layout.tz : null,
      binAt: new Int32Array(n),
    };
  }
  const tz = plan.tz !== null && layout.tz !== null && layout.tz !== plan.tz ? plan.tz : layout.tz;
  const bins = resampleBins(new DatetimeIndex(times, { tz }), plan.every);
  const binAt = new Int32Array(n);
  for (let k = 0; k + 1 < bins.starts.length; k++) binAt.fill(k, bins.starts[k]!, bins.starts[k + 1]!);
  return { labels: bins.labels, starts: bins.starts, tz, binAt };
}

/** One bucket `[lo, hi)` of positions, in point order, mixing decoded points and whole segments' statistics. */
function reduce(kernel: Aggregation, lo: number, hi: number, values: Float64Array, owner: Int32Array, refs: readonly SegmentRef[]): number {
  switch (kernel) {
    case 'count': {
      let c = 0;
      for (let i = lo; i < hi; i++) {
        const o = owner[i]!;
        if (o < 0) { if (values[i] === values[i]) c++; } else { const r = refs[o]!; c += r.count - r.nanCount; i++; }
      }
      return c;
    }
    case 'min':
    case 'max': {
      const isMin = kernel === 'min';
      let best = Number.NaN;
      for (let i = lo; i < hi; i++) {
        const o = owner[i]!;
        let v: number;
        if (o < 0) v = values[i]!;
        else {
          i++;
          const r = refs[o]!;
          if (r.nanCount === r.count) continue;
          v = (isMin ? r.min : r.max)!;
        }
        if (v !== v) continue;
        // Strict comparison, first one kept on ties: the kernel's rule, so equal values keep their sign.
        if (best !== best || (isMin ? v < best : v > best)) best = v;
      }
      return best;
    }
    case 'first':
      for (let i = lo; i < hi; i++) {
        const o = owner[i]!;
        if (o < 0) { if (values[i] === values[i]) return values[i]!; continue; }
        i++;
        const r = refs[o]!;
        if (r.nanCount < r.count) return r.firstValue!;
      }
      return Number.NaN;
    case 'last':
      for (let i = hi - 1; i >= lo; i--) {
        const o = owner[i]!;
        if (o < 0) { if (values[i] === values[i]) return values[i]!; continue; }
        i--;
        const r = refs[o]!;
        if (r.nanCount < r.count) return r.lastValue!;
      }
      return Number.NaN;
    default:
      throw new Error(`unreachable: ${kernel} is not answered from statistics`);
  }
}
