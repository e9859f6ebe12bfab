import { MetaseriesError } from '@metaseries/core';

/**
 * The database drivers are optional peer dependencies: a PostgreSQL user does not
 * compile SQLite, a SQLite user does not install pg. Each is imported when a store of
 * its kind opens; a missing one is BACKEND_UNAVAILABLE naming the package to install.
 */
const DRIVERS = {
  sqlite: ['better-sqlite3'],
  postgres: ['pg'],
} as const;

export async function loadDrivers(kind: keyof typeof DRIVERS): Promise<Record<string, unknown>> {
  const loaded: Record<string, unknown> = {};
  for (const name of DRIVERS[kind]) {
    try {
      loaded[name] = await import(name);
    } catch (cause) {
      const missing = (cause as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
      throw new MetaseriesError(
        'BACKEND_UNAVAILABLE',
        missing
          ? `The ${kind} store needs the package ${name}: npm install ${DRIVERS[kind].join(' ')}`
          : `The ${kind} store could not load ${name}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { backend: kind, cause },
      );
    }
  }
  return loaded;
}
