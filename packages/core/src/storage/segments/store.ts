import { randomBytes } from 'node:crypto';
import { MetaseriesError, invalidInput, show } from '../../errors.js';
import type { SeriesMetadata } from '../../wire.js';
import { Series } from '../../series/series.js';
import { fromIndexKey, toMicros } from '../../series/timestamp.js';
import { toValues } from '../../series/values.js';
import { storageOf } from '../../series/values.js';
import type {
  AggregateRequest,
  AsOf,
  BackendCapabilities,
  KeyRangeMicros,
  LoadOptions,
  SeriesSummary,
  StorageBackend,
  StoredSeries,
  StreamOptions,
} from '../backend.js';
import type { QueryPlan } from '../../query/spec.js';
import { sliceByKeyRange } from '../slice.js';
import { bucketsFromSegments, type SegmentBuckets, type SegmentPoints } from './segment-query.js';
import { defaultQueryThreads } from './reduce-pool.js';
import { decodeInto } from './bucket-stream.js';
import { decodeSegmentInto, segmentStats } from './codec.js';
import type { CatalogRecord, CommitEntry, LoggedChange, SegmentDriver, SegmentRef, SegmentStats, SnapshotRecord, VersionOperation, VersionRecord } from './driver.js';
import { fromJsonSafe, toJsonSafe } from './json-safe.js';
import { buildIndex, concatSegments, layoutOf, parseLayout, type SeriesLayout } from './layout.js';
import { checkAfter, checkMergeable, mergedLayout, spliceRange } from './merge.js';

/** Points per segment: 65,536 (storage-v2 brief §4; measured in bench/codec-measure.ts). */
export const DEFAULT_SEGMENT_SIZE = 65_536;
/** Unreferenced segments younger than this survive GC: a concurrent writer may be about to commit them (ArcticDB uses 600 s). */
export const DEFAULT_GC_GRACE_MS = 10 * 60_000;
/** What `prune()` keeps when called without options: the last 10 versions of each key. */
export const DEFAULT_KEEP_LAST = 10;
const DEFAULT_CHUNK = 100_000;
/**
 * Lock name that serialises snapshot creation with prune in one process (keys cannot
 * contain NUL), so prune never drops a version a snapshot being created is about to hold.
 */
const ADMIN = '\u0000admin';
/** Segments fetched per driver call when reading a whole version (≈1M points). */
const READ_BATCH = 16;

export interface SegmentStoreOptions {
  segmentSize?: number;
  gcGraceMs?: number;
  /** How many times a write re-plans on a newer head after a CONFLICT (default 8). */
  maxRetries?: number;
  /** Clock (epoch ms), for tests of time travel. */
  now?: () => number;
  /**
   * Worker threads a query may use to decode segments beside the calling thread (drivers
   * that keep codec blobs — memory, SQLite, PostgreSQL — and file stores whose format
   * has a worker decoder — Parquet, Polars). Default: `METASERIES_QUERY_THREADS`, else
   * cores − 1, at most 4; 0 turns them off.
   */
  queryThreads?: number;
  /** @internal Fewest decoded points worth a worker thread (default 2^18; tests lower it). */
  minPointsPerThread?: number;
}

export interface WriteOptions {
  /**
   * Optimistic concurrency: the head version the caller expects (null = key absent).
   * When the head differs, the write fails with CONFLICT instead of re-planning.
   */
  expectedVersion?: number | null;
}

export interface VersionInfo {
  version: number;
  createdAt: Date;
  operation: VersionOperation;
  length: number;
  /** First and last index key (a `Date` for a datetime index, else the index value), null when empty. */
  first: Date | number | null;
  last: Date | number | null;
}

export interface SnapshotInfo {
  name: string;
  createdAt: Date;
  /** key → version held. */
  versions: Record<string, number>;
}

export interface PruneOptions {
  /** Keep the newest `keepLast` versions of every key (≥ 1; default 10 when `olderThan` is not given either, else 1). */
  keepLast?: number;
  /** Remove only versions made before this instant. */
  olderThan?: Date | string | number;
  /** Override the GC grace window for unreferenced segments (ms). */
  graceMs?: number;
}

export interface PruneReport {
  versionsRemoved: number;
  segmentsRemoved: number;
  keysPurged: number;
}

/** One key of an atomic multi-key save. */
export interface SaveEntry {
  key: string;
  series: Series;
  metadata: SeriesMetadata;
}

interface Fresh {
  fresh: true;
  series: Series;
  stats: SegmentStats;
}
type Part = SegmentRef | Fresh;

interface Plan {
  operation: VersionOperation;
  metadata: SeriesMetadata | null;
  /** True when `metadata` was taken from a stored record (already JSON-safe). */
  metadataStored?: boolean;
  layout: SeriesLayout;
  parts: Part[];
  tombstone?: boolean;
}

