import { MetaseriesError, invalidInput, show } from '../errors.js';
import { incomingTsParts, makeTsName, maxNumbers, numberSignalName, parseTsName } from '../naming.js';
import { processSignal } from '../process/signal-process.js';
import type { ProcessOptions, Transform } from '../process/transform.js';
import type { RefreshOptions, RefreshReport } from '../process/refresh.js';
import type { Aggregation } from '../series/group-aggregate.js';
import { Series } from '../series/series.js';
import { seriesKey } from '../storage/keys.js';
import { Storage } from '../storage/storage.js';
import type { StorageBackend } from '../storage/backend.js';
import type { SignalSaveOptions } from '../archive/signal-archive.js';
import { nowIso, toIso } from './datetime.js';
import { DataProvenance, type DataProvenanceInit } from './provenance.js';
import { TimeSeries } from './time-series.js';
import { layoutOf } from '../storage/segments/layout.js';
import { checkAfter, checkMergeable, spliceRange } from '../storage/segments/merge.js';
import { type StorageBinding, commitSeries, loadSignalSeries, requireWritable, signalCatalogEntry } from './persistence.js';

export interface SignalInit {
  /** `CODs` or `CODs#1`; `#1` is added when missing. Default `"signal"` (un-numbered, as Python). */
  name?: string;
  units?: string;
  provenance?: DataProvenance | DataProvenanceInit;
  /** Data entering the signal: each series becomes `<name>_<OP>#n` (a plain name such as "RAW" is the operation). */
  data?: Series | TimeSeries | readonly (Series | TimeSeries)[];
  createdOn?: string | Date;
  lastUpdated?: string | Date;
}

/**
 * One measured quantity ("COD at the clarifier outlet") and every version of its data
 * (meteaudata's `Signal`). Series are keyed by full name, in insertion order.
 *
 * @example
 * const cod = new Signal({ name: 'CODs', units: 'mg/l', data: Series.fromTimes(times, values, { name: 'RAW' }) });
 * await cod.process(['CODs#1_RAW#1'], myTransform);
 */
export class Signal {
  name: string;
  units: string;
  provenance: DataProvenance;
  readonly createdOn: string;
  lastUpdated: string;
  readonly timeSeries = new Map<string, TimeSeries>();
  /** @internal where auto-save and lazy loads go; set by useBackend. */
  binding: StorageBinding | null = null;

  constructor(init: SignalInit = {}) {
    if (init.name !== undefined && (typeof init.name !== 'string' || init.name.trim() === '')) throw invalidInput(`Signal name must be a non-empty string, got ${show(init.name)}`);
    if (init.name?.includes('_')) throw invalidInput(`Signal name ${show(init.name)} cannot contain underscore '_' (it separates the signal from the operation in series names)`);
    this.name = init.name === undefined ? 'signal' : numberSignalName(init.name);
    this.units = init.units ?? 'unit';
    this.provenance = init.provenance instanceof DataProvenance ? init.provenance : init.provenance ? new DataProvenance(init.provenance) : DataProvenance.unknown();
    this.createdOn = init.createdOn === undefined ? nowIso() : toIso(init.createdOn, 'created_on');
    this.lastUpdated = init.lastUpdated === undefined ? nowIso() : toIso(init.lastUpdated, 'last_updated');
    const data = init.data === undefined ? [] : Array.isArray(init.data) ? init.data : [init.data as Series | TimeSeries];
    if (data.length === 0 && init.data === undefined) this.addSeries(Series.empty('RAW'));
    for (const item of data) this.addSeries(item, { strict: true });
    // Adding the initial data must not overwrite a last_updated the caller passed in.
    if (init.lastUpdated !== undefined) this.lastUpdated = toIso(init.lastUpdated, 'last_updated');
  }

  /**
   * Save as a meteaudata archive: `<dir>/<name>.zip` (or a folder with `zip: false`) holding
   * `<name>_metadata.yaml` and one CSV per series. Python's `Signal.load_from_directory` reads it.
   * @example await cod.save('./out')   // → ./out/CODs#1.zip
   */
  async save(dir: string, options: SignalSaveOptions = {}): Promise<string> {
    // Loaded on demand: the archive code imports this module.
    const { saveSignal } = await import('../archive/signal-archive.js');
    return saveSignal(this, dir, options);
  }

