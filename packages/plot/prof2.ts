import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createBackend, Dataset, Series, Signal } from '@metaseries/core';
import '@metaseries/storage-sql';
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const url = `sqlite:${join(dir, 'p.db')}`;
const store = await createBackend(url);
const N = 1_000_000;
const ds = new Dataset({ name: 'b', signals: [new Signal({ name: 'Big', data: Series.regular('2024-01-01', 1_000_000, Float64Array.from({ length: N }, (_, i) => Math.sin(i / 1000)), { name: 'RAW', freq: 's' }) })] });
ds.useBackend(store); await ds.saveAll(); await store.close();
const lazy = await Dataset.fromBackend(await createBackend(url), 'b');
const ts = lazy.get('Big#1').get('Big#1_RAW#1');
for (let r = 0; r < 2; r++) {
  let t = performance.now();
  const ext = await ts.extent(); const a = performance.now() - t; t = performance.now();
  await ts.aggregate({ fn: 'count' }); const b = performance.now() - t; t = performance.now();
  const every = Math.ceil((ext.last! - ext.first! + 1) / 900);
  await ts.aggregate({ fn: 'min', every }); const c = performance.now() - t; t = performance.now();
  await ts.loadRange(null, null); const d = performance.now() - t;
  console.log({ extent: a.toFixed(0), count: b.toFixed(0), minBuckets: c.toFixed(0), fullRangeRead: d.toFixed(0) });
}
