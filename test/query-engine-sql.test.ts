/**
 * `query` pushed down to the SQL meteaudata layout (Python SQLAdapter's rows, timestamps
 * as pandas text): SQLite and PostgreSQL group the rows into pandas' bins and reduce
 * count/min/max/first/last. Checked against the JS engine over the same stored points
 * (Object.is per value) on random data — NaN, ±Inf, -0, repeated timestamps, zones with
 * DST days, fixed and calendar widths — and that the engine really answered.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import {
  DatetimeIndex, IndexMetadata, MetaseriesError, Series, type QueryAgg, type QueryOptions, type SeriesMetadata, type Storage,
} from '@metaseries/core';
import {
  bucketSeries, planQuery, sliceByKeyRange, storedRange,
} from '@metaseries/core/backend-kit';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresAvailable, SKIP_POSTGRES_REASON, startPostgres } from './support/postgres.js';
import { tempDir } from './support/tmp.js';

const H = 3_600_000_000;
const PUSHED: QueryAgg[] = ['count', 'min', 'max', 'first', 'last'];

function meta(s: Series, dtype = 'float64'): SeriesMetadata {
  return { processing_steps: [], index_metadata: IndexMetadata.fromIndex(s.index).toDict(), values_dtype: dtype, metadata_id: null, created_on: '2024-03-01T00:00:00' };
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

/** The JS engine over the points as stored (SQLite's REAL keeps -0 as 0: what a load gives is the reference). */
async function jsAnswer(store: Storage, key: string, options: QueryOptions, tz: string | null): Promise<{ labels: Float64Array; columns: Float64Array[] }> {
  const { series } = await store.load(key);
  const range = storedRange(options.range, tz);
  return bucketSeries(range ? sliceByKeyRange(series, range) : series, planQuery(options), key);
}

/** `pushed`: the engine must answer (rows out of order inside one granule may be left to JS instead). */
async function expectSameAsJs(store: Storage, key: string, options: QueryOptions, tz: string | null, pushed = true): Promise<void> {
  const result = await store.query(options);
  if (pushed) expect(result.sources[key]).toBe('engine');
  const want = await jsAnswer(store, key, options, tz);
  expect(same(result.times, Array.from(want.labels, (us) => us / 1000)), 'labels').toBe(true);
  planQuery(options).aggs.forEach((agg, a) => {
    const got = result.column(`${key}:${agg.label}`).values;
    if (!same(got, want.columns[a]!)) expect(Array.from(got), `${agg.label}`).toEqual(Array.from(want.columns[a]!));
  });
}

interface Target {
  name: string;
  open(): Promise<Storage>;
  /** Run a statement on the database behind the store (to damage rows as another writer could). */
  exec(sql: string): Promise<void>;
}

