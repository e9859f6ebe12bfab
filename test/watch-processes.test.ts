/**
 * Change events across processes (issue 17): a watcher in this process sees every write
 * another process commits to the same SQLite file, in order per key, only after commit,
 * and a consumer that stopped resumes from the last version it handled without losing any.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ChangeEvent } from '@metaseries/core';
import { openSqlite } from '@metaseries/storage-sql';
import { expect, it } from 'vitest';
import { ROOT } from './support/python.js';
import { tempDir } from './support/tmp.js';

const WRITER = `
import { DatetimeIndex, Series } from '@metaseries/core';
import { openSqlite } from '@metaseries/storage-sql';
const store = await openSqlite(process.argv[1]);
const H = 3_600_000_000, T0 = Date.UTC(2024, 0, 1) * 1000;
const hours = (from, n) => new Series({ index: new DatetimeIndex(Float64Array.from({ length: n }, (_, i) => T0 + (from + i) * H), { tz: 'UTC' }), values: Float64Array.from({ length: n }, (_, i) => from + i), name: 'A#1_RAW#1' });
const meta = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01 00:00:00' };
await store.save('p/A#1/RAW#1', hours(0, 4), meta);
for (let k = 0; k < 3; k++) await store.append('p/A#1/RAW#1', hours(4 + k, 1));
await store.deleteRange('p/A#1/RAW#1', { to: new Date((T0 + H) / 1000) });
await store.snapshot('after-writer');
await store.close();
`;

it('a watcher sees another process\'s writes, in order, and resumes from a version', async () => {
  const file = join(tempDir('metaseries-watch-'), 'w.db');
  const store = await openSqlite(file);
  const abort = new AbortController();
  const events: ChangeEvent[] = [];
  const watcher = (async () => {
    for await (const e of store.watch({ prefix: 'p/', signal: abort.signal, pollMs: 25 })) {
      events.push(e);
      if (events.length === 6) abort.abort();
    }
  })();
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', WRITER, file], { cwd: ROOT });
  const timeout = setTimeout(() => abort.abort(), 20_000);
  await watcher;
  clearTimeout(timeout);
  expect(events.map((e) => [e.type, e.key, e.version])).toEqual([
    ['save', 'p/A#1/RAW#1', 1], ['append', 'p/A#1/RAW#1', 2], ['append', 'p/A#1/RAW#1', 3], ['append', 'p/A#1/RAW#1', 4],
    ['deleteRange', 'p/A#1/RAW#1', 5], ['snapshot', 'after-writer', 0],
  ]);
  // Committed before delivered: the version an event names is readable.
  expect((await store.load('p/A#1/RAW#1', { asOf: 4 })).series.length).toBe(7);
  // A consumer that handled up to version 2 gets 3, 4, 5 again (at-least-once), nothing lost.
  const resumed: ChangeEvent[] = [];
  const again = new AbortController();
  for await (const e of store.watch({ prefix: 'p/', signal: again.signal, since: { 'p/A#1/RAW#1': 2 }, pollMs: 25 })) {
    resumed.push(e);
    if (resumed.length === 3) again.abort();
  }
  expect(resumed.map((e) => e.version)).toEqual([3, 4, 5]);
  await store.close();
}, 60_000);
