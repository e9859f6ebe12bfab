import { registerBackend, Storage } from '@metaseries/core';
import { PolarsBackend, type PolarsBackendOptions } from './backend.js';

export { PolarsBackend, type PolarsBackendOptions } from './backend.js';
export { fromPolars, timeSeriesFromPolars, timeSeriesToPolars, toPolars, type FromPolarsOptions, type ToPolarsOptions } from './convert.js';
export { INDEX_COLUMN } from './layout.js';

registerBackend('polars', {
  package: '@metaseries/storage-polars',
  // The config arrives validated by core's schema (`PolarsStoreConfig`).
  create: ({ kind: _kind, ...options }) => PolarsBackend.open(options),
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
