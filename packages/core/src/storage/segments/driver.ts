import type { ProcessingStepDict, SeriesMetadata } from '../../wire.js';
import type { Series } from '../../series/series.js';

/**
 * The physical contract of Storage v2 (issue 10). A `SegmentDriver` only stores and
 * fetches immutable segments and commits a key's new version with compare-and-set;
 * everything else — planning segments, append/update/deleteRange merges, as-of
 * resolution, snapshots, prune and GC, statistics, fallbacks, key validation,
 * in-process locking — lives once in core (`SegmentStore`, beside this file).
 *
 * Drivers: memory (core), SQL (storage-sql, one transaction per commit), native file
 * layout (storage-parquet / storage-polars, manifest replaced by one rename).
 *
 * Segment content format is the driver's choice: SQL and memory store blobs made by
 * core's codec (`encodeSegment`/`decodeSegment`); file drivers write Parquet files.
 * Hence segments cross this boundary as `Series` (a time-ordered slice of points).
 */

/** Statistics kept beside a segment so reads, describe and coarse aggregates can skip decoding. */
export interface SegmentStats {
  /** Points in the segment. */
  count: number;
  /**
   * First and last index key: epoch µs for a datetime index (UTC instant when zoned,
   * wall time when naive), the value for numeric/range indexes, the position for a
   * string index. A segment never straddles another one of the same version.
   */
  first: number;
  last: number;
  /** Over numeric values, NaN excluded; null when the dtype is not numeric or all NaN. */
  min: number | null;
  max: number | null;
  sum: number | null;
  nanCount: number;
  /** First and last value when numeric (NaN kept as NaN is not JSON: stored as null). */
  firstValue: number | null;
  lastValue: number | null;
}

/** A segment as referenced by a version. Ids are made by core and unique within a key. */
/**
 * A segment file decoder another thread can load: `(await import(module))[name](path, layout)`
 * returns the segment's Series (keys in order), as the driver's own read does.
 */
export interface SegmentFileDecoder {
  /** URL (or specifier) of an ES module. */
  module: string;
  /** Its export: `(path: string, layout: Record<string, unknown>) => Promise<Series>`. */
  name: string;
}

/** A live head as discovery shows it (`readHeadSummaries`): from the version record and its series metadata. */
export interface HeadSummary {
  key: string;
  length: number;
  /** The layout's dtype. */
  dtype: string;
  /** The version's first/last key when the layout is keyed, else null. */
  first: number | null;
  last: number | null;
  /** `metadata.index_metadata.type` and `.time_zone`. */
  indexType: string | null;
  timeZone: string | null;
  /** The number of `metadata.processing_steps`, and the last one. */
  steps: number;
  lastStep: ProcessingStepDict | null;
}

export interface SegmentRef extends SegmentStats {
  id: string;
  /** Encoded size in bytes as reported by the driver (0 when unknown). */
  bytes: number;
}

export type VersionOperation = 'save' | 'append' | 'update' | 'deleteRange' | 'restore' | 'delete';

/**
 * One immutable version of a key. Drivers store it as opaque JSON (`JSON.stringify`
 * round-trips it) and read back only `version`, `createdAt` and `segments[].id`.
 */
export interface VersionRecord {
  version: number;
  /** Epoch milliseconds at commit. */
  createdAt: number;
  operation: VersionOperation;
  /** The meteaudata series metadata, unchanged. Null on a delete tombstone. */
  metadata: SeriesMetadata | null;
  /** What core needs to rebuild a Series from segments (index kind, zone, freq, names, dtype). */
  layout: Record<string, unknown>;
  segments: SegmentRef[];
  /** Total points; first/last key of the whole version (null when empty). */
  length: number;
  first: number | null;
  last: number | null;
  /** True when this version deletes the key (listKeys skips it; asOf before it still reads). */
  tombstone: boolean;
  /** Free-form extras (e.g. refresh records of living pipelines). */
  extra?: Record<string, unknown>;
}

/** One key's commit inside an atomic `commit` call. */
export interface CommitEntry {
  key: string;
  /** The head version this commit was planned on; null when the key has never been written. */
  expected: number | null;
  /** Must have `version === (expected ?? 0) + 1`. */
  record: VersionRecord;
}

export interface SnapshotRecord {
  name: string;
  createdAt: number;
  /** key → version held by the snapshot. */
  versions: Record<string, number>;
}

/**
 * A first-class catalog record (dataset or signal metadata: description, owner,
 * provenance…), committed in the same transaction as series versions so a
 * `process()`/`saveAll()` lands whole or not at all. `record: null` deletes it.
 */
export interface CatalogRecord {
  kind: 'dataset' | 'signal';
  /** `dataset` or `dataset/signal`. */
  name: string;
  record: Record<string, unknown> | null;
}

/**
 * A change that makes no version (prune removes versions), kept in a driver's change log
 * so watchers in other processes see it (issue 17).
 */
export interface LoggedChange {
  type: 'prune';
  key: string;
  /** The versions removed (every retained one when the key was purged). */
  versions: number[];
  /** Epoch ms. */
  at: number;
}

export interface SegmentDriver {
  readonly kind: string;
  /** Data outlives the process. */
  readonly persistent: boolean;

