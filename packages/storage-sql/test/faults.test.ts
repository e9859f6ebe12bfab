/**
 * Faults on real engines: a failing statement in the middle of a save, a locked or
 * missing SQLite file, a PostgreSQL server stopped mid-save, and a writer killed with
 * SIGKILL mid-save. Each must end in a clear error and the previous version intact:
 * a key is always wholly old or wholly new.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { MetaseriesError, Series, type SeriesMetadata, type Storage } from '@metaseries/core';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresAvailable, SKIP_POSTGRES_REASON, startPostgres } from '../../../test/support/postgres.js';
import { tempDir } from '../../../test/support/tmp.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const dir = tempDir('metaseries-sql-faults-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'plant/COD#1/RAW#1';

function series(n: number, value: number): Series {
  return Series.regular('2024-01-01', 60_000_000, new Float64Array(n).fill(value), { name: 'COD#1_RAW#1', tz: 'UTC', freq: 'min' });
}

function meta(tag: string): SeriesMetadata {
  return { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: tag, created_on: '2024-01-01T00:00:00' };
}

async function expectCode(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<MetaseriesError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MetaseriesError);
    expect((e as MetaseriesError).code).toBe(code);
    if (pattern) expect((e as Error).message).toMatch(pattern);
    return e as MetaseriesError;
  }
  throw new Error(`expected a ${code} error`);
}

/** The stored version is exactly one of the saved ones: same length, every value equal, metadata to match. */
async function expectWhole(store: Storage, versions: Record<string, number>): Promise<string> {
  const { series: s, metadata } = await store.load(KEY);
  const tag = String(metadata.metadata_id);
  expect(Object.keys(versions)).toContain(tag);
  const value = Number(tag);
  expect(s.length).toBe(versions[tag]);
  expect((s.values as Float64Array).every((v) => v === value)).toBe(true);
  return tag;
}

describe('SQLite faults', () => {
  it('a failing statement in the middle of a save leaves the previous version', async () => {
    const file = join(dir, 'trigger.db');
    const store = await openSqlite(file);
    await store.save(KEY, series(1000, 1), meta('1'));
    const raw = new Database(file);
    // Fails the commit transaction after its compare-and-set moved the head to 2.
    raw.exec(`CREATE TRIGGER boom BEFORE INSERT ON metaseries_versions WHEN NEW.version = 2 BEGIN SELECT RAISE(ABORT, 'boom: version 2 refused'); END`);
    raw.close();
    const e = await expectCode(store.save(KEY, series(200_000, 2), meta('2')), 'IO_ERROR', /boom: version 2 refused/);
    expect(e.message).toContain(KEY);
    expect(await expectWhole(store, { 1: 1000 })).toBe('1');
    expect((await store.versions(KEY)).map((v) => v.version)).toEqual([1]);
    expect(await store.listKeys()).toEqual([KEY]);
    // The segments written before the failed commit are removed again (or by the next prune).
    await store.prune({ graceMs: 0 });
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM metaseries_segments').pluck().get()).toBe(1);
    check.close();
    await store.close();
  });

  it('a database locked by another connection: clear error, nothing changed, works once released', async () => {
    const file = join(dir, 'locked.db');
    const store = await openSqlite(file, { busyTimeoutMs: 50 });
    await store.save(KEY, series(100, 1), meta('1'));
    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    await expectCode(store.save(KEY, series(200, 2), meta('2')), 'IO_ERROR', /locked/);
    other.exec('ROLLBACK');
    other.close();
    expect(await expectWhole(store, { 1: 100 })).toBe('1');
    await store.save(KEY, series(200, 2), meta('2'));
    expect(await expectWhole(store, { 2: 200 })).toBe('2');
    await store.close();
  });

  it('a database file in a missing folder, or not a database: clear errors at open', async () => {
    await expectCode(openSqlite(join(dir, 'no-such-folder', 'x.db')), 'BACKEND_UNAVAILABLE', /no-such-folder/);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a SQLite database, just text that is long enough to have a header'.repeat(20));
    await expectCode(openSqlite(junk), 'CORRUPT_DATA', /junk\.db/);
  });

  it('the database file removed between sessions: the key is gone, not half there', async () => {
    const file = join(dir, 'removed.db');
    const store = await openSqlite(file);
    await store.save(KEY, series(100, 1), meta('1'));
    await store.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    const again = await openSqlite(file);
    expect(await again.exists(KEY)).toBe(false);
    await expectCode(again.load(KEY), 'NOT_FOUND', /plant\/COD#1\/RAW#1/);
    await again.close();
  });

  it('kill -9 during a large save leaves the key wholly old or wholly new', async () => {
    const file = join(dir, 'kill.db');
    const store = await openSqlite(file);
    const OLD = 100_000, NEW = 400_000;
    await store.save('kill/K#1/RAW#1', Series.regular('2024-01-01', 1_000_000, new Float64Array(OLD).fill(1), { name: 'K#1_RAW#1', tz: 'UTC', freq: 's' }), meta('1'));
    await store.close();
    const outcomes: string[] = [];
    for (const delayMs of [5, 60, 150]) {
      const child = spawn(process.execPath, [join(HERE, 'kill-child.mjs'), 'sqlite', file, String(NEW), '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('saving')) setTimeout(() => { child.kill('SIGKILL'); resolve(); }, delayMs);
        });
        child.on('exit', () => resolve());
      });
      await new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
      const check = await openSqlite(file);
      const { series: s, metadata } = await check.load('kill/K#1/RAW#1');
      const tag = String(metadata.metadata_id);
      expect(s.length).toBe(tag === '1' ? OLD : NEW);
      expect((s.values as Float64Array).every((v) => v === Number(tag))).toBe(true);
      outcomes.push(`${delayMs}ms:${tag}${out.includes('saved') ? '(finished)' : ''}`);
      // Back to the old version for the next round.
      await check.save('kill/K#1/RAW#1', Series.regular('2024-01-01', 1_000_000, new Float64Array(OLD).fill(1), { name: 'K#1_RAW#1', tz: 'UTC', freq: 's' }), meta('1'));
      await check.close();
    }
    expect(outcomes.length).toBe(3);
  });
});

