/**
 * Ad-hoc measurement for @metaseries/processing against pandas on the reference workload:
 * 1,000,000 points at 1-minute spacing, 1% NaN. Not a test; prints a table.
 *
 *   npx tsc -b packages/processing && npx tsx bench/processing-measure.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Series } from '@metaseries/core';
import { interpolateSeries, linearFill, resampleSeries, rollingSeries } from '@metaseries/processing';
import { bestOf } from './measure.js';

const N = 1_000_000;
const PYTHON = new URL('../.venv/bin/python', import.meta.url).pathname;

function workload(): Series {
  const values = new Float64Array(N);
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < N; i++) values[i] = rand() < 0.01 ? Number.NaN : 50 + 10 * rand();
  return Series.regular('2020-01-01T00:00:00Z', 60_000_000, values, { name: 'A#1_RAW#1', freq: 'min' });
}

const best = (fn: () => unknown, runs = 15): number => bestOf(fn, runs, 3);

const PANDAS = `
import time, numpy as np, pandas as pd, json
n = ${N}
rng = np.random.default_rng(12345)
v = 50 + 10 * rng.random(n); v[rng.random(n) < 0.01] = np.nan
s = pd.Series(v, index=pd.date_range("2020-01-01", periods=n, freq="min"), name="A#1_RAW#1")
def best(f, runs=15):
    for _ in range(3): f()
    m = float("inf")
    for _ in range(runs):
        t = time.perf_counter(); f(); m = min(m, time.perf_counter() - t)
    return m
print(json.dumps({
  "resample('5min').mean()": best(lambda: s.resample("5min").mean()),
  "interpolate(method='linear')": best(lambda: s.interpolate(method="linear")),
  "resample('D').median()": best(lambda: s.resample("D").median()),
  "rolling('30min').mean()": best(lambda: s.rolling("30min").mean(), 5),
  "pandas": pd.__version__,
}))
`;

const s = workload();
const ours: Record<string, number> = {
  "resample('5min').mean()": best(() => resampleSeries(s, '5min')),
  "interpolate(method='linear')": best(() => interpolateSeries(s)),
  "resample('D').median()": best(() => resampleSeries(s, 'D', { aggregation: 'median' })),
  "rolling('30min').mean()": best(() => rollingSeries(s, '30min', 'mean'), 5),
};
const kernelOnly = best(() => linearFill(s.values as Float64Array));
let pandas: Record<string, number | string> = {};
if (existsSync(PYTHON)) pandas = JSON.parse(execFileSync(PYTHON, ['-c', PANDAS], { encoding: 'utf8' })) as Record<string, number | string>;
console.log(`workload: ${N.toLocaleString()} points, 1-minute spacing, 1% NaN; best of 15 (rolling: 5); node ${process.version}, pandas ${pandas.pandas ?? 'n/a'}`);
console.log('operation'.padEnd(32), 'metaseries (s)'.padStart(15), 'pandas (s)'.padStart(12));
for (const [op, t] of Object.entries(ours)) {
  const p = pandas[op];
  console.log(op.padEnd(32), t.toFixed(4).padStart(15), (typeof p === 'number' ? p.toFixed(4) : 'n/a').padStart(12));
}
console.log(`(linearFill kernel alone, no Series wrapper: ${kernelOnly.toFixed(4)} s)`);