const dir = tempDir('metaseries-query-engine-sql-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sqliteFile = join(dir, 'python-layout.db');

const targets: Target[] = [{
  name: 'sqlite file',
  open: () => openSqlite(sqliteFile, { layout: 'meteaudata' }),
  exec: async (sql) => {
    const db = new Database(sqliteFile);
    try { db.exec(sql); } finally { db.close(); }
  },
}];

let server: PostgresServer | undefined;
let pgUrl: Promise<string> | undefined;
const pgOk = postgresAvailable();
if (!pgOk) describe.skip(SKIP_POSTGRES_REASON, () => it('postgres', () => undefined));
else {
  const url = (): Promise<string> => (pgUrl ??= startPostgres().then((s) => { server = s; return s.createDatabase('engine_sql'); }));
  beforeAll(async () => { await url(); }, 60_000);
  afterAll(async () => { await server?.stop(); });
  targets.push({
    name: 'postgres',
    open: async () => openPostgres(await url(), { layout: 'meteaudata' }),
    exec: async (sql) => {
      const client = new pg.Client({ connectionString: await url() });
      await client.connect();
      try { await client.query(sql); } finally { await client.end(); }
    },
  });
}

for (const target of targets) {
  describe(`query pushdown on the meteaudata layout: ${target.name}`, () => {
    let store: Storage;
    beforeAll(async () => { store = await target.open(); }, 60_000);
    afterAll(async () => { await store?.close(); });

    it('answers count/min/max/first/last in the engine, identical to the JS engine (property)', async () => {
      const zones = [null, 'UTC', 'Europe/Zurich', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'] as const;
      const value = fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
        { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) },
        { weight: 2, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0) },
      );
      const arb = fc.record({
        // Around spring-forward and fall-back days in Europe, the US and Lord Howe, and a month end.
        start: fc.constantFrom(Date.UTC(2024, 2, 9), Date.UTC(2024, 2, 30, 20), Date.UTC(2024, 9, 26, 13), Date.UTC(2024, 3, 6, 10), Date.UTC(2024, 0, 31, 22)),
        points: fc.array(fc.record({ step: fc.constantFrom(0, 1, 7, 30, 60, 180, 600, 1440, 4320), sub: fc.constantFrom(0, 0, 0.5, 0.000_001), value }), { maxLength: 200, size: 'max' }),
        tz: fc.constantFrom(...zones),
        queryTz: fc.constantFrom(...zones),
        every: fc.constantFrom('7min', '1h', '3h', '1D', '2D', '1W', 'W-MON', '1MS', 'ME', 'QS', null),
        aggs: fc.subarray(PUSHED, { minLength: 1 }),
        range: fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))),
        // Swaps of stored positions: rows out of time order (queried without a range; with one the JS path refuses them).
        swaps: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
      });
      let run = 0;
      await fc.assert(fc.asyncProperty(arb, async (c) => {
        const key = `engine/X#1/RAW#${run++}`;
        let t = c.start * 1000;
        // Repeated timestamps (step 0) and sub-second keys (six fraction digits in the text).
        const times = c.points.map((p) => (t += p.step * 60_000_000) + Math.round(p.sub * 1e6));
        for (let i = 1; i < times.length; i++) times[i] = Math.max(times[i]!, times[i - 1]!);
        if (!c.range && times.length > 1) {
          for (const [a, b] of c.swaps) {
            const i = a % times.length, j = b % times.length;
            [times[i], times[j]] = [times[j]!, times[i]!];
          }
        }
        const s = new Series({ index: new DatetimeIndex(Float64Array.from(times), { tz: c.tz }), values: Float64Array.from(c.points, (p) => p.value), name: 'X#1_RAW#1' });
        await store.save(key, s, meta(s));
        const span = times.length ? Math.max(...times) / 1000 - c.start : 0;
        const range = c.range ? { from: Math.round(c.start + Math.min(...c.range) * span), to: Math.round(c.start + Math.max(...c.range) * span) + 1 } : undefined;
        const sorted = times.every((x, i) => i === 0 || x >= times[i - 1]!);
        await expectSameAsJs(store, key, { series: [key], agg: c.aggs, ...(c.every ? { every: c.every } : {}), ...(c.queryTz ? { tz: c.queryTz } : {}), ...(range ? { range } : {}) }, c.tz, sorted);
      }), { numRuns: 60 });
    }, 120_000);

    it('puts each row in its pandas bucket: the 23-hour day in Zurich, a week ending Sunday, a month start (regression)', async () => {
      // Hourly points from 2024-03-30 00:00 to 2024-04-01 23:00 Zurich time; 2024-03-31 has 23 hours.
      const start = Date.UTC(2024, 2, 29, 23) * 1000; // 2024-03-30 00:00+01:00
      const n = 24 + 23 + 24;
      const s = new Series({ index: new DatetimeIndex(Float64Array.from({ length: n }, (_, i) => start + i * H), { tz: 'Europe/Zurich' }), values: Float64Array.from({ length: n }, (_, i) => i), name: 'X#1_RAW#1' });
      const key = 'engine/DST#1/RAW#1';
      await store.save(key, s, meta(s));
      const daily = await store.query({ series: [key], every: '1D', agg: ['count', 'min', 'max', 'first', 'last'] });
      expect(daily.sources[key]).toBe('engine');
      expect(daily.toRecords().map((r) => r.time)).toEqual(['2024-03-30 00:00:00+01:00', '2024-03-31 00:00:00+01:00', '2024-04-01 00:00:00+02:00']);
      expect(Array.from(daily.column(`${key}:count`).values)).toEqual([24, 23, 24]);
      expect(Array.from(daily.column(`${key}:min`).values)).toEqual([0, 24, 47]);
      expect(Array.from(daily.column(`${key}:last`).values)).toEqual([23, 46, 70]);
      // Weeks end on Sunday, right-closed and right-labelled: Sat+Sun, then Mon.
      const weekly = await store.query({ series: [key], every: '1W', agg: ['count', 'first'] });
      expect(weekly.sources[key]).toBe('engine');
      expect(Array.from(weekly.column(`${key}:count`).values)).toEqual([47, 24]);
      expect(Array.from(weekly.column(`${key}:first`).values)).toEqual([0, 47]);
      const monthly = await store.query({ series: [key], every: '1MS', agg: ['count', 'max'] });
      expect(Array.from(monthly.column(`${key}:count`).values)).toEqual([47, 24]);
      expect(Array.from(monthly.column(`${key}:max`).values)).toEqual([46, 70]);
      // In New York (EDT, 5 h behind Zurich's CET on the first day) the same instants fall on other local days.
      const ny = await store.query({ series: [key], every: '1D', tz: 'America/New_York', agg: ['count'] });
      expect(ny.sources[key]).toBe('engine');
      expect(Array.from(ny.column(`${key}:count`).values)).toEqual([5, 24, 24, 18]);
    });

    it('keeps the first of equal extremes, so -0 and 0 come out as the JS engine keeps them', async () => {
      const key = 'engine/ZERO#1/RAW#1';
      const t0 = Date.UTC(2024, 0, 1) * 1000;
      const s = new Series({ index: new DatetimeIndex(Float64Array.from([0, 1, 2, 3, 4, 5], (i) => t0 + i * H), { tz: 'UTC' }), values: Float64Array.of(-0, 0, 5, 0, -0, -5), name: 'X#1_RAW#1' });
      await store.save(key, s, meta(s));
      await expectSameAsJs(store, key, { series: [key], every: '3h', agg: ['min', 'max', 'first', 'last'] }, 'UTC');
      if (target.name === 'postgres') {
        // PostgreSQL keeps the sign: bucket 1 is [0, -0, -5] → max is the first zero, +0; bucket 0 [-0, 0, 5] → min -0.
        const r = await store.query({ series: [key], every: '3h', agg: ['min', 'max'] });
        expect(Object.is(r.column(`${key}:min`).values[0], -0)).toBe(true);
        expect(Object.is(r.column(`${key}:max`).values[1], 0)).toBe(true);
      }
    });

    it('leaves to the JS engine what it cannot answer exactly: sums, means, percentiles, non-time indexes, booleans', async () => {
      const key = 'engine/JS#1/RAW#1';
      const s = new Series({ index: new DatetimeIndex(Float64Array.from([0, 1, 2], (i) => 1_700_000_000_000_000 + i * H), { tz: null }), values: Float64Array.of(0.1, 0.2, 0.3), name: 'X#1_RAW#1' });
      await store.save(key, s, meta(s));
      for (const agg of ['sum', 'mean', 'p95', 'median', 'std'] as QueryAgg[]) {
        const r = await store.query({ series: [key], every: '1h', agg: ['max', agg] });
        expect(r.sources[key], agg).toBe('js');
      }
      const numbered = Series.fromValues(Float64Array.of(1, 2, 3), { name: 'X#1_RAW#1' });
      await store.save('engine/NUM#1/RAW#1', numbered, meta(numbered));
      expect((await store.query({ series: ['engine/NUM#1/RAW#1'], agg: 'max' })).sources['engine/NUM#1/RAW#1']).toBe('js');
    });

    it('damaged or unsorted rows: the same answer or the same error as the JS path', async () => {
      const key = 'engine/BAD#1/RAW#1';
      const t0 = Date.UTC(2024, 0, 1) * 1000;
      const s = new Series({ index: new DatetimeIndex(Float64Array.from([0, 1, 2, 3], (i) => t0 + i * H), { tz: 'UTC' }), values: Float64Array.of(1, 2, 3, 4), name: 'X#1_RAW#1' });
      await store.save(key, s, meta(s));
      // Rows out of time order (as a Python writer can leave them): reduced in time order, as the JS path sorts them.
      await target.exec(`UPDATE time_series_data SET index_value = '2024-01-01 05:00:00+00:00' WHERE key = '${key}' AND idx = 1`);
      await expectSameAsJs(store, key, { series: [key], every: '1h', agg: ['first', 'last', 'count', 'min'] }, 'UTC');
      await expectSameAsJs(store, key, { series: [key], every: '1D', agg: ['first', 'last'] }, 'UTC');
      const unsorted = await store.query({ series: [key], every: '1h', agg: ['first', 'count'] });
      expect(Array.from(unsorted.column(`${key}:first`).values)).toEqual([1, Number.NaN, 3, 4, Number.NaN, 2]);
      // A range over unsorted rows is refused by the JS path (range reads need a sorted index): the same error here.
      const range = { from: '2024-01-01T00:00:00Z', to: '2024-01-01T03:00:00Z' };
      const rangeError = await store.loadRange(key, range).then(() => null, (e: unknown) => e as MetaseriesError);
      const queryRangeError = await store.query({ series: [key], every: '1h', agg: 'max', range }).then(() => null, (e: unknown) => e as MetaseriesError);
      expect(rangeError?.code).toBe('INVALID_INPUT');
      expect(queryRangeError?.code).toBe('INVALID_INPUT');
      // Text we do not parse in the engine: the JS path answers, or fails as a load does (CORRUPT_DATA naming the key).
      const texts = ['not a time', '2024-02-30 00:00:00+00:00', '2024-01-01 24:00:00+00:00', '2024-01-01 00:59:60+00:00',
        '2024-01-01T01:00:00+00:00', '2024-01-01 01:00:00', '2024-01-01 01:00:00.5+00:00', '2024-01-01 01:00:00.000000001+00:00', '2024-01-01 0a:00:00+00:00'];
      for (const text of texts) {
        await target.exec(`UPDATE time_series_data SET index_value = '${text}' WHERE key = '${key}' AND idx = 1`);
        const loadError = await store.load(key).then(() => null, (e: unknown) => e as MetaseriesError);
        const options: QueryOptions = { series: [key], every: '1h', agg: ['max', 'first'] };
        if (loadError) {
          const queryError = await store.query(options).then(() => null, (e: unknown) => e as MetaseriesError);
          expect(queryError, text).toBeInstanceOf(MetaseriesError);
          expect(queryError!.code, text).toBe(loadError.code);
        } else {
          const result = await store.query(options);
          expect(result.sources[key], text).toBe('js');
          await expectSameAsJs(store, key, options, 'UTC', false);
        }
      }
      expect((await store.load(key).catch((e: unknown) => e)) instanceof MetaseriesError).toBe(true);
    });
  });
}

