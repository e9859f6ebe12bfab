/**
 * The benchmark rows, one function per area. Each runs a warm-up, then `reps` rounds
 * alternating metaseries (A) and Python meteaudata (B), and returns medians.
 */
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { createBackend, Dataset, saveDataset, loadDataset, type Storage } from '@metaseries/core';
import '@metaseries/storage-sql';
import '@metaseries/storage-parquet';
import '@metaseries/storage-polars';
import { resample, linearInterpolation } from '@metaseries/processing';
import { makeSignal, rawSeries, workloadDataset, makeValues, T0_MS } from './workload.js';
import { type Row, timeRow, timeIt, dirBytes, progress, peakRssMb } from './measure.js';
import { PythonSide, ROOT } from './python.js';

export interface Ctx {
  n: number;
  reps: number;
  rangeN: number;
  values: Float64Array;
  tmp: string;
  py: PythonSide | null;
  pgUrl: () => Promise<string | null>;
}

/** Run `ts` and `py` alternately: one warm-up each, then `reps` timed rounds. */
async function ab(ctx: Ctx, label: string, ts: (rep: number) => Promise<number>, py: ((rep: number) => Promise<number | null>) | null): Promise<{ ts: number[]; py: number[] | null; pyRss: number | null }> {
  const tsT: number[] = [];
  const pyT: number[] = [];
  let pyOk = py !== null && ctx.py !== null;
  for (let rep = -1; rep < ctx.reps; rep++) {
    const a = await ts(rep);
    const b = pyOk ? await py!(rep) : null;
    if (pyOk && b === null) pyOk = false;
    if (rep >= 0) { tsT.push(a); if (b !== null) pyT.push(b); }
    progress(`${label} ${rep < 0 ? 'warm-up' : `rep ${rep + 1}/${ctx.reps}`}: ts ${a.toFixed(3)}s${b === null ? '' : ` py ${b.toFixed(3)}s`}`);
  }
  return { ts: tsT, py: pyOk ? pyT : null, pyRss: lastPyRss };
}

let lastPyRss: number | null = null;
async function pyTime(ctx: Ctx, cmd: Record<string, unknown>): Promise<number | null> {
  if (!ctx.py) return null;
  const r = await ctx.py.call(cmd);
  lastPyRss = r.rss_mb;
  if (r.error) { progress(`python ${String(cmd.op)} failed: ${r.error}`); pyErrors.set(String(cmd.op), r.error); return null; }
  return r.s ?? null;
}
export const pyErrors = new Map<string, string>();

export async function computeRows(ctx: Ctx): Promise<Row[]> {
  const rows: Row[] = [];
  let r = await ab(ctx, 'create', () => timeIt(() => makeSignal(ctx.values)), () => pyTime(ctx, { op: 'create' }));
  rows.push(timeRow('create', null, r.ts, r.py, r.pyRss));
  r = await ab(ctx, 'resample', async () => { const s = makeSignal(ctx.values); return timeIt(() => s.process(['X#1_RAW#1'], resample('5min'))); }, () => pyTime(ctx, { op: 'resample' }));
  rows.push(timeRow('resample', null, r.ts, r.py, r.pyRss, { note: '5min mean' }));
  r = await ab(ctx, 'interpolate', async () => { const s = makeSignal(ctx.values); return timeIt(() => s.process(['X#1_RAW#1'], linearInterpolation())); }, () => pyTime(ctx, { op: 'interpolate' }));
  rows.push(timeRow('interpolate', null, r.ts, r.py, r.pyRss, { note: 'linear' }));
  return rows;
}

