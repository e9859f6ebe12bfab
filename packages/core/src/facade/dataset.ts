/**
 * The `Dataset` methods users call that reach above the model: dataset-level processing,
 * refresh, archives, and the storage session (open from a store, save, attach lazily).
 * Declared by module augmentation and installed on the class when imported, for the reason
 * given in `facade/signal.ts`.
 */
import { MetaseriesError, invalidInput, show } from '../errors.js';
import { loadDataset, saveDataset, type DatasetSaveOptions } from '../archive/dataset-archive.js';
import type { ArchiveLoadOptions } from '../archive/signal-archive.js';
import { Dataset } from '../model/dataset.js';
import { Signal } from '../model/signal.js';
import { processDataset } from '../process/dataset-process.js';
import { refreshDataset, type RefreshOptions, type RefreshReport } from '../process/refresh.js';
import type { DatasetProcessOptions, DatasetTransform } from '../process/transform.js';
import { type ProgressOptions, throwIfAborted } from '../progress.js';
import {
  type Catalog, commitSeries, type DatasetCatalogEntry, loadSignalSeries, prefetchMetadata, provenanceFrom, readCatalog, requireWritable, signalCatalogEntry, storedSignalNames,
} from '../session/persistence.js';
import type { AsOf, StorageBackend } from '../storage/backend.js';
import type { DiscoveryFilters } from '../storage/discovery.js';
import { Storage } from '../storage/storage.js';
import { defineMethods } from './define-methods.js';
import './signal.js';

declare module '../model/dataset.js' {
  interface Dataset {
    /**
     * Run a dataset-level transform (e.g. averaging signals) on series from any signals;
     * each output signal is numbered and added. Validated completely before the dataset changes.
     */
    process(inputTsNames: readonly string[], transform: DatasetTransform<undefined>, params?: undefined, options?: DatasetProcessOptions): Promise<string[]>;
    /** A transform that takes parameters must be given them. */
    process<P>(inputTsNames: readonly string[], transform: DatasetTransform<P>, params: P, options?: DatasetProcessOptions): Promise<string[]>;

    /** Write every series and the dataset's own metadata (or only what changed, with `onlyChanged`). */
    saveAll(options?: { onlyChanged?: boolean } & ProgressOptions): Promise<void>;

    /**
     * Attach every series stored under this dataset — also series and signals that only
     * the backend has — lazily: metadata now, values on first use.
     */
    loadAll(options?: ProgressOptions): Promise<this>;

    /**
     * Refresh the derived series of every signal (or of `signals`), in dependency order
     * across signals (an `averageSignals` output after both inputs): see `Signal.refresh`.
     */
    refresh(options?: RefreshOptions & { signals?: readonly string[] }): Promise<RefreshReport>;

    /**
     * Save as a meteaudata dataset archive `<dir>/<name>.zip`; Python's `Dataset.load` reads it.
     * @example await plant.save('./out')   // → ./out/plant.zip
     */
    save(dir: string, options?: DatasetSaveOptions): Promise<string>;
  }

  // A namespace is the only way to add statics to a class from another module.
  namespace Dataset {
    /**
     * Open a dataset stored in a backend: its metadata and every series, values loaded on
     * first use (or now, with `values: true`). `onProgress`/`signal` report and cancel between signals (and series).
     * @example const ds = await Dataset.fromBackend(await createBackend('sqlite:./plant.db'), 'plant');
     */
    function fromBackend(backend: StorageBackend | Storage, name: string, options?: { autoSave?: boolean; asOf?: AsOf; values?: boolean } & ProgressOptions): Promise<Dataset>;

    /**
     * Open (lazily) every dataset of `store` that has a signal matching `filters` — by
     * provenance, units, name or time range, as `store.signals(filters)` finds them.
     * @example const [plant] = await Dataset.find(store, { where: { parameter: 'COD' } });
     */
    function find(backend: StorageBackend | Storage, filters?: DiscoveryFilters): Promise<Dataset[]>;

    /**
     * Load a dataset archive written by metaseries or Python meteaudata (`name` optional
     * when the archive holds one dataset).
     * @example const plant = await Dataset.load('./out/plant.zip')
     */
    function load(path: string, name?: string, options?: ArchiveLoadOptions & ProgressOptions): Promise<Dataset>;
  }
}

