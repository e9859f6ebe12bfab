/**
 * Queries (issue 13) on S series × N points at 1-second spacing (random walks rounded to
 * 0.01): (a) hourly mean+max+p95 over one month of one series, (b) the daily mean of every
 * series over everything, plus (c) the daily max over everything (answered from segment
 * statistics) — on the SQLite, Parquet and Polars stores (native layouts), and in the same
 * run in pandas (read the Parquet file + resample) and DuckDB over the same data as
 * Parquet files.
 *
 *   npx tsx bench/query-measure.ts [--n 10000000] [--series 10] [--reps 5] [--stores sqlite,parquet,polars] [--cache <dir>]
 *
 * Writing 100M points takes a while, so the stores and the peers' Parquet files are built
 * once into a cache folder (default `bench/results/query-<S>x<N>.tmp`, git-ignored) and
 * reused by later runs. Peers need `.venv-bench` (node scripts/python-venv.mjs bench).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend, DatetimeIndex, Series, type BackendConfig, type Storage } from '@metaseries/core';
import '@metaseries/storage-sql';
import '@metaseries/storage-parquet';
import '@metaseries/storage-polars';

const { values: args } = parseArgs({ options: {
  n: { type: 'string', default: '10000000' }, series: { type: 'string', default: '10' }, reps: { type: 'string', default: '5' },
  stores: { type: 'string', default: 'sqlite,parquet,polars' }, cache: { type: 'string' },
} });
const N = Number(args.n), S = Number(args.series), REPS = Number(args.reps);
const ROOT = join(import.meta.dirname, '..');
const cache = args.cache ?? join(ROOT, 'bench', 'results', `query-${S}x${N}.tmp`);
mkdirSync(cache, { recursive: true });
const T0 = Date.UTC(2024, 0, 1) * 1000;
// January: 2.68M points of 10M (all of them at 2M).
const MONTH = { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' };
const keyOf = (s: number): string => `bench/Q${s}#1/RAW#1`;
const configs: Record<string, BackendConfig> = {
  sqlite: { kind: 'sqlite', path: join(cache, 'q.db') },
  parquet: { kind: 'parquet', dir: join(cache, 'parquet'), create: true, layout: 'native' },
  polars: { kind: 'polars', dir: join(cache, 'polars'), create: true, layout: 'native' },
};
const stores = args.stores.split(',');
for (const s of stores) if (!configs[s]) throw new Error(`unknown store ${s}; known: ${Object.keys(configs).join(', ')}`);

const meta = { processing_steps: [], index_metadata: { type: 'DatetimeIndex', name: null, frequency: null, time_zone: 'UTC', closed: null, categories: null, ordered: null, start: null, end: null, step: null, dtype: 'datetime64[ns, UTC]' }, values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01 00:00:00' };

function seriesNumber(s: number, keys: Float64Array): Series {
  let x = s + 1, v = 20;
  const values = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    v += (x / 2147483648 - 0.5) * 0.1;
    values[i] = Math.round(v * 100) / 100;
  }
  return new Series({ index: new DatetimeIndex(keys, { tz: 'UTC' }), values, name: `Q${s}#1_RAW#1` });
}

/** Build what is missing from the cache: each series made once, written to every store that lacks it and to the peers' raw file. */
async function build(): Promise<void> {
  const opened = new Map<string, Storage>();
  for (const name of stores) {
    if (existsSync(join(cache, `${name}.done`))) continue;
    const store = await createBackend(configs[name]!);
    await store.clear();
    opened.set(name, store);
  }
  const rawDone = existsSync(join(cache, 'raw.done'));
  if (opened.size === 0 && rawDone) return;
  const keys = Float64Array.from({ length: N }, (_, i) => T0 + i * 1e6);
  if (!rawDone) writeFileSync(join(cache, 'keys.f64'), new Uint8Array(keys.buffer));
  for (let s = 0; s < S; s++) {
    const one = seriesNumber(s, keys);
    if (!rawDone) writeFileSync(join(cache, `s${s}.f64`), new Uint8Array((one.values as Float64Array).buffer));
    for (const [name, store] of opened) {
      const t = performance.now();
      await store.save(keyOf(s), one, meta);
      console.error(`built ${name} ${keyOf(s)} (${N} points) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  }
  for (const [name, store] of opened) {
    await store.close();
    writeFileSync(join(cache, `${name}.done`), new Date().toISOString());
  }
  if (!rawDone) writeFileSync(join(cache, 'raw.done'), new Date().toISOString());
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
/** Wall time, and CPU time of the whole process (every thread: queries decode on worker threads too). */
async function time(fn: () => Promise<unknown>): Promise<{ first: number; median: number; cpu: number }> {
  const out: number[] = [], cpu: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  return { first: out[0]!, median: median(out), cpu: median(cpu) };
}

await build();
const rows: Array<{ who: string; hourly: number; daily: number; dailyMax?: number; note: string }> = [];
const all = Array.from({ length: S }, (_, s) => keyOf(s));
for (const name of stores) {
  const store = await createBackend(configs[name]!);
  const hourlyQ = { series: [all[0]!], range: MONTH, every: '1h', agg: ['mean', 'max', 'p95'] } as const;
  const sources = (await store.query(hourlyQ)).sources;
  const hourly = await time(() => store.query(hourlyQ));
  const daily = await time(() => store.query({ series: all, every: '1D', agg: 'mean' }));
  const maxResult = await store.query({ series: all, every: '1D', agg: 'max' });
  const dailyMax = await time(() => store.query({ series: all, every: '1D', agg: 'max' }));
  const note = `CPU (all threads) hourly ${hourly.cpu.toFixed(0)} ms, daily mean ${daily.cpu.toFixed(0)} ms; hourly first run ${hourly.first.toFixed(1)} ms, source ${sources[all[0]!]}; daily mean first run ${daily.first.toFixed(0)} ms; daily max source ${maxResult.sources[all[0]!]}`;
  rows.push({ who: name, hourly: hourly.median, daily: daily.median, dailyMax: dailyMax.median, note });
  console.error(`${name}: hourly ${hourly.median.toFixed(1)} ms, daily mean ${daily.median.toFixed(0)} ms, daily max ${dailyMax.median.toFixed(0)} ms (${note})`);
  await store.close();
}
const py = join(ROOT, '.venv-bench', 'bin', 'python');
if (existsSync(py)) {
  const peers = JSON.parse(execFileSync(py, [join(ROOT, 'bench', 'python', 'query_peers.py'), cache, String(S), String(Date.UTC(2024, 0, 1) / 1000), String(REPS)], { maxBuffer: 1 << 24 }).toString()) as Record<string, number | string>;
  rows.push({ who: `pandas ${peers.pandas}`, hourly: Number(peers.pandas_hourly_s) * 1000, daily: Number(peers.pandas_daily_s) * 1000, dailyMax: Number(peers.pandas_daily_max_s) * 1000, note: 'read_parquet (month filter pushed to pyarrow) + resample' });
  rows.push({ who: `duckdb ${peers.duckdb}`, hourly: Number(peers.duckdb_hourly_s) * 1000, daily: Number(peers.duckdb_daily_s) * 1000, dailyMax: Number(peers.duckdb_daily_max_s) * 1000, note: `time_bucket GROUP BY over read_parquet, ${peers.duckdb_threads} threads` });
} else console.error(`peers skipped: no ${py} (node scripts/python-venv.mjs bench)`);

const fmt = (ms: number | undefined, digits: number): string => (ms === undefined || Number.isNaN(ms) ? '–' : ms.toFixed(digits));
const lines = [
  `${S} series × ${N.toLocaleString('en')} points at 1 s, median of ${REPS} runs:`,
  '',
  '| who | hourly mean+max+p95, one month of one series (ms) | daily mean, everything (ms) | daily max, everything (ms) | notes |',
  '|---|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.who} | ${fmt(r.hourly, 1)} | ${fmt(r.daily, 0)} | ${fmt(r.dailyMax, 0)} | ${r.note} |`),
];
const command = `npx tsx bench/query-measure.ts --n ${N} --series ${S} --reps ${REPS} --stores ${stores.join(',')}`;
const md = [`\`${command}\` (${new Date().toISOString().slice(0, 10)}):`, '', ...lines].join('\n') + '\n';
// docs/performance.md includes this file (bench/doc.ts), like the other sections measured by their own scripts.
writeFileSync(join(ROOT, 'bench', 'results', 'query.md'), md);
console.log(md);
