/**
 * A native layout v1 database (one row per point), made by the pre-v2 code
 * (scripts/make-sql-v1-fixture.mjs, committed with its expected read-back), is migrated
 * on open to layout v2: every series and its metadata read back exactly as v1 read
 * them, as version 1 stamped with the v1 save time; one log line says so; the v1 tables
 * are gone; a failure mid-migration leaves the v1 database untouched.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { MetaseriesError, Series, type Storage } from '@metaseries/core';
import { NATIVE_SCHEMA_VERSION, openSqlite } from '@metaseries/storage-sql';
import { afterAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(HERE, '../../../test/fixtures/sql/native-v1.db');
const EXPECTED = JSON.parse(readFileSync(join(HERE, '../../../test/fixtures/sql/native-v1.expected.json'), 'utf8')) as Record<string, {
  name: string | null; dtype: string; indexKind: string; indexName: string | null; tz: string | null; freq: string | null;
  keys: string[]; values: (string | null)[]; metadata: Record<string, unknown>;
}>;
const dir = mkdtempSync(join(tmpdir(), 'metaseries-sql-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (v: unknown): unknown => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v);

async function expectAsV1(store: Storage): Promise<void> {
  expect(await store.listKeys()).toEqual(Object.keys(EXPECTED).sort());
  for (const [key, want] of Object.entries(EXPECTED)) {
    const { series, metadata } = await store.load(key);
    const index = series.index;
    expect({ name: series.name, dtype: series.dtype, indexKind: index.kind, indexName: index.name }, key).toEqual({ name: want.name, dtype: want.dtype, indexKind: want.indexKind, indexName: want.indexName });
    if (index.kind === 'datetime') expect([index.tz, index.freqstr], key).toEqual([want.tz, want.freq]);
    expect(Array.from(index.values as ArrayLike<unknown>, text), key).toEqual(want.keys);
    expect(Array.from(series.values as ArrayLike<unknown>, text), key).toEqual(want.values);
    expect(metadata, key).toEqual(want.metadata);
  }
}

describe('native layout v1 → v2 migration on open', () => {
  it('migrates every series exactly, logs one line, drops the v1 tables and records schema version 2', async () => {
    const file = join(dir, 'v1.db');
    copyFileSync(FIXTURE, file);
    const lines: string[] = [];
    const store = await openSqlite(file, { log: (l) => lines.push(l) });
    try {
      expect(lines[0]).toMatch(/migrating .*v1\.db from native layout v1 .* to v2 .*: 7 series/);
      await expectAsV1(store);
      const versions = await store.versions('plant/PH#1/PH#1_RAW#1');
      expect(versions.map((v) => [v.version, v.operation, v.length])).toEqual([[1, 'save', 4]]);
      // Stamped with the v1 save time, not the migration's.
      expect(versions[0]!.createdAt.getTime()).toBeLessThan(Date.parse('2026-11-25T22:36:00Z'));
    } finally {
      await store.close();
    }
    const raw = new Database(file, { readonly: true });
    const tables = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).not.toContain('metaseries_points');
    expect(tables).not.toContain('metaseries_series');
    expect(raw.prepare('SELECT version FROM metaseries_schema').pluck().get()).toBe(NATIVE_SCHEMA_VERSION);
    raw.close();
    const lines2: string[] = [];
    const again = await openSqlite(file, { log: (l) => lines2.push(l) });
    await expectAsV1(again);
    try {
        // And it is a working v2 store: append a point, read the pre-append version.
        const cod = 'plant/COD#1/COD#1_SMOOTH#1';
        const before = (await again.load(cod)).series;
        await again.append(cod, Series.regular(Date.UTC(2024, 0, 1, 0, 16, 40), 1_000_000, Float64Array.from([7]), { name: 'COD#1_SMOOTH#1', tz: 'UTC', freq: 's' }));
        expect((await again.load(cod)).series.length).toBe(1001);
        expect((await again.load(cod, { asOf: 1 })).series.equals(before)).toBe(true);
    } finally {
      await again.close();
    }
    expect(lines2).toEqual([]);
  });

  it('a series that fails mid-migration rolls the whole migration back: the v1 database is unchanged', async () => {
    const file = join(dir, 'v1-bad.db');
    copyFileSync(FIXTURE, file);
    const raw = new Database(file);
    raw.prepare(`UPDATE metaseries_series SET index_json = '{broken' WHERE key = 'lab/N#1/N#1_RAW#1'`).run();
    raw.close();
    const e = await openSqlite(file, { log: () => undefined }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MetaseriesError);
    expect((e as MetaseriesError).code).toBe('CORRUPT_DATA');
    expect((e as Error).message).toMatch(/lab\/N#1\/N#1_RAW#1/);
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM metaseries_points').pluck().get()).toBe(1022);
    expect(check.prepare('SELECT version FROM metaseries_schema').pluck().get()).toBe(1);
    expect(check.prepare('SELECT count(*) FROM metaseries_heads').pluck().get()).toBe(0);
    check.close();
  });
});
