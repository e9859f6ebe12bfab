/**
 * What the one boundary conversion costs (issue 16 item 4; not a test): `Storage.loadRange`
 * now takes Dates / ISO text / epoch ms and first reads how the key is indexed (the v2
 * head's layout, or the metadata on a legacy backend) before the range read. Compared with
 * the stored-key read underneath (`loadKeyRange` from `@metaseries/core/backend-kit`, what
 * `loadRange` did before: µs bounds, no head read), on one series of 10 days at 1 s
 * (864,000 points): a one-hour read (3,600 points) and a one-day read (86,400 points).
 *
 *   npm run build && npx tsx bench/time-boundary-measure.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexMetadata, Series, type SeriesMetadata, Storage } from '@metaseries/core';
import { MemoryDriver } from '@metaseries/core/backend-kit';
import { loadKeyRange } from '@metaseries/core/backend-kit';
import { openSqlite } from '@metaseries/storage-sql';
import { openParquet } from '@metaseries/storage-parquet';

const N = 864_000;
const REPS = 21;
const T0 = Date.UTC(2024, 0, 1);
const KEY = 'bench/S#1/RAW#1';
const series = Series.regular(T0, 1_000_000, Float64Array.from({ length: N }, (_, i) => Math.round(Math.sin(i / 500) * 1000) / 100), { tz: 'UTC', name: 'S#1_RAW#1' });
const meta: SeriesMetadata = { processing_steps: [], index_metadata: IndexMetadata.fromIndex(series.index).toDict(), values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01T00:00:00' };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function ms(f: () => Promise<{ series: Series }>, expect: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    const got = await f();
    times.push(performance.now() - t);
    if (got.series.length !== expect) throw new Error(`read ${got.series.length} points, expected ${expect}`);
  }
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'metaseries-time-boundary-'));
try {
  const stores: Array<[string, () => Promise<Storage>]> = [
    ['memory (v2)', async () => new Storage(new MemoryDriver())],
    ['sqlite file (native v2)', () => openSqlite(join(dir, 'b.db'))],
    ['parquet (native v2)', () => openParquet(join(dir, 'pq'), { create: true })],
    ['parquet (meteaudata layout, legacy)', () => openParquet(join(dir, 'pq-m'), { create: true, layout: 'meteaudata' })],
  ];
  console.log(`Storage.loadRange (boundary: Date / ISO / ms) vs loadKeyRange (stored µs keys), ${N} points, node ${process.version}, median of ${REPS} (ms)`);
  console.log('store | span | µs keys | Date | ISO text | epoch ms');
  for (const [name, open] of stores) {
    const store = await open();
    await store.save(KEY, series, meta);
    for (const [span, points] of [['1 hour', 3_600], ['1 day', 86_400]] as const) {
      const from = T0 + 5 * 86_400_000, to = from + (points - 1) * 1000;
      const us = await ms(() => loadKeyRange(store, KEY, { from: from * 1000, to: to * 1000 }), points);
      const date = await ms(() => store.loadRange(KEY, { from: new Date(from), to: new Date(to) }), points);
      const iso = await ms(() => store.loadRange(KEY, { from: new Date(from).toISOString(), to: new Date(to).toISOString() }), points);
      const num = await ms(() => store.loadRange(KEY, { from, to }), points);
      console.log(`${name} | ${span} | ${us.toFixed(2)} | ${date.toFixed(2)} | ${iso.toFixed(2)} | ${num.toFixed(2)}`);
    }
    await store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
