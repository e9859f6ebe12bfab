import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createBackend, DatetimeIndex, MetaseriesError, NumericIndex, Series, type QueryAgg, type SeriesMetadata, type Storage,
} from '@metaseries/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PYTHON, pythonAvailable, ROOT, SKIP_PYTHON_REASON } from './support/python.js';

interface Case {
  name: string; tz: string | null; queryTz: string | null; every: string;
  index: number[]; values: Array<number | null>; labels: number[]; labelText: string[];
  result: Record<string, Array<number | null>>;
}
const FIXTURE = join(ROOT, 'test', 'fixtures', 'query', 'cases.json');
const golden = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { pandas: string; aggs: string[]; cases: Case[] };

function meta(s: Series): SeriesMetadata {
  const index = s.index as DatetimeIndex;
  return {
    processing_steps: [], values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01 00:00:00',
    index_metadata: {
      type: 'DatetimeIndex', name: null, frequency: null, time_zone: index.tz, closed: null, categories: null, ordered: null,
      start: null, end: null, step: null, dtype: index.dtype,
    },
  };
}

const seriesOf = (c: Case): Series => new Series({
  index: new DatetimeIndex(Float64Array.from(c.index), { tz: c.tz }),
  values: Float64Array.from(c.values, (v) => v ?? Number.NaN),
  name: 'X#1_RAW#1',
});

/** pandas and we both compute in float64; sums may differ in the last bits only by summation order (they do not here). */
function expectColumn(got: Float64Array, want: Array<number | null>, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w === null) expect(Number.isNaN(got[i]), `${label}[${i}] is NaN`).toBe(true);
    else expect(got[i], `${label}[${i}]`).toBeCloseTo(w, 9);
  }
}

describe('store.query equals pandas resample(...).agg(...) (golden vectors)', () => {
  let store: Storage;
  beforeEach(async () => {
    store = await createBackend('memory:');
  });
  afterEach(() => store.close());

  for (const c of golden.cases) {
    it(`${c.name}: every ${c.every}${c.queryTz ? ` in ${c.queryTz}` : ''}`, async () => {
      const s = seriesOf(c);
      await store.save('g/X#1/RAW#1', s, meta(s));
      const result = await store.query({
        series: ['g/X#1/RAW#1'], every: c.every, agg: golden.aggs as QueryAgg[], ...(c.queryTz ? { tz: c.queryTz } : {}),
      });
      expect(Array.from(result.labelsUs)).toEqual(c.labels);
      expect(result.toRecords().map((r) => r.time)).toEqual(c.labelText);
      for (const agg of golden.aggs) expectColumn(result.column(`g/X#1/RAW#1:${agg}`).values, c.result[agg]!, agg);
      expect(result.sources['g/X#1/RAW#1']).toBeDefined();
    });
  }

  it('a daily max of a UTC−5 station has one bucket per local day (regression: UTC-aligned buckets labelled 19:00-05:00)', async () => {
    const start = Date.UTC(2024, 0, 1, 5) * 1000; // local midnight in New York
    const s = new Series({
      index: new DatetimeIndex(Float64Array.from({ length: 7 * 24 }, (_, i) => start + i * 3_600_000_000), { tz: 'America/New_York' }),
      values: Float64Array.from({ length: 7 * 24 }, (_, i) => i), name: 'T#1_RAW#1',
    });
    await store.save('ny/T#1/RAW#1', s, meta(s));
    const daily = await store.aggregate('ny/T#1/RAW#1', { fn: 'max', every: '1D' });
    expect(daily.length).toBe(7);
    expect((daily.index as DatetimeIndex).textAt(0)).toBe('2024-01-01 00:00:00-05:00');
  });
});

