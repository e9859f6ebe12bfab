/**
 * Change events across processes (issue 17): how long after a commit in another process
 * a watcher sees it. A child process appends one point every 200 ms (40 times) to a
 * SQLite file or a PostgreSQL database; the watcher here records, per event, now minus
 * the version's commit stamp (same machine clock).
 *
 *   npx tsx bench/watch-measure.ts [--count 40] [--gap 200]
 *
 * Rows: SQLite polled at the default 1,000 ms and at 100 ms; PostgreSQL with LISTEN/NOTIFY
 * (default safety poll 10 s). Prints median, p95 and max latency in ms, and events seen.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { Storage } from '@metaseries/core';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';
import { startPostgres } from '../test/support/postgres.js';
import { ROOT } from '../test/support/python.js';

const { values: args } = parseArgs({ options: { count: { type: 'string', default: '40' }, gap: { type: 'string', default: '200' } } });
const COUNT = Number(args.count);
const GAP = Number(args.gap);
const WRITER = join(ROOT, 'test', 'support', 'watch-writer.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'metaseries-watch-bench-'));

async function measure(label: string, kind: 'sqlite' | 'postgres', where: string, store: Storage, pollMs?: number): Promise<void> {
  const abort = new AbortController();
  const latencies: number[] = [];
  const watching = (async () => {
    for await (const e of store.watch({ prefix: 'p/', signal: abort.signal, ...(pollMs ? { pollMs } : {}) })) {
      latencies.push(Date.now() - e.at);
      if (latencies.length === COUNT + 1) abort.abort();
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  await promisify(execFile)(process.execPath, [WRITER, kind, where, 'stream', String(GAP), String(COUNT)], { cwd: ROOT });
  const deadline = setTimeout(() => abort.abort(), 15_000);
  await watching;
  clearTimeout(deadline);
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  console.log(`${label.padEnd(34)} median ${String(at(0.5)).padStart(5)} ms  p95 ${String(at(0.95)).padStart(5)} ms  max ${String(sorted.at(-1)).padStart(5)} ms  events ${latencies.length}/${COUNT + 1}`);
  await store.close();
}

try {
  for (const pollMs of [undefined, 100]) {
    const file = join(tmp, `w${pollMs ?? 'default'}.db`);
    await measure(`sqlite, poll ${pollMs ?? 1000} ms`, 'sqlite', file, await openSqlite(file), pollMs);
  }
  const server = await startPostgres();
  try {
    const url = await server.createDatabase('watchbench');
    await measure('postgres, LISTEN/NOTIFY', 'postgres', url, await openPostgres(url));
  } finally {
    await server.stop();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
