/**
 * The `Signal` methods users call that reach above the model: processing, refresh,
 * rollups, archives and the storage session (save/append/load through a bound store).
 *
 * Why a facade: the model (`model/signal.ts`) is data plus validation and sits below
 * processing, archives and the storage session, which all import it. Declaring these
 * methods in the class would make the model import them back (a cycle). They are declared
 * here instead, merged into the `Signal` type by module augmentation, and installed on
 * the class when this module is imported — which `index.ts` and `backend-kit.ts` do for
 * their side effect, so `signal.process(…)` is there for every user of the package.
 */
import { MetaseriesError, invalidInput, show } from '../errors.js';
import { parseTsName } from '../naming.js';
import { loadSignal, saveSignal, type ArchiveLoadOptions, type SignalSaveOptions } from '../archive/signal-archive.js';
import { Signal } from '../model/signal.js';
import type { StorageBinding } from '../model/binding.js';
import { processSignal } from '../process/signal-process.js';
import { refreshSignal, type RefreshOptions, type RefreshReport } from '../process/refresh.js';
import { lookupTransform } from '../process/registry.js';
import type { ProcessOptions, Transform } from '../process/transform.js';
import type { Aggregation } from '../series/group-aggregate.js';
import { Series } from '../series/series.js';
import { commitSeries, loadSignalSeries, requireWritable, signalCatalogEntry } from '../session/persistence.js';
import { layoutOf } from '../storage/segments/layout.js';
import { checkAfter, checkMergeable, spliceRange } from '../storage/segments/merge.js';
import { defineMethods } from './define-methods.js';

declare module '../model/signal.js' {
  interface Signal {
    /**
     * Save as a meteaudata archive: `<dir>/<name>.zip` (or a folder with `zip: false`) holding
     * `<name>_metadata.yaml` and one CSV per series. Python's `Signal.load_from_directory` reads it.
     * @example await cod.save('./out')   // → ./out/CODs#1.zip
     */
    save(dir: string, options?: SignalSaveOptions): Promise<string>;

    /**
     * Run a transform on some of this signal's series and add its outputs, numbered by the
     * naming rules, with the inputs' history plus the new steps. Everything is validated
     * before the signal changes; with a backend and auto-save, only the new series are written.
     */
    process(inputNames: readonly string[], transform: Transform<undefined>, params?: undefined, options?: ProcessOptions): Promise<string[]>;
    /** A transform that takes parameters must be given them. */
    process<P>(inputNames: readonly string[], transform: Transform<P>, params: P, options?: ProcessOptions): Promise<string[]>;

    /**
     * Bring derived series up to date with their inputs by replaying their recorded steps
     * (all of them, or `tsName` and what it depends on). Same names, same history; with a
     * store bound and auto-save on, changed series are written as new storage versions.
     * @example await cod.append(nextDay); await cod.refresh();
     */
    refresh(tsName?: string, options?: RefreshOptions): Promise<RefreshReport>;

    /**
     * A rollup: `tsName` aggregated into buckets of `every` as a new series of this signal
     * — meteaudata's `resample` step (RESAMPLING, the aggregation in its parameters), so it
     * shows in lineage, `refresh` keeps it current and Python reads it like any resampled
     * series. Needs `@metaseries/processing` imported (it registers `resample`).
     * @example const daily = await cod.rollup('COD#1_RAW#1', { every: '1D', agg: 'max' });   // COD#1_RESAMPLED-MAX#1
     */
    rollup(tsName: string, options: { every: string; agg?: Aggregation; q?: number }): Promise<string>;

    /** Write every series (or only those not yet written, with `onlyChanged`). */
    saveAll(options?: { onlyChanged?: boolean }): Promise<void>;

    /**
     * Add new raw points after the last ones of the signal's RAW series (the highest RAW#n).
     * With a backend and auto-save the points are appended in the store at once (a Storage v2
     * store rewrites only its last segment); the signal changes only if that succeeds.
     * An overlap is INVALID_INPUT naming the first overlapping timestamp.
     *
     * @example await cod.append(Series.fromTimes(['2024-01-02 00:00'], [3.1], { tz: 'UTC' }));
     */
    append(series: Series): Promise<string>;

    /**
     * Refresh from the backend: every stored series of this signal is attached lazily
     * (metadata now, values on first use), including series only the backend has.
     */
    loadAll(): Promise<this>;
  }

