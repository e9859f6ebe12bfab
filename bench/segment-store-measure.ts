/**
 * The store workload S(N) on the in-memory Storage v2 store (not a test): one series of N
 * points at 1-second spacing, random walk rounded to 0.01; write it; append one hour
 * (3,600 points); read one day (86,400 points); read everything; read the pre-append
 * version with asOf; bytes per point. It measures core's SegmentStore + codec without any
 * engine I/O — the floor under the SQL and file drivers (their figures: bench/run.ts).
 *
 *   npx tsc -b packages/core && npx tsx bench/segment-store-measure.ts [N ...]
 */
import { IndexMetadata, MemoryBackend, Series, type SeriesMetadata, Storage } from '@metaseries/core';

const sizes = process.argv.slice(2).map(Number);
const NS = sizes.length ? sizes : [1_000_000, 10_000_000];
const REPS = 5;

function walk(n: number, from = 20, seed = 1): Float64Array {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out = new Float64Array(n);
  let x = from;
  for (let i = 0; i < n; i++) {
    x += Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand()) * 0.05;
    out[i] = Math.round(x * 100) / 100;
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

console.log(`S(N) on the memory store (SegmentStore + segment codec), node ${process.version}, median of ${REPS}`);
console.log('N | write s | append 1 h ms | one-day read ms | full read s (Mpt/s) | asOf read s | B/pt');
for (const N of NS) {
  const t0ms = Date.UTC(2020, 0, 1);
  const series = Series.regular(t0ms, 1_000_000, walk(N), { tz: 'UTC' });
  const meta: SeriesMetadata = { processing_steps: [], index_metadata: IndexMetadata.fromIndex(series.index).toDict(), values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01T00:00:00' };
  const writes: number[] = [], appends: number[] = [], days: number[] = [], fulls: number[] = [], asOfs: number[] = [];
  let bytes = 0;
  for (let r = 0; r < REPS; r++) {
    const store = new Storage(new MemoryBackend());
    const key = 'bench/S#1/RAW#1';
    writes.push(await time(() => store.save(key, series, meta)));
    const hour = Series.regular(t0ms + N * 1000, 1_000_000, walk(3600, 20, r + 2), { tz: 'UTC' });
    appends.push(await time(() => store.append(key, hour)));
    const from = (t0ms + Math.floor(N / 2) * 1000) * 1000;
    days.push(await time(async () => { if ((await store.load(key, { range: { from: from / 1000, to: (from + 86_399_000_000) / 1000 } })).series.length !== Math.min(86_400, N + 3600 - Math.floor(N / 2))) throw new Error('day'); }));
    fulls.push(await time(async () => { if ((await store.load(key)).series.length !== N + 3600) throw new Error('full'); }));
    asOfs.push(await time(async () => { if ((await store.load(key, { asOf: 1 })).series.length !== N) throw new Error('asOf'); }));
    bytes = (await store.segments!.segments(key, { asOf: 1 })).reduce((a, s) => a + s.bytes, 0);
    await store.close();
  }
  const full = median(fulls) / 1000;
  console.log(`${N.toLocaleString('en')} | ${(median(writes) / 1000).toFixed(2)} | ${median(appends).toFixed(1)} | ${median(days).toFixed(1)} | ${full.toFixed(2)} (${((N + 3600) / full / 1e6).toFixed(1)}) | ${(median(asOfs) / 1000).toFixed(2)} | ${(bytes / N).toFixed(3)}`);
}
