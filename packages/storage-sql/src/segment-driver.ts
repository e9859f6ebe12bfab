import {
  type CatalogRecord, type CommitEntry, type LoggedChange, MetaseriesError, type SegmentDriver, type SegmentRef, type Series, type SnapshotRecord, type VersionRecord,
} from '@metaseries/core';
import {
  decodeSegment, encodeSegment, parseLayout, show, type HeadSummary,
} from '@metaseries/core/backend-kit';
import type { Knex } from 'knex';
import { engineError } from './errors.js';
import { parseStoredJson, stringifyPythonJson } from './json.js';
import { charLength, sortKeys } from './layout.js';
import { CHANNEL, listen } from './listen.js';
import { type Dialect, T } from './schema.js';

/** Logged changes older than this are dropped when new ones are logged: watchers resume within it. */
const CHANGE_LOG_DAYS = 30;

/** Rows per multi-row statement: under SQLite's 32,766 bound variables and PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 500;

/** A lost connection (server restarted, socket reset): safe to retry on a fresh one if nothing was committed. */
const CONNECTION_LOST = /ECONNRESET|EPIPE|Connection terminated|terminating connection|server closed the connection|Client has encountered a connection error|Connection ended unexpectedly|not queryable/i;

function isConnectionLost(e: unknown): boolean {
  const err = e as { message?: string; code?: string };
  return CONNECTION_LOST.test(`${err?.code ?? ''} ${err?.message ?? ''}`) || err?.code === '57P01';
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || /SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)|UNIQUE constraint failed/.test(`${err?.code ?? ''} ${err?.message ?? ''}`);
}

/** The encoded bytes as a Buffer without copying (knex binds Buffers as BLOB/BYTEA). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `key >= p AND key < p || U+10FFFF AND substr(key, 1, len(p)) = p`: an index range, no LIKE escaping. */
function wherePrefix(q: Knex.QueryBuilder, column: string, prefix: string): Knex.QueryBuilder {
  if (prefix === '') return q;
  return q.where(column, '>=', prefix).andWhere(column, '<', `${prefix}\u{10FFFF}`)
    .andWhereRaw(`substr(??, 1, ?) = ?`, [column, charLength(prefix), prefix]);
}

function parseRecord<R>(text: unknown, what: string, backend: string): R {
  try {
    return parseStoredJson(String(text)) as R;
  } catch (cause) {
    throw new MetaseriesError('CORRUPT_DATA', `${what}: the stored record is not valid JSON`, { backend, cause });
  }
}

/**
 * The SQL `SegmentDriver` (layout v2): SQLite or PostgreSQL through knex's query
 * builder and transactions. Tables (see `schema.ts`): `metaseries_heads` (key →
 * current version: the compare-and-set row), `metaseries_versions` (one immutable JSON
 * record per version), `metaseries_segments` (one blob per segment, primary key
 * `(key, id)`), `metaseries_snapshots`, `metaseries_catalog`.
 *
 * A commit is one transaction: for every key (in key order, so two multi-key commits
 * never deadlock) `UPDATE heads SET version = new WHERE key = ? AND version = expected`
 * (or an insert that ignores an existing head), then the version rows and the catalog
 * records. Writes come first, so SQLite takes its write lock on the first statement and
 * a deferred transaction never has to upgrade a stale read snapshot.
 *
 * @example
 * const driver = new SqlSegmentDriver(knex, 'sqlite', true);
 * const head = await driver.head('plant/COD#1/COD#1_RAW#1');
 */
export class SqlSegmentDriver implements SegmentDriver {
  readonly kind: Dialect;
  /**
   * PostgreSQL only: LISTEN on one dedicated connection; every commit, snapshot and logged
   * change NOTIFYs in its own transaction, so watchers wake only after commit (see `listen.ts`).
   * SQLite has no notifications: watchers poll.
   */
  readonly subscribe?: (onChange: () => void) => Promise<() => Promise<void>>;

