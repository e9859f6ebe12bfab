// Child process of concurrency.test.ts: writer `id` appends `count` one-point series to the
// shared key and to its own key, printing "ok <key> <time> <value>" after each commit.
// Times come from the clock (odd µs for writer 1, even for writer 2), so when the other
// writer committed a later point first, the rebased append is refused as an overlap
// (INVALID_INPUT) and the writer tries again with a new time; CONFLICT (retries spent) too.
import { DatetimeIndex, MetaseriesError, Series } from '@metaseries/core';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';

const [engine, location, idText, countText] = process.argv.slice(2);
const id = Number(idText), count = Number(countText);
const store = engine === 'postgres' ? await openPostgres(location) : await openSqlite(location);
let last = 0;
const nextTime = () => {
  let t = Math.max(Date.now() * 1000, last + 1);
  if (t % 2 !== id % 2) t++;
  last = t;
  return t;
};
const point = (t, v) => new Series({ index: new DatetimeIndex(Float64Array.from([t]), { tz: 'UTC' }), values: Float64Array.from([v]), name: 'X' });
let retries = 0;
for (let seq = 1; seq <= count; seq++) {
  const value = id * 1_000_000 + seq;
  for (;;) {
    const t = nextTime();
    try {
      await store.append('c/SHARED#1/RAW#1', point(t, value));
      process.stdout.write(`ok shared ${t} ${value}\n`);
      break;
    } catch (e) {
      if (!(e instanceof MetaseriesError) || (e.code !== 'INVALID_INPUT' && e.code !== 'CONFLICT')) throw e;
      retries++;
    }
  }
  const t = nextTime();
  await store.append(`c/OWN${id}#1/RAW#1`, point(t, value));
  process.stdout.write(`ok own ${t} ${value}\n`);
}
process.stdout.write(`retries ${retries}\n`);
await store.close();
