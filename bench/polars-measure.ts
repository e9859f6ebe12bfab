/**
 * Ad hoc measurements of the polars store (issue 6): save/load 1,000,000 points,
 * a 1-day range read from 10,000,000 points, bytes per point on disk.
 * Run: npx tsc -b packages/storage-polars && npx tsx bench/polars-measure.ts
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatetimeIndex, Series, type SeriesMetadata } from '@metaseries/core';
import { openPolars } from '@metaseries/storage-polars';

const MIN = 60_000_000;
const T0 = Date.UTC(2000, 0, 1) * 1000;

function series(n: number): Series {
  const us = new Float64Array(n), v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    us[i] = T0 + i * MIN;
    v[i] = i % 997 === 0 ? Number.NaN : Math.round((20 + 5 * Math.sin(i / 1440) + Math.random()) * 100) / 100;
  }
  return new Series({ index: new DatetimeIndex(us, { tz: 'UTC', freq: 'min' }), values: v, name: 'COD#1_RAW#1' });
}

const meta = (s: Series): SeriesMetadata => ({ processing_steps: [], index_metadata: null, values_dtype: s.dtype, metadata_id: null, created_on: '2024-01-01T00:00:00' });

async function best(label: string, runs: number, body: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await body();
    min = Math.min(min, performance.now() - t);
  }
  console.log(`${label}: best of ${runs} = ${min.toFixed(1)} ms`);
  return min;
}

const dir = mkdtempSync(join(tmpdir(), 'metaseries-polars-bench-'));
const store = await openPolars(dir);
const s1 = series(1_000_000);
await best('save 1,000,000 points', 5, () => store.save('b/COD#1/RAW#1', s1, meta(s1)));
await best('load 1,000,000 points', 5, () => store.load('b/COD#1/RAW#1'));
const bytes1 = statSync(join(dir, 'b_COD#1_RAW#1.parquet')).size + statSync(join(dir, 'b_COD#1_RAW#1_meta.yaml')).size;
console.log(`bytes per point (1M, snappy, index column + values): ${(bytes1 / 1e6).toFixed(2)}`);

const s10 = series(10_000_000);
await best('save 10,000,000 points', 2, () => store.save('b/COD#1/BIG#1', s10, meta(s10)));
const day = T0 + 3000 * 86_400_000_000;
await best('1-day range read (1,440 points) from 10,000,000', 10, async () => {
  const r = await store.loadRange('b/COD#1/BIG#1', { from: day / 1000, to: (day + 86_399_000_000) / 1000 });
  if (r.series.length !== 1440) throw new Error(`got ${r.series.length}`);
});
let chunks = 0;
await best('stream 10,000,000 points in 100k chunks', 1, async () => {
  for await (const c of store.stream('b/COD#1/BIG#1', { chunkSize: 100_000 })) chunks += c.length > 0 ? 1 : 0;
});
const bytes10 = statSync(join(dir, 'b_COD#1_BIG#1.parquet')).size;
console.log(`bytes per point (10M): ${(bytes10 / 1e7).toFixed(2)} (${chunks} chunks streamed)`);
await store.close();
rmSync(dir, { recursive: true, force: true });
