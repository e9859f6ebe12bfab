/**
 * The store workload S(N) (issue 10/11) on the native file layout of `parquet:` and
 * `polars:`, plus `Dataset.fromBackend` of a 1,000-series dataset on both layouts.
 * Same workload as bench/store-rows.ts (storage-sql branch): one series of N points at
 * 1-second spacing, random walk rounded to 0.01; write; append one hour; read one day;
 * read all; read the pre-append version with asOf; bytes on disk per point.
 *
 *   npx tsx bench/file-store-measure.ts [N ...]        (default 1000000 10000000)
 *
 * Medians of 3 (append: of 3 successive appends). Numbers on these shared machines are
 * noisy: compare within one run.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, Dataset, Series, Signal, type Storage } from '@metaseries/core';
import '@metaseries/storage-parquet';
import '@metaseries/storage-polars';

const T0_MS = Date.UTC(2020, 0, 1);
const SECOND_US = 1_000_000;
const HOUR = 3600;
const DAY = 86_400;
const KEY = 'bench/S#1/RAW#1';
const META = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: 'store-bench', created_on: '2020-01-01T00:00:00' };

function walkValues(n: number, seed = 7): Float64Array {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const v = new Float64Array(n);
  let x = 20;
  for (let i = 0; i < n; i++) v[i] = x = Math.round((x + (rnd() - 0.5) * 0.1) * 100) / 100;
  return v;
}
const slice = (values: Float64Array, start: number, n: number, name = 'S#1_RAW#1'): Series =>
  Series.regular(T0_MS + start * 1000, SECOND_US, values.subarray(start, start + n), { name, tz: 'UTC', freq: 's' });

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const st = statSync(join(dir, String(name)));
    if (st.isFile()) total += st.size;
  }
  return total;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

interface Row { backend: string; n: number; writeS: number; appendMs: number; dayMs: number; fullS: number; fullMptS: number; asOfS: number; bytesPerPoint: number }

async function storeRow(kind: 'parquet' | 'polars', n: number, values: Float64Array): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), `bench-file-${kind}-`));
  try {
    const store: Storage = await createBackend({ kind, dir, layout: 'native' });
    const writeS = (await time(() => store.save(KEY, slice(values, 0, n), META))) / 1000;
    const appends: number[] = [];
    for (let i = 0; i < 3; i++) appends.push(await time(() => store.append(KEY, slice(values, n + i * HOUR, HOUR))));
    const from = (T0_MS + Math.max(0, Math.floor(n / 2 - DAY / 2)) * 1000) * 1000;
    const days: number[] = [], fulls: number[] = [], asOfs: number[] = [];
    for (let r = 0; r < 3; r++) {
      days.push(await time(async () => { const s = await store.loadRange(KEY, { from: from / 1000, to: (from + (DAY - 1) * SECOND_US) / 1000 }); if (s.series.length !== DAY) throw new Error(`day read got ${s.series.length}`); }));
      fulls.push(await time(() => store.load(KEY)));
      asOfs.push(await time(() => store.load(KEY, { asOf: 1 })));
    }
    const bytes = dirBytes(dir);
    await store.close();
    const full = median(fulls) / 1000;
    return { backend: kind, n, writeS, appendMs: median(appends), dayMs: median(days), fullS: full, fullMptS: (n + 3 * HOUR) / full / 1e6, asOfS: median(asOfs) / 1000, bytesPerPoint: bytes / (n + 3 * HOUR) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Dataset.fromBackend of 1,000 series (100 signals × RAW + 9 processed-like series), 100 points each. */
async function fromBackendRow(kind: 'parquet' | 'polars', layout: 'native' | 'meteaudata'): Promise<{ backend: string; layout: string; series: number; saveS: number; openS: number }> {
  const dir = mkdtempSync(join(tmpdir(), `bench-open-${kind}-`));
  try {
    const store = await createBackend({ kind, dir, layout });
    const ds = new Dataset({ name: 'plant', description: 'bench', owner: 'o', purpose: 'p', project: 'p' });
    for (let s = 0; s < 100; s++) {
      const sig = new Signal({ name: `S${s}`, data: slice(walkValues(200), 0, 100, 'RAW'), units: 'u' });
      for (let k = 2; k <= 10; k++) sig.addSeries(slice(walkValues(200, k), 0, 100, `S${s}#1_RAW#${k}`));
      ds.add(sig);
    }
    ds.useBackend(store, { autoSave: false });
    const saveS = (await time(() => ds.saveAll())) / 1000;
    await store.close();
    const again = await createBackend({ kind, dir, layout });
    let count = 0;
    const openS = (await time(async () => {
      const opened = await Dataset.fromBackend(again, 'plant');
      for (const sig of opened.signals.values()) count += sig.timeSeries.size;
    })) / 1000;
    if (count !== 1000) throw new Error(`fromBackend found ${count} series`);
    await again.close();
    return { backend: kind, layout, series: count, saveS, openS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
const ns = sizes.length ? sizes : [1_000_000, 10_000_000];
const values = walkValues(Math.max(...ns) + 4 * HOUR);
const rows: Row[] = [];
for (const n of ns) for (const kind of ['parquet', 'polars'] as const) {
  const row = await storeRow(kind, n, values);
  rows.push(row);
  console.log(JSON.stringify(row));
}
const opens = [];
for (const kind of ['parquet', 'polars'] as const) for (const layout of ['native', 'meteaudata'] as const) {
  const row = await fromBackendRow(kind, layout);
  opens.push(row);
  console.log(JSON.stringify(row));
}
writeFileSync(join('bench', 'results', 'file-store.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, store: rows, fromBackend: opens }, null, 1) + '\n');
