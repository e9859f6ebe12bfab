/**
 * @metaseries/storage-parquet: the native file layout (versioned, immutable Parquet
 * segments + one index file) with our fast writer/reader, and Python meteaudata's
 * pandas-disk layout. Importing the package registers the `parquet` backend kind, so
 * `createBackend({ kind: 'parquet', dir })` and `createBackend('parquet:./store')` work.
 */
import { MetaseriesError, Storage } from '@metaseries/core';
import { registerBackend, show } from '@metaseries/core/backend-kit';
import { checkLayout, type FileStoreOptions, openParquetBackend } from './open.js';

export { ParquetBackend, type ParquetOptions } from './backend.js';
export { SeriesFile, type RowGroupInfo } from './read.js';
export { ROW_GROUP_SIZE } from './write.js';
export { detectLayout, checkLayout, openParquetBackend, type FileLayout, type FileStoreOptions } from './open.js';
export { parquetSegmentFormat, encodeSegmentFile, decodeSegmentFile, dictionaryUnsafe } from './segment-file.js';

/**
 * Open a Parquet store folder as a `Storage` (layout detected unless given).
 * @example
 * const store = await openParquet('./store', { create: true });
 * await store.save('plant/COD#1/RAW#1', series, metadata);
 */
export async function openParquet(dir: string, options: FileStoreOptions = {}): Promise<Storage> {
  return new Storage(await openParquetBackend(dir, options));
}

const KNOWN = new Set(['kind', 'dir', 'create', 'layout']);

registerBackend('parquet', {
  package: '@metaseries/storage-parquet',
  create: (config) => {
    if (typeof config.dir !== 'string') throw new MetaseriesError('INVALID_INPUT', `The parquet backend needs { kind: 'parquet', dir: '<folder>' }, got dir ${JSON.stringify(config.dir)}`, { backend: 'parquet' });
    for (const name of Object.keys(config)) if (!KNOWN.has(name)) throw new MetaseriesError('INVALID_INPUT', `Unknown parquet option ${show(name)} (known: ${[...KNOWN].join(', ')})`, { backend: 'parquet' });
    return openParquetBackend(config.dir, { create: config.create === true, layout: checkLayout(config.layout, 'parquet') });
  },
});
