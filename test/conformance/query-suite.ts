/**
 * `store.query` on every backend (part of the conformance suite): the pandas golden
 * vectors (test/fixtures/query/cases.json, made by scripts/gen_query_fixtures.py), and a
 * property checking each backend's answer — pushed down (segment statistics, an engine)
 * or computed in JS — is identical, value for value (Object.is), to the JS engine over the
 * same points.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  DatetimeIndex, IndexMetadata, Series, type QueryAgg, type QueryOptions, type SeriesMetadata, type Storage,
} from '@metaseries/core';
import {
  storedRange,
} from '@metaseries/core/backend-kit';
import {
  bucketSeries, planQuery, sliceByKeyRange,
} from '@metaseries/core/backend-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/python.js';

interface Case {
  name: string; tz: string | null; queryTz: string | null; every: string;
  index: number[]; values: Array<number | null>; labels: number[]; labelText: string[];
  result: Record<string, Array<number | null>>;
}
const golden = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'query', 'cases.json'), 'utf8')) as { aggs: string[]; cases: Case[] };

function meta(s: Series): SeriesMetadata {
  return { processing_steps: [], index_metadata: IndexMetadata.fromIndex(s.index).toDict(), values_dtype: 'float64', metadata_id: null, created_on: '2024-03-01T00:00:00' };
}

export interface QuerySuiteOptions {
  /** The same backend with tiny segments, so whole segments fall inside buckets (statistics path). */
  smallSegments?: () => Promise<Storage>;
  /** Runs of the property (default 25). */
  queryRuns?: number;
  /** Aggregations the backend's engine answers itself: plans of only these must report source 'engine'. */
  engine?: readonly string[];
}

export function runQueryTests(current: () => Storage, options: QuerySuiteOptions): void {
  let small: Storage | undefined;
  const smallStore = async (): Promise<Storage> => (options.smallSegments ? (small ??= await options.smallSegments()) : current());
  afterAll(async () => { await small?.close(); });
  const engine = options.engine;

  describe('query', () => {
    it('equals pandas resample(...).agg(...) on the golden vectors (DST days, zones, anchors, NaN, empty buckets)', async () => {
      // The main store: with tiny segments a file store would write one file per 4 of these thousands of points.
      const store = current();
      for (const c of golden.cases) {
        const key = `gold/X#1/C${golden.cases.indexOf(c)}#1`;
        const s = new Series({ index: new DatetimeIndex(Float64Array.from(c.index), { tz: c.tz }), values: Float64Array.from(c.values, (v) => v ?? Number.NaN), name: 'X#1_RAW#1' });
        await store.save(key, s, meta(s));
        const result = await store.query({ series: [key], every: c.every, agg: golden.aggs as QueryAgg[], ...(c.queryTz ? { tz: c.queryTz } : {}) });
        expect(Array.from(result.times), c.name).toEqual(c.labels.map((us) => us / 1000));
        expect(result.toRecords().map((r) => r.time), c.name).toEqual(c.labelText);
        for (const agg of golden.aggs) {
          const got = result.column(`${key}:${agg}`).values, want = c.result[agg]!;
          expect(got.length).toBe(want.length);
          // pandas and we both compute in float64; only the summation order could differ (it does not here).
          for (let i = 0; i < want.length; i++) {
            if (want[i] === null) expect(Number.isNaN(got[i]), `${c.name} ${agg}[${i}] is NaN`).toBe(true);
            else expect(got[i], `${c.name} ${agg}[${i}]`).toBeCloseTo(want[i]!, 9);
          }
        }
        // The engine's own aggregations alone: pushed down, and still pandas' answer.
        const pushable = golden.aggs.filter((a) => engine?.includes(a));
        if (pushable.length) {
          const pushed = await store.query({ series: [key], every: c.every, agg: pushable as QueryAgg[], ...(c.queryTz ? { tz: c.queryTz } : {}) });
          expect(pushed.sources[key], c.name).toBe('engine');
          expect(Array.from(pushed.times), c.name).toEqual(c.labels.map((us) => us / 1000));
          for (const agg of pushable) {
            const got = pushed.column(`${key}:${agg}`).values, want = c.result[agg]!;
            expect(Array.from(got, (v) => (Number.isNaN(v) ? null : v)), `${c.name} ${agg} (engine)`).toEqual(want);
          }
        }
      }
    }, 60_000);

    it('answers identically to the JS engine over the same points, pushed down or not (property)', async () => {
      const store = await smallStore();
      const zones = [null, 'UTC', 'Europe/Zurich', 'America/New_York'] as const;
      // Finite values only: the meteaudata layouts keep what Python's adapters keep.
      const value = fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: -5, max: 5 }) },
        { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => (v === 0 ? 0 : v)) },
        { weight: 2, arbitrary: fc.constant(Number.NaN) },
      );
      const arb = fc.record({
        start: fc.constantFrom(Date.UTC(2024, 2, 9), Date.UTC(2024, 9, 26, 13)),
        points: fc.array(fc.record({ step: fc.constantFrom(1, 7, 30, 60, 180, 600), value }), { maxLength: 120 }),
        tz: fc.constantFrom(...zones),
        queryTz: fc.constantFrom(...zones),
        every: fc.constantFrom('7min', '1h', '3h', '1D', '1W', '1MS', null),
        aggs: fc.subarray(['count', 'min', 'max', 'first', 'last', 'mean', 'sum', 'median', 'std', 'p95'] as QueryAgg[], { minLength: 1 }),
        range: fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))),
      });
      let run = 0;
      await fc.assert(fc.asyncProperty(arb, async (c) => {
        const key = `qprop/X#1/RAW#${run++}`;
        let t = c.start * 1000;
        const times = c.points.map((p) => (t += p.step * 60_000_000));
        const s = new Series({ index: new DatetimeIndex(Float64Array.from(times), { tz: c.tz }), values: Float64Array.from(c.points, (p) => p.value), name: 'X#1_RAW#1' });
        await store.save(key, s, meta(s));
        const span = times.length ? times.at(-1)! / 1000 - c.start : 0;
        const range = c.range ? { from: Math.round(c.start + Math.min(...c.range) * span), to: Math.round(c.start + Math.max(...c.range) * span) + 1 } : undefined;
        const options: QueryOptions = { series: [key], agg: c.aggs, ...(c.every ? { every: c.every } : {}), ...(c.queryTz ? { tz: c.queryTz } : {}), ...(range ? { range } : {}) };
        const result = await store.query(options);
        const plan = planQuery(options);
        if (engine && plan.aggs.every((a) => engine.includes(a.kernel))) expect(result.sources[key], 'pushed down').toBe('engine');
        const stored = storedRange(options.range, c.tz);
        const want = bucketSeries(stored ? sliceByKeyRange(s, stored) : s, plan, key);
        const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));
        expect(same(result.times, want.labels.map((us) => us / 1000)), 'labels').toBe(true);
        plan.aggs.forEach((agg, a) => {
          const got = result.column(`${key}:${agg.label}`).values;
          if (!same(got, want.columns[a]!)) expect(Array.from(got), `${agg.label} (source ${result.sources[key]})`).toEqual(Array.from(want.columns[a]!));
        });
      }), { numRuns: options.queryRuns ?? 25 });
    }, 120_000);
  });
}
