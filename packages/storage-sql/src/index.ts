import { type BackendConfig, MetaseriesError, registerBackend, show, Storage } from '@metaseries/core';
import { type PostgresConfig, SqlBackend, type SqliteConfig, type SqlOptions } from './backend.js';

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

function options(config: BackendConfig): SqlOptions {
  const out: SqlOptions = {};
  if (config.layout !== undefined) out.layout = config.layout as SqlOptions['layout'];
  if (config.connection !== undefined) {
    if (typeof config.connection !== 'object' || config.connection === null) throw new MetaseriesError('INVALID_INPUT', `"connection" must be an object, got ${show(config.connection)}`);
    out.connection = config.connection as Record<string, unknown>;
  }
  if (config.pool !== undefined) out.pool = config.pool as SqlOptions['pool'];
  if (typeof config.busyTimeoutMs === 'number') out.busyTimeoutMs = config.busyTimeoutMs;
  return out;
}

registerBackend('sqlite', {
  package: '@metaseries/storage-sql',
  create: (config) => {
    const path = config.path ?? config.filename ?? ':memory:';
    if (typeof path !== 'string') throw new MetaseriesError('INVALID_INPUT', `SQLite "path" must be a string, got ${show(path)}`, { backend: 'sqlite' });
    const c: SqliteConfig = { ...options(config), kind: 'sqlite', path };
    return SqlBackend.open(c);
  },
});

registerBackend('postgres', {
  package: '@metaseries/storage-sql',
  create: (config) => {
    const url = config.url ?? config.connectionString;
    if (url !== undefined && typeof url !== 'string') throw new MetaseriesError('INVALID_INPUT', `PostgreSQL "url" must be a string, got ${show(url)}`, { backend: 'postgres' });
    const c: PostgresConfig = { ...options(config), kind: 'postgres', ...(url ? { url } : {}) };
    return SqlBackend.open(c);
  },
});
