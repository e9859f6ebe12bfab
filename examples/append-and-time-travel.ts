/**
 * Append and time travel on real data: the hourly Seattle weather normals shipped in the
 * vega-datasets npm package (8,759 hours of 2010), delivered day by day as a sensor
 * pipeline would receive them.
 *
 *   npx tsx examples/append-and-time-travel.ts                 # in memory
 *   METASERIES_EXAMPLE_STORE=sqlite:./weather.db npx tsx examples/append-and-time-travel.ts
 *
 * Any Storage v2 store works (`store.capabilities.versions`): memory today; SQLite,
 * PostgreSQL and the file stores as their drivers move onto the segment layer.
 *
 * Steps: start each signal with its first day → append one day at a time (each append
 * is a new stored version that rewrites only the last segment) → snapshot → reprocess
 * (a corrected day via update, then a 24-hour rolling mean) → read the dataset as it was
 * at the snapshot → prune old versions.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createBackend, DataProvenance, Dataset, Series, Signal } from '@metaseries/core';
import { rollingMean } from '@metaseries/processing';

const require = createRequire(import.meta.url);
const CSV = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'seattle-weather-hourly-normals.csv');
const COLUMNS = { temperature: '°C', pressure: 'hPa', wind: 'm/s' } as const;
const DAYS_BEFORE_SNAPSHOT = 60;
const DAYS_AFTER_SNAPSHOT = 30;

async function readHours(): Promise<{ times: string[]; columns: Record<string, number[]> }> {
  const [header, ...rows] = (await readFile(CSV, 'utf8')).trim().split('\n');
  const names = header!.split(',');
  const times: string[] = [];
  const columns: Record<string, number[]> = Object.fromEntries(Object.keys(COLUMNS).map((c) => [c, []]));
  for (const row of rows) {
    const cells = row.split(',');
    times.push(cells[0]!);
    for (const c of Object.keys(COLUMNS)) columns[c]!.push(Number(cells[names.indexOf(c)]));
  }
  return { times, columns };
}

/** The file starts at 01:00 on Jan 1: day d (from 0) covers hours [dayEnd(d - 1), dayEnd(d)). */
const dayEnd = (d: number): number => 23 + 24 * d;

/** Hours [from, to) of one column as a Series (naive local times, as in the file). */
function hours(times: string[], values: number[], from: number, to: number): Series {
  return Series.fromTimes(times.slice(from, to), values.slice(from, to), { name: 'RAW' });
}

async function main(): Promise<void> {
  const { times, columns } = await readHours();
  // The file starts at 01:00 on Jan 1: day d covers hours [23 + 24(d-1), 23 + 24d).
  const store = await createBackend(process.env.METASERIES_EXAMPLE_STORE ?? 'memory:');
  await store.clear();

  const signals = Object.entries(COLUMNS).map(([column, units]) => new Signal({
    name: column,
    units,
    provenance: new DataProvenance({ sourceRepository: 'vega-datasets (seattle-weather-hourly-normals.csv)', location: 'Seattle, WA', parameter: column, metadataId: `seattle-hourly-${column}` }),
    data: hours(times, columns[column]!, 0, dayEnd(0)),
  }));
  await using dataset = new Dataset({ name: 'seattle-hourly', description: 'Hourly weather normals, Seattle', signals }).useBackend(store, { autoSave: true });
  await dataset.saveAll();

  // New data arrives day by day: each append is a stored version.
  for (let d = 1; d <= DAYS_BEFORE_SNAPSHOT; d++) {
    for (const [column] of Object.entries(COLUMNS)) await dataset.get(`${column}#1`).append(hours(times, columns[column]!, dayEnd(d - 1), dayEnd(d)));
  }
  await store.snapshot('before-reprocessing', { prefix: 'seattle-hourly/' });
  for (let d = DAYS_BEFORE_SNAPSHOT + 1; d <= DAYS_BEFORE_SNAPSHOT + DAYS_AFTER_SNAPSHOT; d++) {
    for (const [column] of Object.entries(COLUMNS)) await dataset.get(`${column}#1`).append(hours(times, columns[column]!, dayEnd(d - 1), dayEnd(d)));
  }

  // Reprocessing: a recalibrated thermometer corrects one day (+0.5 °C), then a smoothing step.
  const key = 'seattle-hourly/temperature#1/RAW#1';
  const day10 = hours(times, columns.temperature!, dayEnd(9), dayEnd(10));
  await store.update(key, day10.withValues(Float64Array.from(day10.values as Float64Array, (v) => v + 0.5)));
  await dataset.get('temperature#1').loadAll();
  await dataset.get('temperature#1').process(['temperature#1_RAW#1'], rollingMean(24));

  const versions = await store.versions(key);
  console.log(`${key}: ${versions.length} versions (${versions.filter((v) => v.operation === 'append').length} appends), now ${versions.at(-1)!.length} hourly points`);

  // The dataset as it was at the snapshot: fewer days, no smoothing, no correction.
  const then = await Dataset.fromBackend(store, 'seattle-hourly', { asOf: 'before-reprocessing' });
  const rawThen = await then.get('temperature#1').get('temperature#1_RAW#1').load();
  const rawNow = await dataset.get('temperature#1').get('temperature#1_RAW#1').load();
  console.log(`as of snapshot: temperature#1 series=[${then.get('temperature#1').allTimeSeries.join(', ')}], ${rawThen.length} points`);
  console.log(`now:            temperature#1 series=[${dataset.get('temperature#1').allTimeSeries.join(', ')}], ${rawNow.length} points`);
  const at = dayEnd(9); // first hour of day 10 in both versions
  console.log(`day 10 first hour: then ${(rawThen.values as Float64Array)[at]} °C, now ${(rawNow.values as Float64Array)[at]} °C`);

  // Retention: keep the last 5 versions of every key (and whatever the snapshot holds).
  const report = await store.prune({ keepLast: 5 });
  console.log(`prune removed ${report.versionsRemoved} versions; ${key} keeps ${(await store.versions(key)).length}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
