/**
 * Queries over segment stores: every aggregation streams segment by segment, and buckets
 * holding whole segments take count, min, max, first and last from the statistics stored
 * beside each segment, without decoding it. Checked against the JS engine (Object.is per
 * value) on random series, and by counting the segments a real driver is asked to read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  DatetimeIndex, IndexMetadata, Series, Storage, type QueryOptions, type SegmentDriver, type SeriesMetadata,
} from '@metaseries/core';
import {
  storedRange,
} from '@metaseries/core/backend-kit';
import {
  aggregateSeries, bucketSeries, FileSegmentDriver, MemoryDriver, planQuery, SegmentStore, sliceByKeyRange,
} from '@metaseries/core/backend-kit';
import { parquetSegmentFormat } from '@metaseries/storage-parquet';
import { openSqlSegmentDriver } from '@metaseries/storage-sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/tmp.js';

const MIN = 60_000_000;
const H = 60 * MIN;

function meta(s: Series): SeriesMetadata {
  return { processing_steps: [], index_metadata: IndexMetadata.fromIndex(s.index).toDict(), values_dtype: 'float64', metadata_id: null, created_on: '2024-03-01T00:00:00' };
}

/**
 * A real driver whose segment reads are counted (ids asked for), nothing else changed.
 * Every driver method that reads segments (`readSegments`, and any other `readSegment…`
 * fast path a driver adds) takes `(key, refs, …)`, so all of them are counted.
 */
function counting<D extends SegmentDriver>(driver: D): { driver: D; reads: string[] } {
  const reads: string[] = [];
  const proxy = new Proxy(driver, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      const method = (v as (...a: unknown[]) => unknown).bind(target);
      if (typeof prop !== 'string' || !prop.startsWith('readSegment')) return method;
      return (...args: unknown[]) => {
        reads.push(...(args[1] as ReadonlyArray<{ id: string }>).map((r) => r.id));
        return method(...args);
      };
    },
  });
  return { driver: proxy, reads };
}

/** What the JS path computes: the range read from the series in memory, then `bucketSeries`. */
function expected(series: Series, options: QueryOptions): { labels: Float64Array; columns: Float64Array[] } {
  const plan = planQuery(options);
  const range = storedRange(options.range, (series.index as DatetimeIndex).tz);
  const b = bucketSeries(range ? sliceByKeyRange(series, range) : series, plan, options.series[0]!);
  return { labels: b.labels, columns: b.columns };
}

