import type BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { from as CopyFrom } from 'pg-copy-streams';

/** pg-copy-streams is an optional peer (./peers.ts), set when a PostgreSQL store opens. */
let copyFrom: typeof CopyFrom | undefined;

export function useCopyStreams(module: unknown): void {
  const m = module as { from?: typeof CopyFrom; default?: { from: typeof CopyFrom } };
  copyFrom = m.from ?? m.default?.from;
}

export type Dialect = 'sqlite' | 'postgres';
export type Param = string | number | bigint | null | Buffer;
export type Row = Record<string, unknown>;
/** Column types for PostgreSQL's binary COPY (SQLite ignores them). */
export type ColumnType = 'int8' | 'int4' | 'float8' | 'text';

/**
 * One connection taken from knex's pool, spoken to on its own driver: statements are
 * written with `?` placeholders (turned into `$n` for PostgreSQL) and always take
 * their values as parameters, never as SQL text.
 */
export interface Conn {
  readonly dialect: Dialect;
  all(sql: string, params?: readonly Param[]): Promise<Row[]>;
  /** Rows as arrays (column order of the SELECT): the fast path for bulk reads. */
  rows(sql: string, params?: readonly Param[]): Promise<unknown[][]>;
  run(sql: string, params?: readonly Param[]): Promise<number>;
  /** The first column of every row (better-sqlite3 `pluck`: no per-row array, ~2-3x faster for big reads). */
  column(sql: string, params?: readonly Param[]): Promise<unknown[]>;
  /**
   * Insert `count` rows into `table`: multi-row prepared statements on better-sqlite3,
   * `COPY … FROM STDIN` on PostgreSQL. `fill(i, row)` writes row `i` into `row`.
   * Must run inside `Driver.transaction`.
   */
  bulkInsert(table: string, columns: readonly string[], types: readonly ColumnType[], count: number, fill: (i: number, row: Param[]) => void): Promise<void>;
}

export interface Driver {
  readonly dialect: Dialect;
  readonly knex: Knex;
  /** Run `body` on one pooled connection. */
  withConn<T>(body: (conn: Conn) => Promise<T>): Promise<T>;
  /** Run `body` on one consistent snapshot (several SELECTs see the same committed state). */
  read<T>(body: (conn: Conn) => Promise<T>): Promise<T>;
  /** Run `body` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(body: (conn: Conn) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLite's compiled-in limit (32 766 since 3.32); chunks stay well under it. */
const SQLITE_MAX_VARIABLES = 32_766;
/** Measured sweet spot for multi-row INSERTs on better-sqlite3 (see bench/sql-measure.ts). */
const SQLITE_ROWS_PER_STATEMENT = 500;

function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class SqliteConn implements Conn {
  readonly dialect = 'sqlite' as const;
  private readonly cache = new Map<string, BetterSqlite3.Statement>();
  constructor(readonly db: BetterSqlite3.Database) {}

  prepare(sql: string): BetterSqlite3.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.cache.size > 200) this.cache.clear();
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  async all(sql: string, params: readonly Param[] = []): Promise<Row[]> {
    return this.prepare(sql).pluck(false).raw(false).all(...params) as Row[];
  }

  async rows(sql: string, params: readonly Param[] = []): Promise<unknown[][]> {
    return this.prepare(sql).pluck(false).raw(true).all(...params) as unknown[][];
  }

