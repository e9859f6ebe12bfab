import {
  Dataset, DatetimeIndex, IndexMetadata, MemoryBackend, MetaseriesError, NumericIndex, Series, type SeriesMetadata, Signal, Storage,
} from '@metaseries/core';
import {
  MemoryDriver,
} from '@metaseries/core/backend-kit';
import * as core from '@metaseries/core';
import * as kit from '@metaseries/core/backend-kit';
import { describe, expect, it } from 'vitest';

// One time type at the API boundary: Date | ISO text | epoch ms, converted once; µs never leak.
const H = 3_600_000; // ms
const T0 = Date.UTC(2024, 2, 1); // 2024-03-01T00:00Z

function hourly(tz: string | null, n = 6): Series {
  const keys = Float64Array.from({ length: n }, (_, i) => (T0 + i * H) * 1000);
  return new Series({ index: new DatetimeIndex(keys, { tz }), values: Float64Array.from({ length: n }, (_, i) => i), name: 'A#1_RAW#1' });
}

function meta(s: Series): SeriesMetadata {
  return { processing_steps: [], index_metadata: IndexMetadata.fromIndex(s.index).toDict(), values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01T00:00:00' };
}

const values = (s: Series): number[] => Array.from(s.values as Float64Array);

async function code(p: Promise<unknown>): Promise<MetaseriesError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(MetaseriesError);
  return e as MetaseriesError;
}

describe.each([
  ['v2 (segment store)', () => new Storage(new MemoryDriver())],
  ['legacy backend', () => new Storage(new MemoryBackend())],
])('Storage time ranges on a %s', (_name, open) => {
  it('a Date, ISO text with an offset, naive ISO text and epoch ms select the same points (zoned index)', async () => {
    const store = open();
    const s = hourly('Europe/Zurich'); // 01:00 … 06:00 local (UTC+1)
    await store.save('p/A#1/RAW#1', s, meta(s));
    const forms = [
      { from: new Date(T0 + H), to: new Date(T0 + 3 * H) },
      { from: '2024-03-01T01:00:00Z', to: '2024-03-01T04:00:00+01:00' },
      { from: '2024-03-01 02:00', to: '2024-03-01T04:00:00' }, // zone-less text is Zurich wall time
      { from: T0 + H, to: T0 + 3 * H },
    ];
    for (const range of forms) {
      expect(values((await store.loadRange('p/A#1/RAW#1', range)).series)).toEqual([1, 2, 3]);
      expect(values((await store.load('p/A#1/RAW#1', { range })).series)).toEqual([1, 2, 3]);
      expect(values(await store.aggregate('p/A#1/RAW#1', { fn: 'count', range }))).toEqual([3]);
      const chunks: number[] = [];
      for await (const c of store.stream('p/A#1/RAW#1', { range, chunkSize: 2 })) chunks.push(...values(c));
      expect(chunks).toEqual([1, 2, 3]);
    }
    await store.deleteRange('p/A#1/RAW#1', { from: '2024-03-01T05:00:00+01:00', to: new Date(T0 + 4 * H) });
    expect(values((await store.load('p/A#1/RAW#1')).series)).toEqual([0, 1, 2, 3, 5]);
    await store.close();
  });

  it('a naive index: zone-less text is its wall time, Dates and ms are read as the UTC wall clock', async () => {
    const store = open();
    const s = hourly(null); // wall times 00:00 … 05:00
    await store.save('p/A#1/RAW#1', s, meta(s));
    for (const range of [
      { from: '2024-03-01 01:00', to: '2024-03-01T03:00:00' },
      { from: new Date('2024-03-01T01:00:00Z'), to: T0 + 3 * H },
      { from: '2024-03-01T02:00:00+01:00', to: '2024-03-01T03:00:00Z' }, // an instant: its UTC wall clock
    ]) expect(values((await store.loadRange('p/A#1/RAW#1', range)).series)).toEqual([1, 2, 3]);
    await store.close();
  });

  it('a numeric index takes index values; text and Dates are refused, naming them', async () => {
    const store = open();
    const s = new Series({ index: new NumericIndex(Float64Array.of(0.5, 1, 1.5, 2)), values: Float64Array.of(1, 2, 3, 4), name: 'A#1_N#1' });
    await store.save('p/A#1/N#1', s, meta(s));
    expect(values((await store.loadRange('p/A#1/N#1', { from: 1, to: 1.5 })).series)).toEqual([2, 3]);
    const text = await code(store.loadRange('p/A#1/N#1', { from: '2024-03-01' }));
    expect(text.code).toBe('INVALID_INPUT');
    expect(text.message).toContain('"2024-03-01"');
    const date = await code(store.deleteRange('p/A#1/N#1', { to: new Date(T0) }));
    expect(date.code).toBe('INVALID_INPUT');
    expect(date.message).toContain('2024-03-01T00:00:00.000Z');
    expect((await store.load('p/A#1/N#1')).series.length).toBe(4); // nothing lost
    await store.close();
  });

  it('bad bounds are INVALID_INPUT naming them; nothing stored is lost', async () => {
    const store = open();
    const s = hourly('UTC');
    await store.save('p/A#1/RAW#1', s, meta(s));
    const reversed = await code(store.loadRange('p/A#1/RAW#1', { from: '2024-03-02', to: '2024-03-01' }));
    expect(reversed.code).toBe('INVALID_INPUT');
    expect(reversed.message).toContain('"2024-03-02"');
    expect(reversed.message).toContain('"2024-03-01"');
    expect((await code(store.deleteRange('p/A#1/RAW#1', { from: Number.NaN }))).message).toContain('NaN');
    expect((await code(store.loadRange('p/A#1/RAW#1', { to: new Date('nope') }))).message).toContain('Invalid Date');
    expect((await code(store.aggregate('p/A#1/RAW#1', { fn: 'max', range: { from: 'yesterday' } }))).message).toContain('"yesterday"');
    const it = store.stream('p/A#1/RAW#1', { range: { from: T0 + 2 * H, to: T0 } });
    expect((await code(it.next())).code).toBe('INVALID_INPUT');
    expect((await store.load('p/A#1/RAW#1')).series.length).toBe(6);
    await store.close();
  });
});

