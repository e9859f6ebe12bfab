import {
  aggregateSeries,
  type AggregateRequest,
  type BackendCapabilities,
  DatetimeIndex,
  type Index,
  type KeyRange,
  MetaseriesError,
  NumericIndex,
  RangeIndex,
  Series,
  type SeriesMetadata,
  type SeriesSummary,
  show,
  sliceByKeyRange,
  storageOf,
  StringIndex,
  type StoredSeries,
  type StreamOptions,
  type Values,
} from '@metaseries/core';
import type { ColumnType, Conn, Driver, Param } from './driver.js';
import { parseStoredJson, stringifyPythonJson } from './json.js';
import { type Layout, lockKey, prefixFilter, sortKeys } from './layout.js';

/** Version of the native tables; `MIGRATIONS[v]` upgrades a database from version v to v+1. */
export const NATIVE_SCHEMA_VERSION = 1;

export type Migration = (conn: Conn) => Promise<void>;

/** Forward migrations, keyed by the version they upgrade from. Empty while only version 1 exists. */
export const MIGRATIONS: Record<number, Migration> = {};

const T_SCHEMA = 'metaseries_schema';
const T_SERIES = 'metaseries_series';
const T_POINTS = 'metaseries_points';

/** How the index of a stored series is rebuilt (the `index_json` column). */
interface IndexInfo {
  kind: Index['kind'];
  name: string | null;
  tz?: string | null;
  freq?: string | null;
  dtype?: 'int64' | 'float64';
  start?: number;
  stop?: number;
  step?: number;
  /** Keys kept as text in `label` (string index, or NaN keys), `ts` = position. */
  keysInLabel?: boolean;
}

interface SeriesRow {
  sid: number;
  series_name: string | null;
  dtype: string;
  info: IndexInfo;
  length: number;
  sorted: boolean;
}

function ddl(dialect: Conn['dialect']): string[] {
  const pg = dialect === 'postgres';
  const big = pg ? 'BIGINT' : 'INTEGER';
  const dbl = pg ? 'DOUBLE PRECISION' : 'REAL';
  return [
    `CREATE TABLE IF NOT EXISTS ${T_SCHEMA} (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, next_sid ${big} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${T_SERIES} (
      key TEXT${pg ? ' COLLATE "C"' : ''} PRIMARY KEY,
      sid ${big} NOT NULL UNIQUE,
      series_name TEXT,
      dtype TEXT NOT NULL,
      index_kind TEXT NOT NULL,
      index_json TEXT NOT NULL,
      length ${big} NOT NULL,
      first_key ${dbl},
      last_key ${dbl},
      sorted INTEGER NOT NULL,
      metadata_json TEXT NOT NULL,
      saved_at TEXT NOT NULL)`,
    // SQLite: \`num\` has no declared type so -0.0 survives (a REAL column stores it as 0);
    // \`ts\` is INTEGER (epoch microseconds) and still holds a float key exactly.
    `CREATE TABLE IF NOT EXISTS ${T_POINTS} (
      sid ${big} NOT NULL,
      ts ${pg ? 'DOUBLE PRECISION' : 'INTEGER'} NOT NULL,
      n ${big} NOT NULL,
      num${pg ? ' DOUBLE PRECISION' : ''},
      txt TEXT,
      label TEXT,
      PRIMARY KEY (sid, ts, n))${pg ? '' : ' WITHOUT ROWID'}`,
    ...(pg ? [`CREATE SEQUENCE IF NOT EXISTS metaseries_sid_seq`] : []),
  ];
}

function indexInfo(index: Index, keysInLabel: boolean): IndexInfo {
  switch (index.kind) {
    case 'datetime': return { kind: 'datetime', name: index.name, tz: index.tz, freq: index.freqstr, keysInLabel };
    case 'range': return { kind: 'range', name: index.name, start: index.start, stop: index.stop, step: index.step };
    case 'numeric': return { kind: 'numeric', name: index.name, dtype: index.dtype, keysInLabel };
    case 'string': return { kind: 'string', name: index.name, keysInLabel: true };
  }
}

function num(v: unknown): number {
  return v === null || v === undefined ? Number.NaN : typeof v === 'number' ? v : Number(v);
}

function valueColumn(dtype: string): 'num' | 'txt' {
  return storageOf(dtype) === 'string' ? 'txt' : 'num';
}

/** Fetched data as columns: keys (`ts`), values, and labels when the index keeps them as text. */
interface Columns {
  keys: unknown[];
  values: unknown[];
  labels: unknown[] | null;
}

