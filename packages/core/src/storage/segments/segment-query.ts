import type { Buckets } from '../../query/engine.js';
import type { QuerySource } from '../../query/result.js';
import type { QueryPlan } from '../../query/spec.js';
import { resampleEdges } from '../../series/bins.js';
import type { PointsSummary } from '../../series/group-aggregate.js';
import { storageOf } from '../../series/values.js';
import type { KeyRangeMicros } from '../backend.js';
import type { SegmentFileDecoder, SegmentRef, VersionRecord } from './driver.js';
import type { SeriesLayout } from './layout.js';
import { BucketStream, keyAt, slicePoints, type ChunkItem, type ReduceChunk, type SegmentPoints, type StreamAgg } from './bucket-stream.js';
import { reduceInParallel } from './reduce-pool.js';

export type { SegmentPoints } from './bucket-stream.js';

/** Where the segments of the version being queried are read from. */
export interface SegmentSource {
  /** The points of `refs`, one segment at a time, in order. */
  points(refs: readonly SegmentRef[]): AsyncIterable<SegmentPoints>;
  /** Codec blobs of `refs` (drivers that keep them): then decoding can go to worker threads. */
  blobs?(refs: readonly SegmentRef[]): Promise<Uint8Array[]>;
  /** Or the files of `refs` and their decoder (file drivers whose format has one). */
  files?(refs: readonly SegmentRef[]): { decoder: SegmentFileDecoder; paths: string[] } | null;
  /** Worker threads a query may use beside the calling thread (0: none). */
  threads: number;
  /** Fewest decoded points per thread worth a worker (default 2^18). */
  minPointsPerThread?: number;
  /** How a segment is named in errors. */
  name(ref: SegmentRef): string;
}

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

/** Whether `ref`'s statistics answer every reducer of the plan bit for bit. */
function answers(ref: SegmentRef, plan: QueryPlan): boolean {
  if (ref.nanCount === ref.count) return true; // all NaN: contributes nothing to any of them
  for (const { kernel } of plan.aggs) {
    if (kernel === 'min' && !trusted(ref.min)) return false;
    if (kernel === 'max' && !trusted(ref.max)) return false;
    // firstValue/lastValue are the first/last points, null when NaN: the first non-NaN is then unknown.
    if (kernel === 'first' && !trusted(ref.firstValue)) return false;
    if (kernel === 'last' && !trusted(ref.lastValue)) return false;
  }
  return true;
}

/**
 * `query` of one version, segment by segment: every aggregation streams over each
 * segment's points as they are decoded (pandas' kernels in streaming form, so the result
 * is identical, Object.is per value, to `bucketSeries` over the loaded range), with no
 * copy of the whole range, no index rebuilt and no order check (segment keys are sorted
 * by construction). Buckets holding whole segments take count, min, max, first and last
 * from the statistics kept beside each segment without decoding them. Bins depend only on
 * the first and last point in range, which are known before any other segment is read.
 *
 * Returns null when the version cannot be streamed (unsorted or non-numeric series,
 * nothing in range, a zone whose calendar days do not start at midnight): the caller
 * reads the range and computes in JS, as for any backend.
 */
