// Writes test/fixtures/sql/native-v1.db: a small SQLite database in the native layout v1
// (one row per point, `metaseries_points`), made by the storage-sql code of main at
// commit 23e21fd, before layout v2. The migration test opens a copy of it with the
// current code. Run once (after `npm run build`) on that commit: node scripts/make-sql-v1-fixture.mjs
import { rmSync, writeFileSync } from 'node:fs';
import { DatetimeIndex, NumericIndex, RangeIndex, Series } from '@metaseries/core';
import { openSqlite } from '@metaseries/storage-sql';

const out = new URL('../test/fixtures/sql/native-v1.db', import.meta.url).pathname;
for (const suffix of ['', '-wal', '-shm']) rmSync(out + suffix, { force: true });
const store = await openSqlite(out);
const meta = (id, dtype = 'float64') => ({ processing_steps: [], index_metadata: null, values_dtype: dtype, metadata_id: id, created_on: '2024-01-01T00:00:00' });

const H = 3_600_000_000;
// A datetime series with NaN, -0, ±Infinity and a value that is not a short decimal.
const values = Float64Array.from([1.25, Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1 + 0.2, 42]);
await store.save('plant/COD#1/COD#1_RAW#1', Series.regular('2024-01-01', H, values, { name: 'COD#1_RAW#1', tz: 'UTC', freq: 'h' }), meta('cod-raw'));
// A longer regular series (1,000 points at 1 s).
const walk = new Float64Array(1000);
for (let i = 1; i < walk.length; i++) walk[i] = Math.round((walk[i - 1] + Math.sin(i) * 0.3) * 100) / 100;
await store.save('plant/COD#1/COD#1_SMOOTH#1', Series.regular('2024-01-01', 1_000_000, walk, { name: 'COD#1_SMOOTH#1', tz: 'UTC', freq: 's' }), meta('cod-smooth'));
// Naive datetime index with an irregular gap, saved twice (the second save replaces the first).
await store.save('plant/PH#1/PH#1_RAW#1', new Series({ index: new DatetimeIndex(Float64Array.from([0, H, 5 * H]), { name: 'time' }), values: Float64Array.from([7, 7.1, 6.9]), name: 'PH#1_RAW#1' }), meta('ph-old'));
await store.save('plant/PH#1/PH#1_RAW#1', new Series({ index: new DatetimeIndex(Float64Array.from([0, H, 5 * H, 6 * H]), { name: 'time' }), values: Float64Array.from([7, 7.1, 6.9, 7.2]), name: 'PH#1_RAW#1' }), meta('ph'));
// Other index kinds and dtypes.
await store.save('lab/S#1/S#1_RAW#1', Series.fromValues(['a', null, 'ç'], { name: 'S#1_RAW#1', dtype: 'object', index: new RangeIndex(0, 3, 1) }), meta('strings', 'object'));
await store.save('lab/N#1/N#1_RAW#1', Series.fromNumbers([3, 1, 2], [30, 10, 20], { name: 'N#1_RAW#1', indexDtype: 'int64' }), meta('unsorted'));
await store.save('lab/L#1/L#1_RAW#1', Series.fromLabels(['x', 'y'], [1, 2], { name: 'L#1_RAW#1', dtype: 'int64' }), meta('labels', 'int64'));
await store.save('lab/B#1/B#1_RAW#1', Series.fromValues([true, false, true], { name: 'B#1_RAW#1', dtype: 'bool' }), meta('bools', 'bool'));
// What v1 reads back, kept beside the fixture so the migration test compares with it.
const expected = {};
for (const key of await store.listKeys()) {
  const { series, metadata } = await store.load(key);
  const index = series.index;
  expected[key] = {
    name: series.name, dtype: series.dtype, indexKind: index.kind, indexName: index.name,
    tz: index.kind === 'datetime' ? index.tz : null, freq: index.kind === 'datetime' ? index.freqstr : null,
    keys: Array.from(index.values, (k) => (typeof k === 'number' ? (Object.is(k, -0) ? '-0' : String(k)) : k)),
    values: Array.from(series.values, (v) => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v)),
    metadata,
  };
}
writeFileSync(out.replace(/\.db$/, '.expected.json'), JSON.stringify(expected, null, 1) + '\n');
await store.close();
// Fold the WAL into the file so the fixture is one file.
const Database = (await import('better-sqlite3')).default;
const db = new Database(out);
db.pragma('wal_checkpoint(TRUNCATE)');
db.pragma('journal_mode = DELETE');
db.close();
console.log(`wrote ${out}`);
