import type { Knex } from 'knex';

/**
 * The native layout's tables (v2) and their schema versioning through knex's migration
 * API. Migrations are listed here in code (no directory to ship); knex records the
 * applied ones in `metaseries_migrations`.
 *
 * `metaseries_schema` (one row, `version`) predates the migration table: layout v1 made
 * it, and packages that read only v1 refuse a database whose version is above 1 — so it
 * is kept and set to 2, which stops an old package from writing v1 rows beside v2 ones.
 */
export const T = {
  heads: 'metaseries_heads',
  versions: 'metaseries_versions',
  segments: 'metaseries_segments',
  snapshots: 'metaseries_snapshots',
  catalog: 'metaseries_catalog',
  /** Changes that make no version (prunes), for watchers in other processes (issue 17). */
  changes: 'metaseries_changes',
  schema: 'metaseries_schema',
  /** Layout v1 (one row per point), migrated away on open. */
  v1Series: 'metaseries_series',
  v1Points: 'metaseries_points',
} as const;

export const MIGRATION_TABLE = 'metaseries_migrations';
/** The version `metaseries_schema` holds once layout v2 is in place. */
export const NATIVE_SCHEMA_VERSION = 2;

/**
 * Keys compare byte-wise on both engines: SQLite's default BINARY collation, and
 * `COLLATE "C"` on PostgreSQL, so the prefix range filter (`key >= p AND key < p||U+10FFFF`)
 * matches exactly what `startsWith` does.
 */
function keyColumn(dialect: Dialect, table: Knex.CreateTableBuilder, name: string): void {
  const col = table.text(name).notNullable();
  if (dialect === 'postgres') col.collate('C');
}

export type Dialect = 'sqlite' | 'postgres';

interface NamedMigration extends Knex.Migration {
  name: string;
}

function migrationList(dialect: Dialect): NamedMigration[] {
  return [
  {
    name: '0002_layout_v2',
    async up(knex) {
      await knex.schema.createTable(T.heads, (t) => {
        keyColumn(dialect, t, 'key');
        t.integer('version').notNullable();
        t.boolean('tombstone').notNullable();
        t.primary(['key']);
      });
      await knex.schema.createTable(T.versions, (t) => {
        keyColumn(dialect, t, 'key');
        t.integer('version').notNullable();
        t.bigInteger('created_at').notNullable();
        t.text('record').notNullable();
        t.primary(['key', 'version']);
      });
      // Rowid table on SQLite (blobs of tens of KB do badly in WITHOUT ROWID b-trees);
      // the primary key (key, id) is the index every segment read goes through.
      await knex.schema.createTable(T.segments, (t) => {
        keyColumn(dialect, t, 'key');
        t.text('id').notNullable();
        t.binary('data').notNullable();
        t.bigInteger('created_at').notNullable();
        t.primary(['key', 'id']);
      });
      await knex.schema.createTable(T.snapshots, (t) => {
        t.text('name').notNullable().primary();
        t.bigInteger('created_at').notNullable();
        t.text('record').notNullable();
      });
      await knex.schema.createTable(T.catalog, (t) => {
        t.text('kind').notNullable();
        keyColumn(dialect, t, 'name');
        t.text('record').notNullable();
        t.primary(['kind', 'name']);
      });
      if (!(await knex.schema.hasTable(T.schema))) {
        await knex.schema.createTable(T.schema, (t) => {
          t.integer('id').primary();
          t.integer('version').notNullable();
          t.bigInteger('next_sid').notNullable();
        });
      }
    },
    async down(knex) {
      for (const table of [T.catalog, T.snapshots, T.segments, T.versions, T.heads]) await knex.schema.dropTableIfExists(table);
    },
  },
  {
    name: '0003_change_log',
    async up(knex) {
      await knex.schema.createTable(T.changes, (t) => {
        t.increments('seq').primary();
        t.bigInteger('at').notNullable();
        t.text('record').notNullable();
        t.index(['at']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists(T.changes);
    },
  },
  ];
}

/** knex's MigrationSource over the list above. */
export function migrationSource(dialect: Dialect): Knex.MigrationSource<NamedMigration> {
  return {
    getMigrations: async () => migrationList(dialect),
    getMigrationName: (m) => m.name,
    getMigration: async (m) => m,
  };
}

/** Names of the native layout's migrations, in order (knex records them in `metaseries_migrations`). */
export const MIGRATIONS: readonly string[] = migrationList('sqlite').map((m) => m.name);
