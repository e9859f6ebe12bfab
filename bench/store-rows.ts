/**
 * The store workload S(N) (issue 10): one series of N points at 1-second spacing, a
 * random walk rounded to 0.01. Write it; append one hour (3,600 points); read one day
 * (86,400 points); read everything; read the pre-append version with `asOf`; bytes on
 * disk per point. metaseries on memory, SQLite and PostgreSQL (native layout v2) side by
 * side with ArcticDB on an LMDB library in a temp folder, in the same run (the Python
 * columns of these rows are ArcticDB's). Appends continue the same walk on both sides.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { MemoryBackend, Series, Storage } from '@metaseries/core';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';
import { type Row, dirBytes, median, peakRssMb, progress, timeIt } from './measure.js';
import { type PyAnswer, PythonSide, ROOT } from './python.js';
import type { Ctx } from './rows.js';
import { prng, writeValues } from './workload.js';

const T0_MS = Date.UTC(2020, 0, 1);
const SECOND_US = 1_000_000;
const HOUR = 3600;
const DAY = 86_400;
const KEY = 'bench/S#1/S#1_RAW#1';
const META = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: 'store-bench', created_on: '2020-01-01T00:00:00' };
export const STORE_BACKENDS = ['memory', 'sqlite', 'postgres'] as const;

/** The walk: steps uniform in ±0.05, every value rounded to 0.01 (as sensor data with two decimals). */
export function walkValues(n: number, seed = 7): Float64Array {
  const rnd = prng(seed);
  const v = new Float64Array(n);
  let x = 20;
  for (let i = 0; i < n; i++) {
    x = Math.round((x + (rnd() - 0.5) * 0.1) * 100) / 100;
    v[i] = x;
  }
  return v;
}

function slice(values: Float64Array, start: number, n: number): Series {
  return Series.regular(T0_MS + start * 1000, SECOND_US, values.subarray(start, start + n), { name: 'S#1_RAW#1', tz: 'UTC', freq: 's' });
}

async function pgTableBytes(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(`SELECT sum(pg_total_relation_size(c.oid)) AS b FROM pg_class c WHERE c.relkind = 'r' AND c.relname LIKE 'metaseries\\_%'`);
    return Number(r.rows[0].b);
  } finally {
    await c.end();
  }
}

interface Side { open(rep: number): Promise<Storage>; bytes(store: Storage): Promise<number>; note: string }

/** The ArcticDB process, or null (with the reason) when its venv cannot be made. */
async function startArctic(valuesPath: string): Promise<{ py: PythonSide | null; why: string; version: string | null }> {
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'python-venv.mjs'), 'bench'], { stdio: ['ignore', 2, 2] });
    const python = join(ROOT, '.venv-bench', 'bin', 'python');
    if (!existsSync(python)) return { py: null, why: 'no .venv-bench', version: null };
    const { py, init } = await PythonSide.start(valuesPath, { python, script: join(ROOT, 'bench', 'python', 'arctic.py') });
    return { py, why: '', version: String(init.arcticdb) };
  } catch (e) {
    return { py: null, why: (e as Error).message, version: null };
  }
}

async function arcticCall(py: PythonSide | null, cmd: Record<string, unknown>): Promise<PyAnswer | null> {
  if (!py) return null;
  const r = await py.call(cmd);
  if (r.error) { progress(`arcticdb ${String(cmd.op)} failed: ${r.error}`); return null; }
  return r;
}