  /**
   * Load a signal archive (zip or folder) written by metaseries or Python meteaudata.
   * `name` may be omitted when the archive holds one signal.
   * @example const cod = await Signal.load('./out/CODs#1.zip')
   */
  static async load(path: string, name?: string, options: import('../archive/signal-archive.js').ArchiveLoadOptions = {}): Promise<Signal> {
    const { loadSignal } = await import('../archive/signal-archive.js');
    return loadSignal(path, name, options);
  }

  /** Names of all series, in insertion order. */
  get allTimeSeries(): string[] {
    return [...this.timeSeries.keys()];
  }

  /** The series called `name` (full name), or INVALID_INPUT listing what exists. */
  get(name: string): TimeSeries {
    const ts = this.timeSeries.get(name);
    if (!ts) throw invalidInput(`Time series ${show(name)} not found in signal ${show(this.name)}. Available series are [${this.allTimeSeries.join(', ')}]`);
    return ts;
  }

  /**
   * Add data: a Series or TimeSeries gets the name `<signal>_<OP>#n` (counter max+1 for
   * its operation). Returns the new full name. `strict` refuses a name already present.
   */
  addSeries(item: Series | TimeSeries, options: { strict?: boolean } = {}): string {
    const ts = item instanceof TimeSeries ? item : item instanceof Series ? new TimeSeries({ series: item }) : null;
    if (!ts) throw invalidInput(`Signal ${show(this.name)} received data of type ${show(Object.prototype.toString.call(item))}; expected a Series or TimeSeries`);
    const parts = incomingTsParts(item instanceof TimeSeries ? item.name || null : item.name);
    let name = makeTsName(this.name, parts.base, parts.number);
    if (this.timeSeries.has(name)) {
      if (options.strict) throw new MetaseriesError('CONFLICT', `Signal ${show(this.name)} already has a series ${show(name)}`);
      name = makeTsName(this.name, parts.base, (maxNumbers(this.timeSeries.keys()).get(parts.base) ?? 0) + 1);
    }
    ts.setName(name);
    this.timeSeries.set(name, ts);
    this.touch();
    return name;
  }

  /** Remove a series by full name. */
  remove(name: string): this {
    this.get(name);
    this.timeSeries.delete(name);
    this.touch();
    return this;
  }

  /**
   * Rename the signal: every series key follows, and lineage (`input_series_names`)
   * pointing at the old names is rewritten — Python leaves it pointing at nothing.
   */
  rename(newName: string): this {
    if (typeof newName !== 'string' || newName.includes('_') || newName.trim() === '') throw invalidInput(`Invalid signal name ${show(newName)}: non-empty, without '_'`);
    const finalName = numberSignalName(newName);
    const mapping = new Map<string, string>();
    for (const old of this.timeSeries.keys()) {
      const p = parseTsName(old);
      mapping.set(old, makeTsName(finalName, p.base, p.number));
    }
    const entries = [...this.timeSeries.values()].map((ts) => rewriteLineage(ts, mapping));
    this.timeSeries.clear();
    for (const ts of entries) {
      const target = mapping.get(ts.name)!;
      ts.setName(target);
      this.timeSeries.set(target, ts);
    }
    this.name = finalName;
    this.touch();
    return this;
  }

  /**
   * Run a transform on some of this signal's series and add its outputs, numbered by the
   * naming rules, with the inputs' history plus the new steps. Everything is validated
   * before the signal changes; with a backend and auto-save, only the new series are written.
   */
  process(inputNames: readonly string[], transform: Transform<undefined>, params?: undefined, options?: ProcessOptions): Promise<string[]>;
  /** A transform that takes parameters must be given them. */
  process<P>(inputNames: readonly string[], transform: Transform<P>, params: P, options?: ProcessOptions): Promise<string[]>;
  async process<P>(inputNames: readonly string[], transform: Transform<P>, params?: P, options: ProcessOptions = {}): Promise<string[]> {
    return processSignal(this, inputNames, transform, params as P, options);
  }

  /** Attach a backend (a StorageBackend or Storage). With `autoSave`, `process` writes what it creates. */
  /**
   * Bring derived series up to date with their inputs by replaying their recorded steps
   * (all of them, or `tsName` and what it depends on). Same names, same history; with a
   * store bound and auto-save on, changed series are written as new storage versions.
   * @example await cod.append(nextDay); await cod.refresh();
   */
  async refresh(tsName?: string, options: RefreshOptions = {}): Promise<RefreshReport> {
    const { refreshSignal } = await import('../process/refresh.js');
    return refreshSignal(this, tsName, options);
  }

