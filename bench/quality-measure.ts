/**
 * Data-quality transforms of @metaseries/processing against pandas/scipy, in the same run,
 * on the same values: 1,000,000 points at 1-minute spacing (random walk + noise, 1% NaN,
 * injected spikes, flatlines and out-of-range runs). Not a test; prints a markdown table
 * and writes it to bench/results/quality.md (bench/doc.ts appends it to docs/performance.md).
 *
 *   npx tsc -b packages/processing && npx tsx bench/quality-measure.ts [--n 1000000]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Series } from '@metaseries/core';
import {
  dedupedSeries, ewmSeries, flatlineFlags, gapCheckFlags, rangeFlags, rateOfChangeFlags, rollingSeries, savgolSeries, sortedSeries, spikeFlags, stuckFlags,
} from '@metaseries/processing';
import { ROOT } from './python.js';
import { bestOf } from './measure.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 1_000_000);
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const MIN_US = 60_000_000;

function workload(): { values: Float64Array; shuffled: Float64Array; dupTimes: Float64Array } {
  let seed = 20251125;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const values = new Float64Array(N);
  let level = 20;
  for (let i = 0; i < N; i++) {
    level += (rand() - 0.5) * 0.2;
    values[i] = level + (rand() - 0.5);
  }
  for (let i = 1000; i < N; i += 5003) values[i] = values[i]! + 40; // spikes
  for (let i = 3000; i + 150 < N; i += 20011) values.fill(values[i]!, i, i + 150); // 2.5-hour flatlines
  for (let i = 7000; i + 30 < N; i += 50021) values.fill(-999, i, i + 30); // out-of-range runs
  for (let i = 0; i < N; i++) if (rand() < 0.01) values[i] = Number.NaN;
  const shuffled = new Float64Array(N); // a permutation of positions: the timestamps to sort
  for (let i = 0; i < N; i++) shuffled[i] = i;
  for (let i = N - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); const t = shuffled[i]!; shuffled[i] = shuffled[j]!; shuffled[j] = t; }
  const dupTimes = new Float64Array(N); // sorted, ~1% of timestamps repeated
  let t = 0;
  for (let i = 0; i < N; i++) { dupTimes[i] = t; if (rand() >= 0.01) t += MIN_US; }
  return { values, shuffled, dupTimes };
}

const best = (fn: () => unknown, runs: number): number => bestOf(fn, runs, 1);

/** The rolling median as it was before this change (sorted buffer, O(n·w)), to show the difference. */
function sortedBufferMedian(v: Float64Array, w: number): Float64Array {
  const out = new Float64Array(v.length);
  const buf = new Float64Array(w);
  let m = 0;
  const find = (x: number): number => { let lo = 0, hi = m; while (lo < hi) { const mid = (lo + hi) >>> 1; if (buf[mid]! < x) lo = mid + 1; else hi = mid; } return lo; };
  for (let i = 0; i < v.length; i++) {
    const old = i - w;
    if (old >= 0 && v[old] === v[old]) { const p = find(v[old]!); buf.copyWithin(p, p + 1, m); m--; }
    const x = v[i]!;
    if (x === x) { const p = find(x); buf.copyWithin(p + 1, p, m); buf[p] = x; m++; }
    const h = m >> 1;
    out[i] = m < w ? Number.NaN : m % 2 ? buf[h]! : (buf[h - 1]! + buf[h]!) / 2;
  }
  return out;
}

