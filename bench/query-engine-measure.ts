/**
 * `query` on the SQL meteaudata layout (Python SQLAdapter's rows, timestamps as pandas
 * text): pushed down to the engine (packages/storage-sql/src/meteaudata-query.ts) against
 * the JS fallback (load the rows, parse the text, bucket in core) on the same store, for
 * one series of N points at 1-second spacing: (a) daily max over everything, (b) hourly
 * min+max+count over everything.
 *
 *   npx tsx bench/query-engine-measure.ts [--n 2000000] [--reps 3] [--stores sqlite,postgres]
 *
 * SQLite: a file in a cache folder (default `bench/results/query-engine-<N>.tmp`, git-ignored),
 * built once. PostgreSQL: a throwaway embedded server, as the tests start one (loaded each run).
 * Writes bench/results/query-engine.md.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DatetimeIndex, Series, type QueryOptions, type Storage } from '@metaseries/core';
import { runQuery } from '@metaseries/core/backend-kit';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';
import { startPostgres, type PostgresServer } from '../test/support/postgres.js';

const { values: args } = parseArgs({ options: {
  n: { type: 'string', default: '2000000' }, reps: { type: 'string', default: '3' }, stores: { type: 'string', default: 'sqlite,postgres' },
} });
const N = Number(args.n), REPS = Number(args.reps);
const ROOT = join(import.meta.dirname, '..');
const cache = join(ROOT, 'bench', 'results', `query-engine-${N}.tmp`);
mkdirSync(cache, { recursive: true });
const KEY = 'bench/Q0#1/RAW#1';
const T0 = Date.UTC(2024, 0, 1) * 1000;
const meta = { processing_steps: [], index_metadata: { type: 'DatetimeIndex', name: null, frequency: null, time_zone: 'UTC', closed: null, categories: null, ordered: null, start: null, end: null, step: null, dtype: 'datetime64[ns, UTC]' }, values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01 00:00:00' };

/** The same random walk as bench/query-measure.ts (series 0). */
function walk(): Series {
  let x = 1, v = 20;
  const values = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    v += (x / 2147483648 - 0.5) * 0.1;
    values[i] = Math.round(v * 100) / 100;
  }
  return new Series({ index: new DatetimeIndex(Float64Array.from({ length: N }, (_, i) => T0 + i * 1e6), { tz: 'UTC' }), values, name: 'Q0#1_RAW#1' });
}

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

/** The JS fallback on the same store: `runQuery` given no `queryBuckets` (load the rows, bucket in core). */
const jsOnly = (store: Storage) => ({
  loadMetadata: (key: string) => store.loadMetadata(key),
  loadKeyRange: (key: string, range: { from?: number; to?: number }) => store.loadKeyRange(key, range),
  load: (key: string) => store.load(key),
});

const QUERIES: Record<string, QueryOptions> = {
  'daily max': { series: [KEY], every: '1D', agg: 'max' },
  'hourly min+max+count': { series: [KEY], every: '1h', agg: ['min', 'max', 'count'] },
};

const rows: string[] = [];
let server: PostgresServer | undefined;
try {
  for (const name of args.stores.split(',')) {
    let store: Storage;
    if (name === 'sqlite') {
      const file = join(cache, 'python.db');
      const fresh = !existsSync(join(cache, 'sqlite.done'));
      if (fresh) rmSync(file, { force: true });
      store = await openSqlite(file, { layout: 'meteaudata' });
      if (fresh) {
        const t = performance.now();
        await store.save(KEY, walk(), meta);
        console.error(`built sqlite (${N} rows) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
        writeFileSync(join(cache, 'sqlite.done'), new Date().toISOString());
      }
    } else if (name === 'postgres') {
      server = await startPostgres();
      store = await openPostgres(await server.createDatabase('bench'), { layout: 'meteaudata' });
      const t = performance.now();
      await store.save(KEY, walk(), meta);
      console.error(`built postgres (${N} rows) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    } else throw new Error(`unknown store ${name}; known: sqlite, postgres`);
    for (const [label, q] of Object.entries(QUERIES)) {
      const pushed = await store.query(q);
      const js = await runQuery(jsOnly(store), q);
      // Same answer both ways, or the figures mean nothing.
      const same = pushed.columns.every((c, i) => c.values.length === js.columns[i]!.values.length && c.values.every((v, j) => Object.is(v, js.columns[i]!.values[j])));
      if (!same) throw new Error(`${name} ${label}: the engine and the JS path disagree`);
      const engineMs = await time(() => store.query(q));
      const jsMs = await time(() => runQuery(jsOnly(store), q));
      const line = `| ${name} | ${label} | ${pushed.sources[KEY]} | ${engineMs.toFixed(0)} | ${jsMs.toFixed(0)} | ${(jsMs / engineMs).toFixed(1)}× | ${pushed.times.length} |`;
      console.error(line);
      rows.push(line);
    }
    await store.close();
  }
} finally {
  await server?.stop();
}

const command = `npx tsx bench/query-engine-measure.ts --n ${N} --reps ${REPS} --stores ${args.stores}`;
const md = [
  `\`${command}\` (${new Date().toISOString().slice(0, 10)}), one series of ${N.toLocaleString('en')} points at 1 s in the meteaudata layout, median of ${REPS} runs:`,
  '',
  '| store | query | source | engine (ms) | JS fallback (ms) | speed-up | buckets |',
  '|---|---|---|---:|---:|---:|---:|',
  ...rows,
].join('\n') + '\n';
writeFileSync(join(ROOT, 'bench', 'results', 'query-engine.md'), md);
console.log(md);