export async function archiveRows(ctx: Ctx): Promise<Row[]> {
  const ds = await workloadDataset(ctx.values);
  const dir = (side: string, rep: number) => join(ctx.tmp, `archive-${side}-${rep + 1}`);
  const save = await ab(ctx, 'archive_save', (rep) => timeIt(() => saveDataset(ds, dir('ts', rep))), (rep) => pyTime(ctx, { op: 'archive_save', dir: dir('py', rep) }));
  const rows = [timeRow('archive_save', null, save.ts, save.py, save.pyRss, { note: 'Dataset zip: raw + 5min mean + interpolated' })];
  const load = await ab(ctx, 'archive_load', async () => timeIt(() => loadDataset(join(dir('ts', 0), 'bench.zip'), 'bench')),
    () => pyTime(ctx, { op: 'archive_load', path: join(dir('py', 0), 'bench.zip') }));
  rows.push(timeRow('archive_load', null, load.ts, load.py, load.pyRss, { note: 'each side loads its own zip' }));
  const points = ctx.n * 2 + Math.ceil(ctx.n / 5);
  const tsB = dirBytes(join(dir('ts', 0), 'bench.zip'));
  const pyZip = join(dir('py', 0), 'bench.zip');
  const pyB = existsSync(pyZip) ? dirBytes(pyZip) : null;
  rows.push({ operation: 'bytes_per_point', backend: 'archive', ts_median_s: null, py_median_s: null, ts_value: tsB / points, py_value: pyB === null ? null : pyB / points, ratio: pyB === null ? null : pyB / tsB, ts_peak_rss_mb: null });
  return rows;
}

interface BackendSpec { name: string; py: string | null; pyN?: number; pyNote?: string }
export const BACKENDS: BackendSpec[] = [
  { name: 'memory', py: 'pandas-memory' },
  { name: 'sqlite', py: 'sql', pyN: 50_000, pyNote: 'Python SQLAdapter fails above ~62,500 points ("too many SQL variables"): Python runs at 50,000 points; ratio compares time per point' },
  { name: 'postgres', py: null, pyNote: 'Python SQLAdapter on PostgreSQL needs a driver (psycopg) the venv does not have' },
  { name: 'parquet', py: 'pandas-disk' },
  { name: 'polars', py: 'polars', pyN: 100_000, pyNote: 'Python PolarsAdapter writes every index value as text into its YAML sidecar (~30 µs/point): Python runs at 100,000 points (ratio compares time per point); Python load = PolarsAdapter.load per key (load_all cannot rebuild the index)' },
];