/**
 * Storage v2, written once on top of any `SegmentDriver`: version chains of immutable
 * segments, append/update/deleteRange merges that rewrite only the segments they touch,
 * as-of reads, snapshots, prune + GC. It is a `StorageBackend` too (capabilities: range
 * reads, streaming, describe from statistics, versions), so `Storage` wraps it like any backend.
 *
 * Concurrency contract:
 * - In one process, writes to one key run one at a time (a per-key lock); different keys run in parallel.
 * - Across processes, every commit is a compare-and-set on the key's head. A write that
 *   loses re-reads the new head and re-plans (each operation is a function of the head it
 *   applies to: an append re-checks that its points still come after the new last point),
 *   up to `maxRetries` times, then fails with CONFLICT naming the key and its head. With
 *   `expectedVersion`, a write never re-plans: a different head is CONFLICT at once.
 * - A read resolves one version first and reads only that version's immutable segments,
 *   so a concurrent writer never tears it and a stream never mixes versions.
 * - `prune` never removes a head or a version a snapshot holds; a reader of an old version
 *   that prune removes meanwhile fails with CORRUPT_DATA (never wrong data).
 *
 * @example
 * const store = new SegmentStore(new MemoryDriver());
 * await store.save('plant/COD#1/RAW#1', series, metadata);
 * await store.append('plant/COD#1/RAW#1', nextHour);
 * const before = await store.load('plant/COD#1/RAW#1', { asOf: 1 });
 */
export class SegmentStore implements StorageBackend {
  readonly driver: SegmentDriver;
  readonly capabilities: BackendCapabilities;
  readonly segmentSize: number;
  private readonly graceMs: number;
  private readonly maxRetries: number;
  private readonly now: () => number;
  private readonly queryThreads: number;
  private readonly minPointsPerThread: number | undefined;
  private readonly locks = new Map<string, Promise<void>>();
  /** Prunes made in this process, for watchers, when the driver keeps no change log (bounded). */
  private readonly localChanges: Array<LoggedChange & { seq: number }> = [];
  private localSeq = 0;

  constructor(driver: SegmentDriver, options: SegmentStoreOptions = {}) {
    this.driver = driver;
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (!Number.isInteger(this.segmentSize) || this.segmentSize < 1) throw invalidInput(`segmentSize must be a positive integer, got ${show(options.segmentSize)}`);
    this.graceMs = options.gcGraceMs ?? DEFAULT_GC_GRACE_MS;
    this.maxRetries = options.maxRetries ?? 8;
    this.now = options.now ?? Date.now;
    this.queryThreads = options.queryThreads ?? defaultQueryThreads();
    if (!Number.isInteger(this.queryThreads) || this.queryThreads < 0) throw invalidInput(`queryThreads must be a whole number ≥ 0, got ${show(options.queryThreads)}`);
    this.minPointsPerThread = options.minPointsPerThread;
    this.capabilities = Object.freeze({
      rangeReads: true,
      streaming: true,
      aggregation: true,
      metadataQuery: true,
      persistent: driver.persistent,
      versions: true,
    });
  }

  get kind(): string {
    return this.driver.kind;
  }

  // ---- writes -------------------------------------------------------------------------

  /** A new version holding exactly `series`. */
  async save(key: string, series: Series, metadata: SeriesMetadata, options: WriteOptions = {}): Promise<void> {
    await this.writeKey(key, options, async () => this.planSave(series, metadata));
  }

  /**
   * Points after the last stored key, as a new version. Only the partial last segment is
   * rewritten (copy-on-write), so the cost does not grow with the stored length.
   * Appending to a key that does not exist creates it.
   */
  async append(key: string, series: Series, metadata?: SeriesMetadata, options: WriteOptions = {}): Promise<void> {
    await this.writeKey(key, options, async (head) => {
      if (!head) return this.planSave(series, requireMetadata(metadata, key, 'append'), 'append');
      const layout = parseLayout(head.layout);
      checkMergeable(layout, series, key, 'append');
      checkAfter(layout, head.last, series, key);
      const next = mergedLayout(layout, series, head);
      const refs = head.segments;
      const tail = refs.at(-1);
      if (series.length === 0) return { operation: 'append', metadata: metadata ?? head.metadata, metadataStored: metadata === undefined, layout: next, parts: [...refs] };
      if (tail && tail.count < this.segmentSize) {
        const [tailSeries] = await this.readRefs(key, head, [tail], layout);
        const merged = concatSegments([tailSeries!, series], next);
        return { operation: 'append', metadata: metadata ?? head.metadata, metadataStored: metadata === undefined, layout: next, parts: [...refs.slice(0, -1), ...this.split(merged, next, 0)] };
      }
      return { operation: 'append', metadata: metadata ?? head.metadata, metadataStored: metadata === undefined, layout: next, parts: [...refs, ...this.split(series, next, 0)] };
    });
  }

  /** Replace the stored points in [first, last] of `series` by `series`; only overlapping segments are rewritten. */
  async update(key: string, series: Series, metadata?: SeriesMetadata, options: WriteOptions = {}): Promise<void> {
    await this.writeKey(key, options, async (head) => {
      if (!head) return this.planSave(series, requireMetadata(metadata, key, 'update'), 'update');
      const layout = parseLayout(head.layout);
      checkMergeable(layout, series, key, 'update');
      const next = mergedLayout(layout, series, head);
      if (series.length === 0) return { operation: 'update', metadata: metadata ?? head.metadata, metadataStored: metadata === undefined, layout: next, parts: [...head.segments] };
      const keys = series.index.values as Float64Array;
      const parts = await this.rewriteRange(key, head, layout, next, keys[0]!, keys[keys.length - 1]!, series);
      return { operation: 'update', metadata: metadata ?? head.metadata, metadataStored: metadata === undefined, layout: next, parts };
    });
  }

