export type { Catalog, DatasetCatalogEntry, SignalCatalogEntry } from './persistence.js';
export { copyCatalog, readCatalog } from './persistence.js';
