import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import {
  type BackendCapabilities, DatetimeIndex, MetaseriesError, NumericIndex, RangeIndex, Series, type SeriesMetadata, type StorageBackend, type StoredSeries, StringIndex,
} from '@metaseries/core';
import {
  commitStep, ensureStoreDir, pythonStem, removeStaleTemps, withKeyLock,
} from '@metaseries/core/backend-kit';
import { type KeyRangeMicros, type LoadOptions, type SeriesSummary, sliceByKeyRange, type StreamOptions, summarize } from '@metaseries/core/backend-kit';
import { KV_KEY, Layout, LEGACY_TEMP_PATTERN, parquetName, type Slot, type Stamp, STAMP_KEY, stampOf, yamlName } from './layout.js';
import { SeriesFile } from './read.js';
import { encodeSeries } from './write.js';
import { dumpYaml, parseYaml } from './yaml.js';

const KIND = 'parquet';

export interface ParquetOptions {
  /** Create the folder when missing. Default false: a mistyped path is an error naming it. */
  create?: boolean;
}

/**
 * Parquet files + YAML sidecars in one folder, in Python meteaudata's pandas-disk
 * layout (`<key with / → _>.parquet` + `<same>_meta.yaml`), readable by
 * `pd.read_parquet` and `PandasDiskAdapter`. The real key lives in the sidecar
 * (and the footer), so `a_b/c` and `a/b_c` never collide.
 *
 * Saves commit with one rename: the new Parquet (which carries a copy of the
 * sidecar in its footer) replaces the old, then the sidecar follows; a reader that
 * finds the two out of step trusts the footer. A kill -9 at any point leaves the
 * old or the new version, never a mix.
 *
 * @example
 * const backend = await ParquetBackend.open('./store');
 * await new Storage(backend).save('plant/COD#1/RAW#1', series, metadata);
 */
export class ParquetBackend implements StorageBackend {
  readonly kind = KIND;
  readonly capabilities: BackendCapabilities = Object.freeze({
    rangeReads: true,
    streaming: true,
    aggregation: false,
    metadataQuery: true,
    persistent: true,
  });
  private readonly layout: Layout;

  private constructor(dir: string) {
    this.layout = new Layout(dir);
  }

  get dir(): string {
    return this.layout.dir;
  }

  /**
   * Open a store folder (made only with `create: true`). Removes temp files of writers
   * that died, and brings sidecars a kill left behind their Parquet file up to date.
   */
  static async open(dir: string, options: ParquetOptions = {}): Promise<ParquetBackend> {
    if (typeof dir !== 'string' || dir === '') throw new MetaseriesError('INVALID_INPUT', `A Parquet store needs a folder path, got ${JSON.stringify(dir)}`, { backend: KIND });
    await ensureStoreDir(dir, options.create === true, KIND);
    const backend = new ParquetBackend(dir);
    await removeStaleTemps(backend.layout.dir);
    await backend.repairSidecars();
    return backend;
  }

  /**
   * A kill between the Parquet rename (the commit) and the sidecar rename leaves an
   * older sidecar; the footer holds the committed copy. Sidecars older than their
   * Parquet file are checked against the footer and rewritten from it.
   */
  private async repairSidecars(): Promise<void> {
    for (const name of await this.layout.list()) {
      if (!name.endsWith('_meta.yaml') || name.startsWith('.')) continue;
      const stem = name.slice(0, -'_meta.yaml'.length);
      let yamlInfo, parquetInfo;
      try { [yamlInfo, parquetInfo] = await Promise.all([stat(this.layout.path(name)), stat(this.layout.path(parquetName(stem)))]); } catch { continue; }
      if (yamlInfo.mtimeMs > parquetInfo.mtimeMs) continue;
      let file: SeriesFile;
      try { file = await SeriesFile.open(this.layout.path(parquetName(stem))); } catch { continue; }
      try {
        const text = file.kv.get(KV_KEY);
        if (text === undefined) continue;
        const footer = parseYaml(text) as Record<string, unknown>;
        const stamp = stampOf(footer);
        const { doc } = await this.layout.readSidecar(stem);
        if (stamp === null || (doc !== null && stampOf(doc)?.generation === stamp.generation)) continue;
        await withKeyLock(this.layout.dir, pythonStem(stamp.key), async () => {
          const temp = await this.layout.writeTemp(name, [Buffer.from(dumpYaml(footer), 'utf8')]);
          await this.layout.rename(temp, name);
        });
      } catch {
        // Unreadable footer: the key reports CORRUPT_DATA when used.
      } finally {
        await file.close();
      }
    }
    await this.layout.syncDir();
  }

