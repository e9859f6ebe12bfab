/**
 * The backend conformance suite: written once, run against every backend with a real
 * engine. A backend skips a test only where its declared capabilities (or an option
 * naming the reason) say so.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatetimeIndex, FunctionInfo, IndexMetadata, MetaseriesError, NumericIndex, ProcessingStep, ProcessingType, RangeIndex, Series, type SeriesMetadata, Storage, StringIndex,
} from '@metaseries/core';
import {
  formatTimestamp, bucketSeries, planQuery,
} from '@metaseries/core/backend-kit';
import { runQueryTests, type QuerySuiteOptions } from './query-suite.js';

export interface ConformanceOptions extends QuerySuiteOptions {
  /** Reopen the same store (new process view) to prove persistence. */
  reopen?: () => Promise<Storage>;
  /** Value kinds this backend cannot hold, with the reason (e.g. a Python-compatible layout). */
  unsupported?: { strings?: string; bools?: string; ints?: string; stringIndex?: string };
  /**
   * The same backend with tiny segments (e.g. `segmentSize: 4`), so the Storage v2 tests
   * and the property test cross segment boundaries. Optional; v2 tests use the main store otherwise.
   */
  smallSegments?: () => Promise<Storage>;
  /** Runs of the Storage v2 property test (default 40; cheap stores run more). */
  propertyRuns?: number;
}

const US_MIN = 60_000_000;

export function metadataFor(series: Series, extra: Partial<SeriesMetadata> = {}): SeriesMetadata {
  return {
    processing_steps: [],
    index_metadata: IndexMetadata.fromIndex(series.index).toDict(),
    values_dtype: series.dtype,
    metadata_id: null,
    created_on: '2024-03-01T10:00:00.123456',
    ...extra,
  };
}

function minutes(n: number, startUs = Date.UTC(2024, 0, 1) * 1000): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => startUs + i * US_MIN);
}

/** Series covering every index kind and dtype the contract promises. */
export function sampleSeries(): Record<string, Series> {
  const special = Float64Array.from([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e-300, 1.7976931348623157e308]);
  // America/Toronto: 2024-03-10 07:00Z is 02:00 local (clocks jump to 03:00).
  const dstStart = Date.UTC(2024, 2, 10, 5, 0) * 1000;
  return {
    floats: new Series({ index: new DatetimeIndex(minutes(special.length), { freq: 'min' }), values: special, name: 'S#1_RAW#1' }),
    tzDst: new Series({ index: new DatetimeIndex(Float64Array.from({ length: 6 }, (_, i) => dstStart + i * 3_600_000_000), { tz: 'America/Toronto', freq: 'h' }), values: Float64Array.from([1, 2, 3, 4, 5, 6]), name: 'S#1_TZ#1' }),
    utcMicros: new Series({ index: new DatetimeIndex(Float64Array.from([Date.UTC(1701, 0, 1) * 1000 + 1, Date.UTC(2024, 0, 1) * 1000 + 123456, Date.UTC(2249, 11, 31) * 1000 + 999999]), { tz: 'UTC' }), values: Float64Array.from([1, 2, 3]), name: 'S#1_US#1' }),
    range: new Series({ index: new RangeIndex(0, 4, 1), values: Float64Array.from([4, 3, 2, 1]), name: 'S#1_RANGE#1' }),
    floatIndex: new Series({ index: new NumericIndex(Float64Array.from([0, 0.5, 1.25, 2]), 'float64'), values: Float64Array.from([1, Number.NaN, 3, 4]), name: 'S#1_NORM#1' }),
    intIndex: new Series({ index: new NumericIndex(Float64Array.from([-3, 0, 7]), 'int64'), values: Float64Array.from([1, 2, 3]), name: 'S#1_INT#1' }),
    ints: new Series({ index: new DatetimeIndex(minutes(3)), values: Float64Array.from([-(2 ** 53) + 1, 0, 2 ** 53 - 1]), name: 'S#1_COUNT#1', dtype: 'int64' }),
    bools: new Series({ index: new DatetimeIndex(minutes(3)), values: Uint8Array.from([1, 0, 1]), name: 'S#1_FLAG#1', dtype: 'bool' }),
    strings: new Series({ index: new DatetimeIndex(minutes(4)), values: ['a', null, 'ünïcødé ✓', 'quote " and , comma'], name: 'S#1_LABEL#1', dtype: 'object' }),
    stringIndex: new Series({ index: new StringIndex(['a', 'b', 'c']), values: Float64Array.from([1, 2, 3]), name: 'S#1_CAT#1' }),
    empty: new Series({ index: new DatetimeIndex(new Float64Array(0)), values: new Float64Array(0), name: 'S#1_EMPTY#1' }),
    unicode: new Series({ index: new DatetimeIndex(minutes(2), { name: 'horodatage' }), values: Float64Array.from([1, 2]), name: 'Température °C#1_RAW#1' }),
  };
}