  /** Remove the points whose key lies in `range` (inclusive), as a new version. */
  async deleteRange(key: string, range: KeyRangeMicros, options: WriteOptions = {}): Promise<void> {
    await this.writeKey(key, options, async (head) => {
      if (!head) throw notFound(key, this.kind);
      const layout = parseLayout(head.layout);
      if (!layout.keyed) throw invalidInput(`deleteRange on ${show(key)} needs a sorted datetime, numeric or range index; the stored series has a ${layout.indexKind} index`);
      const next = mergedLayout(layout, null);
      const parts = await this.rewriteRange(key, head, layout, next, range.from ?? -Infinity, range.to ?? Infinity, null);
      return { operation: 'deleteRange', metadata: head.metadata, metadataStored: true, layout: next, parts };
    });
  }

  /** Delete a key: a tombstone version (older versions stay readable with `asOf` until pruned). */
  async delete(key: string): Promise<void> {
    await this.writeKey(key, {}, async (head) => {
      if (!head) throw notFound(key, this.kind);
      return { operation: 'delete', metadata: null, layout: parseLayout(head.layout), parts: [], tombstone: true };
    });
  }

  /**
   * Save many keys and catalog records in one atomic commit: all land or none
   * (what `process()` and `saveAll()` use).
   */
  async saveMany(entries: readonly SaveEntry[], catalog: readonly CatalogRecord[] = []): Promise<void> {
    const keys = entries.map((e) => e.key);
    if (new Set(keys).size !== keys.length) throw invalidInput(`saveMany got the same key twice: ${show(keys)}`);
    await this.withLocks(keys, async () => {
      for (let attempt = 0; ; attempt++) {
        const staged: CommitEntry[] = [];
        try {
          for (const entry of entries) {
            const head = await this.driver.head(entry.key);
            const prev = head === null ? undefined : await this.driver.readVersion(entry.key, head);
            staged.push(await this.stage(entry.key, head, prev, this.planSave(entry.series, entry.metadata)));
          }
          await this.driver.commit(staged, catalog);
          return;
        } catch (e) {
          await Promise.all(staged.map((s) => this.discard(s)));
          if (isConflict(e) && attempt < this.maxRetries) continue;
          throw e;
        }
      }
    });
  }

  // ---- reads --------------------------------------------------------------------------

  async load(key: string, options: LoadOptions = {}): Promise<StoredSeries> {
    const record = await this.resolve(key, options.asOf);
    return { series: await this.readSeries(key, record, options.range), metadata: fromJsonSafe(record.metadata!) };
  }

  async loadMetadata(key: string, options: { asOf?: AsOf } = {}): Promise<SeriesMetadata> {
    return fromJsonSafe((await this.resolve(key, options.asOf)).metadata!);
  }

  async exists(key: string): Promise<boolean> {
    const head = await this.driver.head(key);
    if (head === null) return false;
    const record = await this.driver.readVersion(key, head);
    return record !== undefined && !record.tombstone;
  }

  listKeys(prefix = ''): Promise<string[]> {
    return this.driver.listKeys(prefix);
  }

  /**
   * Keys under `prefix` that existed (not deleted) as of an instant or a snapshot. A version
   * number is per key, so it cannot select keys: INVALID_INPUT.
   */
  async listKeysAsOf(prefix: string, asOf: AsOf): Promise<string[]> {
    if (typeof asOf === 'number') throw invalidInput(`listing keys as of a version number (${asOf}) is ambiguous: version numbers are per key; use an instant or a snapshot name`, { backend: this.kind });
    const instant = instantOf(asOf);
    if (instant === null) {
      const snapshot = await this.driver.readSnapshot(asOf as string);
      if (!snapshot) await this.resolve(prefix || '-', asOf); // throws the unknown-snapshot error
      return Object.keys(snapshot!.versions).filter((k) => k.startsWith(prefix)).sort();
    }
    const out: string[] = [];
    for (const key of await this.driver.listAllKeys()) {
      if (!key.startsWith(prefix)) continue;
      let found: VersionRecord | undefined;
      for (const r of await this.driver.listVersions(key)) if (r.createdAt <= instant) found = r;
      if (found && !found.tombstone) out.push(key);
    }
    return out;
  }

  /** Chunks of one pinned version, segment by segment (memory stays bounded by a segment plus a chunk). */
  async *stream(key: string, options: StreamOptions = {}): AsyncGenerator<Series> {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    const record = await this.resolve(key, options.asOf);
    const layout = parseLayout(record.layout);
    const range = options.range;
    if (!layout.keyed) {
      const whole = await this.readSeries(key, record, range);
      for (let at = 0; at < whole.length; at += chunkSize) yield whole.slice(at, at + chunkSize);
      return;
    }
    let buffer: Series[] = [];
    let buffered = 0;
    for (const ref of overlapping(record.segments, range)) {
      const [raw] = await this.readRefs(key, record, [ref], layout, range);
      const part = range ? sliceByKeyRange(raw!, range) : raw!;
      if (part.length === 0) continue;
      buffer.push(part);
      buffered += part.length;
      while (buffered >= chunkSize) {
        const all = concatSegments(buffer, layout);
        yield all.slice(0, chunkSize);
        const rest = all.slice(chunkSize);
        buffer = rest.length ? [rest] : [];
        buffered = rest.length;
      }
    }
    if (buffered > 0) yield concatSegments(buffer, layout);
  }

