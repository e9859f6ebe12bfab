/**
 * The native file layout (issue 11) on both backends: damage stays local, colliding
 * and odd keys, concurrency across two stores on one folder, and the Python recipe
 * (pd.read_parquet / pl.scan_parquet on the files the index lists) with real pyarrow
 * and polars.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, MetaseriesError, Series, type SeriesMetadata, type Storage, TimeSeries } from '@metaseries/core';
import { fileStem } from '@metaseries/core/backend-kit';
import '@metaseries/storage-parquet';
import '@metaseries/storage-polars';
import { pythonAvailable, pythonJson, SKIP_PYTHON_REASON } from '../support/python.js';

const HAVE_PYTHON = pythonAvailable();
const temps: string[] = [];
afterAll(() => { for (const t of temps) rmSync(t, { recursive: true, force: true }); });
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'metaseries-native-'));
  temps.push(dir);
  return dir;
}
function series(n: number, fill: number | ((i: number) => number), tz: string | null = 'UTC', name = 'A#1_RAW#1'): Series {
  const values = Float64Array.from({ length: n }, (_, i) => (typeof fill === 'number' ? fill : fill(i)));
  return Series.regular('2024-01-01T00:00:00Z', 60e6, values, { name, tz });
}
function meta(id: string, s: Series): SeriesMetadata {
  return { ...new TimeSeries({ series: s, createdOn: '2024-03-01T10:00:00' }).metadataDict(), metadata_id: id };
}
async function error(p: Promise<unknown>): Promise<MetaseriesError> {
  try { await p; } catch (e) { expect(e).toBeInstanceOf(MetaseriesError); return e as MetaseriesError; }
  throw new Error('expected an error');
}
const keyDir = (dir: string, key: string): string => join(dir, 'series', fileStem(key));

for (const kind of ['parquet', 'polars'] as const) {
  const open = (dir: string): Promise<Storage> => createBackend({ kind, dir, layout: 'native' });

  describe(`${kind} native layout`, () => {
    it('a new folder is native: one index file, one folder per key, immutable segment files', async () => {
      const dir = tempDir();
      const store = await createBackend({ kind, dir });
      await store.save('ds/A#1/RAW#1', series(10, 1), meta('m', series(10, 1)));
      expect(readdirSync(dir).sort()).toEqual(['metaseries.json', 'series']);
      const files = readdirSync(keyDir(dir, 'ds/A#1/RAW#1')).sort();
      expect(files.filter((f) => f.endsWith('.parquet'))).toHaveLength(1);
      expect(files).toContain('v1.json');
      expect(files).toContain('key');
    });

    it('colliding keys a_b/c#1/RAW#1 and a/b_c#1/RAW#1, "."-prefixed and 5 KB keys: all kept apart (concurrent saves, 20 rounds)', async () => {
      const store = await open(tempDir());
      const keys = ['a_b/c#1/RAW#1', 'a/b_c#1/RAW#1', '.hidden/A#1/RAW#1', `huge/${'é'.repeat(2500)}#1/RAW#1`];
      for (let round = 0; round < 20; round++) {
        await Promise.all(keys.map((k, i) => store.save(k, series(3 + i, round * 10 + i), meta(`${i}-${round}`, series(3 + i, 0)))));
        for (const [i, k] of keys.entries()) {
          const { series: s, metadata } = await store.load(k);
          expect([metadata.metadata_id, s.length, s.valueAt(0)]).toEqual([`${i}-${round}`, 3 + i, round * 10 + i]);
        }
      }
      expect(await store.listKeys()).toEqual([...keys].sort());
      expect((await store.versions('a_b/c#1/RAW#1')).length).toBe(20);
    });

    it('a corrupt segment gives CORRUPT_DATA naming the file for that key; other keys list, load, save, delete; the key can be overwritten and deleted', async () => {
      const dir = tempDir();
      const store = await open(dir);
      for (const k of ['ds/A#1/RAW#1', 'ds/B#1/RAW#1', 'ds/C#1/RAW#1']) await store.save(k, series(100, 1), meta(k, series(100, 1)));
      const bDir = keyDir(dir, 'ds/B#1/RAW#1');
      const seg = readdirSync(bDir).find((f) => f.endsWith('.parquet'))!;
      truncateSync(join(bDir, seg), 30);
      const reopened = await open(dir);
      const e = await error(reopened.load('ds/B#1/RAW#1'));
      expect(e.code).toBe('CORRUPT_DATA');
      expect(e.message).toContain(seg);
      expect(await reopened.listKeys()).toEqual(['ds/A#1/RAW#1', 'ds/B#1/RAW#1', 'ds/C#1/RAW#1']);
      expect((await reopened.describe('ds/')).map((d) => d.length)).toEqual([100, 100, 100]);
      expect((await reopened.load('ds/A#1/RAW#1')).series.length).toBe(100);
      await reopened.save('ds/C#1/RAW#1', series(5, 2), meta('c2', series(5, 2)));
      await reopened.delete('ds/A#1/RAW#1');
      await reopened.save('ds/B#1/RAW#1', series(7, 3), meta('b2', series(7, 3)));
      expect((await reopened.load('ds/B#1/RAW#1')).series.length).toBe(7);
      await reopened.delete('ds/B#1/RAW#1');
      expect(await reopened.listKeys()).toEqual(['ds/C#1/RAW#1']);
    });

    it('a damaged version record affects its key and version only; a damaged index is rebuilt on open from the records', async () => {
      const dir = tempDir();
      const store = await open(dir);
      await store.save('ds/A#1/RAW#1', series(10, 1), meta('a1', series(10, 1)));
      await store.save('ds/A#1/RAW#1', series(12, 2), meta('a2', series(12, 2)));
      await store.save('ds/B#1/RAW#1', series(10, 5), meta('b1', series(10, 5)));
      writeFileSync(join(keyDir(dir, 'ds/A#1/RAW#1'), 'v1.json'), '{ not json');
      const e = await error(store.load('ds/A#1/RAW#1', { asOf: 1 }));
      expect(e.code).toBe('CORRUPT_DATA');
      expect(e.message).toContain('v1.json');
      expect((await store.load('ds/A#1/RAW#1')).metadata.metadata_id).toBe('a2');
      expect((await store.load('ds/B#1/RAW#1')).metadata.metadata_id).toBe('b1');
      writeFileSync(join(dir, 'metaseries.json'), '{"format": "metaseries-file-store", "keys": ');
      const reopened = await open(dir);
      expect(await reopened.listKeys()).toEqual(['ds/A#1/RAW#1', 'ds/B#1/RAW#1']);
      expect((await reopened.load('ds/A#1/RAW#1')).metadata.metadata_id).toBe('a2');
      expect(JSON.parse(readFileSync(join(dir, 'metaseries.json'), 'utf8')).format).toBe('metaseries-file-store');
    });

    it('two stores on one folder (another process\'s view): writes to one key win or get CONFLICT, never lost', async () => {
      const dir = tempDir();
      const a = await open(dir), b = await open(dir);
      await a.save('ds/A#1/RAW#1', series(10, 0), meta('v1', series(10, 0)));
      const results = await Promise.allSettled([
        a.segments!.save('ds/A#1/RAW#1', series(10, 1), meta('a', series(10, 1)), { expectedVersion: 1 }),
        b.segments!.save('ds/A#1/RAW#1', series(10, 2), meta('b', series(10, 2)), { expectedVersion: 1 }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled').length;
      expect(won).toBe(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((lost.reason as MetaseriesError).code).toBe('CONFLICT');
      expect((await b.versions('ds/A#1/RAW#1')).map((v) => v.version)).toEqual([1, 2]);
      // Appends from both re-plan on the new head: none is lost.
      for (let i = 0; i < 5; i++) {
        const start = Date.UTC(2024, 0, 2) * 1000 + i * 120e6;
        await Promise.all([
          a.append('ds/A#1/RAW#1', new Series({ index: series(1, 0).index.with({ values: Float64Array.of(start) }), values: Float64Array.of(i), name: 'A#1_RAW#1' })),
          b.append('ds/A#1/RAW#1', new Series({ index: series(1, 0).index.with({ values: Float64Array.of(start + 60e6) }), values: Float64Array.of(-i), name: 'A#1_RAW#1' })),
        ].map((p) => p.catch((e: MetaseriesError) => (e.code === 'INVALID_INPUT' ? undefined : Promise.reject(e)))));
      }
      expect((await a.load('ds/A#1/RAW#1')).series.length).toBeGreaterThanOrEqual(10 + 5);
    });
  });
}

describe.skipIf(!HAVE_PYTHON)(`native layout read by real pyarrow and polars with the documented recipe${HAVE_PYTHON ? '' : ` (${SKIP_PYTHON_REASON})`}`, () => {
  it('pd.read_parquet and pl.scan_parquet on the files metaseries.json lists give the current version, bit-exact, zone included', async () => {
    const dir = tempDir();
    const store = await createBackend({ kind: 'parquet', dir, layout: 'native' });
    const walk = (i: number): number => Math.round((50 + Math.sin(i / 100) * 10) * 100) / 100;
    const s = series(150_000, walk, 'Europe/Paris');
    s.values[7] = Number.NaN;
    (s.values as Float64Array)[8] = -0;
    await store.save('plant/COD#1/RAW#1', s, meta('m', s));
    await store.append('plant/COD#1/RAW#1', Series.regular(new Date(Date.UTC(2024, 0, 1) + 150_000 * 60_000), 60e6, new Float64Array(3600).fill(1.5), { name: 'A#1_RAW#1', tz: 'Europe/Paris' }));
    const got = await pythonJson<{ pandas: number[]; polars: number[]; tz: string; len: number; negzero: boolean; nan: boolean; first: string }>(`
import json, sys, math
import pandas as pd, polars as pl
store, key = sys.argv[1], 'plant/COD#1/RAW#1'
# The documented recipe: the index lists the current segment files of each key.
e = json.load(open(f'{store}/metaseries.json'))['keys'][key]; files = [f"{store}/series/{e['stem']}/{s['id']}.parquet" for s in e['record']['segments']]
df = pd.concat(pd.read_parquet(f) for f in files); lf = pl.scan_parquet(files).collect()
col = df.columns[0]
print(json.dumps(dict(pandas=[float(x) for x in df[col].iloc[:20].fillna(-999)], polars=[float(x) for x in lf[col][:20].fill_nan(-999)],
  tz=str(df.index.tz), len=len(df), negzero=math.copysign(1, df[col].iloc[8]) < 0, nan=math.isnan(df[col].iloc[7]), first=str(df.index[0]))))
`, [dir]);
    const expected = Array.from((s.values as Float64Array).subarray(0, 20), (v) => (Number.isNaN(v) ? -999 : v));
    expect(got.len).toBe(153_600);
    expect(got.pandas).toEqual(expected);
    expect(got.polars).toEqual(expected);
    expect(got.tz).toBe('Europe/Paris');
    expect(got.negzero).toBe(true);
    expect(got.nan).toBe(true);
    expect(got.first).toBe('2024-01-01 01:00:00+01:00');
  });
});
