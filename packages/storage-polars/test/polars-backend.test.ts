import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import pl from 'nodejs-polars';
import { createBackend, DatetimeIndex, MetaseriesError, RangeIndex, Series, type SeriesMetadata, StringIndex, TimeSeries } from '@metaseries/core';
import { fromPolars, openPolars, PolarsBackend, timeSeriesFromPolars, toPolars } from '@metaseries/storage-polars';
import { tempDir } from '../../../test/support/tmp.js';

const H = 3_600_000_000;

function fresh(): string {
  return tempDir('metaseries-polars-');
}

function meta(s: Series, extra: Partial<SeriesMetadata> = {}): SeriesMetadata {
  return { processing_steps: [], index_metadata: null, values_dtype: s.dtype, metadata_id: null, created_on: '2024-01-01T00:00:00', ...extra };
}

function hourly(n: number, tz: string | null = 'Europe/Paris', name = 'S#1_RAW#1'): Series {
  return new Series({ index: new DatetimeIndex(Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) * 1000 + i * H), { tz, freq: 'h' }), values: Float64Array.from({ length: n }, (_, i) => i), name });
}

async function code(p: Promise<unknown>): Promise<MetaseriesError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MetaseriesError);
    return e as MetaseriesError;
  }
  throw new Error('expected an error');
}

describe('PolarsBackend files', () => {
  it('uses Python file names and keeps colliding keys apart', async () => {
    const dir = fresh();
    const store = await openPolars(dir, { layout: 'meteaudata' });
    const a = hourly(3, 'UTC', 'a'), b = hourly(4, 'UTC', 'b');
    await store.save('x/a_b/c', a, meta(a));
    await store.save('x/a/b_c', b, meta(b));
    const files = readdirSync(dir).sort();
    expect(files).toContain('x_a_b_c.parquet');
    expect(files).toContain('x_a_b_c_meta.yaml');
    expect(files.filter((f) => f.endsWith('.parquet'))).toHaveLength(2);
    expect(await store.listKeys()).toEqual(['x/a/b_c', 'x/a_b/c']);
    expect((await store.load('x/a_b/c')).series.equals(a)).toBe(true);
    expect((await store.load('x/a/b_c')).series.equals(b)).toBe(true);
    expect(readFileSync(join(dir, 'x_a_b_c_meta.yaml'), 'utf8').split('\n')[0]).toBe('metaseries_key: "x/a_b/c"');
    await store.delete('x/a_b/c');
    expect((await store.load('x/a/b_c')).series.equals(b)).toBe(true);
  });

  it('registers as kind "polars" and opens from a config', async () => {
    const dir = fresh();
    const store = await createBackend({ kind: 'polars', dir, layout: 'meteaudata' });
    expect(store.kind).toBe('polars');
    expect(store.capabilities).toMatchObject({ rangeReads: true, streaming: true, persistent: true });
    const url = await createBackend(`polars:${dir}?layout=meteaudata`);
    expect(url.backend).toBeInstanceOf(PolarsBackend);
  });

  it('clear() removes only files the store owns', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'config.yaml'), 'keep: me\n');
    writeFileSync(join(dir, 'notes.txt'), 'keep');
    const store = await openPolars(dir, { layout: 'meteaudata' });
    const s = hourly(2);
    await store.save('d/s/t', s, meta(s));
    await store.clear();
    expect(readdirSync(dir).sort()).toEqual(['config.yaml', 'notes.txt']);
  });

  it('a folder path that is a file is INVALID_INPUT', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'f'), 'x');
    expect((await code(openPolars(join(dir, 'f')))).code).toBe('INVALID_INPUT');
  });
});