  /** Length, dtype and first/last key of every current series under `prefix`, from version records only. */
  async describe(prefix = ''): Promise<SeriesSummary[]> {
    const heads = await this.driver.readHeads(prefix);
    const out: SeriesSummary[] = [];
    for (const [key, record] of [...heads].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (record.tombstone) continue;
      const layout = parseLayout(record.layout);
      out.push({ key, length: record.length, dtype: layout.dtype, first: layout.keyed ? record.first : null, last: layout.keyed ? record.last : null, datetime: layout.indexKind === 'datetime' });
    }
    return out;
  }

  /** The current metadata of every live key under `prefix`, from one `readHeads` call. */
  async headMetadata(prefix: string): Promise<Map<string, SeriesMetadata>> {
    const out = new Map<string, SeriesMetadata>();
    for (const [key, record] of await this.driver.readHeads(prefix)) if (!record.tombstone && record.metadata) out.set(key, fromJsonSafe(record.metadata));
    return out;
  }

  /** Segment statistics of the version a read would see (for summaries without decoding). */
  async segments(key: string, options: { asOf?: AsOf } = {}): Promise<SegmentRef[]> {
    return (await this.resolve(key, options.asOf)).segments;
  }

  /**
   * The `query` pushdown of segment stores: buckets holding whole segments are answered
   * from segment statistics (count, min, max, first, last) without decoding them; only
   * segments cut by the range or a bucket edge are read. Null when statistics cannot
   * answer the plan exactly (then `Storage` reads the range and computes in JS).
   */
  async queryBuckets(key: string, plan: QueryPlan, range?: KeyRangeMicros): Promise<SegmentBuckets | null> {
    const record = await this.resolve(key);
    const layout = parseLayout(record.layout);
    const readBlobs = this.driver.readSegmentBlobs?.bind(this.driver);
    return bucketsFromSegments(record, layout, plan, range, {
      points: (refs) => this.pointsOf(key, record, refs, layout),
      ...(readBlobs ? { blobs: (refs: readonly SegmentRef[]) => this.inVersion(key, record, () => readBlobs(key, refs)) } : {}),
      ...(this.driver.segmentFiles ? { files: (refs: readonly SegmentRef[]) => this.driver.segmentFiles!(key, refs) } : {}),
      threads: this.queryThreads,
      ...(this.minPointsPerThread === undefined ? {} : { minPointsPerThread: this.minPointsPerThread }),
      name: (ref) => `segment ${show(ref.id)} of ${show(key)} (version ${record.version})`,
    });
  }

  /**
   * The points of `refs` (a keyed numeric layout), one segment at a time and in order, read
   * in batches. Codec blobs (memory and SQL drivers) decode into one pair of arrays reused
   * for every segment: each yielded pair is valid until the next is asked for.
   */
  private async *pointsOf(key: string, record: VersionRecord, refs: readonly SegmentRef[], layout: SeriesLayout): AsyncGenerator<SegmentPoints> {
    const readBlobs = this.driver.readSegmentBlobs?.bind(this.driver);
    const target = { keys: new Float64Array(0), values: new Float64Array(0), at: 0, regular: null };
    for (let b = 0; b < refs.length; b += READ_BATCH) {
      const batch = refs.slice(b, b + READ_BATCH);
      if (!readBlobs) {
        for (const part of await this.readRefs(key, record, batch, layout)) yield { keys: part.index.values as Float64Array, values: part.values as Float64Array };
        continue;
      }
      const blobs = await this.inVersion(key, record, () => readBlobs(key, batch));
      for (let i = 0; i < batch.length; i++) {
        const ref = batch[i]!;
        yield await this.inVersion(key, record, async () => decodeInto(blobs[i]!, ref.count, layout, target, `segment ${show(ref.id)} of ${show(key)}`));
      }
    }
  }


  /** Every retained version of `key`, oldest first (a deleted key lists its tombstone). */
  async versions(key: string): Promise<VersionInfo[]> {
    const records = await this.driver.listVersions(key);
    if (records.length === 0) throw notFound(key, this.kind);
    return records.map((r) => {
      const datetime = r.layout.indexKind === 'datetime';
      const time = (k: number | null): Date | number | null => (k === null ? null : fromIndexKey(k, datetime));
      return { version: r.version, createdAt: new Date(r.createdAt), operation: r.operation, length: r.length, first: time(r.first), last: time(r.last) };
    });
  }