/** Rows of S(N) for every N in `sizes`. */
export async function storeRows(ctx: Ctx, sizes: readonly number[]): Promise<Row[]> {
  const rows: Row[] = [];
  const maxN = Math.max(...sizes);
  const appends = ctx.reps + 1;
  const values = walkValues(maxN + appends * HOUR);
  const valuesPath = join(ctx.tmp, 'store-values.f64');
  writeValues(values, valuesPath);
  const arctic = await startArctic(valuesPath);
  if (!arctic.py) progress(`store rows: ArcticDB unavailable (${arctic.why}); its columns stay empty`);
  let lastPgUrl = '';
  const sides: Record<(typeof STORE_BACKENDS)[number], Side> = {
    memory: {
      open: async () => new Storage(new MemoryBackend()),
      bytes: async (store) => {
        const seen = new Map<string, number>();
        for (const v of await store.versions(KEY)) for (const r of await store.segments!.segments(KEY, { asOf: v.version })) seen.set(r.id, r.bytes);
        return [...seen.values()].reduce((a, b) => a + b, 0);
      },
      note: 'encoded segment bytes of all versions',
    },
    sqlite: {
      open: async (rep) => {
        const dir = join(ctx.tmp, `store-sqlite-${rep}`);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        return openSqlite(join(dir, 'db.sqlite'));
      },
      bytes: async () => 0,
      note: 'file size after close (WAL folded in)',
    },
    postgres: {
      open: async () => {
        const url = await ctx.pgUrl();
        if (!url) throw new Error('PostgreSQL unavailable');
        lastPgUrl = url;
        return openPostgres(url);
      },
      bytes: async () => pgTableBytes(lastPgUrl),
      note: 'pg_total_relation_size of the metaseries tables (TOAST included)',
    },
  };
  try {
    for (const n of sizes) {
      const dayStart = Math.floor(n / DAY / 2) * DAY;
      const dayFromUs = (T0_MS + dayStart * 1000) * 1000;
      const writeReps = n >= 5_000_000 ? Math.min(2, ctx.reps) : Math.min(3, ctx.reps);
      // ArcticDB first: write, append hours, reads, bytes.
      const py: Record<string, number[]> = { write: [], append: [], day: [], all: [], asof: [] };
      let pyBytes: number | null = null;
      if (arctic.py) {
        for (let rep = 0; rep < writeReps; rep++) {
          const dir = join(ctx.tmp, `arctic-${n}-${rep}`);
          rmSync(dir, { recursive: true, force: true });
          const r = await arcticCall(arctic.py, { op: 'write', dir, n });
          if (r?.s !== undefined) py.write!.push(r.s);
        }
        for (let rep = 0; rep < appends; rep++) { const r = await arcticCall(arctic.py, { op: 'append', n: HOUR }); if (r?.s !== undefined && rep > 0) py.append!.push(r.s); }
        for (let rep = 0; rep <= ctx.reps; rep++) {
          const d = await arcticCall(arctic.py, { op: 'read_day', from_s: dayStart });
          const a = await arcticCall(arctic.py, { op: 'read_all' });
          const o = await arcticCall(arctic.py, { op: 'read_asof' });
          if (rep > 0) { if (d?.s !== undefined) py.day!.push(d.s); if (a?.s !== undefined) py.all!.push(a.s); if (o?.s !== undefined) py.asof!.push(o.s); }
        }
        const b = await arcticCall(arctic.py, { op: 'bytes' });
        if (b) pyBytes = Number(b.bytes) / Number(b.points);
        progress(`S(${n}) arcticdb: write ${median(py.write!)?.toFixed(3)}s append ${((median(py.append!) ?? NaN) * 1000).toFixed(1)}ms day ${((median(py.day!) ?? NaN) * 1000).toFixed(1)}ms all ${median(py.all!)?.toFixed(3)}s`);
      }
      for (const name of STORE_BACKENDS) {
        const side = sides[name];
        const ts: Record<string, number[]> = { write: [], append: [], day: [], all: [], asof: [] };
        let store: Storage | null = null;
        let dayPoints = 0, allPoints = 0, asofPoints = 0;
        try {
          for (let rep = 0; rep < writeReps; rep++) {
            if (store) await store.close();
            store = await side.open(rep);
            const series = slice(values, 0, n);
            const s = store;
            ts.write!.push(await timeIt(() => s.save(KEY, series, META)));
          }
        } catch (e) {
          progress(`S(${n}) ${name}: unavailable (${(e as Error).message})`);
          rows.push({ operation: 'store_write', backend: name, ts_median_s: null, py_median_s: null, ratio: null, ts_peak_rss_mb: null, n, note: 'backend unavailable here' });
          continue;
        }
        const s = store!;
        for (let rep = 0; rep < appends; rep++) {
          const hour = slice(values, n + rep * HOUR, HOUR);
          const t = await timeIt(() => s.append(KEY, hour));
          if (rep > 0) ts.append!.push(t); // the first append also warms the path up
        }
        const day = { from: dayFromUs / 1000, to: (dayFromUs + (DAY - 1) * SECOND_US) / 1000 }; // Storage ranges take epoch ms
        for (let rep = 0; rep <= ctx.reps; rep++) {
          const d = await timeIt(async () => { dayPoints = (await s.load(KEY, { range: day })).series.length; });
          const a = await timeIt(async () => { allPoints = (await s.load(KEY)).series.length; });
          const o = await timeIt(async () => { asofPoints = (await s.load(KEY, { asOf: 1 })).series.length; });
          if (rep > 0) { ts.day!.push(d); ts.all!.push(a); ts.asof!.push(o); }
        }
        let bytes = await side.bytes(s);
        await s.close();
        if (name === 'sqlite') bytes = dirBytes(join(ctx.tmp, `store-sqlite-${writeReps - 1}`));
        const stored = n + appends * HOUR;
        const rss = Math.round(peakRssMb());
        const row = (operation: string, t: number[], p: number[], note: string): Row => {
          const a = median(t), b = median(p);
          return { operation, backend: name, ts_median_s: a, py_median_s: b, ratio: a && b ? b / a : null, ts_peak_rss_mb: rss, py_backend: arctic.py ? 'arcticdb-lmdb' : null, n, note };
        };
        rows.push(row('store_write', ts.write!, py.write!, `${n.toLocaleString('en')} points, 1 s spacing, walk rounded to 0.01; median of ${writeReps}`));
        rows.push(row('store_append_1h', ts.append!, py.append!, `3,600 points after ${n.toLocaleString('en')}+; median of ${ctx.reps} appends`));
        rows.push(row('store_read_1day', ts.day!, py.day!, `${dayPoints.toLocaleString('en')} points`));
        rows.push(row('store_read_all', ts.all!, py.all!, `${allPoints.toLocaleString('en')} points`));
        rows.push(row('store_read_asof', ts.asof!, py.asof!, `version 1 (before the appends): ${asofPoints.toLocaleString('en')} points`));
        const bpp = bytes / stored;
        rows.push({ operation: 'store_bytes_per_point', backend: name, ts_median_s: null, py_median_s: null, ts_value: bpp, py_value: pyBytes, py_backend: arctic.py ? 'arcticdb-lmdb' : null, ratio: pyBytes ? pyBytes / bpp : null, ts_peak_rss_mb: null, n, note: `${side.note}; ${stored.toLocaleString('en')} points in the head` });
        progress(`S(${n}) ${name}: write ${median(ts.write!)?.toFixed(3)}s append ${((median(ts.append!) ?? NaN) * 1000).toFixed(1)}ms day ${((median(ts.day!) ?? NaN) * 1000).toFixed(1)}ms all ${median(ts.all!)?.toFixed(3)}s asOf ${median(ts.asof!)?.toFixed(3)}s ${bpp.toFixed(3)} B/pt`);
      }
    }
  } finally {
    arctic.py?.stop();
  }
  return rows;
}

export const arcticNote = 'Python columns of the store_* rows: ArcticDB on LMDB (bench/python/arctic.py)';
