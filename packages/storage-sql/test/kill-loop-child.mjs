// Child process of the kill -9 tests (kill.test.ts): loops append / update / snapshot /
// prune on a native v2 store forever, writing a marker line before ("begin") and after
// ("end", with the head version) each operation. stdout on a Linux pipe is written
// synchronously, so the parent, after SIGKILL, sees exactly which operation was in flight.
import { Series } from '@metaseries/core';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';

const [engine, location, seedText] = process.argv.slice(2);
const APPEND_KEY = 'k/A#1/A#1_RAW#1';
const UPDATE_KEY = 'k/U#1/U#1_RAW#1';
const store = engine === 'postgres' ? await openPostgres(location) : await openSqlite(location);
let seed = Number(seedText) >>> 0;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const mark = (line) => process.stdout.write(`${line}\n`);
/** The value every appended point carries: a function of its time (so a torn series shows). */
const valueAt = (us) => Math.round(((us / 1e6) % 997) * 37) / 100;

const ops = ['append', 'update', 'snapshot', 'prune'];
for (let i = 0; ; i++) {
  const op = ops[Math.floor(random() * ops.length)];
  mark(`begin ${op} ${i}`);
  if (op === 'append') {
    const [head] = (await store.versions(APPEND_KEY)).slice(-1);
    const n = 600 + Math.floor(random() * 3000);
    const start = head.last.getTime() * 1000 + 1_000_000; // versions() gives Dates; stored keys are µs
    const values = new Float64Array(n);
    for (let j = 0; j < n; j++) values[j] = valueAt(start + j * 1_000_000);
    await store.append(APPEND_KEY, Series.regular(start / 1000, 1_000_000, values, { name: 'A#1_RAW#1', tz: 'UTC', freq: 's' }));
  } else if (op === 'update') {
    const [head] = (await store.versions(UPDATE_KEY)).slice(-1);
    const n = 2000 + Math.floor(random() * 20_000);
    const start = head.first.getTime() * 1000 + Math.floor(random() * (head.length - n)) * 1_000_000;
    // Integer values mark the points an update wrote (the initial ones are not integers).
    await store.update(UPDATE_KEY, Series.regular(start / 1000, 1_000_000, new Float64Array(n).fill(i), { name: 'U#1_RAW#1', tz: 'UTC', freq: 's' }));
  } else if (op === 'snapshot') {
    await store.snapshot(`s-${process.pid}-${i}`, { prefix: 'k/' });
    const all = await store.snapshots();
    for (const s of all.slice(0, Math.max(0, all.length - 3))) await store.deleteSnapshot(s.name);
  } else {
    await store.prune({ keepLast: 2, graceMs: 0 });
  }
  mark(`end ${op} ${i}`);
}