  /** The version record a read with `asOf` sees (head when omitted). */
  async resolve(key: string, asOf?: AsOf): Promise<VersionRecord> {
    if (asOf === undefined) {
      const head = await this.driver.head(key);
      if (head === null) throw notFound(key, this.kind);
      return live(await this.mustRead(key, head), key, this.kind);
    }
    if (typeof asOf === 'number') {
      if (!Number.isSafeInteger(asOf) || asOf < 1) throw invalidInput(`asOf version must be a positive integer, got ${show(asOf)}`, { backend: this.kind });
      const record = await this.driver.readVersion(key, asOf);
      if (record) return live(record, key, this.kind, `at version ${asOf}`);
      const head = await this.driver.head(key);
      if (head === null) throw notFound(key, this.kind);
      throw new MetaseriesError('NOT_FOUND', asOf > head ? `Version ${asOf} of ${show(key)} does not exist (the latest is ${head})` : `Version ${asOf} of ${show(key)} was pruned`, { backend: this.kind });
    }
    const instant = instantOf(asOf);
    if (instant !== null) {
      const records = await this.driver.listVersions(key);
      if (records.length === 0) throw notFound(key, this.kind);
      let found: VersionRecord | undefined;
      for (const r of records) if (r.createdAt <= instant) found = r;
      if (!found) {
        throw new MetaseriesError('NOT_FOUND', `asOf ${new Date(instant).toISOString()} is before the first retained version of ${show(key)} (version ${records[0]!.version}, made ${new Date(records[0]!.createdAt).toISOString()})`, { backend: this.kind });
      }
      return live(found, key, this.kind, `at ${new Date(instant).toISOString()}`);
    }
    const name = asOf as string;
    const snapshot = await this.driver.readSnapshot(name);
    if (!snapshot) {
      const known = (await this.driver.listSnapshots()).map((s) => s.name);
      throw new MetaseriesError('NOT_FOUND', `Unknown snapshot ${show(name)} (asOf must be a version number, a Date/ISO instant or a snapshot name; snapshots: ${known.length ? known.map((k) => show(k)).join(', ') : 'none'})`, { backend: this.kind });
    }
    const version = snapshot.versions[key];
    if (version === undefined) throw new MetaseriesError('NOT_FOUND', `Snapshot ${show(name)} does not hold ${show(key)}`, { backend: this.kind });
    const record = await this.driver.readVersion(key, version);
    if (!record) throw new MetaseriesError('CORRUPT_DATA', `Snapshot ${show(name)} holds version ${version} of ${show(key)}, which is missing`, { backend: this.kind });
    return record;
  }

  // ---- snapshots and retention -------------------------------------------------------

  /** Record the current version of every key (or of those under `prefix`) atomically under `name`. */
  async snapshot(name: string, options: { prefix?: string } = {}): Promise<SnapshotInfo> {
    checkSnapshotName(name);
    return this.withLocks([ADMIN], () => this.snapshotUnlocked(name, options.prefix ?? ''));
  }

  private async snapshotUnlocked(name: string, prefix: string): Promise<SnapshotInfo> {
    if (await this.driver.readSnapshot(name)) throw new MetaseriesError('CONFLICT', `Snapshot ${show(name)} already exists; delete it first or choose another name`, { backend: this.kind });
    const heads = await this.driver.readHeads(prefix);
    const versions: Record<string, number> = {};
    for (const [key, record] of heads) if (!record.tombstone) versions[key] = record.version;
    const record: SnapshotRecord = { name, createdAt: this.now(), versions };
    await this.driver.createSnapshot(record);
    return info(record);
  }

  async snapshots(): Promise<SnapshotInfo[]> {
    return (await this.driver.listSnapshots()).map(info);
  }

  async deleteSnapshot(name: string): Promise<void> {
    await this.driver.deleteSnapshot(name);
  }

  /** Make each key's snapshot version current again, as new versions (one atomic commit). Returns the keys restored. */
  async restoreSnapshot(name: string): Promise<string[]> {
    const snapshot = await this.driver.readSnapshot(name);
    if (!snapshot) throw new MetaseriesError('NOT_FOUND', `Unknown snapshot ${show(name)}`, { backend: this.kind });
    const keys = Object.keys(snapshot.versions).sort();
    await this.withLocks(keys, async () => {
      for (let attempt = 0; ; attempt++) {
        const entries: CommitEntry[] = [];
        for (const key of keys) {
          const held = await this.driver.readVersion(key, snapshot.versions[key]!);
          if (!held) throw new MetaseriesError('CORRUPT_DATA', `Snapshot ${show(name)} holds version ${snapshot.versions[key]} of ${show(key)}, which is missing`, { backend: this.kind });
          const head = await this.driver.head(key);
          const prev = head === null ? undefined : await this.driver.readVersion(key, head);
          entries.push({ key, expected: head, record: { ...held, version: (head ?? 0) + 1, createdAt: this.stamp(prev), operation: 'restore', tombstone: false } });
        }
        try {
          await this.driver.commit(entries);
          return;
        } catch (e) {
          if (isConflict(e) && attempt < this.maxRetries) continue;
          throw e;
        }
      }
    });
    return keys;
  }

  /**
   * Remove old versions and the segments only they referenced. Never a head, never a
   * version a snapshot holds. Default: keep the last 10 versions of every key.
   */
  async prune(options: PruneOptions = {}): Promise<PruneReport> {
    return this.withLocks([ADMIN], () => this.pruneUnlocked(options));
  }