function kindOf(name: string, options: ConformanceOptions): string | undefined {
  const u = options.unsupported ?? {};
  if (name === 'strings') return u.strings;
  if (name === 'bools') return u.bools;
  if (name === 'ints') return u.ints;
  if (name === 'stringIndex') return u.stringIndex;
  return undefined;
}

function stepFixture(): ProcessingStep {
  return new ProcessingStep({
    type: ProcessingType.RESAMPLING,
    description: 'A simple processing function that resamples a series to a given frequency',
    runDatetime: '2024-03-01T10:00:04.500000',
    functionInfo: new FunctionInfo({ name: 'resample', version: '0.1', author: 'Jean-David Therrien', reference: 'www.github.com/modelEAU/meteaudata', sourceCode: 'def resample(x):\n    return x\n' }),
    parameters: { frequency: '10min', nested: { list: [1, 2.5, 'x', null, true] }, array: Float64Array.from([1, 2]) },
    suffix: 'RESAMPLED',
    inputSeriesNames: ['CODs#1_RAW#1'],
  });
}

export async function expectCode(p: Promise<unknown>, code: string, fragment?: string): Promise<MetaseriesError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MetaseriesError);
    expect((e as MetaseriesError).code).toBe(code);
    if (fragment) expect((e as MetaseriesError).message).toContain(fragment);
    return e as MetaseriesError;
  }
  throw new Error(`expected a ${code} error`);
}

