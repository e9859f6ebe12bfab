import {
  type BackendCapabilities, type Buckets, type Index, type QueryPlan, type IndexMetadataDict, MetaseriesError, Series, type SeriesMetadata, type StoredSeries, type Values,
} from '@metaseries/core';
import {
  fractionDigitsFor, show, storageOf, toValues,
  type KeyRangeMicros,
} from '@metaseries/core/backend-kit';
import type { Conn, Driver, Param } from './driver.js';
import { indexMetadataOf, rebuildIndexFromText } from './index-metadata.js';
import { parseStoredJson, stringifyPythonJson } from './json.js';
import { type Layout, lockKey, prefixFilter, sortKeys } from './layout.js';
import { meteaudataBuckets } from './meteaudata-query.js';
import { pandasTimestampText, pyFloatRepr, pyIntText } from '@metaseries/core/backend-kit';

const T_DATA = 'time_series_data';
const T_META = 'time_series_metadata';

/**
 * Python meteaudata's `SQLAdapter` DDL, word for word (SQLite). On PostgreSQL `value`
 * is DOUBLE PRECISION: PostgreSQL's REAL is a 4-byte float and would round every value.
 */
function ddl(dialect: Conn['dialect']): string[] {
  const real = dialect === 'postgres' ? 'DOUBLE PRECISION' : 'REAL';
  return [
    `CREATE TABLE IF NOT EXISTS ${T_DATA} (key TEXT NOT NULL, idx INTEGER NOT NULL, index_value TEXT NOT NULL, value ${real}, PRIMARY KEY (key, idx))`,
    `CREATE INDEX IF NOT EXISTS idx_key ON ${T_DATA}(key)`,
    `CREATE TABLE IF NOT EXISTS ${T_META} (key TEXT PRIMARY KEY, metadata_json TEXT NOT NULL, series_name TEXT, length INTEGER, dtype TEXT)`,
  ];
}

/** `str(index_value)` for position i, as pandas prints it. */
function indexTexter(index: Index): (i: number) => string {
  switch (index.kind) {
    case 'datetime': {
      // One fraction width per column (0 or 6 digits): pandas' to_datetime infers the
      // format from the first row, so Python cannot reload its own per-row str() text
      // when whole and fractional seconds mix (a Python bug we do not copy).
      const keys = index.values, tz = index.tz;
      const fractionDigits = fractionDigitsFor(keys) === 0 ? 0 : 6;
      return (i) => pandasTimestampText(keys[i]!, tz, fractionDigits);
    }
    case 'range': return (i) => pyIntText(index.start + i * index.step);
    case 'numeric': {
      const keys = index.values;
      return index.dtype === 'int64' ? (i) => pyIntText(keys[i]!) : (i) => pyFloatRepr(keys[i]!);
    }
    case 'string': {
      const keys = index.values;
      return (i) => keys[i]!;
    }
  }
}

/**
 * Python meteaudata's SQL tables (`time_series_data` + `time_series_metadata`) with
 * its text keys, so either side reads what the other wrote. Values are REAL, so only
 * numeric and boolean series fit; timestamps are pandas text, so range reads load the
 * series and slice. `query` groups rows in the engine where that is exact
 * (meteaudata-query.ts).
 */
export class MeteaudataLayout implements Layout {
  readonly name = 'meteaudata' as const;
  private driver!: Driver;

  constructor(private readonly backendName: string) {}

  capabilities(persistent: boolean): BackendCapabilities {
    return Object.freeze({ rangeReads: false, streaming: false, aggregation: true, metadataQuery: false, persistent });
  }

  async init(driver: Driver): Promise<void> {
    this.driver = driver;
    await driver.transaction(async (conn) => {
      if (conn.dialect === 'postgres') await conn.all('SELECT pg_advisory_xact_lock(7355609)');
      for (const statement of ddl(conn.dialect)) await conn.run(statement);
    });
  }

