import { link, readdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pl from 'nodejs-polars';
import {
  type BackendCapabilities, type Index, MetaseriesError, NumericIndex, RangeIndex, Series, type SeriesMetadata, type StorageBackend, type StoredSeries,
} from '@metaseries/core';
import {
  pathExists, ensureStoreDir, keyFromPythonStem, pythonStem, removeStaleTemps, withKeyLock, show,
} from '@metaseries/core/backend-kit';
import { type KeyRangeMicros, type LoadOptions, type SeriesSummary, sliceByKeyRange, type StreamOptions, summarize } from '@metaseries/core/backend-kit';
import { commitDelete, commitPair, fsyncDir, recover, removeIfPresent, writeDurable } from './atomic.js';
import { indexColumn, indexFromColumn, seriesFromColumns, valueColumn } from './columns.js';
import { DATA_EXT, JOURNAL_SUFFIX, META_SUFFIX, pathsFor, plainStem, type StemPaths, stemOfDataFile, stemsFor, TEMP_SUFFIX, tempPath } from './files.js';
import { pythonIndex, pythonSeriesName } from './python-layout.js';
import { rangePredicate, rowSpan } from './range.js';
import { dumpSidecar, FORMAT_VERSION, type LayoutBlock, metadataOf, readRecordedKey, readSidecar, type Sidecar } from './sidecar.js';
import { buildLayout } from './layout.js';

export interface PolarsBackendOptions {
  /** The store folder. */
  dir: string;
  /** Make the folder when it does not exist. Default false: a mistyped path is an error naming it. */
  create?: boolean;
  /** Rows per Parquet row group: small enough that a range read skips most of a big series. Default 65 536. */
  rowGroupSize?: number;
  /** Parquet compression (default `snappy`, as Python's adapter). */
  compression?: 'uncompressed' | 'snappy' | 'zstd' | 'lz4' | 'gzip' | 'brotli';
  /**
   * Also write Python's `index_values` list (str() of every index value, one fraction
   * width per column) into the sidecar, which Python's PolarsAdapter needs to rebuild
   * the index. On by default so Python reads our stores; turn off for big series whose
   * Python readers do not need timestamps (the list costs ~30 bytes per point of YAML).
   */
  pythonIndexValues?: boolean;
}

/** A temp file older than this is a crashed save's leftover and is removed on open. */
const STALE_TEMP_MS = 60_000;

interface Located {
  paths: StemPaths;
  hasData: boolean;
  hasMeta: boolean;
}

/**
 * Storage on nodejs-polars, in Python meteaudata's PolarsAdapter layout:
 * `<key with / → _>.parquet` + `<…>_meta.yaml`, readable by Python's
 * `PolarsAdapter.load`, and reading folders Python wrote.
 *
 * @example
 * const store = new Storage(await PolarsBackend.open({ dir: './store' }));
 * await store.save('plant/COD#1/RAW#1', series, metadata);
 * const day = await store.loadRange('plant/COD#1/RAW#1', { from, to });
 */
export class PolarsBackend implements StorageBackend {
  readonly kind = 'polars';
  readonly capabilities: BackendCapabilities = Object.freeze({
    rangeReads: true,
    streaming: true,
    aggregation: false,
    // describe() below: summaries from the data, one damaged key left out instead of failing the listing.
    metadataQuery: true,
    persistent: true,
  });
  readonly dir: string;
  private readonly rowGroupSize: number;
  private readonly compression: NonNullable<PolarsBackendOptions['compression']>;
  private readonly pythonIndexValues: boolean;

  private constructor(options: PolarsBackendOptions) {
    this.dir = resolve(options.dir);
    this.rowGroupSize = options.rowGroupSize ?? 65_536;
    this.compression = options.compression ?? 'snappy';
    this.pythonIndexValues = options.pythonIndexValues ?? true;
    if (!Number.isInteger(this.rowGroupSize) || this.rowGroupSize < 1) {
      throw new MetaseriesError('INVALID_INPUT', `rowGroupSize must be a positive integer, got ${show(options.rowGroupSize)}`, { backend: 'polars' });
    }
  }

  /** Open a store folder (made only with `create: true`); finishes commits a crash interrupted and removes dead writers' temp files. */
  static async open(options: PolarsBackendOptions | string): Promise<PolarsBackend> {
    const opts = typeof options === 'string' ? { dir: options } : options;
    if (typeof opts.dir !== 'string' || opts.dir === '') {
      throw new MetaseriesError('INVALID_INPUT', `The polars backend needs a folder ("dir"), got ${show(opts.dir)}`, { backend: 'polars' });
    }
    const backend = new PolarsBackend(opts);
    await ensureStoreDir(backend.dir, opts.create === true, 'polars');
    // Journals first: an interrupted commit's journal names temp files that must still be there.
    await backend.tidy(true);
    await removeStaleTemps(backend.dir);
    return backend;
  }

  async save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    await withKeyLock(this.dir, plainStem(key), async () => {
      const located = await this.locate(key, true);
      const paths = located.paths;
      const { layout, body, valueName } = buildLayout(series, metadata, { pythonIndexValues: this.pythonIndexValues });
      const columns = [valueColumn(valueName, series.values, series.dtype)];
      if (layout.index.kind !== 'range') columns.push(indexColumn(layout.index.column, series.index));
      const frame = pl.DataFrame(columns);
      const tempData = tempPath(this.dir);
      const tempMeta = tempPath(this.dir);
      try {
        await frame.lazy().sinkParquet(tempData, {
          compression: this.compression,
          statistics: true,
          rowGroupSize: this.rowGroupSize,
          syncOnClose: 'all',
        }).collect();
        await writeDurable(tempMeta, dumpSidecar(key, layout, body));
        await commitPair(paths, tempData, tempMeta);
      } catch (e) {
        await removeIfPresent(tempData).catch(() => undefined);
        await removeIfPresent(tempMeta).catch(() => undefined);
        throw e;
      }
    });
  }

  /** Reads hold the key's lock, so a save in this process never lands between the sidecar and the data (no torn reads). */
  async load(key: string, options: LoadOptions = {}): Promise<StoredSeries> {
    return withKeyLock(this.dir, plainStem(key), async () => {
      const { paths, sidecar } = await this.open(key);
      const series = await this.readSeries(paths, sidecar, options.range);
      return { series, metadata: metadataOf(sidecar) };
    });
  }

  async loadMetadata(key: string): Promise<SeriesMetadata> {
    return withKeyLock(this.dir, plainStem(key), async () => metadataOf((await this.open(key)).sidecar));
  }

  async exists(key: string): Promise<boolean> {
    const located = await this.locate(key, false);
    return located.hasData;
  }

  async delete(key: string): Promise<void> {
    await withKeyLock(this.dir, plainStem(key), async () => {
      const located = await this.locate(key, false);
      if (!located.hasData && !located.hasMeta) throw this.notFound(key);
      await commitDelete(located.paths);
    });
  }

  async listKeys(prefix = ''): Promise<string[]> {
    const names = await this.tidy(false);
    const keys: string[] = [];
    for (const name of names) {
      const stem = stemOfDataFile(name);
      if (stem === null || name.startsWith('.')) continue;
      const meta = join(this.dir, stem + META_SUFFIX);
      let key: string | null = null;
      try {
        key = await readRecordedKey(meta);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      // A Python file: its flattened name mapped back to `dataset/signal/ts`, like Python's load_all.
      key ??= keyFromPythonStem(stem, prefix);
      if (key !== null && key.startsWith(prefix)) keys.push(key);
    }
    return [...new Set(keys)].sort();
  }

  /** Removes only what the store owns: key pairs, our sidecars, temp files and journals. */
  async clear(): Promise<void> {
    const names = await readdir(this.dir);
    const present = new Set(names);
    for (const name of names) {
      const path = join(this.dir, name);
      if (name.startsWith('.') && (name.endsWith(TEMP_SUFFIX) || name.endsWith(JOURNAL_SUFFIX))) {
        await removeIfPresent(path);
        continue;
      }
      const stem = stemOfDataFile(name);
      if (stem !== null) {
        await removeIfPresent(path);
        await removeIfPresent(join(this.dir, stem + META_SUFFIX));
      } else if (name.endsWith(META_SUFFIX)) {
        const dataName = name.slice(0, -META_SUFFIX.length) + DATA_EXT;
        if (!present.has(dataName) && (await readRecordedKey(path).catch(() => null)) !== null) await removeIfPresent(path);
      }
    }
    await fsyncDir(this.dir);
  }

  async close(): Promise<void> {
    // No open handles between calls; pending saves hold their own promises.
  }

  /**
   * Chunks of `chunkSize` points read one after another from the file. The stream pins
   * the version it started on: under the key's lock it reads the sidecar and hard-links
   * the data file to a private temp name, then reads only that link, so a save that
   * lands meanwhile (a new file renamed over the name) never mixes in or cuts a read.
   */
  async *stream(key: string, options: StreamOptions): AsyncGenerator<Series> {
    const pinned = await withKeyLock(this.dir, plainStem(key), async () => {
      const { paths, sidecar } = await this.open(key);
      const copy = tempPath(this.dir);
      await link(paths.data, copy);
      return { paths: { ...paths, data: copy }, sidecar, shown: paths };
    });
    const { paths, sidecar } = pinned;
    try {
      const chunkSize = options.chunkSize ?? 100_000;
      const layout = sidecar.layout;
      if (layout === null || (options.range && !layout.sorted && layout.index.kind !== 'range')) {
        const whole = await this.readSeries(paths, sidecar, options.range);
        for (let s = 0; s < whole.length; s += chunkSize) yield whole.slice(s, s + chunkSize);
        return;
      }
      const [start, end] = options.range ? await this.rowsInRange(paths, layout, options.range) : [0, layout.length];
      for (let s = start; s < end; s += chunkSize) {
        const len = Math.min(chunkSize, end - s);
        const frame = await this.guardRead(paths, () => pl.scanParquet(paths.data).slice(s, len).collect());
        yield this.fromOurFrame(frame, paths, layout, s, true);
      }
    } finally {
      await removeIfPresent(paths.data).catch(() => undefined);
    }
  }

  /** Length, dtype and first/last key of each series under `prefix`; a damaged key is left out (it reports CORRUPT_DATA on load). */
  async describe(prefix = ''): Promise<SeriesSummary[]> {
    const out: SeriesSummary[] = [];
    for (const key of await this.listKeys(prefix)) {
      try {
        out.push(summarize(key, (await this.load(key)).series));
      } catch (e) {
        if (!(e instanceof MetaseriesError) || (e.code !== 'CORRUPT_DATA' && e.code !== 'NOT_FOUND')) throw e;
      }
    }
    return out;
  }

  // --- internals -------------------------------------------------------------

  private notFound(key: string): MetaseriesError {
    return new MetaseriesError('NOT_FOUND', `Key ${show(key)} not found in polars store ${show(this.dir)}`, { backend: this.kind });
  }

  /**
   * The files of `key`: the plain Python name if it is free, ours or an unmarked Python
   * file, else the hashed name. With `forWrite`, returns where a new key would go.
   */
  private async locate(key: string, forWrite: boolean): Promise<Located> {
    const stems = stemsFor(key);
    let free: StemPaths | null = null;
    for (const stem of stems) {
      const paths = pathsFor(this.dir, stem);
      const [hasData, hasMeta] = await Promise.all([pathExists(paths.data), pathExists(paths.meta)]);
      if (!hasData && !hasMeta) {
        free ??= paths;
        continue;
      }
      const recorded = hasMeta ? await readRecordedKey(paths.meta) : null;
      if (recorded === key || (recorded === null && stem === plainStem(key))) return { paths, hasData, hasMeta };
    }
    if (!free && forWrite) throw new MetaseriesError('CONFLICT', `No free file name for key ${show(key)} in ${show(this.dir)}`, { backend: this.kind });
    return { paths: free ?? pathsFor(this.dir, stems[0]!), hasData: false, hasMeta: false };
  }

  /** Locate a key for reading and parse its sidecar; a half pair is CORRUPT_DATA naming the file. */
  private async open(key: string): Promise<{ paths: StemPaths; sidecar: Sidecar }> {
    const { paths, hasData, hasMeta } = await this.locate(key, false);
    if (!hasData && !hasMeta) throw this.notFound(key);
    if (!hasData) {
      throw new MetaseriesError('CORRUPT_DATA', `Sidecar ${show(paths.meta)} of key ${show(key)} has no Parquet file ${show(paths.data)}`, { backend: this.kind });
    }
    if (!hasMeta) {
      throw new MetaseriesError('CORRUPT_DATA', `Parquet file ${show(paths.data)} of key ${show(key)} has no sidecar ${show(paths.meta)}`, { backend: this.kind });
    }
    return { paths, sidecar: await readSidecar(paths.meta) };
  }

  private async guardRead(paths: StemPaths, read: () => pl.DataFrame | Promise<pl.DataFrame>): Promise<pl.DataFrame> {
    try {
      return await read();
    } catch (cause) {
      if (cause instanceof MetaseriesError) throw cause;
      throw new MetaseriesError('CORRUPT_DATA', `Parquet file ${show(paths.data)} cannot be read: ${(cause as Error).message}`, { backend: this.kind, cause });
    }
  }

  private async readSeries(paths: StemPaths, sidecar: Sidecar, range: KeyRangeMicros | undefined): Promise<Series> {
    const layout = sidecar.layout;
    if (layout === null) {
      const frame = await this.guardRead(paths, () => pl.readParquet(paths.data));
      const whole = this.fromPythonFrame(frame, paths, sidecar);
      return range ? sliceByKeyRange(whole, range) : whole;
    }
    if (range && layout.index.kind === 'range') {
      const [start, end] = await this.rowsInRange(paths, layout, range);
      const frame = await this.guardRead(paths, () => pl.scanParquet(paths.data).slice(start, end - start).collect());
      return this.fromOurFrame(frame, paths, layout, start, true);
    }
    if (range && layout.index.kind !== 'string') {
      const predicate = rangePredicate(layout, range);
      const frame = await this.guardRead(paths, () => pl.scanParquet(paths.data).filter(predicate).collect());
      return this.fromOurFrame(frame, paths, layout, 0, true);
    }
    const frame = await this.guardRead(paths, () => pl.readParquet(paths.data));
    return this.fromOurFrame(frame, paths, layout, 0);
  }

  /** Positions [start, end) of the keys in `range` (sorted or range index). */
  private async rowsInRange(paths: StemPaths, layout: LayoutBlock, range: KeyRangeMicros): Promise<[number, number]> {
    if (layout.index.kind === 'range') {
      const { start, stop, step } = layout.index;
      return new RangeIndex(start, stop, step).positionsBetween(range.from ?? -Infinity, range.to ?? Infinity, true);
    }
    return rowSpan(paths.data, layout, range, (read) => this.guardRead(paths, read));
  }

  /** `partial`: a slice or a filtered read, so the row count is not the stored length. */
  private fromOurFrame(frame: pl.DataFrame, paths: StemPaths, layout: LayoutBlock, offset: number, partial = false): Series {
    const source = `Parquet file ${show(paths.data)}`;
    const wantWidth = layout.index.kind === 'range' ? 1 : 2;
    if (frame.width !== wantWidth) {
      throw new MetaseriesError('CORRUPT_DATA', `${source} has ${frame.width} columns; its sidecar describes ${wantWidth}`, { backend: this.kind });
    }
    const cols = frame.getColumns();
    let index: Index;
    const li = layout.index;
    if (li.kind === 'range') {
      const start = li.start + offset * li.step;
      index = new RangeIndex(start, start + frame.height * li.step, li.step, li.name);
    } else {
      index = indexFromColumn(cols[1]!, source, li.name, li.kind === 'datetime' ? li.freq : null);
      if (li.kind === 'numeric' && index.kind === 'numeric' && index.dtype !== li.dtype) index = new NumericIndex(index.values, li.dtype, li.name);
      if (li.kind === 'datetime' && index.kind === 'datetime' && index.tz !== li.tz) {
        throw new MetaseriesError('CORRUPT_DATA', `${source}: index zone ${show(index.tz)} differs from its sidecar's ${show(li.tz)}`, { backend: this.kind });
      }
    }
    if (!partial && frame.height !== layout.length) {
      throw new MetaseriesError('CORRUPT_DATA', `${source} has ${frame.height} rows; its sidecar says ${layout.length}`, { backend: this.kind });
    }
    return seriesFromColumns(cols[0]!, index, { name: layout.name, dtype: layout.dtype, source });
  }

  private fromPythonFrame(frame: pl.DataFrame, paths: StemPaths, sidecar: Sidecar): Series {
    const source = `Parquet file ${show(paths.data)}`;
    if (frame.width < 1) throw new MetaseriesError('CORRUPT_DATA', `${source} has no columns: not a series`, { backend: this.kind });
    const column = frame.getColumns()[0]!;
    const index = pythonIndex(sidecar.body, frame.height, source);
    const dtype = typeof sidecar.body.values_dtype === 'string' ? sidecar.body.values_dtype : undefined;
    return seriesFromColumns(column, index, { name: pythonSeriesName(column.name, sidecar.body), dtype, source });
  }

  /**
   * Finish interrupted commits (journals) and, on open, drop stale temp files of
   * crashed saves. Returns the folder listing afterwards.
   */
  private async tidy(removeStale: boolean): Promise<string[]> {
    let names = await readdir(this.dir);
    let recovered = false;
    for (const name of names) {
      // Journals are finished only at open: while the store is open, a journal is a
      // commit in flight in this process (under its key's lock), never a reader's job.
      if (!removeStale || !name.startsWith('.')) continue;
      if (name.endsWith(JOURNAL_SUFFIX)) {
        await recover(pathsFor(this.dir, name.slice(1, -JOURNAL_SUFFIX.length)));
        recovered = true;
      }
    }
    if (removeStale) {
      const now = Date.now();
      for (const name of names) {
        if (!name.startsWith('.') || !name.endsWith(TEMP_SUFFIX)) continue;
        const path = join(this.dir, name);
        try {
          if (now - (await stat(path)).mtimeMs > STALE_TEMP_MS) await unlink(path);
        } catch {
          // Gone already, or someone else's: leave it.
        }
      }
    }
    if (recovered) names = await readdir(this.dir);
    return names;
  }
}

export { FORMAT_VERSION };