export function runConformanceSuite(label: string, open: () => Promise<Storage>, options: ConformanceOptions = {}): void {
  describe(`storage conformance: ${label}`, () => {
    let store: Storage;
    beforeAll(async () => {
      store = await open();
      await store.clear();
    });
    afterAll(async () => {
      await store?.close();
    });

    describe('round trips every index kind and dtype', () => {
      for (const [name, series] of Object.entries(sampleSeries())) {
        const reason = kindOf(name, options);
        it.skipIf(reason !== undefined)(`${name}${reason ? ` (skipped: ${reason})` : ''}`, async () => {
          const key = `ds/S#1/${name}#1`;
          await store.save(key, series, metadataFor(series));
          const back = await store.load(key);
          expect(back.series.length).toBe(series.length);
          expect(back.series.dtype).toBe(series.dtype);
          expect(back.series.name).toBe(series.name);
          expect(Array.from(back.series.values as ArrayLike<unknown>)).toEqual(Array.from(series.values as ArrayLike<unknown>));
          // Object.is semantics: NaN = NaN, -0 ≠ 0.
          expect(back.series.equals(series)).toBe(true);
          expect(back.metadata.index_metadata).toEqual(metadataFor(series).index_metadata);
        });
      }
    });

    it('keeps the time zone and DST-crossing instants exactly', async () => {
      const s = sampleSeries().tzDst!;
      await store.save('ds/S#1/TZ#9', s, metadataFor(s));
      const back = (await store.load('ds/S#1/TZ#9')).series;
      expect(back.index.kind).toBe('datetime');
      const idx = back.index as DatetimeIndex;
      expect(idx.tz).toBe('America/Toronto');
      expect(idx.freqstr).toBe('h');
      expect(Array.from(idx.values)).toEqual(Array.from((s.index as DatetimeIndex).values));
    });

    it('keeps metadata with processing steps, unicode and extra keys', async () => {
      const s = sampleSeries().unicode!;
      const meta = metadataFor(s, { processing_steps: [stepFixture().toDict()], metadata_id: 'id-°C-ü', units_note: 'µg/l' } as Partial<SeriesMetadata>);
      await store.save('ds/Température °C#1/RAW#1', s, meta);
      expect(await store.loadMetadata('ds/Température °C#1/RAW#1')).toEqual(meta);
      const loaded = await store.load('ds/Température °C#1/RAW#1');
      expect(loaded.metadata).toEqual(meta);
      expect(loaded.metadata.processing_steps).toHaveLength(1);
      expect(ProcessingStep.fromDict(loaded.metadata.processing_steps[0]).equals(stepFixture())).toBe(true);
    });

    it('overwrites a key wholly', async () => {
      const a = sampleSeries().floats!;
      const b = a.slice(0, 2).withValues(Float64Array.from([9, 8]));
      await store.save('ds/S#1/OVER#1', a, metadataFor(a));
      await store.save('ds/S#1/OVER#1', b, metadataFor(b, { metadata_id: 'second' }));
      const back = await store.load('ds/S#1/OVER#1');
      expect(Array.from(back.series.values as Float64Array)).toEqual([9, 8]);
      expect(back.metadata.metadata_id).toBe('second');
    });

    it('lists keys by prefix, sorted, with awkward characters', async () => {
      const s = sampleSeries().floats!;
      const keys = ["pfx/a'b;c/RAW#1", 'pfx/a%b/RAW#1', 'pfx/a_b/RAW#1', 'pfx/a/b_c', 'pfx2/x/RAW#1'];
      await Promise.all(keys.map((k) => store.save(k, s, metadataFor(s))));
      expect(await store.listKeys('pfx/')).toEqual(keys.filter((k) => k.startsWith('pfx/')).sort());
      expect(await store.listKeys('pfx/a%')).toEqual(['pfx/a%b/RAW#1']);
      expect(await store.listKeys('pfx/a_')).toEqual(['pfx/a_b/RAW#1']);
      expect((await store.listKeys()).length).toBeGreaterThanOrEqual(keys.length);
      for (const k of keys) expect((await store.load(k)).series.equals(s)).toBe(true);
    });

    it('exists, delete, NOT_FOUND', async () => {
      const s = sampleSeries().range!;
      await store.save('ds/S#1/DEL#1', s, metadataFor(s));
      expect(await store.exists('ds/S#1/DEL#1')).toBe(true);
      await store.delete('ds/S#1/DEL#1');
      expect(await store.exists('ds/S#1/DEL#1')).toBe(false);
      await expectCode(store.load('ds/S#1/DEL#1'), 'NOT_FOUND');
      await expectCode(store.loadMetadata('ds/S#1/DEL#1'), 'NOT_FOUND');
      await expectCode(store.delete('ds/S#1/DEL#1'), 'NOT_FOUND');
    });

    it('rejects bad keys before touching the store', async () => {
      const s = sampleSeries().range!;
      for (const bad of ['../x', 'a/../b', 'a//b', '/abs', 'a/', '', 'a\\b', './a']) {
        const err = await expectCode(store.save(bad, s, metadataFor(s)), 'INVALID_INPUT');
        expect(err.message).toContain(JSON.stringify(bad));
      }
    });

    it('range reads at and between boundaries', async () => {
      const n = 500;
      const values = Float64Array.from({ length: n }, (_, i) => i);
      const s = new Series({ index: new DatetimeIndex(minutes(n), { tz: 'UTC', freq: 'min' }), values, name: 'S#1_RANGE#2' });
      await store.save('ds/S#1/RANGE#2', s, metadataFor(s));
      const keys = (s.index as DatetimeIndex).values;
      const cases: [number | undefined, number | undefined, number, number][] = [
        [keys[10]!, keys[20]!, 10, 21], // exact boundaries, inclusive
        [keys[10]! + 1000, keys[20]! - 1000, 11, 20], // between points
        [undefined, keys[5]!, 0, 6],
        [keys[495]!, undefined, 495, 500],
        [keys[0]! - US_MIN * 10, keys[0]! - 1000, 0, 0], // before everything
        [keys[499]! + 1000, keys[499]! + US_MIN, 500, 500], // after everything
        [keys[30]!, keys[30]!, 30, 31],
      ];
      for (const [from, to, start, end] of cases) {
        // The boundary takes epoch ms (stored keys are µs); ISO text and Dates give the same points.
        const ms = (us: number | undefined): number | undefined => (us === undefined ? undefined : us / 1000);
        const part = (await store.loadRange('ds/S#1/RANGE#2', { from: ms(from), to: ms(to) })).series;
        const iso = (await store.loadRange('ds/S#1/RANGE#2', { from: from === undefined ? null : new Date(from / 1000).toISOString(), to: to === undefined ? null : new Date(to / 1000) })).series;
        expect(Array.from(iso.values as Float64Array)).toEqual(Array.from(part.values as Float64Array));
        expect(Array.from(part.values as Float64Array)).toEqual(Array.from(values.subarray(start, end)));
        expect((part.index as DatetimeIndex).tz).toBe('UTC');
      }
      const numeric = sampleSeries().floatIndex!;
      await store.save('ds/S#1/NORM#2', numeric, metadataFor(numeric));
      const part = (await store.loadRange('ds/S#1/NORM#2', { from: 0.5, to: 1.25 })).series;
      expect(Array.from(part.index.kind === 'numeric' ? part.index.values : [])).toEqual([0.5, 1.25]);
    });

    it('streams chunks that add up to the series, and aggregates like the core', async () => {
      const n = 1000;
      const values = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? Number.NaN : Math.sin(i)));
      const s = new Series({ index: new DatetimeIndex(minutes(n)), values, name: 'S#1_STREAM#1' });
      await store.save('ds/S#1/STREAM#1', s, metadataFor(s));
      const seen: number[] = [];
      for await (const chunk of store.stream('ds/S#1/STREAM#1', { chunkSize: 128 })) {
        expect(chunk.length).toBeLessThanOrEqual(128);
        seen.push(...(chunk.values as Float64Array));
      }
      expect(seen).toEqual(Array.from(values));
      for (const fn of ['mean', 'min', 'max', 'sum', 'count', 'median', 'p95'] as const) {
        const got = await store.aggregate('ds/S#1/STREAM#1', { fn, every: '1h' });
        const want = bucketSeries(s, planQuery({ series: [], agg: fn, every: '1h' }), 'ds/S#1/STREAM#1');
        expect(Array.from(got.index.kind === 'datetime' ? got.index.values : [])).toEqual(Array.from(want.labels));
        const g = got.values as Float64Array, w = want.columns[0]!;
        for (let i = 0; i < w.length; i++) expect(g[i]).toBeCloseTo(w[i]!, 9);
      }
      const summary = (await store.describe('ds/S#1/STREAM')).find((d) => d.key === 'ds/S#1/STREAM#1');
      expect(summary).toMatchObject({ length: n, dtype: 'float64', first: new Date((s.index as DatetimeIndex).values[0]! / 1000), last: new Date((s.index as DatetimeIndex).values[n - 1]! / 1000) });
    });

    it('saves different keys concurrently', async () => {
      const base = sampleSeries().floats!;
      const jobs = Array.from({ length: 12 }, (_, i) => {
        const s = base.withValues(Float64Array.from(base.values as Float64Array, (v) => v + i)).rename(`C#1_RAW#${i}`);
        return store.save(`conc/C#1/RAW#${i}`, s, metadataFor(s)).then(() => s);
      });
      const saved = await Promise.all(jobs);
      for (const [i, s] of saved.entries()) expect((await store.load(`conc/C#1/RAW#${i}`)).series.equals(s)).toBe(true);
    });

    it('round-trips arbitrary float series (property)', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.double(), { minLength: 0, maxLength: 60 }),
          fc.integer({ min: Date.UTC(1750, 0, 1), max: Date.UTC(2240, 0, 1) }),
          fc.constantFrom(null, 'UTC', 'Europe/Paris', 'Australia/Lord_Howe'),
          async (vals, startMs, tz) => {
            const us = Float64Array.from(vals, (_, i) => startMs * 1000 + i * 1_000_001);
            const s = new Series({ index: new DatetimeIndex(us, { tz }), values: Float64Array.from(vals), name: 'P#1_RAW#1' });
            const key = `prop/P#1/RAW#${run++}`;
            await store.save(key, s, metadataFor(s));
            const back = (await store.load(key)).series;
            expect(back.equals(s)).toBe(true);
          },
        ),
        { numRuns: 25 },
      );
    });

    it.skipIf(!options.reopen)('persists across reopening', async () => {
      const s = sampleSeries().tzDst!;
      await store.save('persist/S#1/RAW#1', s, metadataFor(s));
      const other = await options.reopen!();
      try {
        expect((await other.load('persist/S#1/RAW#1')).series.equals(s)).toBe(true);
      } finally {
        await other.close();
      }
    });

    runVersionTests(() => store, options);
    runQueryTests(() => store, options);

    it('clear empties the store; a closed store refuses work', async () => {
      const s = sampleSeries().range!;
      await store.save('ds/S#1/LAST#1', s, metadataFor(s));
      await store.clear();
      expect(await store.listKeys()).toEqual([]);
      const extra = await open();
      await extra.close();
      await extra.close(); // idempotent
      await expectCode(extra.load('ds/S#1/LAST#1'), 'CLOSED');
    });
  });
}

