import {
  type AggregateRequest,
  type BackendCapabilities,
  type LoadOptions,
  MetaseriesError,
  type Series,
  type SeriesMetadata,
  type SeriesSummary,
  type StorageBackend,
  type StoredSeries,
  type StreamOptions,
  show,
} from '@metaseries/core';
import knexFactory, { type Knex } from 'knex';
import type { Driver } from './driver.js';
import { PgDriver, SqliteDriver, useCopyStreams } from './driver.js';
import { loadDrivers } from './peers.js';
import { engineError } from './errors.js';
import type { Layout, LayoutName } from './layout.js';
import { MeteaudataLayout } from './meteaudata.js';
import { NativeLayout } from './native.js';

export interface SqlOptions {
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

function checkLayout(layout: unknown): LayoutName {
  if (layout === undefined || layout === null) return 'native';
  if (layout === 'native' || layout === 'meteaudata') return layout;
  throw new MetaseriesError('INVALID_INPUT', `Unknown SQL layout ${show(layout)}: expected "native" or "meteaudata"`);
}

/**
 * The SQL storage backend: SQLite (better-sqlite3, WAL) or PostgreSQL (pg), through
 * knex, in the native or the meteaudata table layout. Open it with `SqlBackend.open`,
 * `openSqlite` / `openPostgres`, or `createBackend('sqlite:./plant.db')` from core.
 *
 * @example
 * const backend = await SqlBackend.open({ kind: 'sqlite', path: './plant.db' });
 * const store = new Storage(backend);
 */
export class SqlBackend implements StorageBackend {
  readonly kind: 'sqlite' | 'postgres';
  readonly capabilities: BackendCapabilities;
  readonly layout: LayoutName;

  private constructor(private readonly driver: Driver, private readonly impl: Layout, persistent: boolean) {
    this.kind = driver.dialect;
    this.layout = impl.name;
    this.capabilities = impl.capabilities(persistent);
  }

  /** Open (and create or migrate the tables of) a SQLite file or a PostgreSQL database. */
  static async open(config: SqlConfig): Promise<SqlBackend> {
    const layoutName = checkLayout(config.layout);
    const kind = config.kind;
    let driver: Driver;
    let persistent = true;
    if (kind === 'sqlite' || kind === 'postgres') {
      const drivers = await loadDrivers(kind);
      if (kind === 'postgres') useCopyStreams(drivers['pg-copy-streams']);
    }
    try {
      if (kind === 'sqlite') {
        const path = config.path;
        if (typeof path !== 'string' || path === '') throw new MetaseriesError('INVALID_INPUT', `SQLite backend needs a "path" (a file or ":memory:"), got ${show(path)}`, { backend: 'sqlite' });
        persistent = path !== ':memory:';
        const busy = config.busyTimeoutMs ?? 5000;
        const knex = knexFactory({
          client: 'better-sqlite3',
          connection: { filename: path, ...config.connection },
          useNullAsDefault: true,
          // knex prints pool errors that it also rejects with; ours carry them as `cause`.
          log: QUIET_LOG,
          pool: {
            min: 1, max: 1,
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
        try {
          driver = await SqliteDriver.open(knex);
        } catch (e) {
          await knex.destroy().catch(() => undefined);
          throw e;
        }
      } else if (kind === 'postgres') {
        if (!config.url && !config.connection) throw new MetaseriesError('INVALID_INPUT', 'PostgreSQL backend needs a "url" such as "postgres://user@localhost/db" (or a "connection" object)', { backend: 'postgres' });
        const connection = config.url ? { connectionString: config.url, ...config.connection } : { ...config.connection };
        const knex = knexFactory({ client: 'pg', log: QUIET_LOG, connection, pool: { min: 0, max: 4, ...config.pool }, acquireConnectionTimeout: 15_000 });
        driver = new PgDriver(knex);
      } else {
        throw new MetaseriesError('INVALID_INPUT', `SqlBackend kind must be "sqlite" or "postgres", got ${show(kind)}`);
      }
    } catch (e) {
      throw engineError(e, kind, 'open', kind === 'sqlite' ? (config as SqliteConfig).path : '');
    }
    const impl: Layout = layoutName === 'native' ? new NativeLayout(kind) : new MeteaudataLayout(kind);
    try {
      await impl.init(driver);
    } catch (e) {
      await driver.close().catch(() => undefined);
      throw engineError(e, kind, 'open', kind === 'sqlite' ? (config as SqliteConfig).path : '');
    }
    return new SqlBackend(driver, impl, persistent);
  }

  /** The knex instance holding the pool (for users who want to run their own queries). */
  get knex(): Knex {
    return this.driver.knex;
  }

  private async call<T>(operation: string, subject: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      throw engineError(e, this.kind, operation, subject);
    }
  }

  save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    return this.call('save', key, () => this.impl.save(key, series, metadata));
  }

  load(key: string, options?: LoadOptions): Promise<StoredSeries> {
    return this.call('load', key, () => this.impl.load(key, options?.range));
  }

  loadMetadata(key: string): Promise<SeriesMetadata> {
    return this.call('loadMetadata', key, () => this.impl.loadMetadata(key));
  }

  exists(key: string): Promise<boolean> {
    return this.call('exists', key, () => this.impl.exists(key));
  }

  delete(key: string): Promise<void> {
    return this.call('delete', key, () => this.impl.delete(key));
  }

  listKeys(prefix = ''): Promise<string[]> {
    return this.call('listKeys', prefix, () => this.impl.listKeys(prefix));
  }

  clear(): Promise<void> {
    return this.call('clear', '', () => this.impl.clear());
  }

  close(): Promise<void> {
    return this.call('close', '', () => this.driver.close());
  }

  async *stream(key: string, options: StreamOptions): AsyncGenerator<Series> {
    if (!this.impl.stream) throw new MetaseriesError('UNSUPPORTED', `The ${this.layout} layout does not stream`, { backend: this.kind });
    try {
      yield* this.impl.stream(key, options);
    } catch (e) {
      throw engineError(e, this.kind, 'stream', key);
    }
  }

  aggregate(key: string, request: AggregateRequest): Promise<Series> {
    const impl = this.impl;
    if (!impl.aggregate) return Promise.reject(new MetaseriesError('UNSUPPORTED', `The ${this.layout} layout does not aggregate in SQL`, { backend: this.kind }));
    return this.call('aggregate', key, () => impl.aggregate!(key, request));
  }

  describe(prefix = ''): Promise<SeriesSummary[]> {
    const impl = this.impl;
    if (!impl.describe) return Promise.reject(new MetaseriesError('UNSUPPORTED', `The ${this.layout} layout has no summaries`, { backend: this.kind }));
    return this.call('describe', prefix, () => impl.describe!(prefix));
  }
}
