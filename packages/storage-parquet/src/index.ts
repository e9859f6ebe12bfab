/**
 * @metaseries/storage-parquet: Parquet files + YAML sidecars, in Python
 * meteaudata's pandas-disk layout. Importing the package registers the `parquet`
 * backend kind, so `openStore({ kind: 'parquet', dir })` and
 * `openStore('parquet:./store')` work.
 */
import { registerBackend, Storage } from '@metaseries/core';
import { ParquetBackend, type ParquetOptions } from './backend.js';

export { ParquetBackend, type ParquetOptions } from './backend.js';
export { SeriesFile, type RowGroupInfo } from './read.js';
export { ROW_GROUP_SIZE } from './write.js';

/**
 * Open a Parquet store folder as a `Storage`.
 * @example
 * const store = await openParquet('./store');
 * await store.save('plant/COD#1/RAW#1', series, metadata);
 */
export async function openParquet(dir: string, options: ParquetOptions = {}): Promise<Storage> {
  return new Storage(await ParquetBackend.open(dir, options));
}

registerBackend('parquet', {
  package: '@metaseries/storage-parquet',
  // The config arrives validated by core's schema (`ParquetStoreConfig`).
  create: ({ dir, create }) => ParquetBackend.open(dir, { create: create !== false }),
});
