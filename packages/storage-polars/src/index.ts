import { MetaseriesError, Storage } from '@metaseries/core';
import { registerBackend, show } from '@metaseries/core/backend-kit';
import { openPolarsBackend, type PolarsStoreOptions } from './native.js';

export { PolarsBackend, type PolarsBackendOptions } from './backend.js';
export { fromPolars, timeSeriesFromPolars, timeSeriesToPolars, toPolars, type FromPolarsOptions, type ToPolarsOptions } from './convert.js';
export { INDEX_COLUMN } from './layout.js';
export { openPolarsBackend, polarsSegmentFormat, type PolarsStoreOptions } from './native.js';

const KNOWN = new Set(['kind', 'dir', 'create', 'layout', 'rowGroupSize', 'compression', 'pythonIndexValues']);

registerBackend('polars', {
  package: '@metaseries/storage-polars',
  create: (config) => {
    const dir = config.dir;
    if (typeof dir !== 'string' || dir === '') {
      throw new MetaseriesError('INVALID_INPUT', `The polars backend config needs "dir" (a folder), got ${show(dir)}`, { backend: 'polars' });
    }
    for (const name of Object.keys(config)) if (!KNOWN.has(name)) throw new MetaseriesError('INVALID_INPUT', `Unknown polars option ${show(name)} (known: ${[...KNOWN].join(', ')})`, { backend: 'polars' });
    const { kind: _kind, dir: _dir, ...rest } = config;
    return openPolarsBackend(dir, rest as PolarsStoreOptions);
  },
});

/**
 * Open a polars store folder as a `Storage` (layout detected unless given; a new folder is native).
 *
 * @example
 * const store = await openPolars('./store', { create: true });
 * await store.save('plant/COD#1/RAW#1', series, metadata);
 */
export async function openPolars(dir: string, options: PolarsStoreOptions = {}): Promise<Storage> {
  return new Storage(await openPolarsBackend(dir, options));
}