function columnsOf(rows: readonly unknown[][], withLabels: boolean): Columns {
  return { keys: rows.map((r) => r[0]), values: rows.map((r) => r[1]), labels: withLabels ? rows.map((r) => r[2]) : null };
}

/** Turn fetched rows ([key, value] or [key, value, label]) into a Series. */
function buildSeries(row: SeriesRow, cols: Columns, rangeStart: number | null): Series {
  const n = cols.keys.length;
  const { keys: ks, values: vs, labels } = cols;
  const info = row.info;
  let index: Index;
  if (info.kind === 'string') index = new StringIndex((labels ?? []).map((l) => String(l ?? '')), info.name);
  else if (info.kind === 'range') {
    const step = info.step ?? 1;
    const start = n > 0 ? num(ks[0]) : rangeStart ?? info.start ?? 0;
    index = new RangeIndex(start, start + n * step, step, info.name);
  } else {
    const keys = new Float64Array(n);
    if (info.keysInLabel) for (let i = 0; i < n; i++) keys[i] = Number(labels![i]);
    else for (let i = 0; i < n; i++) keys[i] = num(ks[i]);
    index = info.kind === 'datetime'
      ? new DatetimeIndex(keys, { tz: info.tz ?? null, freq: info.freq ?? null, name: info.name })
      : new NumericIndex(keys, info.dtype ?? 'float64', info.name);
  }
  const storage = storageOf(row.dtype);
  let values: Values;
  if (storage === 'number') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = num(vs[i]);
    values = out;
  } else if (storage === 'bool') {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = num(vs[i]) ? 1 : 0;
    values = out;
  } else values = vs.map((v) => (v === null || v === undefined ? null : String(v)));
  return new Series({ index, values, name: row.series_name, dtype: row.dtype });
}

/**
 * The default layout: one summary row per series (`metaseries_series`: dtype, index
 * description, length, first/last key, metadata JSON) and one row per point
 * (`metaseries_points`, primary key `(sid, ts, n)`: series id, epoch-microsecond or
 * numeric key, position). Every save writes the points under a fresh series id and
 * then repoints the summary row, all in one transaction.
 */
export class NativeLayout implements Layout {
  readonly name = 'native' as const;
  private driver!: Driver;

  constructor(private readonly backendName: string) {}

  capabilities(persistent: boolean): BackendCapabilities {
    return Object.freeze({ rangeReads: true, streaming: true, aggregation: true, metadataQuery: true, persistent });
  }

  async init(driver: Driver): Promise<void> {
    this.driver = driver;
    await driver.transaction(async (conn) => {
      if (conn.dialect === 'postgres') await conn.all('SELECT pg_advisory_xact_lock(7355608)');
      for (const statement of ddl(conn.dialect)) await conn.run(statement);
      const rows = await conn.all(`SELECT version FROM ${T_SCHEMA} WHERE id = 1`);
      let version = rows.length ? Number(rows[0]!.version) : 0;
      if (rows.length === 0) {
        await conn.run(`INSERT INTO ${T_SCHEMA} (id, version, next_sid) VALUES (1, ?, 1)`, [NATIVE_SCHEMA_VERSION]);
        version = NATIVE_SCHEMA_VERSION;
      }
      if (version > NATIVE_SCHEMA_VERSION) {
        throw new MetaseriesError('UNSUPPORTED', `This database uses metaseries schema version ${version}; this version of @metaseries/storage-sql reads up to ${NATIVE_SCHEMA_VERSION}: upgrade the package`, { backend: this.backendName });
      }
      while (version < NATIVE_SCHEMA_VERSION) {
        const step = MIGRATIONS[version];
        if (!step) throw new MetaseriesError('UNSUPPORTED', `No migration from metaseries schema version ${version}`, { backend: this.backendName });
        await step(conn);
        version++;
        await conn.run(`UPDATE ${T_SCHEMA} SET version = ? WHERE id = 1`, [version]);
      }
    });
  }