const T0 = Date.UTC(2024, 0, 1) * 1000;
/** The same instants in epoch ms, what `Storage` ranges take. */
const T0_MS = T0 / 1000;
const MS_MIN = 60_000;

function pointsSeries(keysMin: readonly number[], values: readonly number[]): Series {
  return new Series({ index: new DatetimeIndex(Float64Array.from(keysMin, (m) => T0 + m * US_MIN), { tz: 'UTC' }), values: Float64Array.from(values), name: 'V#1_RAW#1' });
}

function pairs(s: Series): [number, number][] {
  const keys = s.index.values as Float64Array;
  const v = s.values as Float64Array;
  return Array.from({ length: s.length }, (_, i) => [(keys[i]! - T0) / US_MIN, v[i]!]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Storage v2: versions, append, update, deleteRange, asOf, snapshots, prune, bad input,
 * and a property test against an in-memory model. On a backend without
 * `capabilities.versions` only the fallbacks of append/update/deleteRange run and the
 * version API must be UNSUPPORTED.
 */
function runVersionTests(current: () => Storage, options: ConformanceOptions): void {
  const v2 = (): boolean => current().capabilities.versions === true;
  let small: Storage | undefined;
  const smallStore = async (): Promise<Storage> => (options.smallSegments ? (small ??= await options.smallSegments()) : current());
  afterAll(async () => { await small?.close(); });

  describe('append, update, deleteRange (every backend: native or fallback)', () => {
    it('append adds points after the last one; an overlap names the timestamp and points to update', async () => {
      const store = await smallStore();
      const key = 'v2/A#1/RAW#1';
      const first = pointsSeries([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      await store.save(key, first, metadataFor(first));
      await store.append(key, pointsSeries([10, 11, 12], [10, 11, 12]));
      await store.append(key, pointsSeries([20], [20.5]));
      expect(pairs((await store.load(key)).series)).toEqual([...pairs(first), [10, 10], [11, 11], [12, 12], [20, 20.5]]);
      const bad = pointsSeries([15, 20, 21], [1, 2, 3]);
      const err = await expectCode(store.append(key, pointsSeries([20, 21], [1, 2])), 'INVALID_INPUT');
      expect(err.message).toContain(formatTimestamp(T0 + 20 * US_MIN, 'UTC'));
      expect(err.message).toContain('update');
      await expectCode(store.append(key, bad), 'INVALID_INPUT');
      expect((await store.load(key)).series.length).toBe(14);
      await expectCode(store.append(key, pointsSeries([30], [1]).withValues(['x'], 'object')), 'INVALID_INPUT');
    });

    it('update replaces [first, last] of the new points; deleteRange removes an inclusive range', async () => {
      const store = await smallStore();
      const key = 'v2/U#1/RAW#1';
      const s = pointsSeries([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      await store.save(key, s, metadataFor(s));
      await store.update(key, pointsSeries([2, 2.5, 5], [-2, -2.5, -5]));
      expect(pairs((await store.load(key)).series)).toEqual([[0, 0], [1, 1], [2, -2], [2.5, -2.5], [5, -5], [6, 6], [7, 7], [8, 8], [9, 9]]);
      await store.update(key, pointsSeries([20, 21], [20, 21]));
      await store.deleteRange(key, { from: T0_MS + 2.5 * MS_MIN, to: T0_MS + 7 * MS_MIN });
      expect(pairs((await store.load(key)).series)).toEqual([[0, 0], [1, 1], [2, -2], [8, 8], [9, 9], [20, 20], [21, 21]]);
      await store.deleteRange(key, { to: T0_MS });
      expect(pairs((await store.load(key)).series)[0]).toEqual([1, 1]);
      await expectCode(store.deleteRange('v2/U#1/NOPE#1', { from: 0 }), 'NOT_FOUND');
    });
  });

  describe('versions, asOf, snapshots, prune (Storage v2)', () => {
    it('a backend without versions says UNSUPPORTED', async (ctx) => {
      if (v2()) ctx.skip();
      const store = current();
      const s = pointsSeries([0], [1]);
      await store.save('v2/L#1/RAW#1', s, metadataFor(s));
      await expectCode(store.versions('v2/L#1/RAW#1'), 'UNSUPPORTED');
      await expectCode(store.load('v2/L#1/RAW#1', { asOf: 1 }), 'UNSUPPORTED');
      await expectCode(store.snapshot('x'), 'UNSUPPORTED');
      await expectCode(store.prune(), 'UNSUPPORTED');
    });

    it('every write is a version; asOf reads a version number, an instant or a snapshot', async (ctx) => {
      if (!v2()) ctx.skip();
      const store = await smallStore();
      const key = 'v2/V#1/RAW#1';
      const s = pointsSeries([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]);
      await store.save(key, s, metadataFor(s, { metadata_id: 'v1' }));
      await sleep(5);
      const between = new Date();
      await sleep(5);
      await store.append(key, pointsSeries([5, 6], [5, 6]));
      await store.update(key, pointsSeries([1], [-1]), metadataFor(s, { metadata_id: 'v3' }));
      await store.deleteRange(key, { from: T0_MS + 3 * MS_MIN, to: T0_MS + 3 * MS_MIN });
      const versions = await store.versions(key);
      expect(versions.map((v) => [v.version, v.operation, v.length, v.first, v.last])).toEqual([
        [1, 'save', 5, new Date(T0_MS), new Date(T0_MS + 4 * MS_MIN)],
        [2, 'append', 7, new Date(T0_MS), new Date(T0_MS + 6 * MS_MIN)],
        [3, 'update', 7, new Date(T0_MS), new Date(T0_MS + 6 * MS_MIN)],
        [4, 'deleteRange', 6, new Date(T0_MS), new Date(T0_MS + 6 * MS_MIN)],
      ]);
      expect(versions.every((v) => v.createdAt instanceof Date)).toBe(true);
      expect(pairs((await store.load(key, { asOf: 1 })).series)).toEqual(pairs(s));
      expect(pairs((await store.load(key, { asOf: between })).series)).toEqual(pairs(s));
      expect(pairs((await store.load(key, { asOf: between.toISOString() })).series)).toEqual(pairs(s));
      expect((await store.loadMetadata(key, { asOf: 1 })).metadata_id).toBe('v1');
      expect((await store.loadMetadata(key)).metadata_id).toBe('v3');
      expect(pairs((await store.load(key, { asOf: 3, range: { from: T0_MS + 1 * MS_MIN, to: T0_MS + 3 * MS_MIN } })).series)).toEqual([[1, -1], [2, 2], [3, 3]]);
      const streamed: number[] = [];
      for await (const chunk of store.stream(key, { asOf: 2, chunkSize: 3 })) streamed.push(...(chunk.values as Float64Array));
      expect(streamed).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });

    it('metadata with NaN and ±Infinity round-trips through every version', async (ctx) => {
      if (!v2()) ctx.skip();
      const store = current();
      const key = 'v2/M#1/RAW#1';
      const s = pointsSeries([0, 1], [0, 1]);
      const meta = metadataFor(s, { fill: Number.NaN, bounds: [Number.NEGATIVE_INFINITY, 0, Number.POSITIVE_INFINITY], nested: { x: Number.NaN } } as Partial<SeriesMetadata>);
      await store.save(key, s, meta);
      await store.append(key, pointsSeries([2], [2]));
      await store.deleteRange(key, { from: T0_MS, to: T0_MS });
      expect(await store.loadMetadata(key)).toEqual(meta);
      expect((await store.load(key, { asOf: 1 })).metadata).toEqual(meta);
      expect(Object.is((await store.loadMetadata(key, { asOf: 2 })).fill, Number.NaN)).toBe(true);
    });

    it('bad asOf and versions: before the first version, nonexistent, unknown snapshot', async (ctx) => {
      if (!v2()) ctx.skip();
      const store = current();
      const key = 'v2/B#1/RAW#1';
      const s = pointsSeries([0, 1], [0, 1]);
      await store.save(key, s, metadataFor(s));
      const before = await expectCode(store.load(key, { asOf: new Date(Date.UTC(2000, 0, 1)) }), 'NOT_FOUND');
      expect(before.message).toContain('2000-01-01T00:00:00.000Z');
      const missing = await expectCode(store.load(key, { asOf: 99 }), 'NOT_FOUND');
      expect(missing.message).toContain('99');
      await expectCode(store.load(key, { asOf: 0 }), 'INVALID_INPUT');
      const unknown = await expectCode(store.load(key, { asOf: 'no-such-snapshot' }), 'NOT_FOUND');
      expect(unknown.message).toContain('"no-such-snapshot"');
      await expectCode(store.versions('v2/B#1/NOPE#1'), 'NOT_FOUND');
      await expectCode(store.snapshot('2024-01-01'), 'INVALID_INPUT');
      expect((await store.versions(key)).length).toBe(1);
    });

    it('snapshots pin versions; a taken name is CONFLICT; restore makes them current as new versions', async (ctx) => {
      if (!v2()) ctx.skip();
      const store = current();
      const a = 'snapds/A#1/RAW#1', b = 'snapds/B#1/RAW#1';
      const s = pointsSeries([0, 1, 2], [1, 2, 3]);
      await store.save(a, s, metadataFor(s));
      await store.save(b, s, metadataFor(s));
      const snap = await store.snapshot('before-reprocessing', { prefix: 'snapds/' });
      expect(snap.versions).toEqual({ [a]: 1, [b]: 1 });
      await expectCode(store.snapshot('before-reprocessing'), 'CONFLICT');
      const t = pointsSeries([0, 1, 2], [10, 20, 30]);
      await store.save(a, t, metadataFor(t));
      await store.delete(b);
      expect(pairs((await store.load(a, { asOf: 'before-reprocessing' })).series)).toEqual(pairs(s));
      expect(pairs((await store.load(b, { asOf: 'before-reprocessing' })).series)).toEqual(pairs(s));
      expect((await store.snapshots()).map((x) => x.name)).toContain('before-reprocessing');
      expect((await store.restoreSnapshot('before-reprocessing')).sort()).toEqual([a, b]);
      expect(pairs((await store.load(a)).series)).toEqual(pairs(s));
      expect(pairs((await store.load(b)).series)).toEqual(pairs(s));
      expect((await store.versions(a)).map((v) => v.operation)).toEqual(['save', 'save', 'restore']);
      await store.deleteSnapshot('before-reprocessing');
      await expectCode(store.deleteSnapshot('before-reprocessing'), 'NOT_FOUND');
      await expectCode(store.restoreSnapshot('before-reprocessing'), 'NOT_FOUND');
    });

    it('prune keeps the last versions and what snapshots hold; refuses to delete everything', async (ctx) => {
      if (!v2()) ctx.skip();
      const store = await smallStore();
      const key = 'prune/P#1/RAW#1';
      const s = pointsSeries([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5]);
      await store.save(key, s, metadataFor(s));
      for (let i = 0; i < 4; i++) await store.append(key, pointsSeries([10 + i], [i]));
      await store.snapshot('prune-keeps-v2-of-P', { prefix: 'none/' });
      await store.snapshot('prune-keep', { prefix: 'prune/' });
      await store.append(key, pointsSeries([20], [20]));
      await expectCode(store.prune({ keepLast: 0 }), 'INVALID_INPUT');
      await expectCode(store.prune({ olderThan: 'yesterday' }), 'INVALID_INPUT');
      expect((await store.versions(key)).length).toBe(6);
      await store.prune({ keepLast: 1, graceMs: 0 });
      expect((await store.versions(key)).map((v) => v.version)).toEqual([5, 6]);
      await expectCode(store.load(key, { asOf: 3 }), 'NOT_FOUND');
      expect((await store.load(key, { asOf: 'prune-keep' })).series.length).toBe(10);
      expect((await store.load(key)).series.length).toBe(11);
      await store.deleteSnapshot('prune-keep');
      await store.deleteSnapshot('prune-keeps-v2-of-P');
      await store.prune({ olderThan: new Date(Date.now() + 60_000), graceMs: 0 });
      expect((await store.versions(key)).map((v) => v.version)).toEqual([6]);
      expect(pairs((await store.load(key)).series)).toEqual([...pairs(s), [10, 0], [11, 1], [12, 2], [13, 3], [20, 20]]);
    });

    it('a stream pins its version while a writer appends and overwrites', async (ctx) => {
      if (!v2()) ctx.skip();
      const store = await smallStore();
      const key = 'v2/S#1/RAW#1';
      const n = 40;
      const s = pointsSeries(Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => i));
      await store.save(key, s, metadataFor(s));
      const seen: number[] = [];
      let i = 0;
      for await (const chunk of store.stream(key, { chunkSize: 3 })) {
        seen.push(...(chunk.values as Float64Array));
        if (i++ === 1) {
          await store.append(key, pointsSeries([100], [100]));
          const other = pointsSeries([0, 1], [-1, -1]);
          await store.save(key, other, metadataFor(other));
        }
      }
      expect(seen).toEqual(Array.from({ length: n }, (_, k) => k));
    });

    it('any sequence of save/append/update/deleteRange/prune equals the same ops on an array, at every version (property)', async (ctx) => {
      if (!v2()) ctx.skip();
      const store = await smallStore();
      type Op =
        | { op: 'save'; keys: number[] }
        | { op: 'append'; gaps: number[] }
        | { op: 'update'; from: number; keys: number[] }
        | { op: 'deleteRange'; from: number; to: number }
        | { op: 'prune'; keepLast: number };
      const minutesSet = fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 16 }).map((a) => a.sort((x, y) => x - y));
      const opArb: fc.Arbitrary<Op> = fc.oneof(
        minutesSet.map((keys) => ({ op: 'save' as const, keys })),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 9 }).map((gaps) => ({ op: 'append' as const, gaps })),
        fc.tuple(fc.integer({ min: 0, max: 30 }), minutesSet).map(([from, keys]) => ({ op: 'update' as const, from, keys: keys.map((k) => from + k / 4) })),
        fc.tuple(fc.integer({ min: -5, max: 40 }), fc.integer({ min: 0, max: 12 })).map(([from, len]) => ({ op: 'deleteRange' as const, from, to: from + len })),
        fc.integer({ min: 1, max: 3 }).map((keepLast) => ({ op: 'prune' as const, keepLast })),
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 1000 }), async (ops, seed) => {
          const key = `prop2/P#1/RAW#${run++}`;
          let model: [number, number][] | null = null;
          const history = new Map<number, [number, number][]>();
          let version = 0;
          let value = seed;
          const next = (): number => (value = (value * 7919 + 13) % 100003) / 100;
          for (const o of ops) {
            if (o.op === 'prune') {
              if (model === null) continue;
              await store.prune({ keepLast: o.keepLast, graceMs: 0 });
              const keep = [...history.keys()].sort((a, b) => a - b).slice(-o.keepLast);
              for (const v of [...history.keys()]) if (!keep.includes(v)) history.delete(v);
              continue;
            }
            if (o.op === 'save') {
              model = o.keys.map((k) => [k, next()]);
              const s = pointsSeries(model.map((p) => p[0]), model.map((p) => p[1]));
              await store.save(key, s, metadataFor(s));
            } else if (o.op === 'append') {
              if (model === null) continue;
              let last = model.length ? model[model.length - 1]![0] : 0;
              const added: [number, number][] = o.gaps.map((g) => [(last += g), next()]);
              model = [...model, ...added];
              await store.append(key, pointsSeries(added.map((p) => p[0]), added.map((p) => p[1])));
            } else if (o.op === 'update') {
              if (model === null) continue;
              const added: [number, number][] = o.keys.map((k) => [k, next()]);
              if (added.length) {
                const lo = added[0]![0], hi = added[added.length - 1]![0];
                model = [...model.filter(([k]) => k < lo || k > hi), ...added].sort((a, b) => a[0] - b[0]);
              }
              await store.update(key, pointsSeries(added.map((p) => p[0]), added.map((p) => p[1])));
            } else {
              if (model === null) continue;
              model = model.filter(([k]) => k < o.from || k > o.to);
              await store.deleteRange(key, { from: T0_MS + o.from * MS_MIN, to: T0_MS + o.to * MS_MIN });
            }
            history.set(++version, model);
          }
          if (model === null) return;
          expect((await store.versions(key)).map((v) => v.version)).toEqual([...history.keys()]);
          for (const [v, expected] of history) {
            expect(pairs((await store.load(key, { asOf: v })).series)).toEqual(expected);
            expect((await store.versions(key)).find((x) => x.version === v)?.length).toBe(expected.length);
          }
          expect(pairs((await store.load(key)).series)).toEqual(model);
        }),
        { numRuns: options.propertyRuns ?? 40 },
      );
    });
  });
}