describe('query shapes, fills and ranges', () => {
  let store: Storage;
  const H = 3_600_000_000;
  const t0 = Date.UTC(2024, 2, 1) * 1000;
  beforeEach(async () => {
    store = await createBackend('memory:');
    // A: hourly 0..9 with hours 3-5 missing; B: hourly from hour 2.
    const a = new Series({ index: new DatetimeIndex(Float64Array.from([0, 1, 2, 6, 7, 8, 9], (h) => t0 + h * H), { tz: 'UTC' }), values: Float64Array.from([0, 1, 2, 6, 7, 8, 9]), name: 'A#1_RAW#1' });
    const b = new Series({ index: new DatetimeIndex(Float64Array.from([2, 3, 4], (h) => t0 + h * H), { tz: 'UTC' }), values: Float64Array.from([20, 30, 40]), name: 'B#1_RAW#1' });
    await store.save('p/A#1/RAW#1', a, meta(a));
    await store.save('p/B#1/RAW#1', b, meta(b));
  });
  afterEach(() => store.close());

  it('joins series on bucket labels (wide) and stacks them (long)', async () => {
    const wide = await store.query({ series: ['p/A#1/RAW#1', 'p/B#1/RAW#1'], every: '1h', agg: ['mean', 'count'] });
    expect(wide.length).toBe(10);
    expect(Array.from(wide.times.subarray(0, 2))).toEqual([t0 / 1000, t0 / 1000 + 3_600_000]);
    expect(Array.from(wide.column('p/A#1/RAW#1:count').values)).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(wide.column('p/B#1/RAW#1:mean').values.subarray(0, 5))).toEqual([NaN, NaN, 20, 30, 40]);
    const long = await store.query({ series: ['p/A#1/RAW#1', 'p/B#1/RAW#1'], every: '1h', agg: 'mean', shape: 'long' });
    expect(long.length).toBe(10 + 3);
    expect(long.keys!.filter((k) => k === 'p/B#1/RAW#1').length).toBe(3);
    expect(Array.from(long.toSeries('mean', 'p/B#1/RAW#1').values as Float64Array)).toEqual([20, 30, 40]);
  });

  it('fills empty buckets: previous, linear in time, a constant', async () => {
    const q = (fill: 'previous' | 'linear' | number) => store.query({ series: ['p/A#1/RAW#1'], every: '1h', agg: 'mean', fill })
      .then((r) => Array.from(r.column('p/A#1/RAW#1:mean').values));
    expect(await q('previous')).toEqual([0, 1, 2, 2, 2, 2, 6, 7, 8, 9]);
    expect(await q('linear')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await q(-1)).toEqual([0, 1, 2, -1, -1, -1, 6, 7, 8, 9]);
  });

  it('takes the range as Date | ISO | epoch ms, from inclusive, to exclusive', async () => {
    const r1 = await store.query({ series: ['p/A#1/RAW#1'], range: { from: '2024-03-01T06:00:00Z', to: new Date(t0 / 1000 + 9 * 3_600_000) }, agg: ['sum', 'count'] });
    expect(Array.from(r1.column('p/A#1/RAW#1:sum').values)).toEqual([6 + 7 + 8]);
    const r2 = await store.query({ series: ['p/A#1/RAW#1'], range: { from: t0 / 1000 + 8 * 3_600_000 }, agg: 'first' });
    expect(Array.from(r2.column('p/A#1/RAW#1:first').values)).toEqual([8]);
  });

  it('reports progress per series and stops when aborted', async () => {
    const seen: string[] = [];
    await store.query({ series: ['p/A#1/RAW#1', 'p/B#1/RAW#1'], agg: 'mean', onProgress: (p) => seen.push(`${p.done}/${p.total} ${p.key}`) });
    expect(seen).toEqual(['1/2 p/A#1/RAW#1', '2/2 p/B#1/RAW#1']);
    const abort = new AbortController();
    abort.abort();
    await expect(store.query({ series: ['p/A#1/RAW#1'], agg: 'mean', signal: abort.signal })).rejects.toThrow();
  });

  it('answers the other series with partial: true and names the one that failed', async () => {
    await expect(store.query({ series: ['p/A#1/RAW#1', 'p/Z#1/RAW#1'], agg: 'mean' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const r = await store.query({ series: ['p/A#1/RAW#1', 'p/Z#1/RAW#1'], agg: 'mean', partial: true });
    expect(r.columns.map((c) => c.name)).toEqual(['p/A#1/RAW#1:mean']);
    expect(r.errors).toEqual([expect.objectContaining({ key: 'p/Z#1/RAW#1', code: 'NOT_FOUND' })]);
  });

  it('refuses bad input with INVALID_INPUT naming the value, before reading anything', async () => {
    const bad = async (options: Record<string, unknown>, text: string) => {
      const err = await store.query({ series: ['p/A#1/RAW#1'], agg: 'mean', ...options } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MetaseriesError);
      expect((err as MetaseriesError).code).toBe('INVALID_INPUT');
      expect((err as MetaseriesError).message).toContain(text);
    };
    await bad({ agg: 'median2' }, '"median2"');
    await bad({ agg: { quantile: 1.5 } }, '1.5');
    await bad({ every: 86400 }, '86400');
    await bad({ every: 'fortnight' }, '"fortnight"');
    await bad({ tz: 'Mars/Olympus' }, '"Mars/Olympus"');
    await bad({ range: { from: '2024-03-02', to: '2024-03-01' } }, '2024-03-01');
    await bad({ shap: 'wide' }, '"shap"');
    await bad({ fill: 'nearest' }, '"nearest"');
    await expect(store.aggregate('p/A#1/RAW#1', { fn: 'median2' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.aggregate('p/A#1/RAW#1', { fn: 'max', every: 86400 as never })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('86400') });
  });

  it('aggregate: median and percentiles are computed, not NaN (regression: [NaN] on every backend)', async () => {
    expect(Array.from((await store.aggregate('p/A#1/RAW#1', { fn: 'median' })).values as Float64Array)).toEqual([6]);
    expect(Array.from((await store.aggregate('p/A#1/RAW#1', { fn: 'p95' })).values as Float64Array)[0]).toBeCloseTo(8.7, 12);
  });

  it('one bucket over a numeric index; time buckets on it are refused', async () => {
    const n = new Series({ index: new NumericIndex(Float64Array.from([1, 2, 3]), 'int64'), values: Float64Array.from([1, 2, 4]) });
    await store.save('p/N#1/RAW#1', n, { ...meta(n.withIndex(new DatetimeIndex(new Float64Array(3)))), index_metadata: null });
    expect(Array.from((await store.aggregate('p/N#1/RAW#1', { fn: 'sum' })).values as Float64Array)).toEqual([7]);
    await expect(store.aggregate('p/N#1/RAW#1', { fn: 'sum', every: '1h' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('query golden vectors stay what pandas computes (drift)', () => {
  const available = pythonAvailable();
  if (!available) console.warn(SKIP_PYTHON_REASON);
  it.skipIf(!available)('regenerated by pandas equal the committed file', () => {
    const fresh = JSON.parse(execFileSync(PYTHON, [join(ROOT, 'scripts', 'gen_query_fixtures.py'), '--stdout'], { maxBuffer: 64 << 20 }).toString()) as typeof golden;
    expect(fresh.cases).toEqual(golden.cases);
  });
});
