import { MetaseriesError } from '../../errors.js';
import { reducerFor, type Aggregation, type BucketReducer, type PointsSummary } from '../../series/group-aggregate.js';
import { lowerBound, upperBound } from '../../series/indexes.js';
import { decodeSegmentInto } from './codec.js';
import type { SeriesLayout } from './layout.js';

/** One aggregation of a plan, as the streaming kernels need it. */
export interface StreamAgg {
  kernel: Aggregation;
  q: number;
}

/**
 * Buckets `[b0, b1)` of a query filled from points that arrive in key order, a piece at a
 * time (segment by segment), or as the statistics of a whole segment inside one bucket.
 * Bucket `k` holds the keys in `[edges[k], edges[k+1])`. Points outside the buckets'
 * keys are skipped, so two streams over neighbouring bucket ranges may be given the same
 * segment (the one their boundary cuts). The kernels keep their running state across
 * pieces, so the result does not depend on how the points were split.
 */
export class BucketStream {
  private readonly reducers: BucketReducer[];
  readonly columns: Float64Array[];
  private open: number;
  private readonly keyFrom: number;
  private readonly keyTo: number;

  constructor(aggs: readonly StreamAgg[], private readonly edges: Float64Array, private readonly b0: number, private readonly b1: number) {
    this.reducers = aggs.map((a) => reducerFor(a.kernel, a.q));
    this.columns = aggs.map(() => new Float64Array(b1 - b0));
    this.open = b0;
    this.keyFrom = b0 === 0 ? -Infinity : edges[b0]!;
    this.keyTo = edges[b1]!;
  }

  /** Whether segment statistics can stand in for points (every kernel has a summary form). */
  get summarizable(): boolean {
    return this.reducers.every((r) => r.addSummary !== undefined);
  }

  /** Bucket of key `t` (the last edge at or before it). */
  bucketOf(t: number): number {
    return upperBound(this.edges, t) - 1;
  }

  /** Add points (keys ascending); those outside this stream's buckets are skipped. */
  addPoints(keys: Float64Array, values: Float64Array): void {
    const n = keys.length;
    if (n === 0) return;
    let i = this.keyFrom === -Infinity || keys[0]! >= this.keyFrom ? 0 : lowerBound(keys, this.keyFrom);
    const end = this.keyTo === Infinity || keys[n - 1]! < this.keyTo ? n : lowerBound(keys, this.keyTo);
    const { edges, reducers } = this;
    while (i < end) {
      this.moveTo(this.bucketOf(keys[i]!));
      const next = edges[this.open + 1]!;
      const stop = next === Infinity || keys[end - 1]! < next ? end : lowerBound(keys, next);
      for (const r of reducers) r.add(values, i, stop);
      i = stop;
    }
  }

  /** Add a whole segment by its statistics; `first` is its first key (the segment lies in one bucket). */
  addSummary(first: number, summary: PointsSummary): void {
    const k = this.bucketOf(first);
    if (k < this.b0 || k >= this.b1) return;
    this.moveTo(k);
    for (const r of this.reducers) r.addSummary!(summary);
  }

  /** Close every bucket; the columns are complete. */
  finish(): Float64Array[] {
    this.moveTo(this.b1);
    return this.columns;
  }

  private moveTo(k: number): void {
    for (; this.open < k; this.open++) {
      const at = this.open - this.b0;
      this.reducers.forEach((r, j) => { this.columns[j]![at] = r.take(); });
    }
  }
}

/** A piece of a chunk: a codec blob to decode, decoded points, or a whole segment's statistics. */
export type ChunkItem =
  | { blob: Uint8Array; count: number; what: string }
  | { keys: Float64Array; values: Float64Array }
  | { first: number; summary: PointsSummary };

/** Buckets `[b0, b1)` of one series from its items: what a reduce worker (or the main thread) computes. */
export interface ReduceChunk {
  aggs: StreamAgg[];
  edges: Float64Array;
  b0: number;
  b1: number;
  layout: SeriesLayout;
  items: ChunkItem[];
}

/**
 * Decode and reduce a chunk (synchronously): blobs are decoded into one reused pair of
 * arrays. A damaged blob throws CORRUPT_DATA naming its segment.
 */
export function reduceChunk(chunk: ReduceChunk): Float64Array[] {
  const stream = new BucketStream(chunk.aggs, chunk.edges, chunk.b0, chunk.b1);
  let keys = new Float64Array(0), values = new Float64Array(0);
  for (const item of chunk.items) {
    if ('summary' in item) stream.addSummary(item.first, item.summary);
    else if ('keys' in item) stream.addPoints(item.keys, item.values);
    else {
      if (keys.length < item.count) {
        keys = new Float64Array(item.count);
        values = new Float64Array(item.count);
      }
      const n = decodeSegmentInto(item.blob, chunk.layout, { keys, values, at: 0 }, item.what);
      if (n !== item.count) throw new MetaseriesError('CORRUPT_DATA', `${item.what} holds ${n} points, its statistics say ${item.count}`);
      stream.addPoints(keys.subarray(0, n), values.subarray(0, n));
    }
  }
  return stream.finish();
}