  /** Saves of keys that share Python's file name run one after another (the lock is on that name), so they never take the same files. */
  async save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    await withKeyLock(this.layout.dir, pythonStem(key), async () => {
      const { stem } = await this.layout.resolve(key);
      const generation = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
      const summary = summarize(key, series);
      const stamp: Stamp = { key, generation, length: summary.length, dtype: summary.dtype, first: summary.first, last: summary.last };
      const { [STAMP_KEY]: _ignored, ...plain } = metadata as Record<string, unknown>;
      // The sidecar is sorted like PyYAML's; the footer copy keeps the caller's key order so it round-trips as given.
      const yamlText = dumpYaml({ ...plain, [STAMP_KEY]: stamp });
      const chunks = encodeSeries(series, [{ key: KV_KEY, value: dumpYaml({ ...plain, [STAMP_KEY]: stamp }, false) }]);
      const temps: string[] = [];
      try {
        temps.push(await this.layout.writeTemp(parquetName(stem), chunks));
        commitStep('parquet-staged');
        temps.push(await this.layout.writeTemp(yamlName(stem), [Buffer.from(yamlText, 'utf8')]));
        commitStep('sidecar-staged');
        // Commit point: the Parquet rename. Its footer holds the new metadata, so the
        // pair is consistent even before the sidecar rename below lands.
        await this.layout.rename(temps[0]!, parquetName(stem));
        temps.shift();
        commitStep('parquet-renamed');
        await this.layout.rename(temps[0]!, yamlName(stem));
        temps.length = 0;
        commitStep('sidecar-renamed');
        await this.layout.syncDir();
      } catch (cause) {
        await Promise.all(temps.map((t) => this.layout.remove(t).catch(() => undefined)));
        if (cause instanceof MetaseriesError) throw cause;
        throw new MetaseriesError('IO_ERROR', `Saving ${JSON.stringify(key)} to ${JSON.stringify(this.layout.path(parquetName(stem)))} failed: ${(cause as Error).message}`, { backend: KIND, cause });
      }
    });
  }

  async load(key: string, options: LoadOptions = {}): Promise<StoredSeries> {
    return this.withFile(key, async (file, metadata) => {
      const range = options.range;
      if (!range) return { series: await file.read(0, file.rowGroups.length, metadata.values_dtype ?? null), metadata };
      const [from, to] = selectRowGroups(file, range);
      const part = await file.read(from, to, metadata.values_dtype ?? null);
      return { series: sliceByKeyRange(withFrequency(part, metadata), range), metadata };
    }, true);
  }

  /** From the footer; when the Parquet file is damaged, from an intact stamped sidecar (so a dataset still opens; the values then report CORRUPT_DATA). */
  async loadMetadata(key: string): Promise<SeriesMetadata> {
    try {
      return await this.withFile(key, async (_file, metadata) => metadata, false);
    } catch (error) {
      if (!(error instanceof MetaseriesError) || error.code !== 'CORRUPT_DATA') throw error;
      const { slot } = await this.layout.resolve(key);
      if (slot?.yaml && stampOf(slot.yaml)?.key === key) {
        const { [STAMP_KEY]: _stamp, ...metadata } = slot.yaml;
        return metadata as SeriesMetadata;
      }
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    const { slot } = await this.layout.resolve(key);
    return slot !== null && slot.parquet;
  }

  /** Works on a damaged key too (bad sidecar or Parquet): both files go. */
  async delete(key: string): Promise<void> {
    await withKeyLock(this.layout.dir, pythonStem(key), async () => {
      const { slot } = await this.layout.resolve(key);
      if (slot === null) throw new MetaseriesError('NOT_FOUND', `Key ${JSON.stringify(key)} not found in storage`, { backend: KIND });
      // Sidecar first: if we die in between, the Parquet (with its footer copy) is still a whole entry.
      await this.layout.remove(yamlName(slot.stem));
      await this.layout.remove(parquetName(slot.stem));
      await this.layout.syncDir();
    });
  }

  /** Keys from the stamps (sidecars cached by mtime); Python's flattened names are mapped back to `dataset/signal/ts` using the prefix. */
  async listKeys(prefix = ''): Promise<string[]> {
    const slots = await this.layout.entries(prefix);
    return [...new Set(slots.map((s) => s.owner).filter((k) => k.startsWith(prefix)))].sort();
  }

  /** Removes the store's entries and its own leftover temp files; nothing else in the folder. */
  async clear(): Promise<void> {
    for (const slot of await this.layout.entries()) {
      await this.layout.remove(yamlName(slot.stem));
      await this.layout.remove(parquetName(slot.stem));
    }
    for (const name of await this.layout.list()) if (LEGACY_TEMP_PATTERN.test(name)) await this.layout.remove(name);
    await removeStaleTemps(this.layout.dir);
    await this.layout.syncDir();
  }

  async close(): Promise<void> {
    // No open handles between calls.
  }

  /** Row groups in turn, cut into chunks of `chunkSize` points; only groups that can hold the range are read. */
  async *stream(key: string, options: StreamOptions): AsyncIterable<Series> {
    const chunkSize = options.chunkSize ?? 100_000;
    const slot = await this.requireSlot(key);
    const file = await SeriesFile.open(this.layout.path(parquetName(slot.stem)));
    try {
      const metadata = await this.metadataFor(slot, file);
      const [from, to] = options.range ? selectRowGroups(file, options.range) : [0, file.rowGroups.length];
      let pending: Series | null = null;
      for (let g = from; g < to; g++) {
        let part = withFrequency(await file.read(g, g + 1, metadata.values_dtype ?? null), metadata);
        if (options.range) part = sliceByKeyRange(part, options.range);
        pending = pending === null ? part : concat(pending, part);
        while (pending.length >= chunkSize) {
          yield pending.slice(0, chunkSize);
          pending = pending.slice(chunkSize);
        }
      }
      if (pending !== null && pending.length > 0) yield pending;
    } finally {
      await file.close();
    }
  }

  /** Summaries from the sidecars' stamps; entries without one (Python's) are loaded. */
  async describe(prefix = ''): Promise<SeriesSummary[]> {
    const out: SeriesSummary[] = [];
    for (const slot of await this.layout.entries(prefix)) {
      if (!slot.owner.startsWith(prefix)) continue;
      const stamp = slot.yaml === null ? null : stampOf(slot.yaml);
      if (stamp && typeof stamp.length === 'number') out.push({ key: slot.owner, length: stamp.length, dtype: stamp.dtype, first: stamp.first ?? null, last: stamp.last ?? null });
      else {
        // Python's files (no stamp) and damaged sidecars: from the data; an unreadable key is left out, never fails the listing.
        try { out.push(summarize(slot.owner, (await this.load(slot.owner)).series)); } catch (e) {
          if (!(e instanceof MetaseriesError) || e.code !== 'CORRUPT_DATA') throw e;
        }
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async requireSlot(key: string): Promise<Slot> {
    const { slot } = await this.layout.resolve(key);
    if (slot === null) throw new MetaseriesError('NOT_FOUND', `Key ${JSON.stringify(key)} not found in storage`, { backend: KIND });
    if (!slot.parquet) {
      throw new MetaseriesError('CORRUPT_DATA', `Sidecar ${JSON.stringify(this.layout.path(yamlName(slot.stem)))} has no Parquet file ${JSON.stringify(parquetName(slot.stem))}`, { backend: KIND });
    }
    return slot;
  }

  private async withFile<T>(key: string, fn: (file: SeriesFile, metadata: SeriesMetadata) => Promise<T>, applyFreq: boolean): Promise<T> {
    const slot = await this.requireSlot(key);
    const file = await SeriesFile.open(this.layout.path(parquetName(slot.stem)));
    try {
      const metadata = await this.metadataFor(slot, file);
      const result = await fn(file, metadata);
      if (applyFreq && result && typeof result === 'object' && 'series' in result) {
        const stored = result as unknown as StoredSeries;
        return { ...stored, series: withFrequency(stored.series, metadata) } as T;
      }
      return result;
    } finally {
      await file.close();
    }
  }

  /** The footer's copy of the sidecar wins (it is the commit point); Python files use the sidecar. */
  private async metadataFor(slot: Slot, file: SeriesFile): Promise<SeriesMetadata> {
    const text = file.kv.get(KV_KEY);
    let doc: Record<string, unknown> | null = null;
    if (text !== undefined) {
      try { doc = parseYaml(text) as Record<string, unknown>; } catch (cause) {
        throw new MetaseriesError('CORRUPT_DATA', `Parquet file ${JSON.stringify(file.path)} has unreadable metaseries metadata`, { backend: KIND, cause });
      }
    }
    doc ??= slot.yaml;
    if (doc === null && slot.damage) throw slot.damage;
    if (doc === null) {
      throw new MetaseriesError('CORRUPT_DATA', `Parquet file ${JSON.stringify(file.path)} has no sidecar ${JSON.stringify(yamlName(slot.stem))}`, { backend: KIND });
    }
    const { [STAMP_KEY]: _stamp, ...metadata } = doc;
    return metadata as SeriesMetadata;
  }
}

/** The run of row groups [from, to) that can hold keys in `range` (by min/max statistics or positions). */
function selectRowGroups(file: SeriesFile, range: KeyRangeMicros): [number, number] {
  const lo = range.from ?? -Infinity, hi = range.to ?? Infinity;
  const groups = file.rowGroups;
  let first = -1, last = -1;
  for (let g = 0; g < groups.length; g++) {
    const { min, max } = groups[g]!;
    if (min !== null && max !== null && (max < lo || min > hi)) continue;
    if (first < 0) first = g;
    last = g;
  }
  return first < 0 ? [0, 0] : [first, last + 1];
}

/** Put back the frequency pandas does not store in Parquet (Python rebuilds it from index_metadata). */
function withFrequency(series: Series, metadata: SeriesMetadata): Series {
  const freq = metadata.index_metadata?.frequency;
  const index = series.index;
  if (!freq || index.kind !== 'datetime' || index.freq !== null) return series;
  try { return series.withIndex(index.with({ freq })); } catch { return series; }
}

/** Join two consecutive pieces of the same series (streaming carries a remainder between row groups). */
function concat(a: Series, b: Series): Series {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const ai = a.index, bi = b.index;
  let index;
  if (ai.kind === 'range' && bi.kind === 'range') index = new RangeIndex(ai.start, ai.start + (a.length + b.length) * ai.step, ai.step, ai.name);
  else if (ai.kind === 'string' && bi.kind === 'string') index = new StringIndex([...ai.values, ...bi.values], ai.name);
  else {
    const keys = new Float64Array(a.length + b.length);
    keys.set(ai.values as Float64Array);
    keys.set(bi.values as Float64Array, a.length);
    index = ai.kind === 'datetime' ? ai.with({ values: keys }) : new NumericIndex(keys, ai.kind === 'numeric' ? ai.dtype : 'int64', ai.name);
  }
  const av = a.values, bv = b.values;
  let values;
  if (av instanceof Float64Array || av instanceof Uint8Array) {
    const out = av instanceof Float64Array ? new Float64Array(a.length + b.length) : new Uint8Array(a.length + b.length);
    out.set(av);
    out.set(bv as typeof av, a.length);
    values = out;
  } else values = [...av, ...(bv as readonly (string | null)[])];
  return new Series({ index, values, name: a.name, dtype: a.dtype });
}

void DatetimeIndex;
