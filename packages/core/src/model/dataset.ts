import { MetaseriesError, invalidInput, show } from '../errors.js';
import { numberSignalName, parseSignalName } from '../naming.js';
import { processDataset } from '../process/dataset-process.js';
import type { DatasetProcessOptions, DatasetTransform } from '../process/transform.js';
import type { RefreshOptions, RefreshReport } from '../process/refresh.js';
import type { AsOf, StorageBackend } from '../storage/backend.js';
import type { DiscoveryFilters } from '../storage/discovery.js';
import { Storage } from '../storage/storage.js';
import type { DatasetSaveOptions } from '../archive/dataset-archive.js';
import { nowIso, toIso } from './datetime.js';
import {
  type Catalog,
  commitSeries,
  type DatasetCatalogEntry,
  loadSignalSeries,
  prefetchMetadata,
  provenanceFrom,
  readCatalog,
  requireWritable,
  signalCatalogEntry,
  type StorageBinding,
  storedSignalNames,
} from './persistence.js';
import { Signal } from './signal.js';
import { type ProgressOptions, throwIfAborted } from '../progress.js';

export interface DatasetInit {
  name: string;
  description?: string | null;
  owner?: string | null;
  purpose?: string | null;
  project?: string | null;
  signals?: readonly Signal[];
  createdOn?: string | Date;
  lastUpdated?: string | Date;
}

/**
 * A named collection of signals (meteaudata's `Dataset`).
 *
 * @example
 * const ds = new Dataset({ name: 'plant', project: 'pilot', signals: [cod, flow] });
 * ds.useBackend(await createBackend('sqlite:./plant.db'), { autoSave: true });
 */
export class Dataset {
  name: string;
  description: string | null;
  owner: string | null;
  purpose: string | null;
  project: string | null;
  readonly createdOn: string;
  lastUpdated: string;
  readonly signals = new Map<string, Signal>();
  private storage: Storage | null = null;
  /** Set when opened as of a past instant or snapshot: read-only. */
  private asOf: AsOf | undefined;
  private autoSave = false;

  constructor(init: DatasetInit) {
    if (!init || typeof init.name !== 'string' || init.name.trim() === '') throw invalidInput(`Dataset name must be a non-empty string, got ${show(init?.name)}`);
    if (init.name.includes('/')) throw invalidInput(`Dataset name ${show(init.name)} cannot contain '/' (it is the first segment of storage keys)`);
    this.name = init.name;
    this.description = init.description ?? null;
    this.owner = init.owner ?? null;
    this.purpose = init.purpose ?? null;
    this.project = init.project ?? null;
    this.createdOn = init.createdOn === undefined ? nowIso() : toIso(init.createdOn, 'created_on');
    for (const signal of init.signals ?? []) {
      if (!(signal instanceof Signal)) throw invalidInput(`Dataset ${show(init.name)}: every signal must be a Signal, got ${show(signal)}`);
      const name = numberSignalName(signal.name);
      // Python silently keeps only the last of two same-named signals; refuse instead.
      if (this.signals.has(name)) throw new MetaseriesError('CONFLICT', `Dataset ${show(init.name)} received two signals named ${show(name)}`);
      if (name !== signal.name) signal.rename(name);
      this.signals.set(name, signal);
    }
    this.lastUpdated = init.lastUpdated === undefined ? nowIso() : toIso(init.lastUpdated, 'last_updated');
  }

  get allSignals(): string[] {
    return [...this.signals.keys()];
  }

  /** The signal called `name`, or INVALID_INPUT listing what exists. */
  get(name: string): Signal {
    const s = this.signals.get(name);
    if (!s) throw invalidInput(`Signal ${show(name)} not found in dataset ${show(this.name)}. Available signals are [${this.allSignals.join(', ')}]`);
    return s;
  }

