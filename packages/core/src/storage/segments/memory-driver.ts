import { MetaseriesError, show } from '../../errors.js';
import type { Series } from '../../series/series.js';
import { decodeSegment, encodeSegment } from './codec.js';
import type { CatalogRecord, CommitEntry, SegmentDriver, SegmentRef, SnapshotRecord, VersionRecord } from './driver.js';
import { parseLayout } from './layout.js';

interface KeyState {
  head: number | null;
  /** version → JSON of the record (stored as text, as SQL stores it: nothing aliases caller objects). */
  versions: Map<number, string>;
  segments: Map<string, { bytes: Uint8Array; createdAt: number }>;
}

/**
 * The in-process SegmentDriver: segments are blobs made by the segment codec (so memory
 * stores compress like SQL ones and exercise the same code), version records are JSON
 * text, and a commit is one synchronous step, hence atomic.
 */
export class MemoryDriver implements SegmentDriver {
  readonly kind: string = 'memory';
  readonly persistent: boolean = false;
  private readonly keys = new Map<string, KeyState>();
  private readonly snapshotRecords = new Map<string, string>();
  private readonly catalog = new Map<string, CatalogRecord>();

  async putSegments(key: string, segments: ReadonlyArray<{ id: string; series: Series }>): Promise<number[]> {
    const state = this.state(key, true);
    const now = Date.now();
    return segments.map(({ id, series }) => {
      const bytes = encodeSegment(series);
      state.segments.set(id, { bytes, createdAt: now });
      return bytes.length;
    });
  }

  async readSegments(key: string, refs: readonly SegmentRef[], layout: Record<string, unknown>): Promise<Series[]> {
    const parsed = parseLayout(layout);
    const blobs = await this.readSegmentBlobs(key, refs);
    return refs.map((ref, i) => decodeSegment(blobs[i]!, parsed, `segment ${show(ref.id)} of ${show(key)}`));
  }

  async readSegmentBlobs(key: string, refs: readonly SegmentRef[]): Promise<Uint8Array[]> {
    const state = this.keys.get(key);
    return refs.map((ref) => {
      const stored = state?.segments.get(ref.id);
      if (!stored) throw new MetaseriesError('CORRUPT_DATA', `Segment ${show(ref.id)} of ${show(key)} is missing`, { backend: this.kind });
      return stored.bytes;
    });
  }

  async head(key: string): Promise<number | null> {
    return this.keys.get(key)?.head ?? null;
  }

  async readVersion(key: string, version: number): Promise<VersionRecord | undefined> {
    const text = this.keys.get(key)?.versions.get(version);
    return text === undefined ? undefined : (JSON.parse(text) as VersionRecord);
  }

  async listVersions(key: string): Promise<VersionRecord[]> {
    const state = this.keys.get(key);
    if (!state) return [];
    return [...state.versions.entries()].sort(([a], [b]) => a - b).map(([, text]) => JSON.parse(text) as VersionRecord);
  }

  async commit(entries: readonly CommitEntry[], catalog: readonly CatalogRecord[] = []): Promise<void> {
    for (const entry of entries) {
      const head = this.keys.get(entry.key)?.head ?? null;
      if (head !== entry.expected) {
        throw new MetaseriesError('CONFLICT', `${show(entry.key)} is at version ${head ?? 'none'}, not ${entry.expected ?? 'none'}`, { backend: this.kind });
      }
      if (entry.record.version !== (entry.expected ?? 0) + 1) throw new MetaseriesError('INVALID_INPUT', `Commit of ${show(entry.key)} must make version ${(entry.expected ?? 0) + 1}, got ${entry.record.version}`);
    }
    // Everything checked: apply in one synchronous step.
    for (const entry of entries) {
      const state = this.state(entry.key, true);
      state.versions.set(entry.record.version, JSON.stringify(entry.record));
      state.head = entry.record.version;
    }
    for (const c of catalog) {
      if (c.record === null) this.catalog.delete(c.name);
      else this.catalog.set(c.name, structuredClone(c));
    }
  }

  async readCatalog(prefix: string): Promise<CatalogRecord[]> {
    return [...this.catalog.values()].filter((c) => c.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((c) => structuredClone(c));
  }

  async listKeys(prefix: string): Promise<string[]> {
    return [...(await this.readHeads(prefix)).entries()].filter(([, r]) => !r.tombstone).map(([k]) => k).sort();
  }

  async readHeads(prefix: string): Promise<Map<string, VersionRecord>> {
    const out = new Map<string, VersionRecord>();
    for (const [key, state] of this.keys) {
      if (!key.startsWith(prefix) || state.head === null) continue;
      const text = state.versions.get(state.head);
      if (text !== undefined) out.set(key, JSON.parse(text) as VersionRecord);
    }
    return out;
  }

  async createSnapshot(snapshot: SnapshotRecord): Promise<void> {
    if (this.snapshotRecords.has(snapshot.name)) throw new MetaseriesError('CONFLICT', `Snapshot ${show(snapshot.name)} already exists`, { backend: this.kind });
    this.snapshotRecords.set(snapshot.name, JSON.stringify(snapshot));
  }

  async readSnapshot(name: string): Promise<SnapshotRecord | undefined> {
    const text = this.snapshotRecords.get(name);
    return text === undefined ? undefined : (JSON.parse(text) as SnapshotRecord);
  }

  async listSnapshots(): Promise<SnapshotRecord[]> {
    return [...this.snapshotRecords.keys()].sort().map((n) => JSON.parse(this.snapshotRecords.get(n)!) as SnapshotRecord);
  }

  async deleteSnapshot(name: string): Promise<void> {
    if (!this.snapshotRecords.delete(name)) throw new MetaseriesError('NOT_FOUND', `Unknown snapshot ${show(name)}`, { backend: this.kind });
  }

  async dropVersions(key: string, versions: readonly number[]): Promise<void> {
    const state = this.keys.get(key);
    if (!state) return;
    for (const v of versions) if (v !== state.head) state.versions.delete(v);
  }

  async listSegments(key: string): Promise<Array<{ id: string; createdAt: number }>> {
    return [...(this.keys.get(key)?.segments.entries() ?? [])].map(([id, s]) => ({ id, createdAt: s.createdAt }));
  }

  async deleteSegments(key: string, ids: readonly string[]): Promise<void> {
    const state = this.keys.get(key);
    for (const id of ids) state?.segments.delete(id);
  }

  async listAllKeys(): Promise<string[]> {
    return [...this.keys.keys()].sort();
  }

  async purgeKey(key: string): Promise<void> {
    this.keys.delete(key);
  }

  async clear(): Promise<void> {
    this.keys.clear();
    this.snapshotRecords.clear();
    this.catalog.clear();
  }

  async close(): Promise<void> {
    await this.clear();
  }

  /**
   * The stored bytes of one segment (the live buffer, not a copy): for diagnostics and
   * for tests that damage a segment on purpose.
   */
  segmentBytes(key: string, id: string): Uint8Array | undefined {
    return this.keys.get(key)?.segments.get(id)?.bytes;
  }

  private state(key: string, create: true): KeyState;
  private state(key: string, create = false): KeyState | undefined {
    let state = this.keys.get(key);
    if (!state && create) {
      state = { head: null, versions: new Map(), segments: new Map() };
      this.keys.set(key, state);
    }
    return state;
  }
}