  private async pruneUnlocked(options: PruneOptions): Promise<PruneReport> {
    const keepLast = options.keepLast ?? (options.olderThan === undefined ? DEFAULT_KEEP_LAST : 1);
    if (!Number.isSafeInteger(keepLast) || keepLast < 1) {
      throw invalidInput(`prune keepLast must be an integer ≥ 1 (the current version is always kept), got ${show(options.keepLast)}`, { backend: this.kind });
    }
    let olderThan = Infinity;
    if (options.olderThan !== undefined) {
      const t = instantOf(options.olderThan);
      if (t === null) throw invalidInput(`prune olderThan must be a Date, an ISO instant or epoch ms, got ${show(options.olderThan)}`, { backend: this.kind });
      olderThan = t;
    }
    const grace = options.graceMs ?? this.graceMs;
    const held = new Map<string, Set<number>>();
    for (const s of await this.driver.listSnapshots()) {
      for (const [key, v] of Object.entries(s.versions)) {
        if (!held.has(key)) held.set(key, new Set());
        held.get(key)!.add(v);
      }
    }
    const report: PruneReport = { versionsRemoved: 0, segmentsRemoved: 0, keysPurged: 0 };
    const changes: LoggedChange[] = [];
    try {
      await this.pruneKeys(keepLast, olderThan, grace, held, report, changes);
    } finally {
      // Logged even when a later key failed: what was dropped was dropped.
      await this.logChanges(changes);
    }
    return report;
  }

  /**
   * Changes that made no version (prunes) with `seq > after`, for watchers: the driver's
   * durable log when it keeps one (every process's prunes), else this process's.
   */
  async readChanges(after: number): Promise<Array<LoggedChange & { seq: number }>> {
    if (this.driver.readChanges) return this.driver.readChanges(after);
    return this.localChanges.filter((c) => c.seq > after);
  }

  private async logChanges(changes: readonly LoggedChange[]): Promise<void> {
    if (changes.length === 0) return;
    if (this.driver.logChanges) return this.driver.logChanges(changes);
    for (const c of changes) this.localChanges.push({ ...c, seq: ++this.localSeq });
    if (this.localChanges.length > 10_000) this.localChanges.splice(0, this.localChanges.length - 10_000);
  }

  private async pruneKeys(keepLast: number, olderThan: number, grace: number, held: Map<string, Set<number>>, report: PruneReport, changes: LoggedChange[]): Promise<void> {
    for (const key of await this.driver.listAllKeys()) {
      await this.withLocks([key], async () => {
        const versions = await this.driver.listVersions(key);
        const pinned = held.get(key) ?? new Set<number>();
        const drop = versions.filter((v, i) => i < versions.length - keepLast && v.createdAt < olderThan && !pinned.has(v.version));
        if (drop.length) {
          await this.driver.dropVersions(key, drop.map((v) => v.version));
          report.versionsRemoved += drop.length;
          changes.push({ type: 'prune', key, versions: drop.map((v) => v.version), at: this.now() });
        }
        const dropped = new Set(drop.map((v) => v.version));
        const retained = versions.filter((v) => !dropped.has(v.version));
        const cutoff = this.now() - grace;
        const head = retained.at(-1);
        if (head?.tombstone && retained.length === 1 && pinned.size === 0 && head.createdAt < olderThan && head.createdAt <= cutoff) {
          await this.driver.purgeKey(key);
          report.keysPurged++;
          changes.push({ type: 'prune', key, versions: [head.version], at: this.now() });
          return;
        }
        const referenced = new Set<string>();
        for (const v of retained) for (const s of v.segments) referenced.add(s.id);
        const garbage = (await this.driver.listSegments(key)).filter((s) => !referenced.has(s.id) && s.createdAt <= cutoff).map((s) => s.id);
        if (garbage.length) {
          await this.driver.deleteSegments(key, garbage);
          report.segmentsRemoved += garbage.length;
        }
        if (retained.length === 0 && garbage.length && (await this.driver.listSegments(key)).length === 0) {
          await this.driver.purgeKey(key);
          report.keysPurged++;
        }
      });
    }
  }