if (pgOk) {
  describe('query pushdown on a stopped PostgreSQL server', () => {
    it('fails as every other read does (BACKEND_UNAVAILABLE), and answers again once the server is back', async () => {
      const url = await pgUrl!;
      const store = await openPostgres(url, { layout: 'meteaudata' });
      const key = 'engine/STOP#1/RAW#1';
      const s = Series.regular('2024-01-01', 60_000_000, Float64Array.of(1, 2, 3), { name: 'X#1_RAW#1', tz: 'UTC', freq: 'min' });
      try {
        await store.save(key, s, meta(s));
        await server!.kill('immediate');
        const loadError = await store.load(key).then(() => null, (e: unknown) => e as MetaseriesError);
        const queryError = await store.query({ series: [key], every: '1h', agg: 'max' }).then(() => null, (e: unknown) => e as MetaseriesError);
        expect(loadError?.code).toBe('BACKEND_UNAVAILABLE');
        expect(queryError?.code).toBe('BACKEND_UNAVAILABLE');
        await server!.restart();
        const again = await store.query({ series: [key], every: '1h', agg: 'max' });
        expect(again.sources[key]).toBe('engine');
        expect(Array.from(again.column(`${key}:max`).values)).toEqual([3]);
      } finally {
        await store.close();
      }
    }, 60_000);
  });
}