function expectIdentical(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${label}[${i}]: got ${Object.is(got[i], -0) ? '-0' : got[i]}, want ${Object.is(want[i], -0) ? '-0' : want[i]}`);
  }
}

async function check(store: Storage, key: string, series: Series, options: QueryOptions): Promise<string> {
  const result = await store.query(options);
  const want = expected(series, options);
  expectIdentical(result.times, want.labels.map((us) => us / 1000), 'labels');
  planQuery(options).aggs.forEach((agg, a) => expectIdentical(result.column(`${key}:${agg.label}`).values, want.columns[a]!, agg.label));
  return result.sources[key]!;
}

const STAT_AGGS = ['count', 'min', 'max', 'first', 'last'] as const;

/** Hourly-aligned 1-minute points, 60 per segment: 24 whole segments in a day, one per hour. */
function day(values?: (i: number) => number): Series {
  const t0 = Date.UTC(2024, 2, 1) * 1000;
  return new Series({
    index: new DatetimeIndex(Float64Array.from({ length: 1440 }, (_, i) => t0 + i * MIN), { tz: 'UTC' }),
    values: Float64Array.from({ length: 1440 }, (_, i) => (values ? values(i) : Math.sin(i / 50) * 10 + 0.5)),
    name: 'X#1_RAW#1',
  });
}

const dir = tempDir('metaseries-pushdown-');
const drivers: Array<[string, () => Promise<SegmentDriver>]> = [
  ['memory', async () => new MemoryDriver()],
  ['sqlite file', async () => openSqlSegmentDriver({ kind: 'sqlite', path: join(dir, 'q.db') }, async () => undefined)],
  // Segment files: worker threads read and decode them with the format's own decoder.
  ['parquet folder', async () => FileSegmentDriver.open('parquet', join(dir, 'parquet'), parquetSegmentFormat, { create: true })],
];

for (const [label, open] of drivers) {
  describe(`query from segment statistics (${label} driver)`, () => {
    let raw: SegmentDriver;
    beforeAll(async () => { raw = await open(); });
    afterAll(async () => { await raw.close(); });

    it('buckets holding whole segments decode nothing; the range cuts decode only the two edge segments', async () => {
      await raw.clear();
      const { driver, reads } = counting(raw);
      const store = new Storage(new SegmentStore(driver, { segmentSize: 60 }));
      const key = 'p/X#1/RAW#1', s = day();
      await store.save(key, s, meta(s));
      reads.length = 0;
      for (const every of ['1h', '2h', '1D', undefined]) {
        const source = await check(store, key, s, { series: [key], agg: [...STAT_AGGS], ...(every ? { every } : {}) });
        expect(source, `every ${every}`).toBe('statistics');
      }
      expect(reads).toEqual([]);
      // 00:30 → 05:30: the 00:00 and 05:00 segments are cut by the range, the four between are whole.
      const range = { from: Date.UTC(2024, 2, 1, 0, 30), to: Date.UTC(2024, 2, 1, 5, 30) };
      expect(await check(store, key, s, { series: [key], agg: [...STAT_AGGS], every: '1h', range })).toBe('statistics');
      expect(reads.length).toBe(2);
      // 90-minute buckets cut every other hour's segment in half: those (8 of 24) and only those are decoded.
      reads.length = 0;
      expect(await check(store, key, s, { series: [key], agg: ['max', 'count'], every: '90min' })).toBe('statistics');
      expect(reads.length).toBe(8);
      // aggregate (the one-series form of query) takes the same path: a summary over 1440 points reads nothing.
      reads.length = 0;
      for (const fn of STAT_AGGS) {
        const got = await store.aggregate(key, { fn });
        expect(got.equals(aggregateSeries(s, { fn }, key)), fn).toBe(true);
        const inRange = await store.aggregate(key, { fn, every: '1h', range: { from: new Date(s.index.values[30]! / 1000), to: new Date(s.index.values[330]! / 1000) } });
        expect(inRange.equals(aggregateSeries(s.slice(30, 331), { fn, every: '1h' }, key)), `${fn} in range`).toBe(true);
      }
      expect(reads.length).toBe(2 * STAT_AGGS.length);
      // mean needs the points (pandas' Kahan sum is not a sum of partial sums): read in JS.
      reads.length = 0;
      expect(await check(store, key, s, { series: [key], agg: ['mean', 'max'], every: '1h' })).toBe('js');
      expect(reads.length).toBe(24);
    });

    it('streams sums across segments with the kernel state of one pass (Kahan compensation, Welford, gathered quantiles)', async () => {
      await raw.clear();
      // One point per segment (three for files): every bucket spans many segments. Ten 0.1 sum to exactly 1 with
      // pandas' compensated sum (0.9999999999999999 without it).
      const store = new Storage(new SegmentStore(raw, { segmentSize: label === 'parquet folder' ? 3 : 1 }));
      const key = 'p/X#1/RAW#1', s = day((i) => (i % 3 === 2 ? Number.NaN : 0.1 + (i % 7) / 10));
      await store.save(key, s, meta(s));
      expect(await check(store, key, s, { series: [key], agg: ['sum', 'mean', 'std', 'var', 'median', 'p95', 'count', 'max'], every: '1h' })).toBe('js');
      const tenths = day(() => 0.1).slice(0, 10);
      await store.save(key, tenths, meta(tenths));
      const got = await store.query({ series: [key], agg: ['sum', 'mean'], every: '1h' });
      expect(got.column(`${key}:sum`).values[0]).toBe(1);
      expect(got.column(`${key}:mean`).values[0]).toBe(0.1);
    });

    it('a damaged segment decoded on a worker thread is CORRUPT_DATA naming it; partial results answer the other series', async () => {
      if (label !== 'parquet folder') return; // a file is the segment that can be damaged from outside
      await raw.clear();
      const store = new Storage(new SegmentStore(raw, { segmentSize: 60, queryThreads: 1, minPointsPerThread: 1 }));
      const s = day();
      await store.save('p/X#1/RAW#1', s, meta(s));
      await store.save('p/Y#1/RAW#1', s, meta(s));
      const [record] = await raw.listVersions('p/X#1/RAW#1');
      const victim = record!.segments[20]!;
      const { paths } = raw.segmentFiles!('p/X#1/RAW#1', [victim])!;
      writeFileSync(paths[0]!, 'not parquet');
      const options = { series: ['p/X#1/RAW#1', 'p/Y#1/RAW#1'], every: '1h', agg: ['mean'] } as const;
      await expect(store.query(options)).rejects.toMatchObject({ code: 'CORRUPT_DATA', message: expect.stringContaining(victim.id) });
      const partial = await store.query({ ...options, partial: true });
      expect(partial.errors.map((e) => [e.key, e.code])).toEqual([['p/X#1/RAW#1', 'CORRUPT_DATA']]);
      expect(partial.column('p/Y#1/RAW#1:mean').values.length).toBe(24);
    });

    it('decodes a segment whose stored statistics cannot stand for its points (leading NaN, ±Infinity, zero)', async () => {
      await raw.clear();
      const { driver, reads } = counting(raw);
      const store = new Storage(new SegmentStore(driver, { segmentSize: 60 }));
      const key = 'p/X#1/RAW#1';
      // Hour 1 starts with NaN, hour 2 holds +Infinity, hour 3 a -0 minimum, hour 4 is all NaN.
      const s = day((i) => (i === 60 ? Number.NaN : i === 150 ? Infinity : i === 200 ? -0 : i >= 240 && i < 300 ? Number.NaN : 1 + (i % 7)));
      await store.save(key, s, meta(s));
      reads.length = 0;
      expect(await check(store, key, s, { series: [key], agg: ['count'], every: '1h' })).toBe('statistics');
      expect(reads.length).toBe(0);
      expect(await check(store, key, s, { series: [key], agg: ['first', 'max', 'min', 'last'], every: '1D' })).toBe('statistics');
      // hour 1 (first value unknown), hour 2 (max is +Infinity, stored as null), hour 3 (min 0: maybe -0).
      expect(reads.length).toBe(3);
    });

    it('equals the JS engine on random series, segment sizes, buckets, zones, ranges, NaN (property)', async () => {
      const zones = [null, 'UTC', 'Europe/Zurich', 'America/New_York'] as const;
      const value = fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: -5, max: 5 }) },
        { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) },
        // Decimals (sensor readings): their sums carry Kahan compensations across segment boundaries.
        { weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((i) => i / 10) },
        { weight: 2, arbitrary: fc.constant(Number.NaN) },
        { weight: 1, arbitrary: fc.constantFrom(-0, Infinity, -Infinity) },
      );
      const point = fc.record({ step: fc.constantFrom(0, 1, 7, 30, 60, 61, 180, 600), value });
      const arb = fc.record({
        start: fc.constantFrom(Date.UTC(2024, 2, 9), Date.UTC(2024, 2, 30, 20), Date.UTC(2024, 9, 26, 13), Date.UTC(2024, 10, 2, 1)),
        points: fc.array(point, { maxLength: 160 }),
        tz: fc.constantFrom(...zones),
        queryTz: fc.constantFrom(...zones),
        segmentSize: fc.integer({ min: 1, max: 24 }),
        // Half the runs decode on a worker thread beside this one, in chunks of a few points.
        threaded: fc.boolean(),
        appendAt: fc.double({ min: 0, max: 1, noNaN: true }),
        every: fc.constantFrom('7min', '1h', '3h', '1D', '2D', '1W', '1MS', 'ME', null),
        // Mostly the aggregations statistics answer; the others stream over the decoded points.
        aggs: fc.oneof(
          { weight: 3, arbitrary: fc.subarray<string | { quantile: number }>([...STAT_AGGS], { minLength: 1 }) },
          { weight: 2, arbitrary: fc.subarray<string | { quantile: number }>([...STAT_AGGS, 'mean', 'sum', 'std', 'var', 'median', 'p95', { quantile: 0.3 }], { minLength: 1 }) },
        ),
        range: fc.option(fc.record({ from: fc.option(fc.double({ min: -0.1, max: 1.1, noNaN: true })), to: fc.option(fc.double({ min: -0.1, max: 1.1, noNaN: true })) })),
      });
      let fromStatistics = 0;
      const numRuns = label === 'memory' ? 300 : 60;
      await fc.assert(fc.asyncProperty(arb, async (c) => {
        await raw.clear();
        const store = new Storage(new SegmentStore(raw, { segmentSize: c.segmentSize, ...(c.threaded ? { queryThreads: 1, minPointsPerThread: 1 } : { queryThreads: 0 }) }));
        const key = 'p/X#1/RAW#1';
        let t = c.start * 1000;
        const times = c.points.map((p) => (t += p.step * MIN));
        const s = new Series({ index: new DatetimeIndex(Float64Array.from(times), { tz: c.tz }), values: Float64Array.from(c.points, (p) => p.value), name: 'X#1_RAW#1' });
        // Two versions: the appended one keeps the first part's segments (and their statistics).
        let cut = Math.floor(c.appendAt * s.length);
        while (cut > 0 && cut < s.length && times[cut] === times[cut - 1]) cut++; // append needs later points
        await store.save(key, s.slice(0, cut), meta(s));
        await store.append(key, s.slice(cut));
        const span = times.length ? times.at(-1)! / 1000 - c.start : 0;
        const at = (f: number | null): number | undefined => (f === null ? undefined : Math.round(c.start + f * span));
        let range: QueryOptions['range'];
        if (c.range) {
          const from = at(c.range.from), to = at(c.range.to);
          range = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
          if (from !== undefined && to !== undefined && to <= from) range = { from: to, to: from + 1 };
        }
        const source = await check(store, key, s, {
          series: [key], agg: c.aggs as QueryOptions['agg'], ...(c.every ? { every: c.every } : {}), ...(c.queryTz ? { tz: c.queryTz } : {}), ...(range ? { range } : {}),
        });
        if (source === 'statistics') fromStatistics++;
      }), { numRuns });
      // The property is about the statistics path: a good share of runs must have taken it
      // (the others decode: every segment cut by a bucket edge, or statistics that cannot stand for the points).
      // (Random: a few percent of the file-driver runs; the memory driver's 300 runs take it many times.)
      expect(fromStatistics).toBeGreaterThanOrEqual(label === 'memory' ? 10 : 1);
    }, 120_000);
  });
}

describe('query worker threads', () => {
  it('METASERIES_QUERY_THREADS and queryThreads refuse what is not a whole number ≥ 0, naming it', () => {
    const before = process.env.METASERIES_QUERY_THREADS;
    try {
      process.env.METASERIES_QUERY_THREADS = 'two';
      expect(() => new SegmentStore(new MemoryDriver())).toThrow(/METASERIES_QUERY_THREADS .*"two"/);
      process.env.METASERIES_QUERY_THREADS = '0';
      expect(() => new SegmentStore(new MemoryDriver())).not.toThrow();
      expect(() => new SegmentStore(new MemoryDriver(), { queryThreads: -1 })).toThrow(/queryThreads .*-1/);
    } finally {
      if (before === undefined) delete process.env.METASERIES_QUERY_THREADS;
      else process.env.METASERIES_QUERY_THREADS = before;
    }
  });
});