  clear(): Promise<void> {
    return this.driver.clear();
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  // ---- internals ----------------------------------------------------------------------

  private planSave(series: Series, metadata: SeriesMetadata, operation: VersionOperation = 'save'): Plan {
    const layout = layoutOf(series);
    return { operation, metadata, layout, parts: this.split(series, layout, 0) };
  }

  /** Cut `series` into fresh segments of at most `segmentSize` points. */
  private split(series: Series, layout: SeriesLayout, positionOffset: number): Fresh[] {
    const out: Fresh[] = [];
    for (let at = 0; at < series.length; at += this.segmentSize) {
      const part = series.slice(at, at + this.segmentSize);
      out.push({ fresh: true, series: part, stats: segmentStats(part, layout, positionOffset + at) });
    }
    return out;
  }

  /** Segments before [from, to] kept, overlapping ones decoded, spliced and re-cut, later ones kept. */
  private async rewriteRange(key: string, head: VersionRecord, layout: SeriesLayout, next: SeriesLayout, from: number, to: number, insert: Series | null): Promise<Part[]> {
    const refs = head.segments;
    let lo = 0;
    while (lo < refs.length && refs[lo]!.last < from) lo++;
    let hi = lo;
    while (hi < refs.length && refs[hi]!.first <= to) hi++;
    const affected = refs.slice(lo, hi);
    let middle: Part[];
    if (affected.length === 0) middle = insert ? this.split(insert, next, 0) : [];
    else {
      const decoded = concatSegments(await this.readRefs(key, head, affected, layout), layout);
      middle = this.split(spliceRange(decoded, from, to, insert, next), next, 0);
    }
    return [...refs.slice(0, lo), ...middle, ...refs.slice(hi)];
  }

  private async writeKey(key: string, options: WriteOptions, plan: (head: VersionRecord | undefined) => Promise<Plan>): Promise<VersionRecord> {
    return this.withLocks([key], async () => {
      for (let attempt = 0; ; attempt++) {
        const head = await this.driver.head(key);
        if (options.expectedVersion !== undefined && head !== options.expectedVersion) {
          throw new MetaseriesError('CONFLICT', `${show(key)} is at version ${head ?? 'none'}, not the expected ${options.expectedVersion ?? 'none'}`, { backend: this.kind });
        }
        const record = head === null ? undefined : await this.mustRead(key, head);
        const planned = await plan(record && !record.tombstone ? record : undefined);
        const entry = await this.stage(key, head, record, planned);
        try {
          await this.driver.commit([entry]);
          return entry.record;
        } catch (e) {
          await this.discard(entry);
          if (isConflict(e) && options.expectedVersion === undefined && attempt < this.maxRetries) continue;
          throw e;
        }
      }
    });
  }

  /** Store the plan's new segments and build the version record that references them. */
  private async stage(key: string, head: number | null, prev: VersionRecord | undefined, plan: Plan): Promise<CommitEntry> {
    const version = (head ?? 0) + 1;
    const fresh = plan.parts.filter((p): p is Fresh => 'fresh' in p).map((p) => ({ id: `${version}-${randomBytes(8).toString('hex')}`, part: p }));
    const sizes = fresh.length ? await this.driver.putSegments(key, fresh.map((f) => ({ id: f.id, series: f.part.series }))) : [];
    const ids = new Map(fresh.map((f, i) => [f.part, { id: f.id, bytes: sizes[i] ?? 0 }]));
    let position = 0;
    const segments: SegmentRef[] = plan.parts.map((p) => {
      let ref: SegmentRef;
      if ('fresh' in p) {
        const made = ids.get(p)!;
        ref = { ...p.stats, id: made.id, bytes: made.bytes };
      } else ref = { ...p };
      if (!plan.layout.keyed) {
        ref.first = position;
        ref.last = position + Math.max(0, ref.count - 1);
      }
      position += ref.count;
      return ref;
    });
    const length = segments.reduce((a, s) => a + s.count, 0);
    const record: VersionRecord = {
      version,
      createdAt: this.stamp(prev),
      operation: plan.operation,
      // Plan metadata comes from the caller (wrap it) or from a stored record (already wrapped).
      metadata: plan.metadata === null ? null : plan.metadataStored ? plan.metadata : toJsonSafe(plan.metadata),
      layout: plan.layout as unknown as Record<string, unknown>,
      segments,
      length,
      first: length ? segments[0]!.first : null,
      last: length ? segments.at(-1)!.last : null,
      tombstone: plan.tombstone ?? false,
    };
    return { key, expected: head, record };
  }

  /** Remove segments a failed commit staged (GC would, after the grace window). */
  private async discard(entry: CommitEntry): Promise<void> {
    const prefix = `${entry.record.version}-`;
    const ids = entry.record.segments.filter((s) => s.id.startsWith(prefix)).map((s) => s.id);
    if (!ids.length) return;
    const stillReferenced = new Set<string>();
    const head = await this.driver.head(entry.key).catch(() => null);
    if (head !== null) {
      const rec = await this.driver.readVersion(entry.key, head).catch(() => undefined);
      for (const s of rec?.segments ?? []) stillReferenced.add(s.id);
    }
    await this.driver.deleteSegments(entry.key, ids.filter((id) => !stillReferenced.has(id))).catch(() => undefined);
  }

  /** Commit times never go backwards along a chain, so as-of resolution by instant is well defined. */
  private stamp(prev: VersionRecord | undefined): number {
    return Math.max(this.now(), prev?.createdAt ?? -Infinity);
  }

  private async mustRead(key: string, version: number): Promise<VersionRecord> {
    const record = await this.driver.readVersion(key, version);
    if (!record) throw new MetaseriesError('CORRUPT_DATA', `Head version ${version} of ${show(key)} is missing`, { backend: this.kind });
    return record;
  }

  private async readSeries(key: string, record: VersionRecord, range?: KeyRangeMicros): Promise<Series> {
    const layout = parseLayout(record.layout);
    if (!range && layout.keyed && storageOf(layout.dtype) !== 'string' && record.segments.length > READ_BATCH) {
      return this.readWhole(key, record, layout);
    }
    if (!layout.keyed || !range) {
      const whole = concatOrEmpty(await this.readRefs(key, record, record.segments, layout), layout);
      return range ? sliceByKeyRange(whole, range) : whole;
    }
    const parts = await this.readRefs(key, record, overlapping(record.segments, range), layout, range);
    return concatOrEmpty(parts.map((p) => sliceByKeyRange(p, range)).filter((p) => p.length > 0), layout);
  }

  /**
   * A whole version read into arrays allocated once (the length is in the record), a batch
   * of segments at a time: peak memory is the result plus one batch, not twice the result.
   */
  private async readWhole(key: string, record: VersionRecord, layout: SeriesLayout): Promise<Series> {
    const total = record.segments.reduce((a, r) => a + r.count, 0);
    const keys = new Float64Array(total);
    const values = storageOf(layout.dtype) === 'bool' ? new Uint8Array(total) : new Float64Array(total);
    let at = 0;
    const readBlobs = this.driver.readSegmentBlobs?.bind(this.driver);
    if (readBlobs) {
      // Codec blobs decode straight into the result: no per-segment arrays, no copy.
      const target = { keys, values, at: 0 };
      for (let b = 0; b < record.segments.length; b += READ_BATCH) {
        const refs = record.segments.slice(b, b + READ_BATCH);
        await this.inVersion(key, record, async () => {
          const blobs = await readBlobs(key, refs);
          refs.forEach((ref, i) => {
            const n = decodeSegmentInto(blobs[i]!, layout, target, `segment ${show(ref.id)} of ${show(key)}`);
            if (n !== ref.count) throw this.countMismatch(key, record, ref, n);
            target.at += n;
          });
        });
      }
      return new Series({ index: buildIndex(layout, keys), values, name: layout.name, dtype: layout.dtype });
    }
    for (let b = 0; b < record.segments.length; b += READ_BATCH) {
      const parts = await this.readRefs(key, record, record.segments.slice(b, b + READ_BATCH), layout);
      for (const part of parts) {
        keys.set(part.index.values as Float64Array, at);
        (values as Float64Array).set(part.values as Float64Array, at);
        at += part.length;
      }
    }
    return new Series({ index: buildIndex(layout, keys), values, name: layout.name, dtype: layout.dtype });
  }

  private async readRefs(key: string, record: VersionRecord, refs: readonly SegmentRef[], layout: SeriesLayout, range?: KeyRangeMicros): Promise<Series[]> {
    if (refs.length === 0) return [];
    const parts = await this.inVersion(key, record, () => this.driver.readSegments(key, refs, layout as unknown as Record<string, unknown>, range));
    if (!range) {
      for (let i = 0; i < refs.length; i++) {
        if (parts[i]?.length !== refs[i]!.count) throw this.countMismatch(key, record, refs[i]!, parts[i]?.length ?? 0);
      }
    }
    return parts;
  }

  /** Run a segment read; CORRUPT_DATA from it also names the version being read. */
  private async inVersion<T>(key: string, record: VersionRecord, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      if (e instanceof MetaseriesError && e.code === 'CORRUPT_DATA') {
        throw new MetaseriesError('CORRUPT_DATA', `${e.message} (reading version ${record.version} of ${show(key)})`, { backend: this.kind, cause: e });
      }
      throw e;
    }
  }