  async save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    const index = series.index;
    const n = series.length;
    let keys: Float64Array | null = index.kind === 'string' ? null : index.values;
    let keysInLabel = index.kind === 'string';
    if (keys) for (let i = 0; i < n; i++) if (Number.isNaN(keys[i]!)) { keysInLabel = true; break; }
    const labels: readonly string[] | null = index.kind === 'string' ? index.values : keysInLabel && keys ? Array.from(keys, String) : null;
    if (keysInLabel) keys = null;
    const sorted = keys !== null && index.orderInfo().sorted;
    const info = indexInfo(index, keysInLabel);
    const metadataJson = stringifyPythonJson(metadata);
    const values = series.values;
    const column = valueColumn(series.dtype);
    const columns = ['sid', 'ts', 'n', column, ...(labels ? ['label'] : [])];
    const types: ColumnType[] = ['int8', 'float8', 'int8', column === 'num' ? 'float8' : 'text', 'text'];
    const first = keys && n > 0 ? keys[0]! : null;
    const last = keys && n > 0 ? keys[n - 1]! : null;
    await this.driver.transaction(async (conn) => {
      await lockKey(conn, key);
      const sid = await this.nextSid(conn);
      await conn.bulkInsert(T_POINTS, columns, types, n, (i, row) => {
        row[0] = sid;
        row[1] = keys ? keys[i]! : i;
        row[2] = i;
        const v = values[i];
        row[3] = typeof v === 'number' ? (Number.isNaN(v) ? null : v) : v === undefined ? null : (v as string | null);
        if (labels) row[4] = labels[i]!;
      });
      const old = await conn.all(`SELECT sid FROM ${T_SERIES} WHERE key = ?`, [key]);
      const params: Param[] = [key, sid, series.name, series.dtype, info.kind, JSON.stringify(info), n, first, last, sorted ? 1 : 0, metadataJson, new Date().toISOString()];
      await conn.run(
        `INSERT INTO ${T_SERIES} (key, sid, series_name, dtype, index_kind, index_json, length, first_key, last_key, sorted, metadata_json, saved_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET sid = excluded.sid, series_name = excluded.series_name, dtype = excluded.dtype,
           index_kind = excluded.index_kind, index_json = excluded.index_json, length = excluded.length,
           first_key = excluded.first_key, last_key = excluded.last_key, sorted = excluded.sorted,
           metadata_json = excluded.metadata_json, saved_at = excluded.saved_at`,
        params,
      );
      if (old.length) await conn.run(`DELETE FROM ${T_POINTS} WHERE sid = ?`, [num(old[0]!.sid)]);
    });
  }

  private async nextSid(conn: Conn): Promise<number> {
    if (conn.dialect === 'postgres') return num((await conn.all(`SELECT nextval('metaseries_sid_seq') AS sid`))[0]!.sid);
    return num((await conn.all(`UPDATE ${T_SCHEMA} SET next_sid = next_sid + 1 WHERE id = 1 RETURNING next_sid`))[0]!.next_sid);
  }

  private async seriesRow(conn: Conn, key: string): Promise<SeriesRow> {
    const rows = await conn.all(`SELECT sid, series_name, dtype, index_json, length, sorted FROM ${T_SERIES} WHERE key = ?`, [key]);
    const r = rows[0];
    if (!r) throw new MetaseriesError('NOT_FOUND', `Key ${show(key)} not found in storage`, { backend: this.backendName });
    let info: IndexInfo;
    try {
      info = JSON.parse(String(r.index_json)) as IndexInfo;
    } catch (cause) {
      throw new MetaseriesError('CORRUPT_DATA', `Key ${show(key)}: stored index description is not valid JSON`, { backend: this.backendName, cause });
    }
    return {
      sid: num(r.sid), series_name: (r.series_name as string | null) ?? null, dtype: String(r.dtype), info,
      length: num(r.length), sorted: num(r.sorted) === 1 || r.sorted === true,
    };
  }

  private selectList(row: SeriesRow): string {
    return `ts, ${valueColumn(row.dtype)}${row.info.keysInLabel ? ', label' : ''}`;
  }

  async load(key: string, range?: KeyRange): Promise<StoredSeries> {
    return this.driver.read(async (conn) => {
      const row = await this.seriesRow(conn, key);
      const metadata = await this.metadataOf(conn, key);
      const pushDown = range !== undefined && row.sorted && !row.info.keysInLabel;
      const where = ['sid = ?'];
      const params: Param[] = [row.sid];
      if (pushDown && range.from !== undefined) { where.push('ts >= ?'); params.push(range.from); }
      if (pushDown && range.to !== undefined) { where.push('ts <= ?'); params.push(range.to); }
      const order = row.sorted || row.info.keysInLabel ? 'ts, n' : 'n';
      const tail = `FROM ${T_POINTS} WHERE ${where.join(' AND ')} ORDER BY ${order}`;
      let cols: Columns;
      if (conn.dialect === 'sqlite' && !row.info.keysInLabel) {
        // Two single-column reads on one snapshot beat one two-column read (no per-row arrays).
        cols = {
          keys: await conn.column(`SELECT ts ${tail}`, params),
          values: await conn.column(`SELECT ${valueColumn(row.dtype)} ${tail}`, params),
          labels: null,
        };
      } else cols = columnsOf(await conn.rows(`SELECT ${this.selectList(row)} ${tail}`, params), Boolean(row.info.keysInLabel));
      let series = buildSeries(row, cols, range?.from ?? null);
      if (range !== undefined && !pushDown) series = sliceByKeyRange(series, range);
      return { series, metadata };
    });
  }

  private async metadataOf(conn: Conn, key: string): Promise<SeriesMetadata> {
    const rows = await conn.all(`SELECT metadata_json FROM ${T_SERIES} WHERE key = ?`, [key]);
    const r = rows[0];
    if (!r) throw new MetaseriesError('NOT_FOUND', `Key ${show(key)} not found in storage`, { backend: this.backendName });
    try {
      return parseStoredJson(String(r.metadata_json)) as SeriesMetadata;
    } catch (cause) {
      throw new MetaseriesError('CORRUPT_DATA', `Key ${show(key)}: stored metadata is not valid JSON`, { backend: this.backendName, cause });
    }
  }

  loadMetadata(key: string): Promise<SeriesMetadata> {
    return this.driver.withConn((conn) => this.metadataOf(conn, key));
  }

  exists(key: string): Promise<boolean> {
    return this.driver.withConn(async (conn) => (await conn.all(`SELECT 1 AS one FROM ${T_SERIES} WHERE key = ?`, [key])).length > 0);
  }

  delete(key: string): Promise<void> {
    return this.driver.transaction(async (conn) => {
      await lockKey(conn, key);
      const rows = await conn.all(`SELECT sid FROM ${T_SERIES} WHERE key = ?`, [key]);
      if (!rows.length) throw new MetaseriesError('NOT_FOUND', `Key ${show(key)} not found in storage`, { backend: this.backendName });
      await conn.run(`DELETE FROM ${T_POINTS} WHERE sid = ?`, [num(rows[0]!.sid)]);
      await conn.run(`DELETE FROM ${T_SERIES} WHERE key = ?`, [key]);
    });
  }

  listKeys(prefix: string): Promise<string[]> {
    return this.driver.withConn(async (conn) => {
      const f = prefixFilter(prefix);
      const rows = await conn.rows(`SELECT key FROM ${T_SERIES} WHERE ${f.sql}`, f.params);
      return sortKeys(rows.map((r) => String(r[0])));
    });
  }

  clear(): Promise<void> {
    return this.driver.transaction(async (conn) => {
      await conn.run(`DELETE FROM ${T_POINTS}`);
      await conn.run(`DELETE FROM ${T_SERIES}`);
    });
  }

  /** Keyset pagination on `(ts, n)`: each chunk is one indexed query, so memory stays at one chunk. */
  async *stream(key: string, options: StreamOptions): AsyncGenerator<Series> {
    const chunkSize = options.chunkSize ?? 100_000;
    const row = await this.driver.withConn((conn) => this.seriesRow(conn, key));
    if (!row.sorted || row.info.keysInLabel) {
      // Unsorted or label-keyed series have no usable (ts, n) order: load, then chunk.
      const { series } = await this.load(key, options.range);
      for (let s = 0; s < series.length; s += chunkSize) yield series.slice(s, s + chunkSize);
      return;
    }
    const range = options.range ?? {};
    let after: [number, number] | null = null;
    for (;;) {
      const where = ['sid = ?'];
      const params: Param[] = [row.sid];
      if (after) { where.push('(ts > ? OR (ts = ? AND n > ?))'); params.push(after[0], after[0], after[1]); }
      else if (range.from !== undefined) { where.push('ts >= ?'); params.push(range.from); }
      if (range.to !== undefined) { where.push('ts <= ?'); params.push(range.to); }
      params.push(chunkSize);
      const rows = await this.driver.withConn(async (conn) => {
        const current = await conn.all(`SELECT sid FROM ${T_SERIES} WHERE key = ?`, [key]);
        if (!current.length || num(current[0]!.sid) !== row.sid) {
          throw new MetaseriesError('CONFLICT', `Key ${show(key)} was replaced or deleted while it was being streamed`, { backend: this.backendName });
        }
        return conn.rows(`SELECT ${this.selectList(row)}, n FROM ${T_POINTS} WHERE ${where.join(' AND ')} ORDER BY ts, n LIMIT ?`, params);
      });
      if (!rows.length) return;
      const lastRow = rows[rows.length - 1]!;
      after = [num(lastRow[0]), num(lastRow[lastRow.length - 1])];
      yield buildSeries(row, columnsOf(rows, Boolean(row.info.keysInLabel)), null);
      if (rows.length < chunkSize) return;
    }
  }

  /** mean/min/max/sum/count in SQL (bucketed by integer `every` on integer keys); the rest through the core. */
  async aggregate(key: string, request: AggregateRequest): Promise<Series> {
    const row = await this.driver.withConn((conn) => this.seriesRow(conn, key));
    const every = request.every;
    if (every !== undefined && !(every > 0)) throw new MetaseriesError('INVALID_INPUT', `Bucket width "every" must be positive, got ${show(every)}`, { backend: this.backendName });
    const integerKeys = row.info.kind === 'datetime' || row.info.kind === 'range' || (row.info.kind === 'numeric' && row.info.dtype === 'int64');
    const sqlFn = { mean: 'AVG(num)', min: 'MIN(num)', max: 'MAX(num)', sum: 'SUM(num)', count: 'COUNT(num)' }[request.fn as string];
    const canPush = storageOf(row.dtype) === 'number' && row.sorted && !row.info.keysInLabel && sqlFn !== undefined
      && (every === undefined || (integerKeys && Number.isSafeInteger(every)));
    if (!canPush) {
      const { series } = await this.load(key, request.range);
      return aggregateSeries(series, request);
    }
    const where = ['sid = ?'];
    const params: Param[] = [row.sid];
    if (request.range?.from !== undefined) { where.push('ts >= ?'); params.push(request.range.from); }
    if (request.range?.to !== undefined) { where.push('ts <= ?'); params.push(request.range.to); }
    const pg = this.driver.dialect === 'postgres';
    const tsInt = pg ? 'CAST(ts AS BIGINT)' : 'CAST(ts AS INTEGER)';
    // Floor towards -infinity (pre-1970 keys are negative); `%` truncates towards zero.
    const bucket = every === undefined ? 'MIN(ts)' : `(${tsInt} - (((${tsInt} % ?) + ?) % ?))`;
    const bucketParams: Param[] = every === undefined ? [] : [every, every, every];
    const fn = sqlFn!;
    const sql = every === undefined
      ? `SELECT MIN(ts), ${fn}, COUNT(*) FROM ${T_POINTS} WHERE ${where.join(' AND ')}`
      : `SELECT b, agg, cnt FROM (SELECT ${bucket} AS b, ${fn} AS agg, COUNT(*) AS cnt FROM ${T_POINTS} WHERE ${where.join(' AND ')} GROUP BY 1) AS g ORDER BY b`;
    const rows = await this.driver.withConn((conn) => conn.rows(sql, [...bucketParams, ...params]));
    const keys: number[] = [];
    const out: number[] = [];
    for (const r of rows) {
      if (num(r[2]) === 0) continue;
      keys.push(num(r[0]));
      const v = num(r[1]);
      out.push(request.fn === 'sum' && Number.isNaN(v) ? 0 : v);
    }
    if (every === undefined && keys.length === 1) {
      // The core reports the bucket at the first point's key, which MIN(ts) is for a sorted series.
    }
    const keyArray = Float64Array.from(keys);
    const index = row.info.kind === 'datetime'
      ? new DatetimeIndex(keyArray, { tz: row.info.tz ?? null, name: row.info.name })
      : new NumericIndex(keyArray, 'float64', row.info.name);
    return new Series({ index, values: Float64Array.from(out), name: row.series_name, dtype: 'float64' });
  }

  describe(prefix: string): Promise<SeriesSummary[]> {
    return this.driver.withConn(async (conn) => {
      const f = prefixFilter(prefix);
      const rows = await conn.all(`SELECT key, length, dtype, first_key, last_key, index_kind, index_json FROM ${T_SERIES} WHERE ${f.sql}`, f.params);
      const out = rows.map((r): SeriesSummary => {
        const length = num(r.length);
        const numeric = r.index_kind !== 'string' && length > 0;
        return {
          key: String(r.key), length, dtype: String(r.dtype),
          first: numeric ? num(r.first_key) : null,
          last: numeric ? num(r.last_key) : null,
        };
      });
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    });
  }
}
