/**
 * A living pipeline on real data: the hourly Seattle weather normals shipped in the
 * vega-datasets npm package arrive one day at a time, as from a logger. Each day:
 *
 *   append the new hours to RAW → `dataset.refresh()` brings every derived series up to
 *   date by replaying its recorded steps on the new tail (3-hour means → linear
 *   interpolation → a rolling mean, and a daily-max rollup) → a retention policy keeps
 *   only the last five days of RAW and prunes old versions → print what changed, as the
 *   store's change events report it (`rollup` for versions of resampled series).
 *
 *   npx tsx examples/living-pipeline.ts                          # in memory
 *   METASERIES_EXAMPLE_STORE=sqlite:./living.db npx tsx examples/living-pipeline.ts
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createBackend, DataProvenance, Dataset, Series, Signal, type ChangeEvent } from '@metaseries/core';
import { linearInterpolation, resample, rollingMean } from '@metaseries/processing';

const require = createRequire(import.meta.url);
const CSV = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'seattle-weather-hourly-normals.csv');
const DAYS = 7;

async function temperatures(): Promise<{ times: string[]; values: number[] }> {
  const [header, ...rows] = (await readFile(CSV, 'utf8')).trim().split('\n');
  const column = header!.split(',').indexOf('temperature');
  const times: string[] = [];
  const values: number[] = [];
  for (const row of rows) {
    const cells = row.split(',');
    times.push(cells[0]!);
    values.push(Number(cells[column]));
  }
  return { times, values };
}

/** Hours of day `d` (the file starts at 01:00 on Jan 1, so day 0 has 23 hours). */
function day(times: string[], values: number[], d: number): Series {
  const from = d === 0 ? 0 : 23 + 24 * (d - 1);
  const to = 23 + 24 * d;
  return Series.fromTimes(times.slice(from, to), values.slice(from, to), { name: 'RAW', tz: 'America/Los_Angeles' });
}

async function main(): Promise<void> {
  const { times, values } = await temperatures();
  const store = await createBackend(process.env.METASERIES_EXAMPLE_STORE ?? 'memory:');
  await store.clear();

  const temperature = new Signal({
    name: 'temperature', units: '°C',
    provenance: new DataProvenance({ sourceRepository: 'vega-datasets', location: 'Seattle, WA', parameter: 'air temperature' }),
    data: day(times, values, 0),
  });
  await using dataset = new Dataset({ name: 'seattle', description: 'Hourly normals, day by day', signals: [temperature] })
    .useBackend(store, { autoSave: true });
  await dataset.saveAll();

  // The pipeline, run once on day 0; from then on `refresh` keeps it current.
  const [resampled] = await temperature.process(['temperature#1_RAW#1'], resample('3h'));
  const [filled] = await temperature.process([resampled!], linearInterpolation());
  await temperature.process([filled!], rollingMean(8));
  await temperature.rollup('temperature#1_RAW#1', { every: '1D', agg: 'max' });

  // Everything the store commits, as change events (this process; others would show up on the next poll).
  const events: ChangeEvent[] = [];
  const watching = new AbortController();
  const watcher = (async () => {
    for await (const event of store.watch({ prefix: 'seattle/', signal: watching.signal, pollMs: 20 })) events.push(event);
  })();

  for (let d = 1; d < DAYS; d++) {
    await temperature.append(day(times, values, d));
    const report = await dataset.refresh();
    // Keep five days of RAW (removed as a new version), then keep three versions of every series.
    const retention = await store.applyRetention({ rules: [{ match: 'seattle/*/RAW#*', keep: '5d' }], now: new Date(`${times[23 + 24 * d - 1]}-08:00`), prune: { keepLast: 3 } });
    await new Promise((resolve) => setTimeout(resolve, 40)); // let the watcher catch up
    const refreshed = report.series.filter((s) => s.status === 'refreshed').map((s) => `${s.name} (+${s.points} ${s.mode})`);
    const removed = retention.keys.map((k) => `${k.points} old RAW points`);
    // What the store committed today, by kind of change (append, update, rollup, deleteRange, prune…).
    const kinds = new Map<string, number>();
    for (const e of events) kinds.set(e.type, (kinds.get(e.type) ?? 0) + 1);
    const changes = [...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type} ×${n}`).join(', ');
    console.log(`day ${d}: store events ${changes}; refreshed ${refreshed.join(', ') || 'nothing'}${removed.length ? `; retention removed ${removed.join(', ')}` : ''}`);
    events.length = 0;
  }
  watching.abort();
  await watcher;

  const raw = await store.load('seattle/temperature#1/RAW#1');
  const daily = temperature.get('temperature#1_RESAMPLED-MAX#1');
  console.log(`RAW keeps ${raw.series.length} hours; the daily-max rollup has ${(await daily.load()).length} days; history unchanged: ${daily.processingSteps.map((s) => s.functionInfo.name).join(' → ')}`);
}

await main();
