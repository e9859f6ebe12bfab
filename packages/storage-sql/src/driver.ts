import type BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type Dialect = 'sqlite' | 'postgres';
export type Param = string | number | bigint | null | Buffer;
export type Row = Record<string, unknown>;

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
  /**
   * Insert `count` rows into `table`: multi-row prepared statements on better-sqlite3,
   * `COPY … FROM STDIN` on PostgreSQL. `fill(i, row)` writes row `i` into `row`.
   * Must run inside `Driver.transaction`.
   */
  bulkInsert(table: string, columns: readonly string[], count: number, fill: (i: number, row: Param[]) => void): Promise<void>;
}

export interface Driver {
  readonly dialect: Dialect;
  readonly knex: Knex;
  /** Run `body` on one pooled connection. */
  withConn<T>(body: (conn: Conn) => Promise<T>): Promise<T>;
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
    return this.prepare(sql).raw(false).all(...params) as Row[];
  }

  async rows(sql: string, params: readonly Param[] = []): Promise<unknown[][]> {
    return this.prepare(sql).raw(true).all(...params) as unknown[][];
  }

  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    const stmt = this.prepare(sql);
    if (!stmt.reader) return stmt.run(...params).changes;
    stmt.raw(false).all(...params);
    return 0;
  }

  async bulkInsert(table: string, columns: readonly string[], count: number, fill: (i: number, row: Param[]) => void): Promise<void> {
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

/** COPY text-format field: `\N` for null, backslash escapes for the four special characters. */
function copyField(v: Param): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    return Object.is(v, -0) ? '-0' : String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
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

  async bulkInsert(table: string, columns: readonly string[], count: number, fill: (i: number, row: Param[]) => void): Promise<void> {
    const stream = this.client.query(copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    // Without this, an error before `end()` would be an unhandled rejection.
    done.catch(() => undefined);
    const row: Param[] = new Array(columns.length);
    const CHUNK = 20_000;
    for (let i = 0; i < count; i += CHUNK) {
      const end = Math.min(count, i + CHUNK);
      let text = '';
      for (let r = i; r < end; r++) {
        fill(r, row);
        let line = copyField(row[0]!);
        for (let c = 1; c < row.length; c++) line += `\t${copyField(row[c]!)}`;
        text += `${line}\n`;
      }
      if (!stream.write(text)) {
        await new Promise<void>((resolve, reject) => {
          const onDrain = (): void => { stream.off('error', onError); resolve(); };
          const onError = (e: Error): void => { stream.off('drain', onDrain); reject(e); };
          stream.once('drain', onDrain);
          stream.once('error', onError);
        });
      }
    }
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

  get database(): BetterSqlite3.Database {
    return this.raw;
  }

  withConn<T>(body: (conn: Conn) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => body(this.conn));
    this.queue = next.catch(() => undefined);
    return next;
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

  transaction<T>(body: (conn: Conn) => Promise<T>): Promise<T> {
    return this.withConn(async (conn) => {
      await conn.run('BEGIN');
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