  constructor(readonly knex: Knex, readonly dialect: Dialect, readonly persistent: boolean) {
    this.kind = dialect;
    if (dialect === 'postgres') this.subscribe = (onChange) => listen(this.knex.client.connectionSettings, onChange);
  }

  /** Inside a writing transaction: tell PostgreSQL listeners, delivered only if it commits. */
  private async notify(trx: Knex.Transaction, subject: string): Promise<void> {
    if (this.dialect === 'postgres') await trx.raw('SELECT pg_notify(?, ?)', [CHANNEL, subject.slice(0, 1000)]);
  }

  /**
   * Run `body`; when it fails because a pooled connection died (a PostgreSQL restart
   * leaves stale sockets in the pool), run it once more on a fresh connection. Only
   * when nothing can have been committed: reads, or a transaction that failed before
   * its COMMIT was sent.
   */
  private async retrying<R>(operation: string, subject: string, body: (state: { committing: boolean }) => Promise<R>): Promise<R> {
    const state = { committing: false };
    try {
      return await body(state);
    } catch (e) {
      if (!isConnectionLost(e) || state.committing) throw engineError(e, this.kind, operation, subject);
      try {
        return await body({ committing: false });
      } catch (again) {
        throw engineError(again, this.kind, operation, subject);
      }
    }
  }

  private transaction<R>(operation: string, subject: string, body: (trx: Knex.Transaction) => Promise<R>): Promise<R> {
    return this.retrying(operation, subject, (state) => this.knex.transaction(async (trx) => {
      const result = await body(trx);
      state.committing = true;
      return result;
    })).finally(() => { this.writes++; });
  }

  /** Commits through this driver (SQLite's data_version does not count a connection's own). */
  private writes = 0;

  /**
   * SQLite: `PRAGMA data_version` (changes when another connection commits) with this
   * connection's own commits. PostgreSQL: null (no cheap equivalent; readers read again).
   */
  async changeToken(): Promise<string | null> {
    if (this.dialect !== 'sqlite') return null;
    const rows = await this.knex.raw('PRAGMA data_version') as Array<{ data_version: number }>;
    return `${rows[0]?.data_version}:${this.writes}`;
  }

  async putSegments(key: string, segments: ReadonlyArray<{ id: string; series: Series }>): Promise<number[]> {
    if (segments.length === 0) return [];
    const now = Date.now();
    const rows = segments.map(({ id, series }) => ({ key, id, data: asBuffer(encodeSegment(series)), created_at: now }));
    await this.transaction('putSegments', key, async (trx) => {
      // A few rows per statement: each holds a blob of tens of KB.
      for (const part of chunks(rows, 16)) await trx(T.segments).insert(part);
    });
    return rows.map((r) => r.data.length);
  }

  async readSegments(key: string, refs: readonly SegmentRef[], layout: Record<string, unknown>): Promise<Series[]> {
    if (refs.length === 0) return [];
    const seriesLayout = parseLayout(layout);
    const blobs = await this.readSegmentBlobs(key, refs);
    return refs.map((ref, i) => decodeSegment(blobs[i]!, seriesLayout, `segment ${show(ref.id)} of key ${show(key)}`));
  }

  /** The codec blobs of `refs`, in order (a whole read decodes them into its final arrays). */
  async readSegmentBlobs(key: string, refs: readonly SegmentRef[]): Promise<Uint8Array[]> {
    if (refs.length === 0) return [];
    const ids = refs.map((r) => r.id);
    const found = new Map<string, Buffer>();
    await this.retrying('readSegments', key, async () => {
      for (const part of chunks(ids)) {
        const rows = await this.knex(T.segments).select('id', 'data').where('key', key).whereIn('id', part) as Array<{ id: string; data: Buffer }>;
        for (const r of rows) found.set(String(r.id), r.data);
      }
    });
    return refs.map((ref) => {
      const blob = found.get(ref.id);
      if (!blob) throw new MetaseriesError('CORRUPT_DATA', `Key ${show(key)}: segment ${show(ref.id)} is missing from ${T.segments}`, { backend: this.kind });
      return blob;
    });
  }

