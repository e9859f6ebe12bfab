/**
 * `npm run bench -- [--n N] [--reps R] [--only a,b] [--range-n M] [--store-n N1,N2]`: the reference workload
 * in metaseries and in Python meteaudata 0.12.1, side by side. Groups for --only:
 * compute, archive, backend, range, lazy, store (or operation names: create, resample, …).
 * `--store-n 1000000,10000000`: the sizes N of the store workload S(N) (issue 10).
 * Progress on stderr; table on stdout; results in bench/results/latest.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeValues, writeValues } from './workload.js';
import { PythonSide, ROOT } from './python.js';
import { type Ctx, computeRows, archiveRows, backendRows, rangeRows, lazyRows, pyErrors } from './rows.js';
import { progress, type Row } from './measure.js';
import { table, writeJson } from './report.js';
import { storeRows } from './store-rows.js';

const { values: args } = parseArgs({ options: {
  n: { type: 'string', default: '1000000' }, reps: { type: 'string', default: '5' }, only: { type: 'string' },
  'range-n': { type: 'string', default: '10000000' }, 'store-n': { type: 'string', default: '1000000' }, out: { type: 'string', default: join(ROOT, 'bench', 'results', 'latest.json') },
} });
const n = Number(args.n);
const reps = Number(args.reps);
const rangeN = Number(args['range-n']);
const GROUPS: Record<string, string[]> = {
  compute: ['create', 'resample', 'interpolate'], archive: ['archive_save', 'archive_load'],
  backend: ['backend_save', 'backend_load', 'bytes_per_point'], range: ['range_read_1day'], lazy: ['lazy_peak_mb'],
  store: ['store_write', 'store_append_1h', 'store_read_1day', 'store_read_all', 'store_read_asof', 'store_bytes_per_point'],
};
const storeSizes = args['store-n']!.split(',').map((s) => Number(s.trim()));
const only = args.only ? args.only.split(',').map((s) => s.trim()) : null;
const want = (group: string) => !only || only.includes(group) || GROUPS[group]!.some((op) => only.includes(op));

const started = performance.now();
const tmp = mkdtempSync(join(tmpdir(), 'metaseries-bench-'));
progress(`n=${n} reps=${reps} range-n=${rangeN} tmp=${tmp}`);
const values = makeValues(n);
writeValues(values, join(tmp, 'values.f64'));

let python: string | null = null;
let py: PythonSide | null = null;
if (PythonSide.available()) ({ py, version: python } = await PythonSide.start(join(tmp, 'values.f64')));
else progress('no .venv/bin/python: Python columns will be null (node scripts/python-venv.mjs creates it)');

let pgStop: (() => Promise<void>) | null = null;
let pgServer: { createDatabase(p?: string): Promise<string> } | null = null;
const ctx: Ctx = {
  n, reps, rangeN, values, tmp, py,
  pgUrl: async () => {
    if (!pgServer) {
      try {
        const { startPostgres, postgresAvailable } = await import('../test/support/postgres.js');
        if (!postgresAvailable()) return null;
        progress('starting a throwaway PostgreSQL server');
        const s = await startPostgres();
        pgServer = s; pgStop = () => s.stop();
      } catch (e) { progress(`PostgreSQL unavailable: ${(e as Error).message}`); return null; }
    }
    return pgServer.createDatabase('bench');
  },
};

// The machine of this run, kept with its results: docs/performance.md is often regenerated elsewhere.
const machine = { cores: cpus().length, model: cpus()[0]?.model ?? '?', ramGiB: Number((totalmem() / 2 ** 30).toFixed(1)), os: `${type()} ${release()}` };
const rows: Row[] = [];
try {
  if (want('compute')) rows.push(...await computeRows(ctx));
  if (want('archive')) rows.push(...await archiveRows(ctx));
  if (want('backend')) rows.push(...await backendRows(ctx));
  if (want('range')) rows.push(...await rangeRows(ctx));
  if (want('lazy')) rows.push(...await lazyRows(ctx));
  if (want('store')) {
    const store = await storeRows(ctx, storeSizes);
    rows.push(...store);
    // Kept apart too, so docs/performance.md shows the store workload at several N from one run.
    writeJson(join(ROOT, 'bench', 'results', 'store.json'), { n, reps, range_n: rangeN, store_n: storeSizes, node: process.version, python, machine, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), wall_s: (performance.now() - started) / 1000, rows: store });
  }
} finally {
  py?.stop();
  if (pgStop) await (pgStop as () => Promise<void>)();
  rmSync(tmp, { recursive: true, force: true });
}
const wall = (performance.now() - started) / 1000;
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
writeJson(args.out!, { n, reps, range_n: rangeN, node: process.version, python, machine, command, wall_s: wall, rows });
process.stdout.write(`${table(rows)}\n`);
for (const [op, err] of pyErrors) process.stdout.write(`Python ${op} failed: ${err}\n`);
progress(`done in ${wall.toFixed(1)}s; wrote ${args.out}`);
