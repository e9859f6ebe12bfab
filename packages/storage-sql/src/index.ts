import { Storage } from '@metaseries/core';
import { registerBackend } from '@metaseries/core/backend-kit';
import { SqlBackend, type SqlOptions } from './backend.js';

export { SqlBackend, SqlSegmentStore } from './backend.js';
export type { PostgresConfig, SqlConfig, SqliteConfig, SqlOptions } from './connect.js';
export type { LayoutName } from './layout.js';
export { MIGRATIONS, NATIVE_SCHEMA_VERSION } from './schema.js';
export { SqlSegmentDriver } from './segment-driver.js';
export { openNativeDriver, openSqlSegmentDriver, type NativeOpenOptions, type SaveFirstVersion } from './native.js';
export { indexMetadataOf, rebuildIndexFromText } from './index-metadata.js';

/**
 * Open a SQLite storage (a file, or `':memory:'`).
 *
 * @example
 * const store = await openSqlite('./plant.db');
 * const py = await openSqlite('./meteaudata.db', { layout: 'meteaudata' });
 */
export async function openSqlite(path: string, options: SqlOptions = {}): Promise<Storage> {
  return new Storage(await SqlBackend.open({ ...options, kind: 'sqlite', path }));
}

/**
 * Open a PostgreSQL storage.
 *
 * @example
 * const store = await openPostgres('postgres://metaseries@localhost:5432/plant');
 */
export async function openPostgres(url: string, options: SqlOptions = {}): Promise<Storage> {
  return new Storage(await SqlBackend.open({ ...options, kind: 'postgres', url }));
}

// Configs arrive validated by core's schema (`SqliteStoreConfig`, `PostgresStoreConfig`).
registerBackend('sqlite', {
  package: '@metaseries/storage-sql',
  create: ({ kind, ...options }) => SqlBackend.open({ ...options, kind }),
});

registerBackend('postgres', {
  package: '@metaseries/storage-sql',
  create: ({ kind, ...options }) => SqlBackend.open({ ...options, kind }),
});
