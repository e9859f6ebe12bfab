// Child process for the watch tests (issue 17): writes to a SQLite file or a PostgreSQL
// database through a store of its own, so the parent's watcher sees another process.
//   node watch-writer.mjs <sqlite|postgres> <path|url> phase1   save/append/update/deleteRange on A, save+delete B
//   node watch-writer.mjs <sqlite|postgres> <path|url> phase2   snapshot, rollup (+ its refresh), prune
//   node watch-writer.mjs <sqlite|postgres> <path|url> held     an append whose transaction stays open until stdin says "commit"
//   node watch-writer.mjs <sqlite|postgres> <path|url> stream <gap ms> <count>   appends one point every gap ms
import { DatetimeIndex, Series, Signal, Storage } from '@metaseries/core';
import '@metaseries/processing';
import { openPostgres, openSqlite, SqlSegmentDriver } from '@metaseries/storage-sql';

const [kind, where, phase] = process.argv.slice(2);
const store = kind === 'sqlite' ? await openSqlite(where) : await openPostgres(where);
const H = 3_600_000_000, T0 = Date.UTC(2024, 0, 1) * 1000;
const hours = (from, n, name = 'A#1_RAW#1') => new Series({
  index: new DatetimeIndex(Float64Array.from({ length: n }, (_, i) => T0 + (from + i) * H), { tz: 'UTC' }),
  values: Float64Array.from({ length: n }, (_, i) => from + i), name,
});
const meta = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01 00:00:00' };

if (phase === 'phase1') {
  await store.save('p/A#1/RAW#1', hours(0, 4), meta);
  await store.append('p/A#1/RAW#1', hours(4, 2));
  await store.update('p/A#1/RAW#1', hours(1, 1));
  await store.deleteRange('p/A#1/RAW#1', { to: T0 + H });
  await store.save('p/B#1/RAW#1', hours(0, 2, 'B#1_RAW#1'), meta);
  await store.delete('p/B#1/RAW#1');
} else if (phase === 'phase2') {
  await store.snapshot('after-phase1');
  const signal = new Signal({ name: 'C', units: 'u', data: hours(0, 6, 'RAW') });
  signal.useBackend(store, { autoSave: true, datasetName: 'p' });
  await signal.saveAll();
  await signal.rollup('C#1_RAW#1', { every: '2h', agg: 'max' });
  await signal.append(hours(6, 3, 'RAW'));
  await signal.refresh();
  await store.prune({ keepLast: 2 });
} else if (phase === 'held') {
  const driver = store.segments.driver;
  const trx = await driver.knex.transaction();
  const held = new Storage(new SqlSegmentDriver(trx, driver.dialect, true));
  await held.append('p/A#1/RAW#1', hours(100, 1));
  process.stdout.write('written\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  await trx.commit();
  process.stdout.write('committed\n');
} else if (phase === 'stream') {
  // For bench/watch-measure.ts: one point every `gap` ms, `count` times.
  const [gap, count] = process.argv.slice(5).map(Number);
  await store.save('p/S#1/RAW#1', hours(0, 1, 'S#1_RAW#1'), meta);
  for (let i = 1; i <= count; i++) {
    await new Promise((resolve) => setTimeout(resolve, gap));
    await store.append('p/S#1/RAW#1', hours(i, 1, 'S#1_RAW#1'));
  }
} else throw new Error(`unknown phase ${phase}`);
await store.close();