  /**
   * A rollup: `tsName` aggregated into buckets of `every` as a new series of this signal
   * — meteaudata's `resample` step (RESAMPLING, the aggregation in its parameters), so it
   * shows in lineage, `refresh` keeps it current and Python reads it like any resampled
   * series. Needs `@metaseries/processing` imported (it registers `resample`).
   * @example const daily = await cod.rollup('COD#1_RAW#1', { every: '1D', agg: 'max' });   // COD#1_RESAMPLED-MAX#1
   */
  async rollup(tsName: string, options: { every: string; agg?: Aggregation; q?: number }): Promise<string> {
    const { lookupTransform } = await import('../process/registry.js');
    const resample = lookupTransform('resample', '0.1');
    if (!resample) throw new MetaseriesError('UNSUPPORTED', 'rollup uses the resample transform of @metaseries/processing: import it once (import "@metaseries/processing")');
    const parameters: Record<string, unknown> = { frequency: options?.every };
    if (options?.agg !== undefined && options.agg !== 'mean') parameters.aggregation = options.agg;
    if (options?.q !== undefined) parameters.q = options.q;
    const { transform } = resample.fromParameters(parameters);
    const [name] = await this.process([tsName], transform);
    return name!;
  }

  useBackend(backend: StorageBackend | Storage, options: { autoSave?: boolean; datasetName?: string } = {}): this {
    this.binding = { storage: Storage.from(backend), autoSave: options.autoSave ?? false, datasetName: options.datasetName ?? this.binding?.datasetName ?? 'default' };
    return this;
  }

  /** The key a series of this signal has in the backend. */
  storageKey(tsName: string): string {
    return seriesKey(this.binding?.datasetName ?? 'default', this.name, tsName);
  }

  /** Write every series (or only those not yet written, with `onlyChanged`). */
  async saveAll(options: { onlyChanged?: boolean } = {}): Promise<void> {
    const binding = requireBinding(this.binding, `signal ${show(this.name)}`);
    requireWritable(binding, `Signal ${show(this.name)}`);
    const items = [...this.timeSeries.values()].map((ts) => ({ signal: this as Signal, ts }));
    await commitSeries(binding.storage, binding.datasetName, items, options.onlyChanged ?? false, (c) => {
      c.signals[this.name] = signalCatalogEntry(this);
    });
  }

  /**
   * Add new raw points after the last ones of the signal's RAW series (the highest RAW#n).
   * With a backend and auto-save the points are appended in the store at once (a Storage v2
   * store rewrites only its last segment); the signal changes only if that succeeds.
   * An overlap is INVALID_INPUT naming the first overlapping timestamp.
   *
   * @example await cod.append(Series.fromTimes(['2024-01-02 00:00'], [3.1], { tz: 'UTC' }));
   */
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
  }

  /**
   * Refresh from the backend: every stored series of this signal is attached lazily
   * (metadata now, values on first use), including series only the backend has.
   */
  async loadAll(): Promise<this> {
    await loadSignalSeries(requireBinding(this.binding, `signal ${show(this.name)}`), this);
    return this;
  }

  /** @internal bump last_updated (Python forgets to on process/add/remove). */
  touch(): void {
    this.lastUpdated = nowIso();
  }

  toString(): string {
    return `Signal '${this.name}', units=${this.units}, time_series=[${this.allTimeSeries.join(', ')}]`;
  }
}

function requireBinding(binding: StorageBinding | null, what: string): StorageBinding {
  if (!binding) throw invalidInput(`No storage backend configured for ${what}. Call useBackend() first.`);
  return binding;
}

/** Map the input names recorded by a series' steps through `mapping` (in place). */
export function rewriteLineage(ts: TimeSeries, mapping: ReadonlyMap<string, string>): TimeSeries {
  if (!ts.processingSteps.some((step) => step.inputSeriesNames.some((n) => mapping.has(n)))) return ts;
  ts.replaceSteps(ts.processingSteps.map((step) =>
    step.inputSeriesNames.some((n) => mapping.has(n)) ? step.with({ inputSeriesNames: step.inputSeriesNames.map((n) => mapping.get(n) ?? n) }) : step,
  ));
  return ts;
}