  /**
   * Add a signal. A name without counter gets max+1 for its base; a numbered name that
   * is taken is renumbered (its lineage follows). The signal inherits the dataset's backend.
   */
  add(signal: Signal): this {
    if (!(signal instanceof Signal)) throw invalidInput(`Dataset.add expects a Signal, got ${show(signal)}`);
    const wanted = numberSignalName(signal.name);
    let name = wanted;
    if (this.signals.has(wanted) || !signal.name.includes('#')) {
      const base = parseSignalName(wanted).base;
      const max = Math.max(0, ...this.allSignals.map(parseSignalName).filter((p) => p.base === base).map((p) => p.number));
      name = this.signals.has(wanted) || max > 0 ? `${base}#${max + 1}` : wanted;
    }
    if (name !== signal.name) signal.rename(name);
    this.signals.set(name, signal);
    this.bindSignal(signal);
    this.touch();
    return this;
  }

  remove(name: string): this {
    this.get(name);
    this.signals.delete(name);
    this.touch();
    return this;
  }

  /**
   * Run a dataset-level transform (e.g. averaging signals) on series from any signals;
   * each output signal is numbered and added. Validated completely before the dataset changes.
   */
  process(inputTsNames: readonly string[], transform: DatasetTransform<undefined>, params?: undefined, options?: DatasetProcessOptions): Promise<string[]>;
  /** A transform that takes parameters must be given them. */
  process<P>(inputTsNames: readonly string[], transform: DatasetTransform<P>, params: P, options?: DatasetProcessOptions): Promise<string[]>;
  async process<P>(inputTsNames: readonly string[], transform: DatasetTransform<P>, params?: P, options: DatasetProcessOptions = {}): Promise<string[]> {
    if (this.storage && this.autoSave && this.asOf !== undefined) requireWritable(this.binding()!, `Dataset ${show(this.name)}`);
    const lastUpdated = this.lastUpdated;
    const created = await processDataset(this, inputTsNames, transform, params as P, options);
    for (const signal of created) this.bindSignal(signal);
    this.touch();
    if (this.storage && this.autoSave) {
      // New signals and the catalog commit together; if that fails, the dataset is as it was.
      try {
        await commitSeries(this.storage, this.name, created.flatMap((signal) => [...signal.timeSeries.values()].map((ts) => ({ signal, ts }))), true, (c) => this.fillCatalog(c));
      } catch (e) {
        for (const signal of created) this.signals.delete(signal.name);
        this.lastUpdated = lastUpdated;
        throw e;
      }
    }
    return created.map((s) => s.name);
  }

  /**
   * Store this dataset in a backend (a StorageBackend or Storage). Every signal, and any
   * added later, uses it; with `autoSave`, processing writes only the series it creates.
   */
  useBackend(backend: StorageBackend | Storage, options: { autoSave?: boolean } = {}): this {
    this.storage = Storage.from(backend);
    this.autoSave = options.autoSave ?? false;
    for (const signal of this.signals.values()) this.bindSignal(signal);
    return this;
  }

  get backend(): Storage | null {
    return this.storage;
  }

  /** Write every series and the dataset's own metadata (or only what changed, with `onlyChanged`). */
  async saveAll(options: { onlyChanged?: boolean } & ProgressOptions = {}): Promise<void> {
    const storage = this.requireStorage();
    if (this.asOf !== undefined) requireWritable(this.binding()!, `Dataset ${show(this.name)}`);
    const items = [...this.signals.values()].flatMap((signal) => [...signal.timeSeries.values()].map((ts) => ({ signal, ts })));
    // One commit: a cancel before it leaves the store exactly as it was (progress counts series prepared).
    await commitSeries(storage, this.name, items, options.onlyChanged ?? false, (c) => this.fillCatalog(c), { ...options, what: `saveAll of dataset ${show(this.name)}` });
  }

  /** Close the store this dataset uses (a SQLite/PostgreSQL connection, so the script can exit). Idempotent. */
  async close(): Promise<void> {
    await this.storage?.close();
  }

