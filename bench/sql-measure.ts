/**
 * Ad hoc measurements for @metaseries/storage-sql (issue 5). Run:
 *   npx tsc -b packages/storage-sql && npx tsx bench/sql-measure.ts [--big] [--python]
 * Prints one line per measurement. --big adds the 10,000,000-point saves and range
 * reads; --python times Python meteaudata's SQLAdapter at 50,000 points.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Series, type SeriesMetadata, type Storage } from '@metaseries/core';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';
import { startPostgres } from '../test/support/postgres.js';

const args = new Set(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'metaseries-sql-bench-'));
const T0 = Date.UTC(2024, 0, 1);
const US_DAY = 86_400_000_000;

function series(n: number, freqUs = 1_000_000): Series {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i / 100) * 10 + 20;
  return Series.regular(T0, freqUs, v, { name: 'Q#1_RAW#1', tz: 'UTC', freq: freqUs === 1_000_000 ? 's' : 'min' });
}

const META: SeriesMetadata = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01T00:00:00' };

async function time<T>(label: string, body: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await body();
  const ms = performance.now() - t;
  console.log(`${label.padEnd(60)} ${ms.toFixed(1).padStart(10)} ms`);
  return ms;
}

async function best(label: string, runs: number, body: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await body();
    min = Math.min(min, performance.now() - t);
  }
  console.log(`${label.padEnd(60)} ${min.toFixed(2).padStart(10)} ms (best of ${runs})`);
  return min;
}

async function saveLoad(name: string, store: Storage, n: number): Promise<void> {
  const s = series(n);
  await time(`${name}: save ${n.toLocaleString('en')} points (new key)`, () => store.save('b/Q#1/RAW#1', s, META));
  await time(`${name}: save ${n.toLocaleString('en')} points (overwrite)`, () => store.save('b/Q#1/RAW#1', s, META));
  await time(`${name}: load ${n.toLocaleString('en')} points`, () => store.load('b/Q#1/RAW#1'));
  const from = T0 * 1000 + US_DAY;
  await best(`${name}: 1-hour range read (3,600 points)`, 5, () => store.loadRange('b/Q#1/RAW#1', { from: from / 1000, to: (from + 3_599_000_000) / 1000 }));
}

function chunkSweep(): void {
  // Rows per multi-row INSERT on better-sqlite3 (4 columns), 1,000,000 rows into a fresh table.
  for (const per of [50, 100, 250, 500, 1000, 2000, 8000]) {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE p (sid INTEGER NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL, num, PRIMARY KEY (sid, ts, n)) WITHOUT ROWID');
    const stmt = db.prepare(`INSERT INTO p VALUES ${Array(per).fill('(?,?,?,?)').join(',')}`);
    const args: number[] = new Array(per * 4);
    const t = performance.now();
    db.exec('BEGIN');
    for (let i = 0; i < 1_000_000; i += per) {
      for (let r = 0; r < per; r++) { args[r * 4] = 1; args[r * 4 + 1] = (i + r) * 1e6; args[r * 4 + 2] = i + r; args[r * 4 + 3] = r * 0.5; }
      stmt.run(args);
    }
    db.exec('COMMIT');
    console.log(`sqlite raw multi-row insert, ${String(per).padStart(5)} rows/statement, 1M rows ${(performance.now() - t).toFixed(0).padStart(8)} ms`);
    db.close();
  }
}

if (args.has('--sweep')) chunkSweep();

const sqlite = await openSqlite(join(dir, 'bench.db'));
await saveLoad('sqlite file', sqlite, 1_000_000);

const pgServer = await startPostgres();
const pg = await openPostgres(await pgServer.createDatabase('bench'));
await saveLoad('postgres', pg, 1_000_000);

if (args.has('--big')) {
  for (const [name, store] of [['sqlite file', sqlite], ['postgres', pg]] as const) {
    const big = series(10_000_000);
    await time(`${name}: save 10,000,000 points`, () => store.save('b/Q#1/BIG#1', big, META));
    const from = T0 * 1000 + 30 * US_DAY;
    await best(`${name}: 1-day range read of 10M @1s (86,400 points)`, 5, () => store.loadRange('b/Q#1/BIG#1', { from: from / 1000, to: (from + US_DAY - 1000) / 1000 }));
    const minutes = series(10_000_000, 60_000_000);
    await time(`${name}: save 10,000,000 points @1min`, () => store.save('b/Q#1/MIN#1', minutes, META));
    await best(`${name}: 1-day range read of 10M @1min (1,440 points)`, 5, () => store.loadRange('b/Q#1/MIN#1', { from: from / 1000, to: (from + US_DAY - 1000) / 1000 }));
    await store.delete('b/Q#1/MIN#1');
    await store.delete('b/Q#1/BIG#1');
  }
}

if (args.has('--python')) {
  const py = join(process.cwd(), '.venv', 'bin', 'python');
  if (!existsSync(py)) console.log('python: skipped (no .venv)');
  else {
    const file = join(dir, 'py.db');
    const out = execFileSync(py, ['-c', `
import time, sys, numpy as np, pandas as pd
from meteaudata.storage.adapters.sql_adapter import SQLAdapter
a = SQLAdapter('sqlite:///' + sys.argv[1])
s = pd.Series(np.sin(np.arange(50000) / 100) * 10 + 20, index=pd.date_range('2024-01-01', periods=50000, freq='s', tz='UTC'), name='Q#1_RAW#1')
md = {'processing_steps': [], 'index_metadata': None, 'values_dtype': 'float64', 'metadata_id': None, 'created_on': '2024-01-01T00:00:00'}
t = time.perf_counter(); a.save(s, 'b/Q#1/RAW#1', md); t1 = time.perf_counter()
a.load('b/Q#1/RAW#1'); t2 = time.perf_counter()
print(f'{(t1 - t) * 1000:.1f} {(t2 - t1) * 1000:.1f}')
`, file]).toString().trim().split(' ');
    console.log(`${'python SQLAdapter: save 50,000 points'.padEnd(60)} ${out[0]!.padStart(10)} ms`);
    console.log(`${'python SQLAdapter: load 50,000 points'.padEnd(60)} ${out[1]!.padStart(10)} ms`);
    const mine = await openSqlite(join(dir, 'ours-py.db'), { layout: 'meteaudata' });
    const s = series(50_000);
    await time('metaseries meteaudata layout: save 50,000 points', () => mine.save('b/Q#1/RAW#1', s, META));
    await time('metaseries meteaudata layout: load 50,000 points', () => mine.load('b/Q#1/RAW#1'));
    await time('metaseries native layout: save 50,000 points', () => sqlite.save('b/Q#1/S50#1', s, META));
    await mine.close();
  }
}

await sqlite.close();
await pg.close();
await pgServer.stop();
rmSync(dir, { recursive: true, force: true });
