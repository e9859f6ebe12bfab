// CommonJS smoke test: require() of the ESM packages (Node >= 20.19), same round trip.
const assert = require('node:assert/strict');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Dataset, openStore, Series, Signal, MetaseriesError } = require('@metaseries/core');
const { linearInterpolation } = require('@metaseries/processing');
require('@metaseries/storage-sql');
require('@metaseries/storage-parquet');

(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'metaseries-smoke-'));
  try {
    for (const url of [`sqlite:${join(dir, 'plant.db')}`, `parquet:${join(dir, 'store')}?create=true`]) {
      const cod = new Signal({ name: 'CODs', units: 'mg/l', data: Series.fromTimes(['2024-01-01 00:00', '2024-01-01 01:00', '2024-01-01 02:00'], [1, NaN, 3], { name: 'RAW' }) });
      const plant = new Dataset({ name: 'plant', project: 'smoke', signals: [cod] });
      const store = await openStore(url);
      plant.useBackend(store, { autoSave: true });
      await plant.saveAll();
      await cod.process(['CODs#1_RAW#1'], linearInterpolation());
      const again = await openStore(url);
      const reopened = await Dataset.fromBackend(again, 'plant');
      const values = await reopened.get('CODs#1').get('CODs#1_LIN-INT#1').load();
      assert.deepEqual(Array.from(values.values), [1, 2, 3]);
      await store.close();
      await again.close();
      console.log(`${url.split(':')[0]} (require): processed and reloaded`);
    }
    await assert.rejects(openStore('sqlite:'), (e) => e instanceof MetaseriesError && e.code === 'INVALID_INPUT');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
