/**
 * SQL-specific behaviour beyond the conformance suite: registry configs, the schema
 * version and forward migration, chunking past SQLite's variable limit, aggregation
 * pushdown against the core's, streaming a key that is replaced, and the meteaudata
 * layout's exact tables and text.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  createBackend, DatetimeIndex, MetaseriesError, NumericIndex, RangeIndex, Series, type SeriesMetadata,
} from '@metaseries/core';
import {
  bucketSeries, planQuery,
} from '@metaseries/core/backend-kit';
import { MIGRATIONS, NATIVE_SCHEMA_VERSION, openSqlite, SqlBackend } from '@metaseries/storage-sql';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/tmp.js';

const dir = tempDir('metaseries-sql-backend-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H = 3_600_000_000;
const T0 = Date.UTC(2024, 0, 1) * 1000;

function meta(tag = 'x', extra: Record<string, unknown> = {}): SeriesMetadata {
  return { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: tag, created_on: '2024-01-01T00:00:00', ...extra };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MetaseriesError);
    return (e as MetaseriesError).code;
  }
  return 'no error';
}

describe('configuration', () => {
  it('opens through the core registry by URL and by config object, with a layout option', async () => {
    const file = join(dir, 'registry.db');
    const a = await createBackend(`sqlite:${file}`);
    expect(a.kind).toBe('sqlite');
    expect(a.capabilities).toMatchObject({ rangeReads: true, streaming: true, metadataQuery: true, persistent: true, versions: true });
    await a.close();
    const b = await createBackend({ kind: 'sqlite', path: join(dir, 'py.db'), layout: 'meteaudata' });
    expect(b.capabilities).toMatchObject({ rangeReads: false, streaming: false, persistent: true });
    await b.close();
    const m = await createBackend('sqlite::memory:');
    expect(m.capabilities.persistent).toBe(false);
    await m.close();
    expect(await code(createBackend({ kind: 'sqlite', path: join(dir, 'x.db'), layout: 'parquet' }))).toBe('INVALID_INPUT');
  });

  it('uses WAL on a file', async () => {
    const file = join(dir, 'wal.db');
    const store = await openSqlite(file);
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    await store.close();
  });
});

describe('native schema', () => {
  it('records its schema with knex migrations; a newer database is refused', async () => {
    const file = join(dir, 'schema.db');
    const store = await openSqlite(file);
    await store.close();
    const raw = new Database(file);
    expect(raw.prepare('SELECT version FROM metaseries_schema').pluck().get()).toBe(NATIVE_SCHEMA_VERSION);
    expect(raw.prepare('SELECT name FROM metaseries_migrations ORDER BY id').pluck().all()).toEqual([...MIGRATIONS]);
    raw.prepare('UPDATE metaseries_schema SET version = ?').run(NATIVE_SCHEMA_VERSION + 1);
    raw.close();
    const e = await SqlBackend.open({ kind: 'sqlite', path: file }).catch((x: unknown) => x);
    expect((e as MetaseriesError).code).toBe('UNSUPPORTED');
    expect((e as Error).message).toMatch(/schema version 3.*upgrade the package/);
  });

  it('saves past the SQLite variable limit in chunks, on one transaction', async () => {
    const store = await openSqlite(':memory:');
    const n = 70_001; // 4 columns × 70 001 rows > 32 766 variables
    const s = Series.regular(T0 / 1000, 1_000_000, Float64Array.from({ length: n }, (_, i) => i * 0.5), { tz: 'UTC', freq: 's', name: 'X#1_RAW#1' });
    await store.save('a/X#1/RAW#1', s, meta());
    expect((await store.load('a/X#1/RAW#1')).series.equals(s)).toBe(true);
    const [d] = await store.describe('a/');
    expect(d).toEqual({ key: 'a/X#1/RAW#1', length: n, dtype: 'float64', first: new Date(T0 / 1000), last: new Date(T0 / 1000 + (n - 1) * 1000) });
    await store.close();
  });

  it('pushes range reads down and keeps the zone, frequency and range index', async () => {
    const store = await openSqlite(':memory:');
    const s = Series.regular(T0 / 1000, H, Float64Array.from({ length: 48 }, (_, i) => i), { tz: 'Europe/Paris', freq: 'h', name: 'X#1_RAW#1' });
    await store.save('a/X#1/RAW#1', s, meta());
    const day = (await store.loadRange('a/X#1/RAW#1', { from: (T0 + 24 * H) / 1000, to: new Date((T0 + 47 * H) / 1000) })).series;
    expect(day.length).toBe(24);
    expect((day.index as DatetimeIndex).tz).toBe('Europe/Paris');
    expect((day.index as DatetimeIndex).freqstr).toBe('h');
    expect(day.valueAt(0)).toBe(24);
    const r = new Series({ index: new RangeIndex(10, 40, 3), values: Float64Array.from({ length: 10 }, (_, i) => i) });
    await store.save('a/X#1/R#1', r, meta());
    const part = (await store.loadRange('a/X#1/R#1', { from: 15, to: 30 })).series;
    expect(part.index).toBeInstanceOf(RangeIndex);
    expect(Array.from(part.index.values as Float64Array)).toEqual([16, 19, 22, 25, 28]);
    const empty = (await store.loadRange('a/X#1/R#1', { from: 100 })).series;
    expect(empty.length).toBe(0);
    await store.close();
  });

  it('aggregates exactly like the core query engine, pre-1970 buckets included', async () => {
    const store = await openSqlite(':memory:');
    const start = Date.UTC(1969, 11, 31, 20) * 1000;
    const values = Float64Array.from({ length: 10 }, (_, i) => (i === 3 ? Number.NaN : i * 1.5));
    const s = new Series({ index: new DatetimeIndex(Float64Array.from({ length: 10 }, (_, i) => start + i * H), { tz: 'UTC' }), values, name: 'X#1_RAW#1' });
    await store.save('a/X#1/RAW#1', s, meta());
    for (const fn of ['mean', 'min', 'max', 'sum', 'count', 'first', 'last', 'median'] as const) {
      for (const every of [undefined, '3h', '1D']) {
        for (const range of [undefined, { from: (start + 2 * H) / 1000, to: (start + 7 * H) / 1000 }]) {
          const mine = await store.aggregate('a/X#1/RAW#1', { fn, ...(every ? { every } : {}), ...(range ? { range } : {}) });
          const ref = bucketSeries(range ? s.slice(2, 8) : s, planQuery({ series: [], agg: fn, ...(every ? { every } : {}) }), 'a/X#1/RAW#1');
          expect(Array.from(mine.index.values as Float64Array), `${fn} every=${every} range=${Boolean(range)}`).toEqual(Array.from(ref.labels));
          expect(Array.from(mine.values as Float64Array)).toEqual(Array.from(ref.columns[0]!));
        }
      }
    }
    await store.close();
  });

  it('a stream pins one version: a key replaced meanwhile neither ends it early nor mixes versions', async () => {
    const store = await openSqlite(':memory:');
    const s = Series.regular(T0 / 1000, 1_000_000, new Float64Array(1000).fill(1), { tz: 'UTC', name: 'X#1_RAW#1' });
    await store.save('a/X#1/RAW#1', s, meta());
    const chunks: Series[] = [];
    const run = async (): Promise<void> => {
      for await (const chunk of store.stream('a/X#1/RAW#1', { chunkSize: 100 })) {
        chunks.push(chunk);
        if (chunks.length === 2) await store.save('a/X#1/RAW#1', s.withValues(new Float64Array(1000).fill(2)), meta());
      }
    };
    await run();
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(1000);
    expect(chunks.every((c) => (c.values as Float64Array).every((v) => v === 1))).toBe(true);
    expect(((await store.load('a/X#1/RAW#1')).series.values as Float64Array)[0]).toBe(2);
    await store.close();
  });

  it('keys with quotes, ;, %, _, backslash-free unicode are parameters, never SQL', async () => {
    const store = await openSqlite(':memory:');
    const s = Series.regular(T0 / 1000, H, Float64Array.from([1, 2]), { tz: 'UTC' });
    const keys = ["x/'; DROP TABLE metaseries_points; --/RAW#1", 'x/100%/RAW#1', 'x/a_b/RAW#1', 'x/abb/RAW#1', 'x/日本語 🌊/RAW#1'];
    for (const k of keys) await store.save(k, s, meta(k));
    expect(await store.listKeys('x/')).toEqual([...keys].sort());
    expect(await store.listKeys('x/a_')).toEqual(['x/a_b/RAW#1']);
    expect(await store.listKeys('x/100%')).toEqual(['x/100%/RAW#1']);
    expect(await store.listKeys('x/日本語')).toEqual(['x/日本語 🌊/RAW#1']);
    for (const k of keys) expect((await store.loadMetadata(k)).metadata_id).toBe(k);
    await store.close();
  });
});

describe('meteaudata layout', () => {
  it('writes Python SQLAdapter rows exactly: pandas text keys, REAL values, metadata row', async () => {
    const file = join(dir, 'py-layout.db');
    const store = await openSqlite(file, { layout: 'meteaudata' });
    const naive = new Series({ index: new DatetimeIndex(Float64Array.from([T0, T0 + H]), { freq: 'h' }), values: Float64Array.from([1.5, Number.NaN]), name: 'A#1_RAW#1' });
    const zoned = new Series({ index: new DatetimeIndex(Float64Array.from([T0, T0 + 500_000]), { tz: 'UTC' }), values: Uint8Array.from([1, 0]), name: 'A#1_FLAG#1', dtype: 'bool' });
    const floats = new Series({ index: new NumericIndex(Float64Array.from([1, 0.5, 1e-5]), 'float64'), values: Float64Array.from([1, 2, 3]), name: null });
    await store.save('d/A#1/RAW#1', naive, meta('n', { nan_param: Number.NaN }));
    await store.save('d/A#1/FLAG#1', zoned, meta('z', { values_dtype: 'bool' }));
    await store.save('d/A#1/NORM#1', floats, meta('f'));
    await store.close();
    const raw = new Database(file, { readonly: true });
    const rows = (key: string): unknown[] => raw.prepare('SELECT idx, index_value, value FROM time_series_data WHERE key = ? ORDER BY idx').raw().all(key);
    expect(rows('d/A#1/RAW#1')).toEqual([[0, '2024-01-01 00:00:00', 1.5], [1, '2024-01-01 01:00:00', null]]);
    expect(rows('d/A#1/FLAG#1')).toEqual([[0, '2024-01-01 00:00:00.000000+00:00', 1], [1, '2024-01-01 00:00:00.500000+00:00', 0]]);
    expect(rows('d/A#1/NORM#1').map((r) => (r as unknown[])[1])).toEqual(['1.0', '0.5', '1e-05']);
    const m = raw.prepare('SELECT metadata_json, series_name, length, dtype FROM time_series_metadata WHERE key = ?').get('d/A#1/RAW#1') as Record<string, unknown>;
    expect(m.series_name).toBe('A#1_RAW#1');
    expect(m.length).toBe(2);
    expect(m.dtype).toBe('float64');
    expect(String(m.metadata_json)).toContain('"nan_param":NaN');
    expect(JSON.parse(String(m.metadata_json).replace('NaN', 'null')).index_metadata).toMatchObject({ type: 'DatetimeIndex', frequency: 'h', dtype: 'datetime64[ns]' });
    expect((raw.prepare('SELECT series_name FROM time_series_metadata WHERE key = ?').get('d/A#1/NORM#1') as Record<string, unknown>).series_name).toBeNull();
    const sql = (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'time_series_data'").pluck().get() as string);
    expect(sql).toContain('key TEXT NOT NULL, idx INTEGER NOT NULL, index_value TEXT NOT NULL, value REAL, PRIMARY KEY (key, idx)');
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'idx_key'").pluck().get()).toBe('idx_key');
    raw.close();
    const again = await openSqlite(file, { layout: 'meteaudata' });
    const back = await again.load('d/A#1/FLAG#1');
    expect(back.series.equals(zoned)).toBe(true);
    expect(Number.isNaN((await again.loadMetadata('d/A#1/RAW#1')).nan_param as number)).toBe(true);
    await again.close();
  });

  it('refuses text values with UNSUPPORTED naming the layout, before anything is written', async () => {
    const store = await openSqlite(':memory:', { layout: 'meteaudata' });
    const s = new Series({ index: new DatetimeIndex(Float64Array.from([T0])), values: Float64Array.from([1]), name: 'A#1_RAW#1' });
    await store.save('d/A#1/RAW#1', s, meta('old'));
    const text = new Series({ index: new DatetimeIndex(Float64Array.from([T0, T0 + H])), values: ['a', 'b'], name: 'A#1_RAW#1', dtype: 'object' });
    const e = await store.save('d/A#1/RAW#1', text, meta('new')).catch((x: unknown) => x as MetaseriesError);
    expect(e).toBeInstanceOf(MetaseriesError);
    expect((e as MetaseriesError).code).toBe('UNSUPPORTED');
    expect((e as Error).message).toMatch(/meteaudata SQL layout/);
    const back = await store.load('d/A#1/RAW#1');
    expect(back.metadata.metadata_id).toBe('old');
    expect(back.series.equals(s)).toBe(true);
    await store.close();
  });

  it('append/update/deleteRange use the core fallback; versions, asOf, snapshots and prune are UNSUPPORTED', async () => {
    const store = await openSqlite(':memory:', { layout: 'meteaudata' });
    const s = Series.regular(T0 / 1000, H, Float64Array.from([1, 2, 3]), { tz: 'UTC', name: 'A#1_RAW#1' });
    await store.save('d/A#1/RAW#1', s, meta('m'));
    await store.append('d/A#1/RAW#1', Series.regular(T0 / 1000 + 3 * H / 1000, H, Float64Array.from([4]), { tz: 'UTC', name: 'A#1_RAW#1' }));
    expect(Array.from((await store.load('d/A#1/RAW#1')).series.values as Float64Array)).toEqual([1, 2, 3, 4]);
    expect(await code(store.append('d/A#1/RAW#1', s))).toBe('INVALID_INPUT');
    expect(await code(store.versions('d/A#1/RAW#1'))).toBe('UNSUPPORTED');
    expect(await code(store.load('d/A#1/RAW#1', { asOf: 1 }))).toBe('UNSUPPORTED');
    expect(await code(store.snapshot('s'))).toBe('UNSUPPORTED');
    expect(await code(store.prune())).toBe('UNSUPPORTED');
    await store.close();
  });
});