async function target(ctx: Ctx, kind: string, label: string): Promise<{ url: string; path: string | null } | null> {
  const dir = join(ctx.tmp, label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (kind === 'memory') return { url: 'memory:', path: null };
  if (kind === 'sqlite') return { url: `sqlite:${join(dir, 'db.sqlite')}`, path: dir };
  if (kind === 'postgres') { const url = await ctx.pgUrl(); return url ? { url, path: null } : null; }
  return { url: `${kind}:${dir}`, path: dir };
}

async function pgBytes(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { const r = await c.query('select pg_database_size(current_database()) as b'); return Number(r.rows[0].b); } finally { await c.end(); }
}

export async function backendRows(ctx: Ctx): Promise<Row[]> {
  const rows: Row[] = [];
  const ds0 = await workloadDataset(ctx.values);
  const points = ctx.n * 2 + Math.ceil(ctx.n / 5);
  for (const b of BACKENDS) {
    let last: { storage: Storage; t: { url: string; path: string | null }; emptyPg: number } | null = null;
    const pyTarget = (rep: number) => b.py === 'sql' ? `sqlite:///${join(ctx.tmp, `py-sql-${rep + 1}.db`)}` : join(ctx.tmp, `py-${b.py}-${rep + 1}`);
    let unavailable = false;
    const save = await ab(ctx, `backend_save ${b.name}`, async (rep) => {
      if (last) await last.storage.close();
      const t = await target(ctx, b.name, `be-${b.name}-${rep + 1}`);
      if (!t) { unavailable = true; return NaN; }
      const storage = await createBackend(t.url);
      const emptyPg = b.name === 'postgres' ? await pgBytes(t.url) : 0;
      const ds = new Dataset({ name: 'bench', description: 'bench', owner: 'bench', purpose: 'bench', project: 'bench', signals: [...ds0.signals.values()] });
      ds.useBackend(storage);
      const s = await timeIt(() => ds.saveAll());
      last = { storage, t, emptyPg };
      return s;
    }, b.py ? (rep) => { if (b.py !== 'sql' && b.py !== 'pandas-memory') rmSync(pyTarget(rep), { recursive: true, force: true }); return pyTime(ctx, { op: 'backend_save', kind: b.py, target: pyTarget(rep), n: b.pyN }); } : null);
    if (unavailable || !last) { rows.push({ operation: 'backend_save', backend: b.name, ts_median_s: null, py_median_s: null, ratio: null, ts_peak_rss_mb: null, note: 'backend unavailable here' }); continue; }
    const scale = b.pyN ? { py_n: Math.min(b.pyN, ctx.n), n: ctx.n } : {};
    const perPoint = (row: Row): Row => {
      if (b.pyN && row.ts_median_s && row.py_median_s) row.ratio = (row.py_median_s / Math.min(b.pyN, ctx.n)) / (row.ts_median_s / ctx.n);
      return row;
    };
    rows.push(perPoint(timeRow('backend_save', b.name, save.ts, save.py, save.pyRss, { py_backend: b.py, ...scale, note: b.pyNote })));
    const l = last as { storage: Storage; t: { url: string; path: string | null }; emptyPg: number };
    const load = await ab(ctx, `backend_load ${b.name}`, async () => timeIt(async () => {
      const ds = await Dataset.fromBackend(l.storage, 'bench');
      for (const sig of ds.signals.values()) for (const ts of sig.timeSeries.values()) await ts.load();
    }), b.py ? () => pyTime(ctx, { op: 'backend_load', kind: b.py }) : null);
    rows.push(perPoint(timeRow('backend_load', b.name, load.ts, load.py, load.pyRss, { py_backend: b.py, ...scale, note: b.pyNote })));
    if (b.name !== 'memory') {
      let tsBytes: number | null = null;
      if (b.name === 'postgres') tsBytes = (await pgBytes(l.t.url)) - l.emptyPg;
      await l.storage.close();
      if (l.t.path) tsBytes = dirBytes(l.t.path);
      const pyPath = b.py && b.py !== 'pandas-memory' ? pyTarget(ctx.reps - 1).replace('sqlite:///', '') : null;
      const pyPoints = b.pyN && b.pyN < ctx.n ? b.pyN * 2 + Math.ceil(b.pyN / 5) : points;
      const pyBytes = pyPath && existsSync(pyPath) ? dirBytes(pyPath) / pyPoints : null;
      const tsBpp = tsBytes === null ? null : tsBytes / points;
      rows.push({ operation: 'bytes_per_point', backend: b.name, ts_median_s: null, py_median_s: null, ts_value: tsBpp, py_value: pyBytes, py_backend: b.py, ratio: tsBpp && pyBytes ? pyBytes / tsBpp : null, ts_peak_rss_mb: null, note: b.name === 'postgres' ? 'pg_database_size growth' : undefined });
    } else await l.storage.close();
  }
  return rows;
}

export async function rangeRows(ctx: Ctx): Promise<Row[]> {
  const rows: Row[] = [];
  const values = makeValues(ctx.rangeN, 7);
  const day = Math.floor(ctx.rangeN / 1440 / 2);
  const dayIso = new Date(T0_MS + day * 86_400_000).toISOString().slice(0, 10);
  for (const b of BACKENDS.filter((x) => x.name !== 'memory')) {
    const t = await target(ctx, b.name, `range-${b.name}`);
    if (!t) { rows.push({ operation: 'range_read_1day', backend: b.name, ts_median_s: null, py_median_s: null, ratio: null, ts_peak_rss_mb: null, note: 'backend unavailable here' }); continue; }
    const storage = await createBackend(t.url);
    const ds = new Dataset({ name: 'range', signals: [makeSignal(values)] });
    ds.useBackend(storage);
    progress(`range_read_1day ${b.name}: saving ${ctx.rangeN} points`);
    const saveS = await timeIt(() => ds.saveAll());
    // Python sql cannot store > ~62,500 points; Python polars full loads parse one YAML string per point.
    const pyKind = b.py === 'sql' || (b.py === 'polars' && ctx.rangeN > 100_000) ? null : b.py;
    let pySave: number | null = null;
    if (pyKind && ctx.py) { progress(`range_read_1day ${b.name}: Python saving ${ctx.rangeN} points`); pySave = await pyTime(ctx, { op: 'range_prepare', kind: pyKind, target: join(ctx.tmp, `py-range-${pyKind}`), n: ctx.rangeN }); }
    let points = 0;
    const r = await ab(ctx, `range_read_1day ${b.name}`, async () => {
      const opened = await Dataset.fromBackend(storage, 'range');
      const ts = opened.get('X#1').get('X#1_RAW#1');
      return timeIt(async () => { points = (await ts.loadRange(dayIso, dayIso)).length; });
    }, pyKind && pySave !== null ? () => pyTime(ctx, { op: 'range_read', kind: pyKind, from: dayIso }) : null);
    rows.push(timeRow('range_read_1day', b.name, r.ts, r.py, r.pyRss, {
      n: ctx.rangeN, py_backend: pyKind,
      note: `${points} points of ${dayIso}; store save took ts ${saveS.toFixed(2)}s${pySave === null ? '' : `, py ${pySave.toFixed(2)}s`}; Python = full load then slice${b.py === 'sql' ? '; Python sql cannot store this many points' : ''}${b.py === 'polars' && !pyKind ? '; Python polars skipped above 100,000 points (YAML index text, see backend rows)' : ''}${b.name === 'postgres' ? '; no Python PostgreSQL driver' : ''}`,
    }));
    await storage.close();
    rmSync(t.path ?? join(ctx.tmp, 'none'), { recursive: true, force: true });
  }
  return rows;
}

/** Peak RSS of a child that opens a saved 10 × n dataset and reads one day of each signal. */
export async function lazyRows(ctx: Ctx): Promise<Row[]> {
  const rows: Row[] = [];
  const child = join(ROOT, 'bench', 'lazy-child.ts');
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const pyDir = join(ctx.tmp, 'lazy-py');
  let pyPeak: number | null = null;
  let pyS: number | null = null;
  if (PythonSide.available()) {
    progress('lazy_peak_mb: Python saving 10 signals');
    const values = join(ctx.tmp, 'values.f64');
    const { py: saver } = await PythonSide.start(values);
    await saver.call({ op: 'lazy_save', target: pyDir });
    saver.stop();
    const { py: reader } = await PythonSide.start(values);
    const r = await reader.call({ op: 'lazy_read', target: pyDir, from: '2020-01-05' });
    reader.stop();
    if (!r.error) { pyPeak = r.rss_mb; pyS = r.s ?? null; } else pyErrors.set('lazy_read', r.error);
  }
  for (const kind of ['parquet', 'sqlite', 'polars']) {
    const t = await target(ctx, kind, `lazy-${kind}`);
    if (!t) continue;
    progress(`lazy_peak_mb ${kind}: child saving 10 × ${ctx.n} points`);
    execFileSync(tsx, [child, 'save', t.url, String(ctx.n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out = JSON.parse(execFileSync(tsx, [child, 'read', t.url, String(ctx.n)], { stdio: ['ignore', 'pipe', 'inherit'] }).toString()) as { s: number; rss_mb: number; points: number };
    progress(`lazy_peak_mb ${kind}: ${out.rss_mb.toFixed(0)} MB, ${out.points} points in ${out.s.toFixed(3)}s`);
    rows.push({
      operation: 'lazy_peak_mb', backend: kind, ts_median_s: out.s, py_median_s: pyS, ts_value: Math.round(out.rss_mb), py_value: pyPeak === null ? null : Math.round(pyPeak), py_backend: 'pandas-disk',
      ratio: pyPeak === null ? null : pyPeak / out.rss_mb, ts_peak_rss_mb: Math.round(out.rss_mb), py_peak_rss_mb: pyPeak === null ? null : Math.round(pyPeak), n: ctx.n,
      note: `10 signals × ${ctx.n} points saved, reopened in a fresh process, one day read from each (${out.points} points); Python: load_all then slice; values = peak RSS MB, ratio = Python ÷ metaseries`,
    });
    rmSync(t.path!, { recursive: true, force: true });
  }
  void peakRssMb; void rawSeries;
  return rows;
}