describe('PolarsBackend bad data', () => {
  it('truncated Parquet → CORRUPT_DATA naming the file', async () => {
    const dir = fresh();
    const store = await openPolars(dir, { layout: 'meteaudata' });
    const s = hourly(1000);
    await store.save('d/s/t', s, meta(s));
    truncateSync(join(dir, 'd_s_t.parquet'), 300);
    const e = await code(store.load('d/s/t'));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toContain('d_s_t.parquet');
    expect((await code(store.loadRange('d/s/t', { from: 0, to: 1e18 }))).code).toBe('CORRUPT_DATA');
  });

  it('garbage Parquet → CORRUPT_DATA naming the file', async () => {
    const dir = fresh();
    const store = await openPolars(dir, { layout: 'meteaudata' });
    const s = hourly(10);
    await store.save('d/s/t', s, meta(s));
    writeFileSync(join(dir, 'd_s_t.parquet'), 'not a parquet file at all');
    const e = await code(store.load('d/s/t'));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toContain('d_s_t.parquet');
  });

  it('a sidecar without its Parquet, or the reverse, is CORRUPT_DATA; a bad sidecar too', async () => {
    const dir = fresh();
    const store = await openPolars(dir, { layout: 'meteaudata' });
    const s = hourly(3);
    await store.save('d/s/a', s, meta(s));
    await store.save('d/s/b', s, meta(s));
    await store.save('d/s/c', s, meta(s));
    unlinkSync(join(dir, 'd_s_a.parquet'));
    unlinkSync(join(dir, 'd_s_b_meta.yaml'));
    writeFileSync(join(dir, 'd_s_c_meta.yaml'), 'metaseries_key: "d/s/c"\n: : [unclosed\n');
    const a = await code(store.load('d/s/a'));
    expect([a.code, a.message.includes('d_s_a_meta.yaml')]).toEqual(['CORRUPT_DATA', true]);
    const b = await code(store.load('d/s/b'));
    expect([b.code, b.message.includes('d_s_b.parquet')]).toEqual(['CORRUPT_DATA', true]);
    const c = await code(store.load('d/s/c'));
    expect([c.code, c.message.includes('d_s_c_meta.yaml')]).toEqual(['CORRUPT_DATA', true]);
  });

  it('a Parquet whose schema is not a series is CORRUPT_DATA', async () => {
    const dir = fresh();
    pl.DataFrame({ a: [1, 2], b: [3, 4], c: [5, 6] }).writeParquet(join(dir, 'wide.parquet'));
    writeFileSync(join(dir, 'wide_meta.yaml'), 'metaseries_key: "wide"\nmetaseries:\n  format: 1\n  name: x\n  dtype: float64\n  length: 2\n  index: {kind: range, start: 0, stop: 2, step: 1, name: null}\n  sorted: true\n  added: []\nprocessing_steps: []\n');
    const store = await openPolars(dir, { layout: 'meteaudata' });
    const e = await code(store.load('wide'));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toContain('wide.parquet');
  });
});

describe('PolarsBackend atomic saves', () => {
  it('a kill -9 during saves leaves a whole old or new version, never a torn pair', async () => {
    const dir = fresh();
    const script = fileURLToPath(new URL('./fixtures/save-loop.mjs', import.meta.url));
    const n = 200_000;
    for (let attempt = 0; attempt < 4; attempt++) {
      const child = spawn(process.execPath, [script, dir, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let saved = 0;
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const m = /saved (\d+)\s*$/.exec(chunk.toString());
          if (m) saved = Number(m[1]);
          // Kill in the middle of a later save, at a different moment each attempt.
          if (saved >= 2) setTimeout(() => child.kill('SIGKILL'), 5 + attempt * 17);
        });
        child.on('exit', () => resolve());
      });
      const store = await openPolars(dir, { layout: 'meteaudata' });
      const { series, metadata } = await store.load('ds/K#1/RAW#1');
      const round = Number(metadata.metadata_id);
      expect(round).toBeGreaterThanOrEqual(1);
      // Values, length and metadata all belong to the same round.
      expect(series.length).toBe(n - (round % 2));
      expect((series.values as Float64Array).every((v) => v === round)).toBe(true);
      await store.close();
    }
  }, 60_000);
});

describe('toPolars / fromPolars', () => {
  it('round-trips a zoned series with NaN through a DataFrame', () => {
    const s = hourly(5, 'America/Toronto').withValues(Float64Array.from([1, Number.NaN, 3, -0, 5]));
    const df = toPolars(s);
    expect(df.columns).toEqual(['index', 'S#1_RAW#1']);
    expect(String(df.getColumn('index').dtype)).toContain('America/Toronto');
    const back = fromPolars(df, { freq: 'h' });
    expect(back.equals(s)).toBe(true);
  });

  it('reads nulls as NaN, a lone polars Series with a RangeIndex, strings and bools', () => {
    const back = fromPolars(pl.Series('v', [1, null, 3], pl.Float64));
    expect(back.index).toBeInstanceOf(RangeIndex);
    expect(Array.from(back.values as Float64Array)).toEqual([1, Number.NaN, 3]);
    const labels = fromPolars(pl.DataFrame({ k: ['a', 'b'], v: ['x', null] }));
    expect(labels.index).toBeInstanceOf(StringIndex);
    expect(labels.values).toEqual(['x', null]);
    const flags = fromPolars(pl.Series('f', [true, false]));
    expect(flags.dtype).toBe('bool');
  });

  it('TimeSeries keep their history via metadata', () => {
    const s = hourly(3, 'UTC');
    const ts = new TimeSeries({ series: s, createdOn: '2024-01-01T00:00:00' });
    const back = timeSeriesFromPolars(toPolars(ts), { metadata: ts.metadataDict(), freq: 'h' });
    expect(back.series.equals(s)).toBe(true);
    expect(back.metadataDict()).toEqual(ts.metadataDict());
  });
});