export async function bucketsFromSegments(
  record: VersionRecord, layout: SeriesLayout, plan: QueryPlan, range: KeyRangeMicros | undefined, source: SegmentSource,
): Promise<SegmentBuckets | null> {
  if (!layout.keyed || storageOf(layout.dtype) !== 'number') return null;
  if (plan.every !== null && layout.indexKind !== 'datetime') return null;
  const from = range?.from ?? -Infinity, to = range?.to ?? Infinity;
  const refs = record.segments.filter((r) => r.count > 0 && r.last >= from && r.first <= to);
  // Segments cut by the range are decoded first: they hold the first and last point in range.
  const cut = new Map<number, SegmentPoints>();
  const cutAt = refs.flatMap((r, i) => (r.first < from || r.last > to ? [i] : []));
  let c = 0;
  for await (const p of source.points(cutAt.map((i) => refs[i]!))) {
    cut.set(cutAt[c++]!, slicePoints(p, from, to));
  }
  const firstKey = (i: number): number => { const p = cut.get(i); return p ? keyAt(p, 0) : refs[i]!.first; };
  const lastKey = (i: number): number => { const p = cut.get(i); return p ? keyAt(p, p.values.length - 1) : refs[i]!.last; };
  const held = refs.map((_, i) => !cut.has(i) || cut.get(i)!.values.length > 0);
  const a = held.indexOf(true), z = held.lastIndexOf(true);
  if (a < 0) return null;
  const first = firstKey(a), last = lastKey(z);

  // Buckets follow the query's calendar (same instants, other wall clock); one bucket keeps the stored zone.
  const tz = plan.every !== null && plan.tz !== null && layout.tz !== null && layout.tz !== plan.tz ? plan.tz : layout.tz;
  const bins = plan.every === null
    ? { labels: Float64Array.of(first), edges: Float64Array.of(-Infinity, Infinity) }
    : resampleEdges(first, last, tz, plan.every);
  if (bins === null) return null;
  const { labels, edges } = bins;
  const nb = labels.length;
  const aggs = plan.aggs.map((a) => ({ kernel: a.kernel, q: a.q }));
  const stream = new BucketStream(aggs, edges, 0, nb);

  // Whole segments inside one bucket whose statistics answer the plan are not read.
  const summarizable = stream.summarizable;
  const bySummary = refs.map((r, i) => summarizable && held[i]! && !cut.has(i) && stream.bucketOf(r.first) === stream.bucketOf(r.last) && answers(r, plan));
  const toRead = refs.filter((_, i) => !cut.has(i) && !bySummary[i]);
  const fromStatistics = bySummary.filter(Boolean).length;
  const summaryOf = (r: SegmentRef): PointsSummary => ({ count: r.count - r.nanCount, min: r.min ?? Number.NaN, max: r.max ?? Number.NaN, first: r.firstValue ?? Number.NaN, last: r.lastValue ?? Number.NaN });
  const toDecode = toRead.reduce((n, r) => n + r.count, 0);
  const minPoints = source.minPointsPerThread ?? 2 ** 18;
  // Two chunks per thread, taken by whichever thread is free (see reduceInParallel).
  const chunkCount = source.threads === 0 ? 1 : Math.min(2 * (source.threads + 1), Math.floor(toDecode / minPoints));
  // Worker threads decode codec blobs read here, or segment files they read themselves.
  const files = chunkCount >= 2 && !source.blobs ? source.files?.(toRead) ?? null : null;

  let columns: Float64Array[];
  if (chunkCount >= 2 && (source.blobs || files)) {
    // Decode and reduce in chunks of whole buckets, on the worker threads and this one.
    const blobs = source.blobs ? await source.blobs(toRead) : null;
    let b = 0;
    const decodable = (r: SegmentRef): ChunkItem => {
      const at = b++;
      return blobs ? { blob: blobs[at]!, count: r.count, what: source.name(r) } : { file: files!.paths[at]!, decoder: files!.decoder, count: r.count, what: source.name(r) };
    };
    const items: Array<{ ref: SegmentRef; item: ChunkItem }> = refs.map((r, i) => ({
      ref: r,
      item: cut.has(i) ? cut.get(i)! : bySummary[i] ? { first: r.first, summary: summaryOf(r) } : decodable(r),
    }));
    const parts = reduceInParallel(chunksOf(items, aggs, edges, layout, chunkCount, stream), source.threads);
    columns = concatColumns(await parts);
  } else {
    const points = source.points(toRead)[Symbol.asyncIterator]();
    try {
      for (let i = 0; i < refs.length; i++) {
        const r = refs[i]!;
        if (cut.has(i)) stream.addPoints(cut.get(i)!);
        else if (bySummary[i]) stream.addSummary(r.first, summaryOf(r));
        else {
          const next = await points.next();
          if (next.done) throw new Error(`unreachable: the segment reader ended before segment ${r.id}`);
          stream.addPoints(next.value);
        }
      }
    } finally {
      await points.return?.();
    }
    columns = stream.finish();
  }
  return {
    buckets: { labels, tz: layout.indexKind === 'datetime' ? tz : null, columns },
    source: fromStatistics > 0 ? 'statistics' : 'js',
    series: { name: layout.name, indexName: layout.indexName, datetime: layout.indexKind === 'datetime' },
    fromStatistics,
    decoded: refs.length - fromStatistics,
  };
}

/**
 * Split the buckets into `count` ranges holding about the same number of points. A segment
 * cut by a split goes to both neighbours, each keeping its own keys.
 */
function chunksOf(items: ReadonlyArray<{ ref: SegmentRef; item: ChunkItem }>, aggs: StreamAgg[], edges: Float64Array, layout: SeriesLayout, count: number, stream: BucketStream): ReduceChunk[] {
  const nb = edges.length - 1;
  const total = items.reduce((n, x) => n + x.ref.count, 0);
  const splits = [0];
  let seen = 0;
  for (const { ref } of items) {
    seen += ref.count;
    const want = Math.round((splits.length * total) / count);
    if (splits.length < count && seen >= want) {
      const k = Math.max(1, stream.bucketOf(ref.last));
      if (k > splits.at(-1)! && k < nb) splits.push(k);
    }
  }
  splits.push(nb);
  const chunks: ReduceChunk[] = [];
  for (let c = 0; c + 1 < splits.length; c++) {
    const b0 = splits[c]!, b1 = splits[c + 1]!;
    const from = b0 === 0 ? -Infinity : edges[b0]!, to = edges[b1]!;
    chunks.push({ aggs, edges, b0, b1, layout, items: items.filter((x) => x.ref.last >= from && x.ref.first < to).map((x) => x.item) });
  }
  return chunks;
}

function concatColumns(parts: Float64Array[][]): Float64Array[] {
  return parts[0]!.map((_, j) => {
    const out = new Float64Array(parts.reduce((n, p) => n + p[j]!.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p[j]!, at);
      at += p[j]!.length;
    }
    return out;
  });
}