  async save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    const values = series.values;
    if (storageOf(series.dtype) === 'string' && (values as readonly (string | null)[]).some((v) => v !== null)) {
      throw new MetaseriesError('UNSUPPORTED', `The meteaudata SQL layout stores values as REAL: series ${show(series.name)} under key ${show(key)} has ${series.dtype} (text) values; use the native layout (layout: 'native') for text values`, { backend: this.backendName });
    }
    const text = indexTexter(series.index);
    // Python's adapter records the index it actually wrote (it overwrites index_metadata too).
    const stored = { ...metadata, index_metadata: indexMetadataOf(series.index) };
    const metadataJson = stringifyPythonJson(stored);
    const n = series.length;
    await this.driver.transaction(async (conn) => {
      await lockKey(conn, key);
      await conn.run(`DELETE FROM ${T_DATA} WHERE key = ?`, [key]);
      await conn.run(`DELETE FROM ${T_META} WHERE key = ?`, [key]);
      await conn.bulkInsert(T_DATA, ['key', 'idx', 'index_value', 'value'], ['text', 'int4', 'text', 'float8'], n, (i, row) => {
        row[0] = key;
        row[1] = i;
        row[2] = text(i);
        const v = values[i];
        row[3] = typeof v === 'number' ? (Number.isNaN(v) ? null : v) : null;
      });
      await conn.run(`INSERT INTO ${T_META} (key, metadata_json, series_name, length, dtype) VALUES (?, ?, ?, ?, ?)`, [key, metadataJson, series.name, n, series.dtype] as Param[]);
    });
  }

  private async metaRow(conn: Conn, key: string): Promise<{ metadata: SeriesMetadata; name: string | null; dtype: string | null }> {
    const rows = await conn.all(`SELECT metadata_json, series_name, dtype FROM ${T_META} WHERE key = ?`, [key]);
    const r = rows[0];
    if (!r) throw new MetaseriesError('NOT_FOUND', `Key ${show(key)} not found in storage`, { backend: this.backendName });
    let metadata: SeriesMetadata;
    try {
      metadata = parseStoredJson(String(r.metadata_json)) as SeriesMetadata;
    } catch (cause) {
      throw new MetaseriesError('CORRUPT_DATA', `Key ${show(key)}: metadata_json is not valid JSON`, { backend: this.backendName, cause });
    }
    return { metadata, name: (r.series_name as string | null) ?? null, dtype: (r.dtype as string | null) ?? null };
  }

  async load(key: string): Promise<StoredSeries> {
    // One snapshot: the metadata row and the data rows come from the same committed save.
    return this.driver.read(async (conn) => {
      const { metadata, name, dtype: columnDtype } = await this.metaRow(conn, key);
      const rows = await conn.rows(`SELECT index_value, value FROM ${T_DATA} WHERE key = ? ORDER BY idx`, [key]);
      const raw = rows.map((r) => String(r[0]));
      const index = rebuildIndexFromText(metadata.index_metadata as IndexMetadataDict | null, raw);
      if (!index) {
        throw new MetaseriesError('CORRUPT_DATA', `Key ${show(key)}: index values such as ${show(raw[0])} do not match index_metadata ${show(metadata.index_metadata)}`, { backend: this.backendName });
      }
      const n = rows.length;
      const numbers = new Float64Array(n);
      let anyNaN = false;
      for (let i = 0; i < n; i++) {
        const v = rows[i]![1];
        numbers[i] = v === null || v === undefined ? Number.NaN : Number(v);
        if (Number.isNaN(numbers[i]!)) anyNaN = true;
      }
      // Python's loader hands back float64 and lets the model cast to values_dtype; we cast here.
      const wanted = typeof metadata.values_dtype === 'string' ? metadata.values_dtype : columnDtype ?? 'float64';
      let dtype = 'float64';
      let values: Values = numbers;
      const storage = storageOf(wanted);
      if (n === 0) { dtype = wanted; values = toValues([], wanted); }
      else if (storage === 'number' && !(anyNaN && /int/i.test(wanted))) dtype = wanted;
      else if (storage === 'bool' && !anyNaN) { dtype = wanted; values = toValues(Array.from(numbers, (x) => x !== 0), wanted); }
      return { series: new Series({ index, values, name, dtype }), metadata };
    });
  }

  /** One series of a `query` plan bucketed by the engine, on one snapshot; null when the JS engine must answer. */
  queryBuckets(key: string, plan: QueryPlan, range: KeyRangeMicros | undefined): Promise<Buckets | null> {
    return this.driver.read(async (conn) => {
      const { metadata, dtype } = await this.metaRow(conn, key);
      return meteaudataBuckets(conn, key, metadata, dtype, plan, range);
    });
  }

  loadMetadata(key: string): Promise<SeriesMetadata> {
    return this.driver.withConn(async (conn) => (await this.metaRow(conn, key)).metadata);
  }

  exists(key: string): Promise<boolean> {
    return this.driver.withConn(async (conn) => (await conn.all(`SELECT 1 AS one FROM ${T_META} WHERE key = ?`, [key])).length > 0);
  }

  delete(key: string): Promise<void> {
    return this.driver.transaction(async (conn) => {
      await lockKey(conn, key);
      if (!(await conn.all(`SELECT 1 AS one FROM ${T_META} WHERE key = ?`, [key])).length) {
        throw new MetaseriesError('NOT_FOUND', `Key ${show(key)} not found in storage`, { backend: this.backendName });
      }
      await conn.run(`DELETE FROM ${T_DATA} WHERE key = ?`, [key]);
      await conn.run(`DELETE FROM ${T_META} WHERE key = ?`, [key]);
    });
  }

  listKeys(prefix: string): Promise<string[]> {
    return this.driver.withConn(async (conn) => {
      // Python's table has no binary collation on PostgreSQL: the exact substr check decides.
      const f = conn.dialect === 'postgres' && prefix !== ''
        ? { sql: 'substr(key, 1, ?) = ?', params: [[...prefix].length, prefix] }
        : prefixFilter(prefix);
      const rows = await conn.rows(`SELECT key FROM ${T_META} WHERE ${f.sql}`, f.params);
      return sortKeys(rows.map((r) => String(r[0])));
    });
  }

  clear(): Promise<void> {
    return this.driver.transaction(async (conn) => {
      await conn.run(`DELETE FROM ${T_DATA}`);
      await conn.run(`DELETE FROM ${T_META}`);
    });
  }
}
