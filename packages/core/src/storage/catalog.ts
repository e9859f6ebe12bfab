import { MetaseriesError, show } from '../errors.js';
import type { DataProvenanceDict, SeriesMetadata } from '../wire.js';
import { catalogKey } from './keys.js';
import type { CatalogRecord } from './segments/driver.js';

/**
 * The catalog: dataset and signal fields (description, owner, units, provenance…) that
 * meteaudata's series metadata does not hold. A Storage v2 store keeps them as
 * first-class catalog records committed with the series; a store in a Python layout (and
 * metaseries 0.1) keeps them in an empty series at `<dataset>/__metaseries__` whose
 * metadata carries them under `metaseries_catalog` — Python ignores it. Both forms are
 * read and written here (one home), by the storage session and by discovery.
 */
export const CATALOG_FIELD = 'metaseries_catalog';

/** Dataset-level fields kept in the catalog record. */
export interface DatasetCatalogEntry {
  name: string;
  description: string | null;
  owner: string | null;
  purpose: string | null;
  project: string | null;
  created_on: string;
  last_updated: string;
}

export interface SignalCatalogEntry {
  units: string;
  provenance: DataProvenanceDict;
  created_on: string;
  last_updated: string;
  time_series: string[];
}

/** What the `<dataset>/__metaseries__` record carries (under the metadata key `metaseries_catalog`). */
export interface Catalog {
  version: 1;
  dataset: DatasetCatalogEntry | null;
  signals: Record<string, SignalCatalogEntry>;
}

/** The catalog in a record's metadata; CORRUPT_DATA naming the key when it is not one. */
export function parseCatalogMetadata(meta: SeriesMetadata, datasetName: string, backend: string): Catalog {
  const catalog = meta[CATALOG_FIELD] as Catalog | undefined;
  if (!catalog || typeof catalog !== 'object' || typeof catalog.signals !== 'object' || catalog.signals === null) {
    throw new MetaseriesError('CORRUPT_DATA', `Catalog record ${show(catalogKey(datasetName))} has no valid ${CATALOG_FIELD}`, { backend });
  }
  return catalog;
}

/** The same catalog as first-class records (dataset, then its signals). */
export function catalogRecords(datasetName: string, catalog: Catalog): CatalogRecord[] {
  const out: CatalogRecord[] = [];
  if (catalog.dataset) out.push({ kind: 'dataset', name: datasetName, record: { ...catalog.dataset } });
  for (const [name, entry] of Object.entries(catalog.signals).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.push({ kind: 'signal', name: `${datasetName}/${name}`, record: { ...entry } });
  }
  return out;
}

/** The catalog of `datasetName` from its records (null when it has none). */
export function catalogFromRecords(datasetName: string, records: readonly CatalogRecord[]): Catalog | null {
  const mine = records.filter((r) => r.record !== null && (r.name === datasetName || r.name.startsWith(`${datasetName}/`)));
  if (mine.length === 0) return null;
  const catalog: Catalog = { version: 1, dataset: null, signals: {} };
  for (const r of mine) {
    if (r.kind === 'dataset' && r.name === datasetName) catalog.dataset = r.record as unknown as DatasetCatalogEntry;
    else if (r.kind === 'signal') catalog.signals[r.name.slice(datasetName.length + 1)] = r.record as unknown as SignalCatalogEntry;
  }
  return catalog;
}
