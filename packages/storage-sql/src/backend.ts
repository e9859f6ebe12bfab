import {
  type BackendCapabilities, type Buckets, type QueryPlan, type QuerySource, type SegmentStoreOptions, MetaseriesError, type Series, type SeriesMetadata, type StorageBackend, type StoredSeries,
} from '@metaseries/core';
import {
  SegmentStore, show,
} from '@metaseries/core/backend-kit';
import type { KeyRangeMicros, LoadOptions, StreamOptions, SeriesSummary } from '@metaseries/core/backend-kit';
import type { Knex } from 'knex';
import { createKnex, type SqlConfig, type SqliteConfig } from './connect.js';
import { type Driver, KnexDriver } from './driver.js';
import { loadDrivers } from './peers.js';
import { engineError } from './errors.js';
import type { Layout, LayoutName } from './layout.js';
import { MeteaudataLayout } from './meteaudata.js';
import { openSqlSegmentDriver, type SaveFirstVersion } from './native.js';
import type { SqlSegmentDriver } from './segment-driver.js';

export type { PostgresConfig, SqlConfig, SqliteConfig, SqlOptions } from './connect.js';

function checkLayout(layout: unknown): LayoutName {
  if (layout === undefined || layout === null) return 'native';
  if (layout === 'native' || layout === 'meteaudata') return layout;
  throw new MetaseriesError('INVALID_INPUT', `Unknown SQL layout ${show(layout)}: expected "native" or "meteaudata"`);
}

/**
 * The native layout (v2): core's `SegmentStore` over the SQL `SegmentDriver` — versions,
 * append/update/deleteRange, asOf, snapshots and prune, all in SQL transactions.
 */
export class SqlSegmentStore extends SegmentStore {
  readonly layout = 'native' as const;
  declare readonly driver: SqlSegmentDriver;

  constructor(driver: SqlSegmentDriver, options?: SegmentStoreOptions) {
    super(driver, options);
  }

  /** The knex instance holding the pool (for users who want to run their own queries). */
  get knex(): Knex {
    return this.driver.knex;
  }
}

/** Write a migrated v1 series as version 1 of its key, stamped with its v1 save time. */
const saveFirstVersion: SaveFirstVersion = async (driver, key, series, metadata, savedAt) => {
  await new SegmentStore(driver, savedAt === null ? {} : { now: () => savedAt }).save(key, series, metadata);
};

/**
 * The SQL storage backends: SQLite (better-sqlite3, WAL) or PostgreSQL (pg), through
 * knex. `SqlBackend.open` gives the native layout v2 (`SqlSegmentStore`, versioned) or
 * the meteaudata layout (`SqlBackend`: Python SQLAdapter's tables, one version per key;
 * `Storage` supplies append/update/deleteRange by load + merge + save there, and
 * asOf/versions/snapshots/prune are UNSUPPORTED). Open with `openSqlite` /
 * `openPostgres`, or `createBackend('sqlite:./plant.db')` from core.
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
  static async open(config: SqlConfig): Promise<SqlBackend | SqlSegmentStore> {
    const layoutName = checkLayout(config.layout);
    const kind = config.kind;
    // The drivers are optional peers: a missing one is BACKEND_UNAVAILABLE naming the package.
    if (kind === 'sqlite' || kind === 'postgres') await loadDrivers(kind);
    if (layoutName === 'native') return new SqlSegmentStore(await openSqlSegmentDriver(config, saveFirstVersion, config.log));
    let driver: Driver;
    let persistent = true;
    try {
      const connected = createKnex(config);
      persistent = connected.persistent;
      driver = new KnexDriver(connected.knex, connected.dialect);
    } catch (e) {
      throw engineError(e, kind, 'open', kind === 'sqlite' ? (config as SqliteConfig).path : '');
    }
    const impl: Layout = new MeteaudataLayout(kind);
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

  /** `query` pushed down to the engine (meteaudata layout: meteaudata-query.ts); null for what only the JS engine answers exactly. */
  async queryBuckets(key: string, plan: QueryPlan, range: KeyRangeMicros | undefined): Promise<{ buckets: Buckets; source: QuerySource } | null> {
    const impl = this.impl;
    if (!impl.queryBuckets) return null;
    const buckets = await this.call('query', key, () => impl.queryBuckets!(key, plan, range));
    return buckets ? { buckets, source: 'engine' } : null;
  }

  describe(prefix = ''): Promise<SeriesSummary[]> {
    const impl = this.impl;
    if (!impl.describe) return Promise.reject(new MetaseriesError('UNSUPPORTED', `The ${this.layout} layout has no summaries`, { backend: this.kind }));
    return this.call('describe', prefix, () => impl.describe!(prefix));
  }
}
