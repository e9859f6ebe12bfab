/**
 * Child process of the `lazy_peak_mb` row: `save <url> <n>` writes a Dataset of 10
 * signals × n points; `read <url> <n>` reopens it and reads one day from each signal,
 * then prints its own peak RSS as JSON (so the figure is not the parent's).
 */
import { createBackend, Dataset } from '@metaseries/core';
import '@metaseries/storage-sql';
import '@metaseries/storage-parquet';
import '@metaseries/storage-polars';
import { makeSignal, makeValues } from './workload.js';

const [phase, url, nText] = process.argv.slice(2);
const n = Number(nText);
const storage = await createBackend(url!);
if (phase === 'save') {
  const ds = new Dataset({ name: 'lazy', signals: Array.from({ length: 10 }, (_, i) => makeSignal(makeValues(n, 100 + i), `S${i}`)) });
  ds.useBackend(storage);
  await ds.saveAll();
} else {
  const t = performance.now();
  const ds = await Dataset.fromBackend(storage, 'lazy');
  let points = 0;
  for (const sig of ds.signals.values()) for (const ts of sig.timeSeries.values()) points += (await ts.loadRange('2020-01-05', '2020-01-05')).length;
  const s = (performance.now() - t) / 1000;
  process.stdout.write(JSON.stringify({ s, points, rss_mb: process.resourceUsage().maxRSS / 1024 }));
}
await storage.close();