  /**
   * Store new segments of `key` before the commit that references them. Ids are fresh;
   * a crash after this and before commit leaves orphans that `gc` removes.
   * Returns the encoded size of each segment, in order.
   */
  putSegments(key: string, segments: ReadonlyArray<{ id: string; series: Series }>): Promise<number[]>;
  /**
   * Read segments of `key`. `layout` is the version's layout (for drivers whose format
   * does not carry it). A missing or damaged segment → CORRUPT_DATA naming key and id.
   * `range` (inclusive index keys) lets a driver cut inside a segment; core slices anyway.
   */
  readSegments(
    key: string,
    refs: readonly SegmentRef[],
    layout: Record<string, unknown>,
    range?: { from?: number; to?: number },
  ): Promise<Series[]>;

  /**
   * Optional, for drivers that store core's codec blobs (memory, SQL): the blobs of `refs`
   * in order, undecoded, so a whole read decodes them straight into its final arrays
   * (`decodeSegmentInto`). A missing segment → CORRUPT_DATA naming key and id.
   */
  readSegmentBlobs?(key: string, refs: readonly SegmentRef[]): Promise<Uint8Array[]>;
  /**
   * Optional, for drivers whose segments are files another thread can read: the files of
   * `refs` in order, and the module function that decodes one (what `readSegments` does
   * for each), so a query can decode them on worker threads. Null when not possible.
   */
  segmentFiles?(key: string, refs: readonly SegmentRef[]): { decoder: SegmentFileDecoder; paths: string[] } | null;
  /**
   * Optional, for databases that can extract fields of the stored records themselves: what
   * discovery shows of every live head under `prefix` (tombstones left out), instead of
   * whole version records. Null when the database cannot (a record it cannot read as
   * JSON): core then reads the whole heads, which names the damaged record.
   */
  readHeadSummaries?(prefix: string): Promise<HeadSummary[] | null>;
  /**
   * Optional: a value that changes whenever a commit (from this or any other process) may
   * have changed what `readHeads`/`readCatalog` return, so readers can keep what they read
   * while it is unchanged (discovery does). Null when the driver cannot tell.
   */
  changeToken?(): Promise<string | null>;
  /** Head version of `key` (a tombstone counts), or null when never written. */
  head(key: string): Promise<number | null>;
  /** One version; undefined when absent (never written or pruned). */
  readVersion(key: string, version: number): Promise<VersionRecord | undefined>;
  /** Every retained version, ascending. */
  listVersions(key: string): Promise<VersionRecord[]>;

  /**
   * Atomically make each entry's record the head of its key iff every key's head is
   * still `expected`; otherwise change nothing and throw CONFLICT naming the key and
   * its current head. One transaction in SQL, one manifest rename per key + catalog on files.
   */
  commit(entries: readonly CommitEntry[], catalog?: readonly CatalogRecord[]): Promise<void>;
  /** Catalog records whose name starts with `prefix`, sorted by name. */
  readCatalog(prefix: string): Promise<CatalogRecord[]>;

  /** Keys whose head exists and is not a tombstone, starting with `prefix`, sorted. */
  listKeys(prefix: string): Promise<string[]>;
  /** Heads of many keys at once (discovery, describe, fromBackend): key → head record. */
  readHeads(prefix: string): Promise<Map<string, VersionRecord>>;

  /** Create a snapshot; CONFLICT if the name is taken. */
  createSnapshot(snapshot: SnapshotRecord): Promise<void>;
  readSnapshot(name: string): Promise<SnapshotRecord | undefined>;
  listSnapshots(): Promise<SnapshotRecord[]>;
  /** NOT_FOUND if absent. */
  deleteSnapshot(name: string): Promise<void>;

  /** Remove version records (never the head); their segments become unreferenced. */
  dropVersions(key: string, versions: readonly number[]): Promise<void>;
  /** Stored segment ids of `key` with their write time (epoch ms), for GC. */
  listSegments(key: string): Promise<Array<{ id: string; createdAt: number }>>;
  deleteSegments(key: string, ids: readonly string[]): Promise<void>;
  /** Keys that have any stored versions or segments, including deleted ones (GC). */
  listAllKeys(): Promise<string[]>;
  /** Remove a key entirely: versions, segments (used by prune after a tombstone expires). */
  purgeKey(key: string): Promise<void>;

  clear(): Promise<void>;
  close(): Promise<void>;

  // ---- optional: change events (issue 17) ---------------------------------------------
  // Watchers (`Storage.watch`) read committed heads, snapshots and the change log, and poll
  // for other processes' writes (`pollMs`, default 1,000 ms). These hooks only make that
  // faster or complete; a driver without them still has correct events.

  /**
   * Call `onChange` soon after any process commits a version, snapshot or logged change
   * (PostgreSQL: LISTEN on one dedicated connection, the commit NOTIFYs in its own
   * transaction, so the call comes only after commit). It carries no data — it only says
   * "look now"; watchers still read committed state and keep polling, so a notification
   * lost to a dropped connection delays an event, never loses it. Resolves once listening
   * (or retrying in the background); the returned function stops it.
   */
  subscribe?(onChange: () => void): Promise<() => Promise<void>>;
  /** Record changes that make no version, durably, so watchers in other processes see them. */
  logChanges?(changes: readonly LoggedChange[]): Promise<void>;
  /** Logged changes with `seq > after`, ascending by `seq` (a number the driver assigns, increasing). */
  readChanges?(after: number): Promise<Array<LoggedChange & { seq: number }>>;
}