defineMethods(Dataset, {
  async fromBackend(backend: StorageBackend | Storage, name: string, options: { autoSave?: boolean; asOf?: AsOf; values?: boolean } & ProgressOptions = {}): Promise<Dataset> {
    const storage = Storage.from(backend);
    const asOf = options.asOf;
    if (asOf !== undefined && options.autoSave) throw invalidInput(`Dataset ${show(name)} opened as of ${show(asOf)} is read-only: autoSave cannot be on`);
    const catalog = await readCatalog(storage, name, asOf);
    const d: Partial<DatasetCatalogEntry> = catalog.dataset ?? {};
    const signalNames = await storedSignalNames(storage, name, asOf);
    if (!catalog.dataset && signalNames.length === 0) {
      throw new MetaseriesError('NOT_FOUND', `No dataset ${show(name)} in the ${storage.kind} storage${asOf === undefined ? '' : ` as of ${show(asOf)}`}`, { backend: storage.kind });
    }
    const dataset = new Dataset({
      name, description: d.description ?? null, owner: d.owner ?? null, purpose: d.purpose ?? null, project: d.project ?? null,
      createdOn: d.created_on, lastUpdated: d.last_updated,
    });
    dataset.asOf = asOf;
    dataset.useBackend(storage, { autoSave: options.autoSave ?? false });
    await dataset.loadAll({ onProgress: options.onProgress, signal: options.signal });
    if (options.values) {
      // Values now rather than on first use, series by series (progress and cancel between them).
      const all = [...dataset.signals.values()].flatMap((s) => [...s.timeSeries.values()].map((ts) => [s, ts] as const));
      for (const [i, [s, ts]] of all.entries()) {
        throwIfAborted(options.signal, `loading dataset ${show(name)}`, `${i} of ${all.length} series loaded`);
        await ts.load();
        options.onProgress?.({ done: i + 1, total: all.length, unit: 'series', key: `${name}/${s.name}/${ts.name}` });
      }
    }
    if (d.last_updated) dataset.lastUpdated = d.last_updated;
    return dataset;
  },

  async find(backend: StorageBackend | Storage, filters?: DiscoveryFilters): Promise<Dataset[]> {
    const storage = Storage.from(backend);
    const names = [...new Set((await storage.signals(filters)).map((s) => s.dataset))];
    const out: Dataset[] = [];
    for (const name of names) out.push(await Dataset.fromBackend(storage, name));
    return out;
  },

  async load(path: string, name?: string, options: ArchiveLoadOptions & ProgressOptions = {}): Promise<Dataset> {
    return loadDataset(path, name, options);
  },
});

defineMethods(Dataset.prototype, {
  async process<P>(inputTsNames: readonly string[], transform: DatasetTransform<P>, params?: P, options: DatasetProcessOptions = {}): Promise<string[]> {
    if (this.storage && this.autoSave && this.asOf !== undefined) requireWritable(this.binding()!, `Dataset ${show(this.name)}`);
    const lastUpdated = this.lastUpdated;
    const created = await processDataset(this, inputTsNames, transform, params as P, options);
    for (const signal of created) this.bindSignal(signal);
    this.touch();
    if (this.storage && this.autoSave) {
      // New signals and the catalog commit together; if that fails, the dataset is as it was.
      try {
        await commitSeries(this.storage, this.name, created.flatMap((signal) => [...signal.timeSeries.values()].map((ts) => ({ signal, ts }))), true, (c) => fillCatalog(this, c));
      } catch (e) {
        for (const signal of created) this.signals.delete(signal.name);
        this.lastUpdated = lastUpdated;
        throw e;
      }
    }
    return created.map((s) => s.name);
  },

  async saveAll(options: { onlyChanged?: boolean } & ProgressOptions = {}): Promise<void> {
    const storage = this.requireStorage();
    if (this.asOf !== undefined) requireWritable(this.binding()!, `Dataset ${show(this.name)}`);
    const items = [...this.signals.values()].flatMap((signal) => [...signal.timeSeries.values()].map((ts) => ({ signal, ts })));
    // One commit: a cancel before it leaves the store exactly as it was (progress counts series prepared).
    await commitSeries(storage, this.name, items, options.onlyChanged ?? false, (c) => fillCatalog(this, c), { ...options, what: `saveAll of dataset ${show(this.name)}` });
  },

  async loadAll(options: ProgressOptions = {}) {
    const storage = this.requireStorage();
    const catalog = await readCatalog(storage, this.name, this.asOf);
    const stored = await storedSignalNames(storage, this.name, this.asOf);
    const prefetched = await prefetchMetadata(storage, `${this.name}/`, this.asOf);
    // Catalog order first (the order signals were added), then any the catalog does not know.
    const ordered = [...Object.keys(catalog.signals).filter((n) => stored.includes(n)), ...stored.filter((n) => !(n in catalog.signals))];
    for (const [i, name] of ordered.entries()) {
      throwIfAborted(options.signal, `loadAll of dataset ${show(this.name)}`, `${i} of ${ordered.length} signals attached`);
      let signal = this.signals.get(name);
      if (!signal) {
        const entry = catalog.signals[name];
        signal = new Signal({
          name, data: [], units: entry?.units ?? 'unit', provenance: provenanceFrom(entry?.provenance),
          createdOn: entry?.created_on, lastUpdated: entry?.last_updated,
        });
        this.signals.set(name, signal);
        this.bindSignal(signal);
      }
      await loadSignalSeries(signal.binding!, signal, catalog.signals[name]?.time_series ?? [], prefetched ?? undefined);
      options.onProgress?.({ done: i + 1, total: ordered.length, unit: 'signals', key: `${this.name}/${name}` });
    }
    return this;
  },

  async refresh(options: RefreshOptions & { signals?: readonly string[] } = {}): Promise<RefreshReport> {
    return refreshDataset(this, options.signals, options);
  },

  async save(dir: string, options: DatasetSaveOptions = {}): Promise<string> {
    return saveDataset(this, dir, options);
  },
});

/** The catalog a commit writes: the dataset's own fields and one entry per signal. */
function fillCatalog(dataset: Dataset, c: Catalog): void {
  c.dataset = {
    name: dataset.name, description: dataset.description, owner: dataset.owner, purpose: dataset.purpose, project: dataset.project,
    created_on: dataset.createdOn, last_updated: dataset.lastUpdated,
  };
  c.signals = Object.fromEntries([...dataset.signals.values()].map((s) => [s.name, signalCatalogEntry(s)]));
}
