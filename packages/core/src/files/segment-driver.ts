import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MetaseriesError, show } from '../errors.js';
import type { Series } from '../series/series.js';
import type { CatalogRecord, CommitEntry, HeadSummary, SegmentDriver, SegmentFileDecoder, SegmentRef, SnapshotRecord, VersionRecord } from '../storage/segments/driver.js';
import { headOfRecord } from '../storage/discovery.js';
import { commitStep, commitTemp, ensureStoreDir, fsyncDir, isTempName, removeFile, removeStaleTemps, stageFile, writeFileAtomic } from './commit.js';
import { fileStem } from './names.js';

/**
 * How segment files are written and read: the engine part of the native file layout.
 * storage-parquet gives our Parquet writer/reader, storage-polars the same files read
 * through nodejs-polars.
 */
export interface SegmentFileFormat {
  /** File extension including the dot, e.g. `.parquet`. */
  readonly extension: string;
  /** The bytes of one segment file. */
  encode(series: Series): Uint8Array[] | Promise<Uint8Array[]>;
  /** Read one segment file back; `range` (inclusive index keys) may cut inside it. */
  decode(path: string, layout: Record<string, unknown>, range?: { from?: number; to?: number }): Promise<Series>;
  /** The same decoding loadable on a worker thread (queries decode segments there); absent: main thread only. */
  readonly workerDecoder?: SegmentFileDecoder;
}

/** The index file: its replacement by one rename is the commit of every key, catalog record and snapshot it changes. */
export const INDEX_FILE = 'metaseries.json';
const LOCK_FILE = 'metaseries.lock';
const SERIES_DIR = 'series';
const FORMAT = 'metaseries-file-store';
const FORMAT_VERSION = 1;

interface KeyEntry {
  stem: string;
  head: number;
  /** Retained version numbers, ascending. */
  versions: number[];
  /** The head's record (listing and describe read only the index). */
  record: VersionRecord;
}

interface IndexDoc {
  format: typeof FORMAT;
  version: number;
  keys: Record<string, KeyEntry>;
  catalog: Record<string, CatalogRecord>;
  snapshots: Record<string, SnapshotRecord>;
}

const emptyIndex = (): IndexDoc => ({ format: FORMAT, version: FORMAT_VERSION, keys: {}, catalog: {}, snapshots: {} });

/**
 * The native file layout as a `SegmentDriver` (issue 11):
 *
 * ```
 * store/
 *   metaseries.json              index: every key's head record + retained versions, catalog, snapshots
 *   metaseries.lock              held for the few ms of a commit (pid inside; a dead holder's lock is taken over)
 *   series/<fileStem(key)>/
 *     key                        the key, for GC of keys that never committed
 *     v<N>.json                  version records (immutable)
 *     <segment id>.parquet       immutable segment files (pandas-shaped: pd.read_parquet reads each)
 * ```
 *
 * Commit: segments and version records are written (fsynced) first; then, holding the
 * folder lock, the index is re-read, every entry's expected head compared (CONFLICT
 * otherwise), and the new index renamed into place — one rename commits all keys of a
 * `saveMany`/`process()` and their catalog records together. Across processes the
 * lock file makes the compare-and-set real; a kill leaves either index, never a mix.
 * A damaged index is rebuilt on open from the version records (each key's highest
 * readable `v<N>.json`); a damaged version record or segment affects its key only.
 */
export class FileSegmentDriver implements SegmentDriver {
  readonly persistent = true;
  readonly dir: string;
  private cached: { ino: number; mtimeMs: number; size: number; doc: IndexDoc } | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(readonly kind: string, dir: string, private readonly format: SegmentFileFormat) {
    this.dir = resolve(dir);
  }

