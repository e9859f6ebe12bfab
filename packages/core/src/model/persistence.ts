import { MetaseriesError, show } from '../errors.js';
import { parseTsName } from '../naming.js';
import { Series } from '../series/series.js';
import { CATALOG_SEGMENT, catalogKey, seriesKey } from '../storage/keys.js';
import { CATALOG_FIELD, parseCatalogMetadata, type Catalog, type SignalCatalogEntry } from '../storage/legacy-catalog.js';
import type { Storage } from '../storage/storage.js';
import { nowIso } from './datetime.js';
import { IndexMetadata } from './index-metadata.js';
import { DataProvenance } from './provenance.js';
import type { Signal } from './signal.js';
import { TimeSeries } from './time-series.js';
import type { DataProvenanceDict, SeriesMetadata } from './wire.js';

/** Where a signal's series are stored, and whether `process` saves automatically. */
export interface StorageBinding {
  storage: Storage;
  autoSave: boolean;
  datasetName: string;
}

export type { Catalog, DatasetCatalogEntry, SignalCatalogEntry } from '../storage/legacy-catalog.js';

/** Save one series if needed; remembers where it went so the values can be unloaded. */
export async function saveSeries(binding: StorageBinding, signal: Signal, ts: TimeSeries, onlyChanged: boolean): Promise<void> {
  const { storage } = binding;
  const state = ts.storageState();
  const key = seriesKey(binding.datasetName, signal.name, ts.name);
  if (onlyChanged && state.savedTo.has(storage) && state.container.storageKey === key) return;
  // meteaudata: a raw series carries its signal's provenance id.
  if (parseTsName(ts.name).base.toLowerCase() === 'raw') ts.metadataId = signal.provenance.metadataId;
  const series = await ts.load();
  await storage.save(key, series, ts.metadataDict());
  state.savedTo.add(storage);
  state.container.bind(storage, key);
}

export function signalCatalogEntry(signal: Signal): SignalCatalogEntry {
  return {
    units: signal.units,
    provenance: signal.provenance.toDict(),
    created_on: signal.createdOn,
    last_updated: signal.lastUpdated,
    time_series: signal.allTimeSeries,
  };
}

/** Read the catalog record of a dataset, or an empty one. */
export async function readCatalog(storage: Storage, datasetName: string): Promise<Catalog> {
  const key = catalogKey(datasetName);
  if (!(await storage.exists(key))) return { version: 1, dataset: null, signals: {} };
  return parseCatalogMetadata(await storage.loadMetadata(key), datasetName, storage.kind);
}

/**
 * Write the catalog: an empty series whose metadata looks like any meteaudata series
 * (so Python's adapters load or ignore it without error) plus our dataset/signal fields.
 */
export async function writeCatalog(storage: Storage, datasetName: string, update: (c: Catalog) => void): Promise<void> {
  const catalog = await readCatalog(storage, datasetName);
  update(catalog);
  const empty = Series.empty(CATALOG_SEGMENT, 'float64');
  const metadata: SeriesMetadata = {
    processing_steps: [],
    index_metadata: IndexMetadata.fromIndex(empty.index).toDict(),
    values_dtype: 'float64',
    metadata_id: null,
    created_on: nowIso(),
    [CATALOG_FIELD]: catalog,
  };
  await storage.save(catalogKey(datasetName), empty, metadata);
}

/** Attach every stored series of `signal` lazily (metadata now, values on first use). */
export async function loadSignalSeries(binding: StorageBinding, signal: Signal, order: readonly string[] = []): Promise<void> {
  const prefix = `${binding.datasetName}/${signal.name}/`;
  const keys = await binding.storage.listKeys(prefix);
  const found = new Map<string, TimeSeries>();
  for (const key of keys) {
    const part = key.slice(prefix.length);
    if (part.includes('/')) continue;
    const name = `${signal.name}_${part}`;
    const metadata = await binding.storage.loadMetadata(key);
    found.set(name, TimeSeries.fromMetadata(name, metadata, binding.storage, key));
  }
  // Keep the recorded order, then the signal's current order, then whatever is new.
  const names = [...new Set([...order, ...signal.timeSeries.keys(), ...found.keys()])];
  const merged = new Map<string, TimeSeries>();
  for (const name of names) {
    const ts = found.get(name) ?? signal.timeSeries.get(name);
    if (ts) merged.set(name, ts);
  }
  signal.timeSeries.clear();
  for (const [name, ts] of merged) signal.timeSeries.set(name, ts);
}

/** Signal names stored under a dataset (second key segment), in sorted order. */
export async function storedSignalNames(storage: Storage, datasetName: string): Promise<string[]> {
  const keys = await storage.listKeys(`${datasetName}/`);
  const names = new Set<string>();
  for (const key of keys) {
    const parts = key.split('/');
    if (parts.length === 3 && parts[1] !== CATALOG_SEGMENT) names.add(parts[1]!);
  }
  return [...names].sort();
}

export function provenanceFrom(d: DataProvenanceDict | undefined): DataProvenance {
  return d ? DataProvenance.fromDict(d as unknown as Record<string, unknown>) : DataProvenance.unknown();
}

/** Record a signal's own fields (units, provenance, order…) in its dataset's catalog. */
export async function saveSignalCatalog(binding: StorageBinding, signal: Signal): Promise<void> {
  await writeCatalog(binding.storage, binding.datasetName, (c) => {
    c.signals[signal.name] = signalCatalogEntry(signal);
  });
}