const PANDAS = String.raw`
import sys, time, json
import numpy as np, pandas as pd
from scipy.signal import savgol_filter
n = int(sys.argv[1]); d = sys.argv[2]
v = np.fromfile(d + "/values.f64"); perm = np.fromfile(d + "/shuffled.f64").astype("int64"); dup = np.fromfile(d + "/dup.f64").astype("int64")
idx = pd.date_range("2024-01-01", periods=n, freq="min")
s = pd.Series(v, index=idx)
shuf = pd.Series(v, index=pd.DatetimeIndex(idx.asi8[perm]))
dups = pd.Series(v, index=pd.DatetimeIndex(pd.to_datetime(dup + pd.Timestamp("2024-01-01").value // 1000, unit="us")))
filled = s.interpolate().bfill()
def best(f, runs):
    f(); m = float("inf")
    for _ in range(runs):
        t = time.perf_counter(); f(); m = min(m, time.perf_counter() - t)
    return m
def codes(s, hit, code):
    return np.where(s.isna().to_numpy(), 64, np.where(hit, code, 0)).astype("int8")
def rng(): return codes(s, ((s < -50) | (s > 100)).to_numpy(), 1)
def rate():
    d = s.dropna(); secs = d.index.to_series().diff().dt.total_seconds().to_numpy()
    r = np.abs(d.diff().to_numpy() / secs) > 0.05
    out = np.zeros(len(s), dtype=bool); out[np.flatnonzero(s.notna().to_numpy())] = r
    return codes(s, out, 2)
def hampel(w):
    m = s.rolling(w).median(); dev = (s - m).abs(); mad = dev.rolling(w).median()
    return codes(s, (dev > 3 * 1.4826 * mad).to_numpy(), 4)
def run_ids(same):
    return np.cumsum(~same)
def flat():
    x = s.to_numpy(); same = np.zeros(len(x), dtype=bool); same[1:] = np.abs(np.diff(x)) <= 0.0
    rid = run_ids(same); t = pd.Series(s.index.asi8)
    g = t.groupby(rid); dur = g.transform("max") - g.transform("min")
    return codes(s, (dur.to_numpy() >= 2 * 3600 * 10**9), 8)
def stuck():
    x = s.to_numpy(); same = np.zeros(len(x), dtype=bool); same[1:] = x[1:] == x[:-1]
    rid = run_ids(same); size = pd.Series(rid).groupby(rid).transform("size").to_numpy()
    return codes(s, size >= 10, 16)
def gap():
    times = pd.Series(s.index, index=range(len(s))).where(s.notna().to_numpy())
    prev = times.ffill().shift(1)
    return codes(s, ((times - prev) > pd.Timedelta("5min")).fillna(False).to_numpy(), 32)
OPS = {
  "rangeCheck": rng, "rateOfChangeCheck": rate, "spikeCheck (60 points)": lambda: hampel(60),
  "spikeCheck ('1h')": lambda: hampel("1h"), "flatlineCheck ('2h')": flat, "stuckValue (10)": stuck, "gapCheck ('5min')": gap,
  "rolling median (60)": lambda: s.rolling(60).median(), "rolling median (1000)": lambda: s.rolling(1000).median(),
  "rolling min ('30min')": lambda: s.rolling("30min").min(), "rolling max (60)": lambda: s.rolling(60).max(),
  "rolling sum ('30min')": lambda: s.rolling("30min").sum(), "rolling std ('30min')": lambda: s.rolling("30min").std(),
  "rolling count (60)": lambda: s.rolling(60).count(),
  "ewm (span 60)": lambda: s.ewm(span=60).mean(), "ewm (halflife 30, adjust=False)": lambda: s.ewm(halflife=30, adjust=False).mean(),
  "savgol (31, 3)": lambda: savgol_filter(filled.to_numpy(), 31, 3),
  "sortIndex (shuffled)": lambda: shuf.sort_index(kind="stable"),
  "removeDuplicates (first)": lambda: dups[~dups.index.duplicated(keep="first")],
  "removeDuplicates (mean)": lambda: dups.groupby(level=0, sort=False).mean(),
}
print(json.dumps({"ready": pd.__version__}), flush=True)
for line in sys.stdin:
    op, runs = json.loads(line)
    print(json.dumps(best(OPS[op], runs) if op in OPS else None), flush=True)
`;

const { values, shuffled, dupTimes } = workload();
const s = Series.regular('2024-01-01T00:00:00', MIN_US, values, { name: 'A#1_RAW#1', freq: 'min' });
const shuf = Series.fromTimes(Float64Array.from(shuffled, (p) => Date.UTC(2024, 0, 1) + p * 60_000), values, { name: 'A#1_RAW#1' });
const dups = Series.fromTimes(Float64Array.from(dupTimes, (t) => Date.UTC(2024, 0, 1) + t / 1000), values, { name: 'A#1_RAW#1' });
const filled = (() => { const f = Float64Array.from(values); let last = 20; for (let i = 0; i < N; i++) { if (f[i] !== f[i]) f[i] = last; else last = f[i]!; } return s.withValues(f, 'float64'); })();