  // A namespace is the only way to add a static to a class from another module.
  namespace Signal {
    /**
     * Load a signal archive (zip or folder) written by metaseries or Python meteaudata.
     * `name` may be omitted when the archive holds one signal.
     * @example const cod = await Signal.load('./out/CODs#1.zip')
     */
    function load(path: string, name?: string, options?: ArchiveLoadOptions): Promise<Signal>;
  }
}

defineMethods(Signal, {
  async load(path: string, name?: string, options: ArchiveLoadOptions = {}): Promise<Signal> {
    return loadSignal(path, name, options);
  },
});

defineMethods(Signal.prototype, {
  async save(dir: string, options: SignalSaveOptions = {}): Promise<string> {
    return saveSignal(this, dir, options);
  },

  async process<P>(inputNames: readonly string[], transform: Transform<P>, params?: P, options: ProcessOptions = {}): Promise<string[]> {
    return processSignal(this, inputNames, transform, params as P, options);
  },

  async refresh(tsName?: string, options: RefreshOptions = {}): Promise<RefreshReport> {
    return refreshSignal(this, tsName, options);
  },

  async rollup(tsName: string, options: { every: string; agg?: Aggregation; q?: number }): Promise<string> {
    const resample = lookupTransform('resample', '0.1');
    if (!resample) throw new MetaseriesError('UNSUPPORTED', 'rollup uses the resample transform of @metaseries/processing: import it once (import "@metaseries/processing")');
    const parameters: Record<string, unknown> = { frequency: options?.every };
    if (options?.agg !== undefined && options.agg !== 'mean') parameters.aggregation = options.agg;
    if (options?.q !== undefined) parameters.q = options.q;
    const { transform } = resample.fromParameters(parameters);
    const [name] = await this.process([tsName], transform);
    return name!;
  },

  async saveAll(options: { onlyChanged?: boolean } = {}): Promise<void> {
    const binding = requireBinding(this.binding, `signal ${show(this.name)}`);
    requireWritable(binding, `Signal ${show(this.name)}`);
    const items = [...this.timeSeries.values()].map((ts) => ({ signal: this, ts }));
    await commitSeries(binding.storage, binding.datasetName, items, options.onlyChanged ?? false, (c) => {
      c.signals[this.name] = signalCatalogEntry(this);
    });
  },

  async append(series: Series): Promise<string> {
    if (!(series instanceof Series)) throw invalidInput(`Signal ${show(this.name)}: append needs a Series, got ${show(Object.prototype.toString.call(series))}`);
    const raws = this.allTimeSeries.filter((n) => parseTsName(n).base.toUpperCase() === 'RAW');
    if (raws.length === 0) throw invalidInput(`Signal ${show(this.name)} has no RAW series to append to; add one with addSeries`);
    const name = raws.reduce((a, b) => (parseTsName(b).number > parseTsName(a).number ? b : a));
    const ts = this.get(name);
    const state = ts.storageState();
    const binding = this.binding;
    const storage = binding?.autoSave ? binding.storage : null;
    if (binding && storage) requireWritable(binding, `Signal ${show(this.name)}`);
    const key = this.storageKey(name);
    const stored = storage !== null && state.savedTo.has(storage) && state.container.storageKey === key;
    const current = state.container.peek() ?? (stored ? null : await ts.load());
    if (current) {
      const layout = layoutOf(current);
      checkMergeable(layout, series, key, 'append');
      checkAfter(layout, layout.keyed && current.length ? (current.index.values[current.length - 1] as number) : null, series, key);
    }
    if (stored) {
      await storage.append(key, series.rename(name), ts.metadataDict());
      if (current) state.container.set(spliceRange(current, Infinity, Infinity, series, layoutOf(current)).rename(name));
    } else {
      state.container.set(spliceRange(current!, Infinity, Infinity, series, layoutOf(current!)).rename(name));
      ts.markChanged();
      if (storage) await commitSeries(storage, binding!.datasetName, [{ signal: this, ts }], false, (c) => { c.signals[this.name] = signalCatalogEntry(this); });
    }
    this.touch();
    return name;
  },

  async loadAll() {
    await loadSignalSeries(requireBinding(this.binding, `signal ${show(this.name)}`), this);
    return this;
  },
});

function requireBinding(binding: StorageBinding | null, what: string): StorageBinding {
  if (!binding) throw invalidInput(`No storage backend configured for ${what}. Call useBackend() first.`);
  return binding;
}
