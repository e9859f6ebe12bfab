// ESM smoke test of the installed tarballs: SQLite and Parquet stores, process, reload.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, openStore, Series, Signal, Storage } from '@metaseries/core';
import { linearInterpolation } from '@metaseries/processing';
import '@metaseries/storage-parquet';
import '@metaseries/storage-sql';

const dir = mkdtempSync(join(tmpdir(), 'metaseries-smoke-'));
try {
  for (const url of [`sqlite:${join(dir, 'plant.db')}`, `parquet:${join(dir, 'store')}?create=true`]) {
    const cod = new Signal({ name: 'CODs', units: 'mg/l', data: Series.fromTimes(['2024-01-01 00:00', '2024-01-01 01:00', '2024-01-01 02:00'], [1, NaN, 3], { name: 'RAW' }) });
    const plant = new Dataset({ name: 'plant', project: 'smoke', signals: [cod] });
    const store = await openStore(url);
    assert.ok(store instanceof Storage);
    plant.useBackend(store, { autoSave: true });
    await plant.saveAll();
    await cod.process(['CODs#1_RAW#1'], linearInterpolation());
    const again = await openStore(url);
    const reopened = await Dataset.fromBackend(again, 'plant');
    const values = await reopened.get('CODs#1').get('CODs#1_LIN-INT#1').load();
    assert.deepEqual(Array.from(values.values), [1, 2, 3]);
    await store.close();
    await again.close();
    console.log(`${store.kind}: processed and reloaded`, Array.from(values.values));
  }
  await assert.rejects(openStore('postgres://me@127.0.0.1:1/plant'), (e) => e.code === 'BACKEND_UNAVAILABLE' && e.message.includes('npm install pg'));
  await assert.rejects(openStore({ kind: 'sqlite', pth: './x.db' }), (e) => e.code === 'INVALID_INPUT' && e.message.includes('"pth"'));
  console.log('postgres without pg: BACKEND_UNAVAILABLE naming pg; a misspelled option: INVALID_INPUT');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
