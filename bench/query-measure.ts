/**
 * Queries (issue 13) on S series × N points at 1-second spacing (random walks rounded to
 * 0.01): hourly mean+max+p95 over one month of one series, and the daily mean of every
 * series over everything — on each store given, and in the same run in pandas (read the
 * Parquet file + resample) and DuckDB over the same data as Parquet files.
 *
 *   npx tsx bench/query-measure.ts [--n 10000000] [--series 10] [--reps 3] [--store sqlite:/tmp/q.db,…]
 *
 * Peers need `.venv-bench` (node scripts/python-venv.mjs bench).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend, DatetimeIndex, Series } from '@metaseries/core';

const { values: args } = parseArgs({ options: {
  n: { type: 'string', default: '10000000' }, series: { type: 'string', default: '10' }, reps: { type: 'string', default: '3' }, store: { type: 'string' },
} });
const N = Number(args.n), S = Number(args.series), REPS = Number(args.reps);
const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'metaseries-query-bench-'));
const stores = (args.store ?? `sqlite:${join(tmp, 'q.db')}`).split(',');
const T0 = Date.UTC(2024, 0, 1) * 1000;
const MONTH = { from: '2024-02-01T00:00:00Z', to: '2024-03-01T00:00:00Z' };

const keys = Float64Array.from({ length: N }, (_, i) => T0 + i * 1e6);
writeFileSync(join(tmp, 'keys.f64'), new Uint8Array(keys.buffer));
const series: Series[] = [];
for (let s = 0; s < S; s++) {
  let x = s + 1, v = 20;
  const values = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    v += (x / 2147483648 - 0.5) * 0.1;
    values[i] = Math.round(v * 100) / 100;
  }
  writeFileSync(join(tmp, `s${s}.f64`), new Uint8Array(values.buffer));
  series.push(new Series({ index: new DatetimeIndex(keys, { tz: 'UTC' }), values, name: `Q${s}#1_RAW#1` }));
}
const meta = { processing_steps: [], index_metadata: { type: 'DatetimeIndex', name: null, frequency: null, time_zone: 'UTC', closed: null, categories: null, ordered: null, start: null, end: null, step: null, dtype: 'datetime64[ns, UTC]' }, values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01 00:00:00' };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
async function time(fn: () => Promise<unknown>): Promise<number> {
  const out: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

const lines: string[] = [];
for (const url of stores) {
  const store = await createBackend(url);
  await store.clear();
  for (const [s, one] of series.entries()) await store.save(`bench/Q${s}#1/RAW#1`, one, meta);
  const all = series.map((_, s) => `bench/Q${s}#1/RAW#1`);
  const hourly = await time(() => store.query({ series: [all[0]!], range: MONTH, every: '1h', agg: ['mean', 'max', 'p95'] }));
  const daily = await time(() => store.query({ series: all, every: '1D', agg: 'mean' }));
  lines.push(`${url.split(':')[0]}: hourly mean+max+p95 over a month ${hourly.toFixed(1)} ms; daily mean of ${S}×${N} points ${daily.toFixed(0)} ms`);
  console.error(lines.at(-1));
  await store.close();
}
const py = join(ROOT, '.venv-bench', 'bin', 'python');
if (existsSync(py)) {
  const peers = JSON.parse(execFileSync(py, [join(ROOT, 'bench', 'python', 'query_peers.py'), tmp, String(S), String(Date.UTC(2024, 1, 1) / 1000), String(REPS)]).toString()) as Record<string, number | string>;
  lines.push(`pandas ${peers.pandas}: hourly ${(Number(peers.pandas_hourly_s) * 1000).toFixed(1)} ms; daily ${(Number(peers.pandas_daily_s) * 1000).toFixed(0)} ms`);
  lines.push(`duckdb ${peers.duckdb}: hourly ${(Number(peers.duckdb_hourly_s) * 1000).toFixed(1)} ms; daily ${(Number(peers.duckdb_daily_s) * 1000).toFixed(0)} ms`);
} else lines.push(`peers skipped: no ${py} (node scripts/python-venv.mjs bench)`);
console.log(lines.join('\n'));
rmSync(tmp, { recursive: true, force: true });