  private countMismatch(key: string, record: VersionRecord, ref: SegmentRef, got: number): MetaseriesError {
    return new MetaseriesError('CORRUPT_DATA', `Segment ${show(ref.id)} of ${show(key)} (version ${record.version}) holds ${got} points, its statistics say ${ref.count}`, { backend: this.kind });
  }

  private async withLocks<T>(keys: readonly string[], body: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const previous = sorted.map((k) => this.locks.get(k));
    let release!: () => void;
    const mine = new Promise<void>((resolve) => { release = resolve; });
    for (const k of sorted) this.locks.set(k, mine);
    await Promise.all(previous);
    try {
      return await body();
    } finally {
      release();
      for (const k of sorted) if (this.locks.get(k) === mine) this.locks.delete(k);
    }
  }
}

function overlapping(refs: readonly SegmentRef[], range?: KeyRangeMicros): SegmentRef[] {
  if (!range) return [...refs];
  const from = range.from ?? -Infinity, to = range.to ?? Infinity;
  return refs.filter((r) => r.last >= from && r.first <= to);
}

function concatOrEmpty(parts: readonly Series[], layout: SeriesLayout): Series {
  if (parts.length) return concatSegments(parts, layout);
  const index = buildIndex(layout, layout.indexKind === 'string' ? [] : new Float64Array(0));
  return new Series({ index, values: toValues([], layout.dtype), name: layout.name, dtype: layout.dtype });
}

function notFound(key: string, backend: string): MetaseriesError {
  return new MetaseriesError('NOT_FOUND', `Key ${show(key)} not found in storage`, { backend });
}

function live(record: VersionRecord, key: string, backend: string, when = ''): VersionRecord {
  if (record.tombstone) throw new MetaseriesError('NOT_FOUND', `Key ${show(key)} was deleted${when ? ` ${when}` : ''} (version ${record.version})`, { backend });
  return record;
}

function requireMetadata(metadata: SeriesMetadata | undefined, key: string, operation: string): SeriesMetadata {
  if (!metadata) throw invalidInput(`${operation} on ${show(key)}, which does not exist yet, needs the series metadata`);
  return metadata;
}

function isConflict(e: unknown): boolean {
  return e instanceof MetaseriesError && e.code === 'CONFLICT';
}

/** Epoch ms of a Date, an ISO instant (naive = UTC) or epoch ms; null when `value` is not an instant. */
export function instantOf(value: AsOf): number | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidInput('asOf is an Invalid Date');
    return value.getTime();
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return null;
  try {
    return toMicros(value, 'UTC', 'ms') / 1000;
  } catch {
    return null;
  }
}

function checkSnapshotName(name: unknown): void {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw invalidInput(`Invalid snapshot name ${show(name)}: expected a non-empty string`);
  if (instantOf(name) !== null) throw invalidInput(`Invalid snapshot name ${show(name)}: it reads as an instant, so asOf could not tell them apart`);
}

function info(s: SnapshotRecord): SnapshotInfo {
  return { name: s.name, createdAt: new Date(s.createdAt), versions: { ...s.versions } };
}