const ours: Record<string, () => unknown> = {
  rangeCheck: () => rangeFlags(s, { min: -50, max: 100 }),
  rateOfChangeCheck: () => rateOfChangeFlags(s, { maxPerSecond: 0.05 }),
  'spikeCheck (60 points)': () => spikeFlags(s, { window: 60 }),
  "spikeCheck ('1h')": () => spikeFlags(s, { window: '1h' }),
  "flatlineCheck ('2h')": () => flatlineFlags(s, { window: '2h' }),
  'stuckValue (10)': () => stuckFlags(s, { minRepeats: 10 }),
  "gapCheck ('5min')": () => gapCheckFlags(s, { maxGap: '5min' }),
  'rolling median (60)': () => rollingSeries(s, 60, 'median'),
  'rolling median (1000)': () => rollingSeries(s, 1000, 'median'),
  "rolling min ('30min')": () => rollingSeries(s, '30min', 'min'),
  'rolling max (60)': () => rollingSeries(s, 60, 'max'),
  "rolling sum ('30min')": () => rollingSeries(s, '30min', 'sum'),
  "rolling std ('30min')": () => rollingSeries(s, '30min', 'std'),
  'rolling count (60)': () => rollingSeries(s, 60, 'count'),
  'ewm (span 60)': () => ewmSeries(s, { span: 60 }),
  'ewm (halflife 30, adjust=False)': () => ewmSeries(s, { halflife: 30, adjust: false }),
  'savgol (31, 3)': () => savgolSeries(filled, { windowLength: 31, polyorder: 3 }),
  'sortIndex (shuffled)': () => sortedSeries(shuf),
  'removeDuplicates (first)': () => dedupedSeries(dups, 'first'),
  'removeDuplicates (mean)': () => dedupedSeries(dups, 'mean'),
};
const baseline: Record<string, () => unknown> = {
  'rolling median (60)': () => sortedBufferMedian(values, 60),
  'rolling median (1000)': () => sortedBufferMedian(values, 1000),
};

/** pandas in a long-lived process, asked op by op so both sides run under the same machine load. */
async function startPandas(dir: string): Promise<{ version: string; time(op: string, runs: number): Promise<number | null>; stop(): void } | null> {
  if (!existsSync(PYTHON)) return null;
  const proc = spawn(PYTHON, ['-c', PANDAS, String(N), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<unknown> => JSON.parse(String((await lines.next()).value)) as unknown;
  const { ready } = (await next()) as { ready: string };
  return {
    version: ready,
    async time(op, runs) { proc.stdin.write(`${JSON.stringify([op, runs])}\n`); return (await next()) as number | null; },
    stop() { proc.stdin.end(); },
  };
}

const ROUNDS = arg('rounds', 3);
const dir = mkdtempSync(join(tmpdir(), 'metaseries-quality-bench-'));
const tsBest: Record<string, number> = {}, pyBest: Record<string, number> = {}, before: Record<string, number> = {};
let pandasVersion = 'n/a';
try {
  writeFileSync(join(dir, 'values.f64'), values);
  writeFileSync(join(dir, 'shuffled.f64'), shuffled);
  writeFileSync(join(dir, 'dup.f64'), dupTimes);
  const py = await startPandas(dir);
  pandasVersion = py?.version ?? 'n/a';
  for (const [op, fn] of Object.entries(ours)) {
    const runs = /spike|median|sort/.test(op) ? 2 : 4;
    for (let r = 0; r < ROUNDS; r++) {
      tsBest[op] = Math.min(tsBest[op] ?? Infinity, best(fn, runs));
      const p = py ? await py.time(op, runs) : null;
      if (p !== null) pyBest[op] = Math.min(pyBest[op] ?? Infinity, p);
      if (baseline[op] && r === 0) before[op] = best(baseline[op]!, 1);
    }
    process.stderr.write(`${op}: ${tsBest[op]!.toFixed(4)} s vs ${pyBest[op]?.toFixed(4) ?? '-'} s\n`);
  }
  py?.stop();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (x: number | undefined): string => x === undefined ? '—' : (x < 0.01 ? `${(x * 1000).toFixed(2)} ms` : `${(x * 1000).toFixed(0)} ms`);
const lines = [
  `${N.toLocaleString('en')} points at 1-minute spacing (random walk + noise, 1% NaN, injected spikes, flatlines, out-of-range runs); each side timed in turn, op by op, ${ROUNDS} rounds (best run kept) so both see the same machine load;`,
  `node ${process.version}, pandas ${pandasVersion}, ${cpus().length} cores (shared with other sessions: noisy).`,
  '',
  '| operation | metaseries | pandas / scipy | pandas ÷ metaseries | before (sorted buffer, O(n·w)) |',
  '|---|---:|---:|---:|---:|',
];
for (const [op, t] of Object.entries(tsBest)) {
  const p = pyBest[op];
  lines.push(`| ${op} | ${fmt(t)} | ${typeof p === 'number' ? fmt(p) : '—'} | ${typeof p === 'number' ? `${(p / t).toFixed(1)}×` : '—'} | ${fmt(before[op])} |`);
}
const md = lines.join('\n');
console.log(md);
writeFileSync(join(ROOT, 'bench', 'results', 'quality.md'), `${md}\n`);