  /** Open (and with `create`, make) a native store folder; removes dead writers' temp files and a dead holder's lock, rebuilds a damaged index. */
  static async open(kind: string, dir: string, format: SegmentFileFormat, options: { create?: boolean } = {}): Promise<FileSegmentDriver> {
    await ensureStoreDir(dir, options.create === true, kind);
    const driver = new FileSegmentDriver(kind, dir, format);
    await mkdir(join(driver.dir, SERIES_DIR), { recursive: true });
    await removeStaleTemps(driver.dir);
    await driver.breakDeadLock();
    try {
      await driver.readIndex();
    } catch (error) {
      if (!(error instanceof MetaseriesError) || error.code !== 'CORRUPT_DATA') throw error;
      await driver.rebuildIndex();
    }
    return driver;
  }

  /** Whether a folder holds a native store. */
  static async isNative(dir: string): Promise<boolean> {
    try {
      await stat(join(dir, INDEX_FILE));
      return true;
    } catch {
      return false;
    }
  }

  // --- segments --------------------------------------------------------------

  private keyDir(key: string): string {
    return join(this.dir, SERIES_DIR, fileStem(key));
  }

  private segmentPath(key: string, id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new MetaseriesError('INVALID_INPUT', `Segment id ${show(id)} is not a safe file name`, { backend: this.kind });
    return join(this.keyDir(key), id + this.format.extension);
  }

  async putSegments(key: string, segments: ReadonlyArray<{ id: string; series: Series }>): Promise<number[]> {
    const dir = this.keyDir(key);
    await mkdir(dir, { recursive: true });
    const keyFile = join(dir, 'key');
    try { await stat(keyFile); } catch { await writeFileAtomic(keyFile, key); }
    const sizes: number[] = [];
    for (const { id, series } of segments) {
      const chunks = await this.format.encode(series);
      const target = this.segmentPath(key, id);
      await commitTemp(await this.stage(chunks), target, { sync: false });
      sizes.push(chunks.reduce((n, c) => n + c.byteLength, 0));
    }
    await fsyncDir(dir);
    commitStep('segments-written');
    return sizes;
  }

  async readSegments(key: string, refs: readonly SegmentRef[], layout: Record<string, unknown>, range?: { from?: number; to?: number }): Promise<Series[]> {
    return Promise.all(refs.map(async (ref) => {
      const path = this.segmentPath(key, ref.id);
      try {
        return await this.format.decode(path, layout, range);
      } catch (cause) {
        const why = cause instanceof MetaseriesError ? cause.message : (cause as Error).message;
        throw new MetaseriesError('CORRUPT_DATA', `Segment ${show(ref.id)} of ${show(key)} (${show(path)}) cannot be read: ${why}`, { backend: this.kind, cause });
      }
    }));
  }

  segmentFiles(key: string, refs: readonly SegmentRef[]): { decoder: SegmentFileDecoder; paths: string[] } | null {
    const decoder = this.format.workerDecoder;
    return decoder ? { decoder, paths: refs.map((r) => this.segmentPath(key, r.id)) } : null;
  }

  async listSegments(key: string): Promise<Array<{ id: string; createdAt: number }>> {
    const dir = this.keyDir(key);
    let names: string[];
    try { names = await readdir(dir); } catch { return []; }
    const out: Array<{ id: string; createdAt: number }> = [];
    for (const name of names) {
      if (!name.endsWith(this.format.extension) || isTempName(name)) continue;
      try { out.push({ id: name.slice(0, -this.format.extension.length), createdAt: (await stat(join(dir, name))).mtimeMs }); } catch { /* removed meanwhile */ }
    }
    return out;
  }

