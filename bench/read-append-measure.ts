/**
 * Whole-series read and append cost on real stores (not a test), for the codec/read-path
 * work: one series of N points at 1-second spacing (random walk rounded to 0.01, freq 's'),
 * saved once; then a full read through `openStore`'s `load`, an append of one day
 * (86,400 points) and of one hour (3,600 points). Medians of REPS; the machine is shared,
 * so compare rows of one run, not runs.
 *
 *   npx tsc -b && npx tsx bench/read-append-measure.ts [N] [stores, default memory:,sqlite:,parquet:]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, Series } from '@metaseries/core';
import '@metaseries/storage-sql';
import '@metaseries/storage-parquet';

const N = Number(process.argv[2] ?? 10_000_000);
const REPS = 3;
const T0_MS = Date.UTC(2020, 0, 1);
const KEY = 'bench/S#1/RAW#1';
const META = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: 'read-append-bench', created_on: '2020-01-01T00:00:00' };
const tmp = mkdtempSync(join(tmpdir(), 'metaseries-read-append-'));
const urls = (process.argv[3] ?? 'memory:,sqlite:,parquet:').split(',').map((u) => (u === 'sqlite:' ? `sqlite:${join(tmp, 's.db')}` : u === 'parquet:' ? `parquet:${join(tmp, 'p')}?create=true` : u));

function walk(from: number, n: number, seed: number): Series {
  let s = seed >>> 0, x = 20;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = x = Math.round((x + (s / 2 ** 32 - 0.5) * 0.1) * 100) / 100;
  }
  return Series.regular(T0_MS + from * 1000, 1_000_000, v, { name: 'S#1_RAW#1', tz: 'UTC', freq: 's' });
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

console.log(`N = ${N.toLocaleString('en')}, node ${process.version}, medians of ${REPS} (shared 2-core machine: noisy)`);
console.log('store | full read s (Mpt/s) | append 1 day ms | append 1 h ms');
try {
  for (const url of urls) {
    const store = await createBackend(url);
    await store.clear();
    await store.save(KEY, walk(0, N, 1), META);
    let length = N;
    const reads: number[] = [], days: number[] = [], hours: number[] = [];
    for (let r = 0; r < REPS; r++) {
      let t = performance.now();
      const got = await store.load(KEY);
      reads.push(performance.now() - t);
      if (got.series.length !== length) throw new Error(`read ${got.series.length} of ${length}`);
      const day = walk(length, 86_400, r + 2);
      t = performance.now();
      await store.append(KEY, day);
      days.push(performance.now() - t);
      length += 86_400;
      const hour = walk(length, 3600, r + 20);
      t = performance.now();
      await store.append(KEY, hour);
      hours.push(performance.now() - t);
      length += 3600;
    }
    const read = median(reads) / 1000;
    console.log(`${url.split(':')[0]} | ${read.toFixed(2)} (${(N / read / 1e6).toFixed(1)}) | ${median(days).toFixed(1)} | ${median(hours).toFixed(1)}`);
    await store.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
