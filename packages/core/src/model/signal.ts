import { MetaseriesError, invalidInput, show } from '../errors.js';
import { incomingTsParts, makeTsName, maxNumbers, numberSignalName, parseTsName } from '../naming.js';
import { Series } from '../series/series.js';
import { seriesKey } from '../storage/keys.js';
import { Storage } from '../storage/storage.js';
import type { StorageBackend } from '../storage/backend.js';
import type { StorageBinding } from './binding.js';
import { nowIso, toIso } from './datetime.js';
import { DataProvenance, type DataProvenanceInit } from './provenance.js';
import { TimeSeries } from './time-series.js';

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

  useBackend(backend: StorageBackend | Storage, options: { autoSave?: boolean; datasetName?: string } = {}): this {
    this.binding = { storage: Storage.from(backend), autoSave: options.autoSave ?? false, datasetName: options.datasetName ?? this.binding?.datasetName ?? 'default' };
    return this;
  }

  /** The key a series of this signal has in the backend. */
  storageKey(tsName: string): string {
    return seriesKey(this.binding?.datasetName ?? 'default', this.name, tsName);
  }

  /** @internal bump last_updated (Python forgets to on process/add/remove). */
  touch(): void {
    this.lastUpdated = nowIso();
  }

  toString(): string {
    return `Signal '${this.name}', units=${this.units}, time_series=[${this.allTimeSeries.join(', ')}]`;
  }
}

/** Map the input names recorded by a series' steps through `mapping` (in place). */
function rewriteLineage(ts: TimeSeries, mapping: ReadonlyMap<string, string>): TimeSeries {
  if (!ts.processingSteps.some((step) => step.inputSeriesNames.some((n) => mapping.has(n)))) return ts;
  ts.replaceSteps(ts.processingSteps.map((step) =>
    step.inputSeriesNames.some((n) => mapping.has(n)) ? step.with({ inputSeriesNames: step.inputSeriesNames.map((n) => mapping.get(n) ?? n) }) : step,
  ));
  return ts;
}