describe.skipIf(!postgresAvailable())(`PostgreSQL faults${postgresAvailable() ? '' : ` (${SKIP_POSTGRES_REASON})`}`, () => {
  let server: PostgresServer;
  beforeAll(async () => { server = await startPostgres(); }, 60_000);
  afterAll(async () => { await server?.stop(); });

  it('a failing statement (a CHECK constraint) in the commit transaction leaves the previous version', async () => {
    const url = await server.createDatabase('faults');
    const store = await openPostgres(url);
    await store.save(KEY, series(1000, 1), meta('1'));
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // Fails after the compare-and-set moved the head to 2, inside the same transaction.
    await client.query('ALTER TABLE metaseries_versions ADD CONSTRAINT no_v2 CHECK (version <> 2)');
    await client.end();
    await expectCode(store.save(KEY, series(50_000, 2), meta('2')), 'IO_ERROR', /no_v2/);
    expect(await expectWhole(store, { 1: 1000 })).toBe('1');
    expect((await store.versions(KEY)).map((v) => v.version)).toEqual([1]);
    await store.close();
  });

  it.skipIf(Boolean(process.env.PG_URL))('server stopped mid-save (skipped with PG_URL: the test must own the server): BACKEND_UNAVAILABLE, and after a restart the old version is intact', async () => {
    const url = await server.createDatabase('stopped');
    const store = await openPostgres(url);
    await store.save(KEY, series(1000, 1), meta('1'));
    // Settled at once so the rejection is never "unhandled" while the server stops.
    const saving = store.save(KEY, series(400_000, 2), meta('2')).then(() => undefined, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 80));
    await server.kill();
    const error = await saving;
    await server.restart();
    if (error) {
      expect(error).toBeInstanceOf(MetaseriesError);
      expect(['BACKEND_UNAVAILABLE', 'IO_ERROR']).toContain((error as MetaseriesError).code);
    }
    // Regression (issue 10): the same store, whose pooled connections died with the
    // server, answers the first call after the restart (the first two used to fail).
    const tag = await expectWhole(store, { 1: 1000, 2: 400_000 });
    if (error) expect(tag).toBe('1');
    await store.close();
  });

  // Regression (issue 10): the pool kept connections that died with the server, and
  // the first two calls after a restart failed.
  it.skipIf(Boolean(process.env.PG_URL))('after a server restart the first call succeeds (skipped with PG_URL: the test must own the server)', async () => {
    const url = await server.createDatabase('restart');
    const store = await openPostgres(url, { pool: { min: 2, max: 4 } });
    try {
      await store.save(KEY, series(100, 1), meta('1'));
      await Promise.all([store.load(KEY), store.listKeys(), store.exists(KEY)]);
      await server.kill('immediate');
      await server.restart();
      expect(await expectWhole(store, { 1: 100 })).toBe('1');
      await store.save(KEY, series(200, 2), meta('2'));
      expect(await expectWhole(store, { 2: 200 })).toBe('2');
    } finally {
      await store.close();
    }
  });

  it('kill -9 during a large save leaves the key wholly old or wholly new', async () => {
    const url = await server.createDatabase('kill');
    const store = await openPostgres(url);
    const OLD = 50_000, NEW = 300_000;
    await store.save('kill/K#1/RAW#1', Series.regular('2024-01-01', 1_000_000, new Float64Array(OLD).fill(1), { name: 'K#1_RAW#1', tz: 'UTC', freq: 's' }), meta('1'));
    await store.close();
    const child = spawn(process.execPath, [join(HERE, 'kill-child.mjs'), 'postgres', url, String(NEW), '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('saving')) setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 100); });
      child.on('exit', () => resolve());
    });
    const check = await openPostgres(url);
    const { series: s, metadata } = await check.load('kill/K#1/RAW#1');
    const tag = String(metadata.metadata_id);
    expect(s.length).toBe(tag === '1' ? OLD : NEW);
    expect((s.values as Float64Array).every((v) => v === Number(tag))).toBe(true);
    await check.close();
  });
});