  async column(sql: string, params: readonly Param[] = []): Promise<unknown[]> {
    return this.prepare(sql).pluck(true).all(...params) as unknown[];
  }

  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    const stmt = this.prepare(sql);
    if (!stmt.reader) return stmt.run(...params).changes;
    stmt.pluck(false).raw(false).all(...params);
    return 0;
  }

  async bulkInsert(table: string, columns: readonly string[], _types: readonly ColumnType[], count: number, fill: (i: number, row: Param[]) => void): Promise<void> {
    const width = columns.length;
    const perStatement = Math.max(1, Math.min(SQLITE_ROWS_PER_STATEMENT, Math.floor(SQLITE_MAX_VARIABLES / width)));
    const tuple = `(${columns.map(() => '?').join(',')})`;
    const head = `INSERT INTO ${table} (${columns.join(',')}) VALUES `;
    const full = this.db.prepare(head + Array(perStatement).fill(tuple).join(','));
    const args: Param[] = new Array(perStatement * width);
    const row: Param[] = new Array(width);
    let i = 0;
    for (; i + perStatement <= count; i += perStatement) {
      for (let r = 0; r < perStatement; r++) {
        fill(i + r, row);
        const at = r * width;
        for (let c = 0; c < width; c++) args[at + c] = row[c]!;
      }
      full.run(args);
    }
    const rest = count - i;
    if (rest > 0) {
      const tail = this.db.prepare(head + Array(rest).fill(tuple).join(','));
      const tailArgs: Param[] = new Array(rest * width);
      for (let r = 0; r < rest; r++) {
        fill(i + r, row);
        for (let c = 0; c < width; c++) tailArgs[r * width + c] = row[c]!;
      }
      tail.run(tailArgs);
    }
  }
}

const COPY_SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * Rows in PostgreSQL's binary COPY format: no number-to-text-to-number round trip on
 * either side (measured ~2x faster than text COPY for float columns), and -0.0, NaN and
 * ±Infinity travel as IEEE bits.
 */
class BinaryCopyWriter {
  private buf: Buffer;
  private view: DataView;
  private at = 0;
  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }

  row(values: readonly Param[], types: readonly ColumnType[]): void {
    this.ensure(2 + values.length * 12);
    this.view.setInt16(this.at, values.length);
    this.at += 2;
    for (let c = 0; c < values.length; c++) {
      const v = values[c]!;
      if (v === null || v === undefined) {
        this.ensure(4);
        this.view.setInt32(this.at, -1);
        this.at += 4;
        continue;
      }
      switch (types[c]) {
        case 'float8':
          this.ensure(12);
          this.view.setInt32(this.at, 8);
          this.view.setFloat64(this.at + 4, Number(v));
          this.at += 12;
          break;
        case 'int8':
          this.ensure(12);
          this.view.setInt32(this.at, 8);
          this.view.setBigInt64(this.at + 4, BigInt(v as number | bigint));
          this.at += 12;
          break;
        case 'int4':
          this.ensure(8);
          this.view.setInt32(this.at, 4);
          this.view.setInt32(this.at + 4, Number(v));
          this.at += 8;
          break;
        default: {
          const text = String(v);
          const max = Buffer.byteLength(text);
          this.ensure(4 + max);
          const written = this.buf.write(text, this.at + 4, 'utf8');
          this.view.setInt32(this.at, written);
          this.at += 4 + written;
        }
      }
    }
  }

  get size(): number {
    return this.at;
  }

  /** The bytes so far (a copy), then start over. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.at));
    this.at = 0;
    return out;
  }
}

class PgConn implements Conn {
  readonly dialect = 'postgres' as const;
  constructor(readonly client: pg.Client) {}

  async all(sql: string, params: readonly Param[] = []): Promise<Row[]> {
    return (await this.client.query(toPgPlaceholders(sql), params as unknown[])).rows as Row[];
  }

  async rows(sql: string, params: readonly Param[] = []): Promise<unknown[][]> {
    return (await this.client.query({ text: toPgPlaceholders(sql), values: params as unknown[], rowMode: 'array' })).rows as unknown[][];
  }

  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    return (await this.client.query(toPgPlaceholders(sql), params as unknown[])).rowCount ?? 0;
  }

  async column(sql: string, params: readonly Param[] = []): Promise<unknown[]> {
    return (await this.rows(sql, params)).map((r) => r[0]);
  }

  async bulkInsert(table: string, columns: readonly string[], types: readonly ColumnType[], count: number, fill: (i: number, row: Param[]) => void): Promise<void> {
    if (!copyFrom) throw new Error('pg-copy-streams is not loaded (SqlBackend.open loads it)');
    const stream = this.client.query(copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN (FORMAT binary)`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    // Without this, an error before `end()` would be an unhandled rejection.
    done.catch(() => undefined);
    const send = async (chunk: Buffer): Promise<void> => {
      if (stream.write(chunk)) return;
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => { stream.off('error', onError); resolve(); };
        const onError = (e: Error): void => { stream.off('drain', onDrain); reject(e); };
        stream.once('drain', onDrain);
        stream.once('error', onError);
      });
    };
    const writer = new BinaryCopyWriter();
    const row: Param[] = new Array(columns.length);
    await send(COPY_SIGNATURE);
    for (let i = 0; i < count; i++) {
      fill(i, row);
      writer.row(row, types);
      if (writer.size > 1 << 20) await send(writer.take());
    }
    const trailer = Buffer.alloc(2);
    trailer.writeInt16BE(-1);
    await send(Buffer.concat([writer.take(), trailer]));
    stream.end();
    await done;
  }
}

interface KnexClientInternals {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

function internals(knex: Knex): KnexClientInternals {
  return knex.client as unknown as KnexClientInternals;
}

/**
 * SQLite holds one connection for the backend's lifetime (knex's SQLite pool has one
 * anyway, and `:memory:` must never be dropped); better-sqlite3 is synchronous, so
 * every call runs to completion before another starts — a promise chain keeps async
 * transactions from interleaving.
 */
