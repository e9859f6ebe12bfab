import { MetaseriesError, show } from '../errors.js';
import { parseTsName } from '../naming.js';
import { Series } from '../series/series.js';
import { CATALOG_SEGMENT, catalogKey, seriesKey } from '../storage/keys.js';
import { type ProgressOptions, throwIfAborted } from '../progress.js';
import type { AsOf } from '../storage/backend.js';
import { CATALOG_FIELD, catalogFromRecords, catalogRecords, parseCatalogMetadata, type Catalog, type SignalCatalogEntry } from '../storage/catalog.js';
import type { SaveEntry } from '../storage/segments/store.js';
import type { Storage } from '../storage/storage.js';
import { nowIso } from '../model/datetime.js';
import { IndexMetadata } from '../model/index-metadata.js';
import { DataProvenance } from '../model/provenance.js';
import type { Signal } from '../model/signal.js';
import { TimeSeries } from '../model/time-series.js';
import type { DataProvenanceDict, SeriesMetadata } from '../wire.js';

export type { StorageBinding } from '../model/binding.js';
import type { StorageBinding } from '../model/binding.js';

export type { Catalog, DatasetCatalogEntry, SignalCatalogEntry } from '../storage/catalog.js';

export function signalCatalogEntry(signal: Signal): SignalCatalogEntry {
  return {
    units: signal.units,
    provenance: signal.provenance.toDict(),
    created_on: signal.createdOn,
    last_updated: signal.lastUpdated,
    time_series: signal.allTimeSeries,
  };
}

/** Read the catalog record of a dataset (as of `asOf` when given), or an empty one. */
export async function readCatalog(storage: Storage, datasetName: string, asOf?: AsOf): Promise<Catalog> {
  const key = catalogKey(datasetName);
  // A v2 store: first-class records (not versioned: `asOf` reads today's catalog).
  const v2 = storage.segments;
  const fromRecords = v2 ? catalogFromRecords(datasetName, await v2.driver.readCatalog(datasetName)) : null;
  if (fromRecords) return fromRecords;
  // Otherwise the catalog series (Python layouts, metaseries 0.1; migrated to records at the next commit on v2).
  let meta: SeriesMetadata;
  if (asOf === undefined) {
    if (!(await storage.exists(key))) return emptyCatalog();
    meta = await storage.loadMetadata(key);
  } else {
    if (!(await storage.listKeys(`${datasetName}/`, { asOf })).includes(key)) return emptyCatalog();
    meta = await storage.loadMetadata(key, { asOf });
  }
  return parseCatalogMetadata(meta, datasetName, storage.kind);
}

function emptyCatalog(): Catalog {
  return { version: 1, dataset: null, signals: {} };
}

/**
 * The catalog as a series entry: an empty series whose metadata looks like any meteaudata
 * series (so Python's adapters load or ignore it without error) plus our dataset/signal fields.
 */
function catalogEntry(datasetName: string, catalog: Catalog): SaveEntry {
  const empty = Series.empty(CATALOG_SEGMENT, 'float64');
  const metadata: SeriesMetadata = {
    processing_steps: [],
    index_metadata: IndexMetadata.fromIndex(empty.index).toDict(),
    values_dtype: 'float64',
    metadata_id: null,
    created_on: nowIso(),
    [CATALOG_FIELD]: catalog,
  };
  return { key: catalogKey(datasetName), series: empty, metadata };
}

/**
 * Save series of one dataset and its catalog together: one atomic commit on a Storage v2
 * store (all land or none), key by key on a legacy backend. Only after the commit do the
 * series remember where they are stored.
 */
