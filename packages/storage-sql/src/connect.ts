import { MetaseriesError } from '@metaseries/core';
import { show } from '@metaseries/core/backend-kit';
import knexFactory, { type Knex } from 'knex';
import type { Dialect } from './schema.js';
import type { LayoutName } from './layout.js';

export interface SqlOptions {
  /** Receives the log line of a v1 → v2 migration on open (default `console.warn`). */
  log?: (line: string) => void;
  /** `'native'` (default: integer timestamps, summaries, pushdown) or `'meteaudata'` (Python SQLAdapter's tables). */
  layout?: LayoutName;
  /** Extra knex connection settings (merged over the path/URL). */
  connection?: Record<string, unknown>;
  /** knex pool settings (PostgreSQL; SQLite always holds one connection). */
  pool?: Knex.PoolConfig;
  /** SQLite: milliseconds to wait for a lock held by another connection (default 5000). */
  busyTimeoutMs?: number;
}

export interface SqliteConfig extends SqlOptions {
  kind: 'sqlite';
  /** File path, or `:memory:`. */
  path: string;
}

export interface PostgresConfig extends SqlOptions {
  kind: 'postgres';
  /** `postgres://user:password@host:port/db`; may be omitted when `connection` says where. */
  url?: string;
}

export type SqlConfig = SqliteConfig | PostgresConfig;

const QUIET_LOG = { warn: () => undefined, error: () => undefined, deprecate: () => undefined, debug: () => undefined };

export interface Connected {
  knex: Knex;
  dialect: Dialect;
  persistent: boolean;
  /** Where the data is, for messages: the file path, or the database URL without its password. */
  where: string;
}

/**
 * The knex instance for a config: SQLite through better-sqlite3 (WAL on files, one
 * connection — knex queues every query and transaction on it), or PostgreSQL through pg
 * (a pool). Nothing is connected yet; errors are the caller's to wrap.
 */
export function createKnex(config: SqlConfig): Connected {
  const kind = config.kind;
  if (kind === 'sqlite') {
    const path = config.path;
    if (typeof path !== 'string' || path === '') throw new MetaseriesError('INVALID_INPUT', `SQLite backend needs a "path" (a file or ":memory:"), got ${show(path)}`, { backend: 'sqlite' });
    const persistent = path !== ':memory:';
    const busy = config.busyTimeoutMs ?? 5000;
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path, ...config.connection },
      useNullAsDefault: true,
      // knex prints pool errors that it also rejects with; ours carry them as `cause`.
      log: QUIET_LOG,
      pool: {
        // One connection for the backend's lifetime: `:memory:` must never be dropped.
        min: 1, max: 1, idleTimeoutMillis: Number.MAX_SAFE_INTEGER,
        // knex's public per-connection hook: the pragmas every connection needs.
        afterCreate(conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
          try {
            if (persistent) conn.pragma('journal_mode = WAL');
            conn.pragma('synchronous = NORMAL');
            conn.pragma(`busy_timeout = ${Math.max(0, Math.floor(busy))}`);
            done(null, conn);
          } catch (e) {
            done(e as Error, conn);
          }
        },
      },
    });
    return { knex, dialect: 'sqlite', persistent, where: path };
  }
  if (kind === 'postgres') {
    if (!config.url && !config.connection) throw new MetaseriesError('INVALID_INPUT', 'PostgreSQL backend needs a "url" such as "postgres://user@localhost/db" (or a "connection" object)', { backend: 'postgres' });
    const connection = config.url ? { connectionString: config.url, ...config.connection } : { ...config.connection };
    const knex = knexFactory({ client: 'pg', log: QUIET_LOG, connection, pool: { min: 0, max: 4, ...config.pool }, acquireConnectionTimeout: 15_000 });
    return { knex, dialect: 'postgres', persistent: true, where: config.url ? config.url.replace(/:[^:@/]*@/, ':***@') : 'PostgreSQL' };
  }
  throw new MetaseriesError('INVALID_INPUT', `SqlBackend kind must be "sqlite" or "postgres", got ${show(kind)}`);
}
