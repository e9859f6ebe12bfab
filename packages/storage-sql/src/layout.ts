import type {
  BackendCapabilities,
  Buckets,
  QueryPlan,
  Series,
  SeriesMetadata,
  StoredSeries,
} from '@metaseries/core';
import type { KeyRangeMicros, StreamOptions, SeriesSummary } from '@metaseries/core/backend-kit';
import type { Conn, Driver } from './driver.js';

export type LayoutName = 'native' | 'meteaudata';

/** A table layout: how series and metadata map onto tables. Both layouts share the driver. */
export interface Layout {
  readonly name: LayoutName;
  capabilities(persistent: boolean): BackendCapabilities;
  /** Create or migrate the tables. */
  init(driver: Driver): Promise<void>;
  save(key: string, series: Series, metadata: SeriesMetadata): Promise<void>;
  load(key: string, range?: KeyRangeMicros): Promise<StoredSeries>;
  loadMetadata(key: string): Promise<SeriesMetadata>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  listKeys(prefix: string): Promise<string[]>;
  clear(): Promise<void>;
  stream?(key: string, options: StreamOptions): AsyncIterable<Series>;
  describe?(prefix: string): Promise<SeriesSummary[]>;
  /** `query` pushdown: buckets computed by the engine exactly as the JS engine would, or null. */
  queryBuckets?(key: string, plan: QueryPlan, range: KeyRangeMicros | undefined): Promise<Buckets | null>;
}

/** Characters in a key prefix (SQL `substr` counts characters, not UTF-16 units). */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * A prefix filter without LIKE (so `%`, `_` and `\` in keys are plain characters): a
 * range the key index can seek (`key >= p AND key < p || U+10FFFF`, binary order) plus
 * an exact `substr` check.
 */
export function prefixFilter(prefix: string, column = 'key'): { sql: string; params: (string | number)[] } {
  if (prefix === '') return { sql: '1=1', params: [] };
  return {
    sql: `${column} >= ? AND ${column} < ? AND substr(${column}, 1, ?) = ?`,
    params: [prefix, `${prefix}\u{10FFFF}`, charLength(prefix), prefix],
  };
}

/** Serialise saves of one key across connections (PostgreSQL); SQLite's write lock already does. */
export async function lockKey(conn: Conn, key: string): Promise<void> {
  if (conn.dialect === 'postgres') await conn.all('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [key]);
}

/** JS code-unit order, the order `listKeys` promises on every backend. */
export function sortKeys(keys: string[]): string[] {
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
