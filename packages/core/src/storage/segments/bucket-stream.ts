import { MetaseriesError, show } from '../../errors.js';
import type { Series } from '../../series/series.js';
import type { SegmentFileDecoder } from './driver.js';
import { reducerFor, type Aggregation, type BucketReducer, type PointsSummary } from '../../series/group-aggregate.js';
import { lowerBound, upperBound } from '../../series/indexes.js';
import { decodeSegmentInto, type DecodeTarget } from './codec.js';
import type { SeriesLayout } from './layout.js';

/**
 * One segment's points in key order: keys as decoded, or regular keys `start + i·step`
 * (one per value) that were never written out.
 */
export type SegmentPoints = { keys: Float64Array; values: Float64Array } | { start: number; step: number; values: Float64Array };

/** Key of point `i`. */
export function keyAt(p: SegmentPoints, i: number): number {
  return 'keys' in p ? p.keys[i]! : p.start + i * p.step;
}

/** First position whose key is ≥ `x` (or > `x` when `after`). */
export function positionOf(p: SegmentPoints, x: number, after = false): number {
  if ('keys' in p) return after ? upperBound(p.keys, x) : lowerBound(p.keys, x);
  const n = p.values.length, { start, step } = p;
  const past = (i: number): boolean => (after ? start + i * step > x : start + i * step >= x);
  if (past(0)) return 0;
  if (!(step > 0)) return n; // every key is the start, which is not past x
  let i = Math.min(n, Math.max(0, Math.ceil((x - start) / step)));
  while (i > 0 && past(i - 1)) i--;
  while (i < n && !past(i)) i++;
  return i;
}

/** The points with keys in `[from, to]`. */
export function slicePoints(p: SegmentPoints, from: number, to: number): SegmentPoints {
  const lo = from === -Infinity ? 0 : positionOf(p, from), hi = to === Infinity ? p.values.length : positionOf(p, to, true);
  const values = p.values.slice(lo, hi);
  return 'keys' in p ? { keys: p.keys.slice(lo, hi), values } : { start: p.start + lo * p.step, step: p.step, values };
}

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
  addPoints(p: SegmentPoints): void {
    const n = p.values.length;
    if (n === 0) return;
    let i = this.keyFrom === -Infinity || keyAt(p, 0) >= this.keyFrom ? 0 : positionOf(p, this.keyFrom);
    const end = this.keyTo === Infinity || keyAt(p, n - 1) < this.keyTo ? n : positionOf(p, this.keyTo);
    const { edges, reducers } = this;
    while (i < end) {
      this.moveTo(this.bucketOf(keyAt(p, i)));
      const next = edges[this.open + 1]!;
      const stop = next === Infinity || keyAt(p, end - 1) < next ? end : positionOf(p, next);
      for (const r of reducers) r.add(p.values, i, stop);
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
  | { file: string; decoder: SegmentFileDecoder; count: number; what: string }
  | SegmentPoints
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
 * Decode and reduce a chunk: blobs are decoded into one reused pair of arrays, files by
 * their format's decoder. A damaged segment throws CORRUPT_DATA naming it.
 */
export async function reduceChunk(chunk: ReduceChunk, options: { yieldEvery?: number } = {}): Promise<Float64Array[]> {
  const stream = new BucketStream(chunk.aggs, chunk.edges, chunk.b0, chunk.b1);
  const target = { keys: new Float64Array(0), values: new Float64Array(0), at: 0, regular: null as { start: number; step: number } | null };
  let decoded = 0;
  for (const item of chunk.items) {
    if ('summary' in item) stream.addSummary(item.first, item.summary);
    else if ('blob' in item) stream.addPoints(decodeInto(item.blob, item.count, chunk.layout, target, item.what));
    else if ('file' in item) stream.addPoints(await decodeFile(item, chunk.layout));
    else stream.addPoints(item);
    // On the main thread: let other work (a worker's answer waiting for its next chunk) run between segments.
    if (options.yieldEvery && !('summary' in item) && ++decoded % options.yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return stream.finish();
}

type FileDecode = (path: string, layout: Record<string, unknown>) => Promise<Series>;

/** Decoder functions by module and name, looked up once per thread (not once per segment). */
const fileDecoders = new Map<string, Promise<FileDecode>>();

function fileDecoder(decoder: SegmentFileDecoder): Promise<FileDecode> {
  const id = `${decoder.module}#${decoder.name}`;
  let found = fileDecoders.get(id);
  if (!found) {
    found = import(decoder.module).then((module: Record<string, unknown>) => {
      const decode = module[decoder.name];
      if (typeof decode !== 'function') throw new Error(`${decoder.module} has no function ${decoder.name}`);
      return decode as FileDecode;
    });
    // A module that failed to load is tried again by the next segment.
    found.catch(() => fileDecoders.delete(id));
    fileDecoders.set(id, found);
  }
  return found;
}

async function decodeFile(item: { file: string; decoder: SegmentFileDecoder; count: number; what: string }, layout: SeriesLayout): Promise<SegmentPoints> {
  let series: Series;
  try {
    const decode = await fileDecoder(item.decoder);
    series = await decode(item.file, layout as unknown as Record<string, unknown>);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const where = why.includes(item.file) ? '' : ` (${show(item.file)})`;
    throw new MetaseriesError('CORRUPT_DATA', `${item.what}${where} cannot be read: ${why}`, { cause });
  }
  if (series.length !== item.count) throw new MetaseriesError('CORRUPT_DATA', `${item.what} holds ${series.length} points, its statistics say ${item.count}`);
  return { keys: series.index.values as Float64Array, values: series.values as Float64Array };
}

/**
 * Decode a blob of `count` points into `target`'s arrays (grown when too small; reused
 * from one segment to the next): the points, valid until the next decode into `target`.
 */
export function decodeInto(blob: Uint8Array, count: number, layout: SeriesLayout, target: DecodeTarget & { values: Float64Array }, what: string): SegmentPoints {
  if (target.values.length < count) {
    target.keys = new Float64Array(count);
    target.values = new Float64Array(count);
  }
  target.at = 0;
  const n = decodeSegmentInto(blob, layout, target, what);
  if (n !== count) throw new MetaseriesError('CORRUPT_DATA', `${what} holds ${n} points, its statistics say ${count}`);
  const values = target.values.subarray(0, n);
  return target.regular ? { start: target.regular.start, step: target.regular.step, values } : { keys: target.keys.subarray(0, n), values };
}