export async function commitSeries(
  storage: Storage,
  datasetName: string,
  items: ReadonlyArray<{ signal: Signal; ts: TimeSeries }>,
  onlyChanged: boolean,
  updateCatalog: (c: Catalog) => void,
  progress: ProgressOptions & { what?: string } = {},
): Promise<void> {
  const entries: SaveEntry[] = [];
  const saved: Array<{ ts: TimeSeries; key: string }> = [];
  let done = 0;
  for (const { signal, ts } of items) {
    // Nothing is written until the one commit below: a cancel here leaves the store as it was.
    throwIfAborted(progress.signal, progress.what ?? `save of dataset ${show(datasetName)}`, `0 of ${items.length} series saved (nothing written: the series commit together)`);
    progress.onProgress?.({ done: ++done, total: items.length, unit: 'series', key: seriesKey(datasetName, signal.name, ts.name) });
    const state = ts.storageState();
    const key = seriesKey(datasetName, signal.name, ts.name);
    if (onlyChanged && state.savedTo.has(storage) && state.container.storageKey === key) continue;
    // meteaudata: a raw series carries its signal's provenance id.
    if (parseTsName(ts.name).base.toLowerCase() === 'raw') ts.metadataId = signal.provenance.metadataId;
    entries.push({ key, series: await ts.load(), metadata: ts.metadataDict() });
    saved.push({ ts, key });
  }
  const catalog = await readCatalog(storage, datasetName);
  updateCatalog(catalog);
  if (storage.segments) {
    await storage.saveMany(entries, catalogRecords(datasetName, catalog));
    // Migrated: the 0.1 catalog series goes once its content lives in records.
    if (await storage.exists(catalogKey(datasetName))) await storage.delete(catalogKey(datasetName));
  } else {
    entries.push(catalogEntry(datasetName, catalog));
    await storage.saveMany(entries);
  }
  for (const { ts, key } of saved) {
    const state = ts.storageState();
    state.savedTo.add(storage);
    state.container.bind(storage, key);
  }
}

/** Throw unless the binding may write (a dataset opened as of the past is read-only). */
export function requireWritable(binding: StorageBinding, what: string): void {
  if (binding.asOf !== undefined) {
    throw new MetaseriesError('INVALID_INPUT', `${what} cannot write: it was opened as of ${show(binding.asOf instanceof Date ? binding.asOf.toISOString() : binding.asOf)} (read-only); open it without asOf to change it`);
  }
}

/** Attach every stored series of `signal` lazily (metadata now, values on first use). */
export async function loadSignalSeries(binding: StorageBinding, signal: Signal, order: readonly string[] = [], prefetched?: ReadonlyMap<string, SeriesMetadata>): Promise<void> {
  const prefix = `${binding.datasetName}/${signal.name}/`;
  const asOf = binding.asOf;
  const keys = prefetched ? [...prefetched.keys()].filter((k) => k.startsWith(prefix)).sort() : await binding.storage.listKeys(prefix, asOf === undefined ? {} : { asOf });
  const found = new Map<string, TimeSeries>();
  for (const key of keys) {
    const part = key.slice(prefix.length);
    if (part.includes('/')) continue;
    const name = `${signal.name}_${part}`;
    const metadata = prefetched?.get(key) ?? (await binding.storage.loadMetadata(key, asOf === undefined ? {} : { asOf }));
    found.set(name, TimeSeries.fromMetadata(name, metadata, binding.storage, key, asOf));
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

/**
 * The current metadata of every series under `prefix` in one driver call (a v2 store's
 * version heads), so opening a dataset of 1,000 series is not 1,000 round trips; null on
 * legacy backends or with asOf (then each key is read on its own).
 */
export async function prefetchMetadata(storage: Storage, prefix: string, asOf?: AsOf): Promise<Map<string, SeriesMetadata> | null> {
  const v2 = storage.segments;
  if (!v2 || asOf !== undefined) return null;
  return v2.headMetadata(prefix);
}

/** Signal names stored under a dataset (second key segment), in sorted order. */
export async function storedSignalNames(storage: Storage, datasetName: string, asOf?: AsOf): Promise<string[]> {
  const keys = await storage.listKeys(`${datasetName}/`, asOf === undefined ? {} : { asOf });
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

/**
 * Copy a dataset's catalog (dataset and signal fields) from one store to another, in the
 * form the destination keeps it (records on a v2 store, the catalog series elsewhere).
 * Used by conversions; series are copied separately.
 */
export async function copyCatalog(source: Storage, destination: Storage, datasetName: string): Promise<void> {
  const catalog = await readCatalog(source, datasetName);
  if (!catalog.dataset && Object.keys(catalog.signals).length === 0) return;
  await commitSeries(destination, datasetName, [], false, (c) => {
    c.dataset = catalog.dataset ?? c.dataset;
    Object.assign(c.signals, catalog.signals);
  });
}
