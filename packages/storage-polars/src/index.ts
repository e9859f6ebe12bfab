import { registerBackend, Storage, MetaseriesError, show } from '@metaseries/core';
import { PolarsBackend, type PolarsBackendOptions } from './backend.js';

export { PolarsBackend, type PolarsBackendOptions } from './backend.js';
export { fromPolars, timeSeriesFromPolars, timeSeriesToPolars, toPolars, type FromPolarsOptions, type ToPolarsOptions } from './convert.js';
export { INDEX_COLUMN } from './layout.js';

registerBackend('polars', {
  package: '@metaseries/storage-polars',
  create: (config) => {
    const dir = config.dir;
    if (typeof dir !== 'string' || dir === '') {
      throw new MetaseriesError('INVALID_INPUT', `The polars backend config needs "dir" (a folder), got ${show(dir)}`, { backend: 'polars' });
    }
    const { kind: _kind, ...rest } = config;
    return PolarsBackend.open({ ...(rest as Partial<PolarsBackendOptions>), dir });
  },
});

/**
 * Open a polars store folder as a `Storage` (created if missing).
 *
 * @example
 * const store = await openPolars('./store');
 * await store.save('plant/COD#1/RAW#1', series, metadata);
 */
export async function openPolars(dir: string, options: Omit<PolarsBackendOptions, 'dir'> = {}): Promise<Storage> {
  return new Storage(await PolarsBackend.open({ ...options, dir }));
}