  async deleteSegments(key: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) await removeFile(this.segmentPath(key, id));
    if (ids.length > 0) await fsyncDir(this.keyDir(key));
  }

  // --- versions --------------------------------------------------------------

  async head(key: string): Promise<number | null> {
    return (await this.readIndex()).keys[key]?.head ?? null;
  }

  async readVersion(key: string, version: number): Promise<VersionRecord | undefined> {
    const entry = (await this.readIndex()).keys[key];
    if (!entry || !entry.versions.includes(version)) return undefined;
    if (version === entry.head) return structuredClone(entry.record);
    return this.readVersionFile(key, version);
  }

  async listVersions(key: string): Promise<VersionRecord[]> {
    const entry = (await this.readIndex()).keys[key];
    if (!entry) return [];
    const out: VersionRecord[] = [];
    for (const v of entry.versions) out.push(v === entry.head ? structuredClone(entry.record) : await this.readVersionFile(key, v));
    return out;
  }

  private async readVersionFile(key: string, version: number): Promise<VersionRecord> {
    const path = join(this.keyDir(key), `v${version}.json`);
    let text: string;
    try { text = await readFile(path, 'utf8'); } catch (cause) {
      throw new MetaseriesError('CORRUPT_DATA', `Version ${version} of ${show(key)} is missing its record ${show(path)}`, { backend: this.kind, cause });
    }
    try {
      const record = JSON.parse(text) as VersionRecord;
      if (record.version !== version) throw new Error(`it holds version ${show(record.version)}`);
      return record;
    } catch (cause) {
      throw new MetaseriesError('CORRUPT_DATA', `Version record ${show(path)} of ${show(key)} is damaged: ${(cause as Error).message}`, { backend: this.kind, cause });
    }
  }

  async commit(entries: readonly CommitEntry[], catalog: readonly CatalogRecord[] = []): Promise<void> {
    for (const entry of entries) {
      if (entry.record.version !== (entry.expected ?? 0) + 1) {
        throw new MetaseriesError('INVALID_INPUT', `Commit of ${show(entry.key)} must make version ${(entry.expected ?? 0) + 1}, got ${entry.record.version}`, { backend: this.kind });
      }
    }
    await this.update(async (index) => {
      for (const entry of entries) {
        const head = index.keys[entry.key]?.head ?? null;
        if (head !== entry.expected) {
          throw new MetaseriesError('CONFLICT', `${show(entry.key)} is at version ${head ?? 'none'}, not ${entry.expected ?? 'none'}`, { backend: this.kind });
        }
      }
      // Version records, under the lock and after the check, so a loser never overwrites a
      // winner's record. Uncommitted ones (a kill before the index rename) are overwritten by the next commit.
      for (const entry of entries) {
        const dir = this.keyDir(entry.key);
        await mkdir(dir, { recursive: true });
        const target = join(dir, `v${entry.record.version}.json`);
        await commitTemp(await this.stage(JSON.stringify(entry.record)), target, { sync: false });
      }
      for (const entry of entries) await fsyncDir(this.keyDir(entry.key));
      commitStep('records-written');
      for (const entry of entries) {
        const old = index.keys[entry.key];
        index.keys[entry.key] = { stem: fileStem(entry.key), head: entry.record.version, versions: [...(old?.versions ?? []), entry.record.version], record: entry.record };
      }
      for (const c of catalog) {
        if (c.record === null) delete index.catalog[c.name];
        else index.catalog[c.name] = c;
      }
    });
  }

  async readCatalog(prefix: string): Promise<CatalogRecord[]> {
    const index = await this.readIndex();
    return Object.values(index.catalog).filter((c) => c.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((c) => structuredClone(c));
  }

  async listKeys(prefix: string): Promise<string[]> {
    const index = await this.readIndex();
    return Object.entries(index.keys).filter(([k, e]) => k.startsWith(prefix) && !e.record.tombstone).map(([k]) => k).sort();
  }

  /** Discovery's fields straight from the index's head records (nothing cloned: only new objects leave). */
  async readHeadSummaries(prefix: string): Promise<HeadSummary[]> {
    const index = await this.readIndex();
    const out: HeadSummary[] = [];
    for (const key of Object.keys(index.keys).sort()) {
      const head = key.startsWith(prefix) ? headOfRecord(key, index.keys[key]!.record) : null;
      if (head) out.push(head);
    }
    return out;
  }

  async readHeads(prefix: string): Promise<Map<string, VersionRecord>> {
    const index = await this.readIndex();
    const out = new Map<string, VersionRecord>();
    for (const key of Object.keys(index.keys).sort()) if (key.startsWith(prefix)) out.set(key, structuredClone(index.keys[key]!.record));
    return out;
  }

  // --- snapshots -------------------------------------------------------------

  async createSnapshot(snapshot: SnapshotRecord): Promise<void> {
    await this.update((index) => {
      if (index.snapshots[snapshot.name]) throw new MetaseriesError('CONFLICT', `Snapshot ${show(snapshot.name)} already exists`, { backend: this.kind });
      index.snapshots[snapshot.name] = snapshot;
    });
  }

  async readSnapshot(name: string): Promise<SnapshotRecord | undefined> {
    const s = (await this.readIndex()).snapshots[name];
    return s ? structuredClone(s) : undefined;
  }

  async listSnapshots(): Promise<SnapshotRecord[]> {
    const index = await this.readIndex();
    return Object.keys(index.snapshots).sort().map((n) => structuredClone(index.snapshots[n]!));
  }

  async deleteSnapshot(name: string): Promise<void> {
    await this.update((index) => {
      if (!index.snapshots[name]) throw new MetaseriesError('NOT_FOUND', `Unknown snapshot ${show(name)}`, { backend: this.kind });
      delete index.snapshots[name];
    });
  }

  // --- prune and GC ----------------------------------------------------------

  async dropVersions(key: string, versions: readonly number[]): Promise<void> {
    const drop = new Set(versions);
    await this.update((index) => {
      const entry = index.keys[key];
      if (!entry) return;
      entry.versions = entry.versions.filter((v) => v === entry.head || !drop.has(v));
    });
    for (const v of versions) await removeFile(join(this.keyDir(key), `v${v}.json`)).catch(() => undefined);
  }

  async listAllKeys(): Promise<string[]> {
    const keys = new Set(Object.keys((await this.readIndex()).keys));
    let stems: string[] = [];
    try { stems = await readdir(join(this.dir, SERIES_DIR)); } catch { /* none */ }
    for (const stem of stems) {
      try { keys.add(await readFile(join(this.dir, SERIES_DIR, stem, 'key'), 'utf8')); } catch { /* not a key folder */ }
    }
    return [...keys].sort();
  }

  async purgeKey(key: string): Promise<void> {
    await this.update((index) => {
      delete index.keys[key];
    });
    await rm(this.keyDir(key), { recursive: true, force: true });
  }

  async clear(): Promise<void> {
    await this.update((index) => {
      index.keys = {};
      index.catalog = {};
      index.snapshots = {};
    });
    await rm(join(this.dir, SERIES_DIR), { recursive: true, force: true });
    await mkdir(join(this.dir, SERIES_DIR), { recursive: true });
  }

  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
  }

  /** The files a Python reader should read for `key` now (relative to the store folder). */
  async currentFiles(key: string): Promise<string[]> {
    const entry = (await this.readIndex()).keys[key];
    if (!entry || entry.record.tombstone) return [];
    return entry.record.segments.map((s) => join(SERIES_DIR, entry.stem, s.id + this.format.extension));
  }

  /** Temp files are staged in the store folder (never in key folders), so open cleans them with one listing. */
  private stage(data: string | Uint8Array | readonly Uint8Array[]): Promise<string> {
    return stageFile(join(this.dir, INDEX_FILE), data);
  }

  // --- the index -------------------------------------------------------------

  /** The index file's identity: every commit replaces it by a rename (a new inode, size or mtime). */
  async changeToken(): Promise<string | null> {
    try {
      const info = await stat(join(this.dir, INDEX_FILE));
      return `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'empty';
      throw new MetaseriesError('IO_ERROR', `Cannot read ${show(join(this.dir, INDEX_FILE))}`, { backend: this.kind, cause: e });
    }
  }

  /** The committed index (cached while its inode, size and mtime stay the same). */
  private async readIndex(): Promise<IndexDoc> {
    const path = join(this.dir, INDEX_FILE);
    let info;
    try { info = await stat(path); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.cached = null;
        return emptyIndex();
      }
      throw new MetaseriesError('IO_ERROR', `Cannot read ${show(path)}`, { backend: this.kind, cause: e });
    }
    const c = this.cached;
    if (c && c.ino === info.ino && c.size === info.size && c.mtimeMs === info.mtimeMs) return c.doc;
    let doc: IndexDoc;
    try {
      doc = JSON.parse(await readFile(path, 'utf8')) as IndexDoc;
      if (doc.format !== FORMAT || typeof doc.keys !== 'object') throw new Error('not a metaseries index');
    } catch (cause) {
      throw new MetaseriesError('CORRUPT_DATA', `Store index ${show(path)} is damaged: ${(cause as Error).message}`, { backend: this.kind, cause });
    }
    if (doc.version > FORMAT_VERSION) throw new MetaseriesError('UNSUPPORTED', `Store ${show(this.dir)} has format ${doc.version}; this version reads up to ${FORMAT_VERSION}`, { backend: this.kind });
    this.cached = { ino: info.ino, size: info.size, mtimeMs: info.mtimeMs, doc };
    return doc;
  }

  /** Change the index under the in-process queue and the folder lock; the rename is the commit. */
  private update(change: (index: IndexDoc) => void | Promise<void>): Promise<void> {
    const run = this.tail.catch(() => undefined).then(async () => {
      await this.lock();
      try {
        this.cached = null;
        const index = structuredClone(await this.readIndex());
        await change(index);
        commitStep('index-staged');
        await writeFileAtomic(join(this.dir, INDEX_FILE), JSON.stringify(index));
        commitStep('index-committed');
      } finally {
        await removeFile(join(this.dir, LOCK_FILE)).catch(() => undefined);
      }
    });
    this.tail = run;
    return run;
  }

  /** Take the folder lock (create-exclusive with our pid); a dead holder's lock is broken. */
  private async lock(): Promise<void> {
    const path = join(this.dir, LOCK_FILE);
    const deadline = Date.now() + 30_000;
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      try {
        const handle = await open(path, 'wx');
        try { await handle.writeFile(String(process.pid)); } finally { await handle.close(); }
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new MetaseriesError('IO_ERROR', `Cannot lock ${show(path)}: ${(e as Error).message}`, { backend: this.kind, cause: e });
      }
      if (await this.breakDeadLock()) continue;
      if (Date.now() > deadline) throw new MetaseriesError('CONFLICT', `Store ${show(this.dir)} stayed locked by another writer for 30 s (${show(path)})`, { backend: this.kind });
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Remove the lock file when the process that holds it is gone. */
  private async breakDeadLock(): Promise<boolean> {
    const path = join(this.dir, LOCK_FILE);
    let pid: number;
    try { pid = Number(await readFile(path, 'utf8')); } catch { return false; }
    if (!Number.isInteger(pid) || pid <= 0) {
      // Written but not yet filled, or damaged: only take it over when old.
      try { if (Date.now() - (await stat(path)).mtimeMs < 5_000) return false; } catch { return true; }
    } else if (pid === process.pid) return false;
    else {
      try { process.kill(pid, 0); return false; } catch (e) { if ((e as NodeJS.ErrnoException).code === 'EPERM') return false; }
    }
    await removeFile(path);
    return true;
  }

  /** Rebuild a damaged or missing index from the version records (each key's highest readable one). */
  private async rebuildIndex(): Promise<void> {
    const index = emptyIndex();
    let stems: string[] = [];
    try { stems = await readdir(join(this.dir, SERIES_DIR)); } catch { /* none */ }
    for (const stem of stems) {
      const dir = join(this.dir, SERIES_DIR, stem);
      let key: string;
      try { key = await readFile(join(dir, 'key'), 'utf8'); } catch { continue; }
      const versions = (await readdir(dir)).map((n) => /^v(\d+)\.json$/.exec(n)).filter((m) => m !== null).map((m) => Number(m![1])).sort((a, b) => a - b);
      for (let i = versions.length - 1; i >= 0; i--) {
        try {
          const record = await this.readVersionFile(key, versions[i]!);
          index.keys[key] = { stem, head: record.version, versions: versions.slice(0, i + 1), record };
          break;
        } catch { /* try the one before */ }
      }
    }
    await writeFileAtomic(join(this.dir, INDEX_FILE), JSON.stringify(index));
    this.cached = null;
  }
}