describe('TimeSeries ranges and extent', () => {
  it('loadRange takes the same forms (text keeps pandas partial periods) and extent returns Dates', async () => {
    const storage = new Storage(new MemoryDriver());
    const ds = new Dataset({ name: 'd', signals: [new Signal({ name: 'A', data: hourly('UTC').rename('RAW') })] });
    ds.useBackend(storage);
    await ds.saveAll();
    const stored = (await Dataset.fromBackend(storage, 'd')).get('A#1').get('A#1_RAW#1');
    for (const ts of [ds.get('A#1').get('A#1_RAW#1'), stored]) {
      expect(values(await ts.loadRange(new Date(T0 + H), T0 + 2 * H))).toEqual([1, 2]);
      expect(values(await ts.loadRange('2024-03-01T01:00:00Z', '2024-03-01T02:00:00Z'))).toEqual([1, 2]);
      expect(values(await ts.loadRange('2024-03-01 04', null))).toEqual([4, 5]); // an hour as a partial period
      expect((await code(ts.loadRange(T0 + 2 * H, T0))).code).toBe('INVALID_INPUT');
      expect(await ts.extent()).toEqual({ length: 6, first: new Date(T0), last: new Date(T0 + 5 * H) });
    }
    expect(stored.isLoaded).toBe(false);
    await storage.close();
  });
});

describe('results carry Dates, never microseconds', () => {
  it('describe, versions, series(), retention and watch give Dates for datetime indexes and values for numeric ones', async () => {
    const store = new Storage(new MemoryDriver());
    const s = hourly('UTC');
    await store.save('p/A#1/RAW#1', s, meta(s));
    const n = new Series({ index: new NumericIndex(Float64Array.of(0.5, 2)), values: Float64Array.of(1, 2), name: 'A#1_N#1' });
    await store.save('p/A#1/N#1', n, meta(n));
    expect((await store.describe('p/')).map((d) => [d.key, d.first, d.last])).toEqual([
      ['p/A#1/N#1', 0.5, 2], ['p/A#1/RAW#1', new Date(T0), new Date(T0 + 5 * H)],
    ]);
    expect((await store.versions('p/A#1/RAW#1'))[0]).toMatchObject({ first: new Date(T0), last: new Date(T0 + 5 * H) });
    expect((await store.series({ dataset: 'p' })).find((x) => x.key === 'p/A#1/RAW#1')).toMatchObject({ first: new Date(T0), last: new Date(T0 + 5 * H) });
    const report = await store.applyRetention({ rules: [{ match: 'p/*/RAW#*', keep: '2h' }], now: new Date(T0 + 5 * H), dryRun: true });
    expect(report.keys[0]).toMatchObject({ cutoff: new Date(T0 + 3 * H), points: 3 });
    const abort = new AbortController();
    const events = (async () => {
      for await (const e of store.watch({ prefix: 'p/', signal: abort.signal, pollMs: 20 })) {
        abort.abort();
        return e;
      }
      return null;
    })();
    await store.append('p/A#1/RAW#1', hourly('UTC', 8).slice(6, 8));
    const e = await events;
    expect(e?.range).toEqual({ from: new Date(T0 + 5 * H), to: new Date(T0 + 7 * H) });
    expect(e?.at).toBeInstanceOf(Date);
    await store.close();
  });
});

it('stored-key (µs) helpers are backend-kit only, not root exports', () => {
  for (const name of ['loadKeyRange', 'deleteKeyRange', 'describeKeys', 'sliceByKeyRange', 'summarize', 'loadTimeSeriesKeyRange']) {
    expect(name in core, name).toBe(false);
    expect(typeof (kit as Record<string, unknown>)[name], name).toBe('function');
  }
});