  /** `await using ds = await Dataset.fromBackend(...)` closes the store at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Attach every series stored under this dataset — also series and signals that only
   * the backend has — lazily: metadata now, values on first use.
   */
  async loadAll(options: ProgressOptions = {}): Promise<this> {
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
  }

  /**
   * Open a dataset stored in a backend: its metadata and every series, values loaded on
   * first use (or now, with `values: true`). `onProgress`/`signal` report and cancel between signals (and series).
   * @example const ds = await Dataset.fromBackend(await createBackend('sqlite:./plant.db'), 'plant');
   */
  static async fromBackend(backend: StorageBackend | Storage, name: string, options: { autoSave?: boolean; asOf?: AsOf; values?: boolean } & ProgressOptions = {}): Promise<Dataset> {
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
  }

  /**
   * Refresh the derived series of every signal (or of `signals`), in dependency order
   * across signals (an `averageSignals` output after both inputs): see `Signal.refresh`.
   */
  async refresh(options: RefreshOptions & { signals?: readonly string[] } = {}): Promise<RefreshReport> {
    const { refreshDataset } = await import('../process/refresh.js');
    return refreshDataset(this, options.signals, options);
  }

  /**
   * Open (lazily) every dataset of `store` that has a signal matching `filters` — by
   * provenance, units, name or time range, as `store.signals(filters)` finds them.
   * @example const [plant] = await Dataset.find(store, { where: { parameter: 'COD' } });
   */
  static async find(backend: StorageBackend | Storage, filters?: DiscoveryFilters): Promise<Dataset[]> {
    const storage = Storage.from(backend);
    const names = [...new Set((await storage.signals(filters)).map((s) => s.dataset))];
    const out: Dataset[] = [];
    for (const name of names) out.push(await Dataset.fromBackend(storage, name));
    return out;
  }

  /**
   * Save as a meteaudata dataset archive `<dir>/<name>.zip`; Python's `Dataset.load` reads it.
   * @example await plant.save('./out')   // → ./out/plant.zip
   */
  async save(dir: string, options: DatasetSaveOptions = {}): Promise<string> {
    // Loaded on demand: the archive code imports this module.
    const { saveDataset } = await import('../archive/dataset-archive.js');
    return saveDataset(this, dir, options);
  }

  /**
   * Load a dataset archive written by metaseries or Python meteaudata (`name` optional
   * when the archive holds one dataset).
   * @example const plant = await Dataset.load('./out/plant.zip')
   */
  static async load(path: string, name?: string, options: import('../archive/signal-archive.js').ArchiveLoadOptions & ProgressOptions = {}): Promise<Dataset> {
    const { loadDataset } = await import('../archive/dataset-archive.js');
    return loadDataset(path, name, options);
  }

  /** @internal bump last_updated. */
  touch(): void {
    this.lastUpdated = nowIso();
  }

  private bindSignal(signal: Signal): void {
    const binding = this.binding();
    if (binding) signal.binding = binding;
  }

  private binding(): StorageBinding | null {
    if (!this.storage) return null;
    return { storage: this.storage, autoSave: this.autoSave, datasetName: this.name, ...(this.asOf === undefined ? {} : { asOf: this.asOf }) };
  }

  private requireStorage(): Storage {
    if (!this.storage) throw invalidInput(`No storage backend configured for dataset ${show(this.name)}. Call useBackend() first.`);
    return this.storage;
  }

  private fillCatalog(c: Catalog): void {
    c.dataset = {
      name: this.name, description: this.description, owner: this.owner, purpose: this.purpose, project: this.project,
      created_on: this.createdOn, last_updated: this.lastUpdated,
    };
    c.signals = Object.fromEntries([...this.signals.values()].map((s) => [s.name, signalCatalogEntry(s)]));
  }

  toString(): string {
    return `Dataset '${this.name}', signals=[${this.allSignals.join(', ')}]`;
  }
}
