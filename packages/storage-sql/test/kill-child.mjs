// Child process for the kill -9 test: saves a large series (all values = `value`) under
// one key, printing "saving" just before and "saved" after. The parent SIGKILLs it mid-save.
import { Series } from '@metaseries/core';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';

const [target, location, pointsText, valueText] = process.argv.slice(2);
const points = Number(pointsText), value = Number(valueText);
const store = target === 'postgres' ? await openPostgres(location) : await openSqlite(location);
const series = Series.regular('2024-01-01', 1_000_000, new Float64Array(points).fill(value), { name: 'K#1_RAW#1', tz: 'UTC', freq: 's' });
const metadata = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: String(value), created_on: '2024-01-01T00:00:00' };
process.stdout.write('saving\n');
await store.save('kill/K#1/RAW#1', series, metadata);
process.stdout.write('saved\n');
await store.close();