  head(key: string): Promise<number | null> {
    return this.retrying('head', key, async () => {
      const row = await this.knex(T.heads).first('version').where('key', key) as { version: unknown } | undefined;
      return row ? Number(row.version) : null;
    });
  }

  readVersion(key: string, version: number): Promise<VersionRecord | undefined> {
    return this.retrying('readVersion', key, async () => {
      const row = await this.knex(T.versions).first('record').where({ key, version }) as { record: unknown } | undefined;
      return row ? parseRecord<VersionRecord>(row.record, `Key ${show(key)} version ${version}`, this.kind) : undefined;
    });
  }

  listVersions(key: string): Promise<VersionRecord[]> {
    return this.retrying('listVersions', key, async () => {
      const rows = await this.knex(T.versions).select('version', 'record').where('key', key).orderBy('version') as Array<{ version: unknown; record: unknown }>;
      return rows.map((r) => parseRecord<VersionRecord>(r.record, `Key ${show(key)} version ${Number(r.version)}`, this.kind));
    });
  }

  commit(entries: readonly CommitEntry[], catalog: readonly CatalogRecord[] = []): Promise<void> {
    const ordered = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const e of ordered) {
      if (e.record.version !== (e.expected ?? 0) + 1) {
        throw new MetaseriesError('INVALID_INPUT', `Key ${show(e.key)}: version ${e.record.version} does not follow ${e.expected ?? 'no version'}`, { backend: this.kind });
      }
    }
    const subject = ordered.length === 1 ? ordered[0]!.key : `${ordered.length} keys`;
    return this.transaction('commit', subject, async (trx) => {
      for (const e of ordered) {
        const next = e.record.version;
        const tombstone = e.record.tombstone;
        let won: boolean;
        if (e.expected === null) {
          const inserted = await trx(T.heads).insert({ key: e.key, version: next, tombstone }).onConflict('key').ignore().returning('key') as unknown[];
          won = inserted.length === 1;
        } else {
          const changed = await trx(T.heads).where({ key: e.key, version: e.expected }).update({ version: next, tombstone });
          won = Number(changed) === 1;
        }
        if (!won) {
          const row = await trx(T.heads).first('version').where('key', e.key) as { version: unknown } | undefined;
          const current = row ? Number(row.version) : null;
          throw new MetaseriesError('CONFLICT', `Key ${show(e.key)} is at version ${current ?? 'none (never written or purged)'}, not ${e.expected ?? 'none'}: another writer committed first`, { backend: this.kind });
        }
      }
      const rows = ordered.map((e) => ({ key: e.key, version: e.record.version, created_at: e.record.createdAt, record: stringifyPythonJson(e.record) }));
      for (const part of chunks(rows)) await trx(T.versions).insert(part);
      for (const c of catalog) {
        if (c.record === null) await trx(T.catalog).where({ kind: c.kind, name: c.name }).del();
        else await trx(T.catalog).insert({ kind: c.kind, name: c.name, record: stringifyPythonJson(c.record) }).onConflict(['kind', 'name']).merge();
      }
      await this.notify(trx, subject);
    });
  }

  logChanges(changes: readonly LoggedChange[]): Promise<void> {
    if (changes.length === 0) return Promise.resolve();
    return this.transaction('logChanges', changes.length === 1 ? changes[0]!.key : `${changes.length} keys`, async (trx) => {
      const rows = changes.map((c) => ({ at: c.at, record: JSON.stringify(c) }));
      for (const part of chunks(rows)) await trx(T.changes).insert(part);
      await trx(T.changes).where('at', '<', Math.min(...changes.map((c) => c.at)) - CHANGE_LOG_DAYS * 86_400_000).del();
      await this.notify(trx, 'changes');
    });
  }

  readChanges(after: number): Promise<Array<LoggedChange & { seq: number }>> {
    return this.retrying('readChanges', '', async () => {
      const rows = await this.knex(T.changes).select('seq', 'record').where('seq', '>', after).orderBy('seq') as Array<{ seq: unknown; record: unknown }>;
      return rows.map((r) => ({ ...parseRecord<LoggedChange>(r.record, `Change ${Number(r.seq)}`, this.kind), seq: Number(r.seq) }));
    });
  }

  readCatalog(prefix: string): Promise<CatalogRecord[]> {
    return this.retrying('readCatalog', prefix, async () => {
      const rows = await wherePrefix(this.knex(T.catalog).select('kind', 'name', 'record'), 'name', prefix) as Array<{ kind: string; name: string; record: unknown }>;
      return rows
        .map((r): CatalogRecord => ({ kind: r.kind as CatalogRecord['kind'], name: String(r.name), record: parseRecord<Record<string, unknown>>(r.record, `Catalog ${show(r.name)}`, this.kind) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
    });
  }

  listKeys(prefix: string): Promise<string[]> {
    return this.retrying('listKeys', prefix, async () => {
      const rows = await wherePrefix(this.knex(T.heads).select('key').where('tombstone', false), 'key', prefix) as Array<{ key: string }>;
      return sortKeys(rows.map((r) => String(r.key)));
    });
  }

  readHeads(prefix: string): Promise<Map<string, VersionRecord>> {
    return this.retrying('readHeads', prefix, async () => {
      const q = this.knex({ h: T.heads }).join({ v: T.versions }, (j) => j.on('v.key', 'h.key').andOn('v.version', 'h.version')).select('h.key', 'v.record');
      const rows = await wherePrefix(q, 'h.key', prefix) as Array<{ key: string; record: unknown }>;
      const parsed = new Map(rows.map((r) => [String(r.key), parseRecord<VersionRecord>(r.record, `Key ${show(r.key)} head`, this.kind)] as const));
      return new Map(sortKeys([...parsed.keys()]).map((key) => [key, parsed.get(key)!] as const));
    });
  }

  /**
   * PostgreSQL: discovery's fields of every live head, extracted from the version records
   * by the server (jsonb, parsed in C; a tenth of the bytes sent). SQLite: null — its JSON
   * functions measured no faster than V8 parsing the whole records (10,000 heads: 160 vs
   * 123 ms). Also null when a record is not JSON the server reads: core then reads the
   * whole heads, and names the damaged one.
   */
  async readHeadSummaries(prefix: string): Promise<HeadSummary[] | null> {
    if (this.dialect !== 'postgres') return null;
    const get = (path: string): string => `x.r#>>'{${path.split('.').join(',')}}'`;
    const steps = `x.r#>'{metadata,processing_steps}'`;
    const columns = [
      `${get('length')} AS length`, `${get('layout.dtype')} AS dtype`, `${get('layout.keyed')} AS keyed`,
      `${get('first')} AS first`, `${get('last')} AS last`,
      `${get('metadata.index_metadata.type')} AS index_type`, `${get('metadata.index_metadata.time_zone')} AS time_zone`,
      `CASE jsonb_typeof(${steps}) WHEN 'array' THEN jsonb_array_length(${steps}) END AS steps`,
      `(${steps})->-1 AS last_step`,
    ];
    try {
      return await this.retrying('readHeadSummaries', prefix, async () => {
        const q = this.knex({ h: T.heads }).join({ v: T.versions }, (j) => j.on('v.key', 'h.key').andOn('v.version', 'h.version'))
          .joinRaw('CROSS JOIN LATERAL (SELECT v.record::jsonb AS r) x')
          .select('h.key', ...columns.map((c) => this.knex.raw(c))).where('h.tombstone', false).whereRaw(`jsonb_typeof(x.r->'metadata') = 'object'`);
        const rows = await wherePrefix(q, 'h.key', prefix) as Array<Record<string, unknown>>;
        const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
        return rows.map((row) => {
          const keyed = row.keyed === 'true';
          return {
            key: String(row.key), length: Number(row.length), dtype: String(row.dtype),
            first: keyed ? num(row.first) : null, last: keyed ? num(row.last) : null,
            indexType: row.index_type == null ? null : String(row.index_type), timeZone: row.time_zone == null ? null : String(row.time_zone),
            steps: Number(row.steps ?? 0), lastStep: (row.last_step ?? null) as HeadSummary['lastStep'],
          };
        });
      });
    } catch {
      // Whatever the server could not do here, reading the whole heads reports properly.
      return null;
    }
  }

  createSnapshot(snapshot: SnapshotRecord): Promise<void> {
    return this.transaction('createSnapshot', snapshot.name, async (trx) => {
      try {
        await trx(T.snapshots).insert({ name: snapshot.name, created_at: snapshot.createdAt, record: JSON.stringify(snapshot) });
        await this.notify(trx, snapshot.name);
      } catch (e) {
        if (isUniqueViolation(e)) throw new MetaseriesError('CONFLICT', `Snapshot ${show(snapshot.name)} already exists`, { backend: this.kind, cause: e });
        throw e;
      }
    });
  }

  readSnapshot(name: string): Promise<SnapshotRecord | undefined> {
    return this.retrying('readSnapshot', name, async () => {
      const row = await this.knex(T.snapshots).first('record').where('name', name) as { record: unknown } | undefined;
      return row ? parseRecord<SnapshotRecord>(row.record, `Snapshot ${show(name)}`, this.kind) : undefined;
    });
  }

  listSnapshots(): Promise<SnapshotRecord[]> {
    return this.retrying('listSnapshots', '', async () => {
      const rows = await this.knex(T.snapshots).select('name', 'record') as Array<{ name: string; record: unknown }>;
      // Sorted by name in code-unit order, as on every driver (not the database's collation).
      rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return rows.map((r) => parseRecord<SnapshotRecord>(r.record, `Snapshot ${show(r.name)}`, this.kind));
    });
  }

  deleteSnapshot(name: string): Promise<void> {
    return this.transaction('deleteSnapshot', name, async (trx) => {
      const n = await trx(T.snapshots).where('name', name).del();
      if (Number(n) === 0) throw new MetaseriesError('NOT_FOUND', `Snapshot ${show(name)} not found`, { backend: this.kind });
    });
  }

  dropVersions(key: string, versions: readonly number[]): Promise<void> {
    if (versions.length === 0) return Promise.resolve();
    return this.transaction('dropVersions', key, async (trx) => {
      // Never the head, even if the caller planned on an older one.
      const head = trx(T.heads).select('version').where('key', key);
      for (const part of chunks(versions)) await trx(T.versions).where('key', key).whereIn('version', part).whereNotIn('version', head).del();
    });
  }

  listSegments(key: string): Promise<Array<{ id: string; createdAt: number }>> {
    return this.retrying('listSegments', key, async () => {
      const rows = await this.knex(T.segments).select('id', 'created_at').where('key', key).orderBy('id') as Array<{ id: string; created_at: unknown }>;
      return rows.map((r) => ({ id: String(r.id), createdAt: Number(r.created_at) }));
    });
  }

  deleteSegments(key: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return this.transaction('deleteSegments', key, async (trx) => {
      for (const part of chunks(ids)) await trx(T.segments).where('key', key).whereIn('id', part).del();
    });
  }

  listAllKeys(): Promise<string[]> {
    return this.retrying('listAllKeys', '', async () => {
      const rows = await this.knex.select('key').from(T.heads)
        .union((q) => q.select('key').from(T.versions))
        .union((q) => q.select('key').from(T.segments)) as Array<{ key: string }>;
      return sortKeys([...new Set(rows.map((r) => String(r.key)))]);
    });
  }

  purgeKey(key: string): Promise<void> {
    return this.transaction('purgeKey', key, async (trx) => {
      await trx(T.heads).where('key', key).del();
      await trx(T.versions).where('key', key).del();
      await trx(T.segments).where('key', key).del();
    });
  }

  clear(): Promise<void> {
    return this.transaction('clear', '', async (trx) => {
      for (const table of [T.heads, T.versions, T.segments, T.snapshots, T.catalog, T.changes]) await trx(table).del();
    });
  }

  async close(): Promise<void> {
    await this.knex.destroy();
  }
}
