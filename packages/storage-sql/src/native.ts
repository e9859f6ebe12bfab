import { MetaseriesError, type Series, type SeriesMetadata } from '@metaseries/core';
import type { Knex } from 'knex';
import { MIGRATION_TABLE, migrationSource, NATIVE_SCHEMA_VERSION, T, type Dialect } from './schema.js';
import { SqlSegmentDriver } from './segment-driver.js';
import { createKnex, type SqlConfig } from './connect.js';
import { engineError } from './errors.js';
import { hasV1, readV1, v1Keys } from './v1-reader.js';

export { MIGRATIONS, NATIVE_SCHEMA_VERSION } from './schema.js';

/** Writes one migrated v1 series as the first version of its key, through `driver`. */
export type SaveFirstVersion = (driver: SqlSegmentDriver, key: string, series: Series, metadata: SeriesMetadata, savedAt: number | null) => Promise<void>;

export interface NativeOpenOptions {
  dialect: Dialect;
  persistent: boolean;
  /** Where the database is, for log lines and errors. */
  where: string;
  /** Receives the one line that says a v1 database is being migrated (default `console.warn`). */
  log?: (line: string) => void;
  save: SaveFirstVersion;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Bring the tables up to date with knex's migration API. Two processes opening a new
 * database at once both try; knex lets one hold `metaseries_migrations_lock` and fails
 * the other, which waits and finds nothing left to do.
 */
async function migrateLatest(knex: Knex, dialect: Dialect): Promise<void> {
  const config = { migrationSource: migrationSource(dialect), tableName: MIGRATION_TABLE };
  for (let attempt = 0; ; attempt++) {
    try {
      const [, pending] = await knex.migrate.list(config) as [unknown[], unknown[]];
      if (pending.length === 0) return;
      await knex.migrate.latest(config);
      return;
    } catch (e) {
      // MigrationLocked, or a lost race creating the migration tables themselves.
      const text = String((e as Error)?.message ?? e);
      if (attempt >= 50 || !/already locked|already exists|duplicate key|UNIQUE constraint|SQLITE_BUSY|database is locked/i.test(text)) throw e;
      await sleep(100 + Math.random() * 100);
    }
  }
}

/**
 * Open the native layout v2 on `knex`: run the migrations, then, if the database still
 * holds layout v1 rows, rewrite every v1 series as version 1 of its key — in one
 * transaction, so a crash or a failed series leaves the v1 tables as they were — drop
 * the v1 tables and record schema version 2. One log line says it happens.
 */
export async function openNativeDriver(knex: Knex, options: NativeOpenOptions): Promise<SqlSegmentDriver> {
  const { dialect, persistent, where } = options;
  const log = options.log ?? ((line: string) => console.warn(line));
  await migrateLatest(knex, dialect);
  await knex.transaction(async (trx) => {
    // Serialise concurrent openers of one PostgreSQL database (SQLite's write lock does it there).
    if (dialect === 'postgres') await trx.raw('SELECT pg_advisory_xact_lock(7355608)');
    const row = await trx(T.schema).first('version').where('id', 1) as { version: unknown } | undefined;
    const version = row ? Number(row.version) : null;
    if (version !== null && version > NATIVE_SCHEMA_VERSION) {
      throw new MetaseriesError('UNSUPPORTED', `This database uses metaseries schema version ${version}; this version of @metaseries/storage-sql reads up to ${NATIVE_SCHEMA_VERSION}: upgrade the package`, { backend: dialect });
    }
    if (version === NATIVE_SCHEMA_VERSION) return;
    if (version === null) {
      await trx(T.schema).insert({ id: 1, version: NATIVE_SCHEMA_VERSION, next_sid: 1 });
      return;
    }
    if (await hasV1(trx)) {
      const keys = await v1Keys(trx);
      const started = Date.now();
      log(`metaseries: migrating ${where} from native layout v1 (one row per point) to v2 (versioned segments): ${keys.length} series, in one transaction`);
      const driver = new SqlSegmentDriver(trx, dialect, persistent);
      for (const key of keys) {
        const { series, metadata, savedAt } = await readV1(trx, key, dialect);
        await options.save(driver, key, series, metadata, savedAt);
      }
      await trx.schema.dropTable(T.v1Points);
      await trx.schema.dropTable(T.v1Series);
      if (dialect === 'postgres') await trx.schema.raw('DROP SEQUENCE IF EXISTS metaseries_sid_seq');
      log(`metaseries: migrated ${where} to native layout v2 in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    await trx(T.schema).where('id', 1).update({ version: NATIVE_SCHEMA_VERSION });
  });
  return new SqlSegmentDriver(knex, dialect, persistent);
}

/**
 * Open the native layout's `SegmentDriver` on its own (the SQL backend wraps it in
 * core's segment store). `save` writes migrated v1 series (see `openNativeDriver`).
 *
 * @example
 * const driver = await openSqlSegmentDriver({ kind: 'sqlite', path: './plant.db' }, save);
 */
export async function openSqlSegmentDriver(config: SqlConfig, save: SaveFirstVersion, log?: (line: string) => void): Promise<SqlSegmentDriver> {
  const connected = createKnex(config);
  try {
    return await openNativeDriver(connected.knex, { dialect: connected.dialect, persistent: connected.persistent, where: connected.where, save, ...(log ? { log } : {}) });
  } catch (e) {
    await connected.knex.destroy().catch(() => undefined);
    throw engineError(e, connected.dialect, 'open', connected.where);
  }
}
