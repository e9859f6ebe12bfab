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
  // Query worker threads load files by URL from the installed packages: the reduce worker
  // answers a chunk, and the Parquet format's worker decoder module exports its function.
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL('./storage/segments/reduce-worker.js', import.meta.resolve('@metaseries/core')));
  const reply = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    const layout = { indexKind: 'datetime', tz: 'UTC', freq: null, indexName: null, indexDtype: null, name: 'x', dtype: 'float64', keyed: true };
    worker.postMessage({ id: 1, chunk: { aggs: [{ kernel: 'mean', q: 0.5 }], edges: Float64Array.of(0, Infinity), b0: 0, b1: 1, layout, items: [{ keys: Float64Array.of(0, 1), values: Float64Array.of(1, 2) }] } });
  });
  await worker.terminate();
  assert.deepEqual(Array.from(reply.columns[0]), [1.5]);
  const { parquetSegmentFormat } = await import('@metaseries/storage-parquet');
  const decoder = parquetSegmentFormat.workerDecoder;
  assert.equal(typeof (await import(decoder.module))[decoder.name], 'function');
  console.log('query worker: reduce worker and Parquet segment decoder load from the installed packages');
  await assert.rejects(openStore('postgres://me@127.0.0.1:1/plant'), (e) => e.code === 'BACKEND_UNAVAILABLE' && e.message.includes('npm install pg'));
  await assert.rejects(openStore({ kind: 'sqlite', pth: './x.db' }), (e) => e.code === 'INVALID_INPUT' && e.message.includes('"pth"'));
  console.log('postgres without pg: BACKEND_UNAVAILABLE naming pg; a misspelled option: INVALID_INPUT');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