export class SqliteDriver implements Driver {
  readonly dialect = 'sqlite' as const;
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(readonly knex: Knex, private readonly raw: BetterSqlite3.Database, private readonly conn: SqliteConn) {}

  static async open(knex: Knex): Promise<SqliteDriver> {
    const raw = (await internals(knex).acquireConnection()) as BetterSqlite3.Database;
    return new SqliteDriver(knex, raw, new SqliteConn(raw));
  }

  /** @internal the raw connection, for tests; its type is a devDependency, so it stays out of the published types. */
  get database(): BetterSqlite3.Database {
    return this.raw;
  }

  withConn<T>(body: (conn: Conn) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => body(this.conn));
    this.queue = next.catch(() => undefined);
    return next;
  }

  read<T>(body: (conn: Conn) => Promise<T>): Promise<T> {
    return this.withConn(async (conn) => {
      // A deferred transaction pins one WAL snapshot for all the SELECTs inside.
      this.raw.exec('BEGIN');
      try {
        return await body(conn);
      } finally {
        if (this.raw.inTransaction) this.raw.exec('COMMIT');
      }
    });
  }

  transaction<T>(body: (conn: Conn) => Promise<T>): Promise<T> {
    return this.withConn(async (conn) => {
      // IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading.
      this.raw.exec('BEGIN IMMEDIATE');
      try {
        const result = await body(conn);
        this.raw.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.queue;
    await internals(this.knex).releaseConnection(this.raw);
    await this.knex.destroy();
  }
}

export class PgDriver implements Driver {
  readonly dialect = 'postgres' as const;
  constructor(readonly knex: Knex) {}

  async withConn<T>(body: (conn: Conn) => Promise<T>): Promise<T> {
    const client = (await internals(this.knex).acquireConnection()) as pg.Client;
    try {
      return await body(new PgConn(client));
    } finally {
      await internals(this.knex).releaseConnection(client);
    }
  }

  read<T>(body: (conn: Conn) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', body);
  }

  transaction<T>(body: (conn: Conn) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN', body);
  }

  /** Run `body` between `begin` and COMMIT on one pooled connection; ROLLBACK on failure. */
  private inTransaction<T>(begin: string, body: (conn: Conn) => Promise<T>): Promise<T> {
    return this.withConn(async (conn) => {
      await conn.run(begin);
      try {
        const result = await body(conn);
        await conn.run('COMMIT');
        return result;
      } catch (e) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.knex.destroy();
  }
}
