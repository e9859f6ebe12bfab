/**
 * A real pipeline on real data nobody here wrote: the daily Seattle weather record
 * (2012–2015) shipped in the vega-datasets npm package.
 *
 *   npm run demo            # SQLite file in the system temp folder (the embedded default)
 *   METASERIES_DEMO_STORE="parquet:./store?create=true" npm run demo   # any backend URL (file stores: create=true makes a new folder)
 *
 * Steps: build a Dataset with provenance → process (7-day rolling mean, a transform
 * defined right here) → save to the backend → reopen lazily → read one week by range →
 * write an HTML report (summary, raw vs rolling mean plots, lineage) with @metaseries/plot.
 *   METASERIES_DEMO_REPORT=./report.html npm run demo   # where the report goes
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createBackend,
  DataProvenance,
  Dataset,
  FunctionInfo,
  parseTsName,
  ProcessingStep,
  ProcessingType,
  Series,
  Signal,
  type Transform,
} from '@metaseries/core';
import '@metaseries/storage-sql';
// Adds plot(), summary(), lineage() and saveReport() to the core classes.
import '@metaseries/plot';

// The package exports only its JS entry (build/index.js); its data folder sits beside build/.
const require = createRequire(import.meta.url);
const CSV = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'seattle-weather.csv');

/** Columns of the CSV we turn into signals, with their units. */
const COLUMNS = { temp_max: '°C', temp_min: '°C', precipitation: 'mm', wind: 'm/s' } as const;

export async function readWeather(): Promise<{ dates: string[]; columns: Record<string, number[]> }> {
  const [header, ...rows] = (await readFile(CSV, 'utf8')).trim().split('\n');
  const names = header!.split(',');
  const dates: string[] = [];
  const columns: Record<string, number[]> = Object.fromEntries(Object.keys(COLUMNS).map((c) => [c, []]));
  for (const row of rows) {
    const cells = row.split(',');
    dates.push(cells[0]!);
    for (const c of Object.keys(COLUMNS)) columns[c]!.push(Number(cells[names.indexOf(c)]));
  }
  return { dates, columns };
}

/** Centered-free, trailing rolling mean over `window` points (NaN until the window is full). */
export function rollingMean(window: number): Transform {
  const transform: Transform = (inputs) =>
    inputs.map((s) => {
      const v = s.values as Float64Array;
      const out = new Float64Array(v.length).fill(Number.NaN);
      let sum = 0;
      for (let i = 0; i < v.length; i++) {
        sum += v[i]!;
        if (i >= window) sum -= v[i - window]!;
        if (i >= window - 1) out[i] = sum / window;
      }
      return {
        series: s.withValues(out).rename(`${parseTsName(s.name!).signal}_ROLLING-MEAN`),
        steps: [
          new ProcessingStep({
            type: ProcessingType.SMOOTHING,
            description: `Trailing ${window}-point rolling mean`,
            suffix: 'ROLLING-MEAN',
            functionInfo: new FunctionInfo({ name: 'rollingMean', version: '1.0', author: 'metaseries examples', reference: 'examples/seattle-weather.ts', fn: rollingMean }),
            parameters: { window },
            inputSeriesNames: [s.name!],
          }),
        ],
      };
    });
  return transform;
}

/** The four weather signals, with provenance, in one dataset (raw data only). */
export async function weatherDataset(): Promise<Dataset> {
  const { dates, columns } = await readWeather();

  const signals = Object.entries(COLUMNS).map(([column, units]) => new Signal({
    name: column.replace('_', '-'),
    units,
    provenance: new DataProvenance({
      sourceRepository: 'vega-datasets (seattle-weather.csv)',
      project: 'metaseries demo',
      location: 'Seattle, WA',
      parameter: column,
      purpose: 'demonstration',
      metadataId: `seattle-${column}`,
    }),
    data: Series.fromTimes(dates, columns[column]!, { name: 'RAW', freq: 'D' }),
  }));
  return new Dataset({ name: 'seattle-weather', description: 'Daily weather in Seattle, 2012–2015', owner: 'metaseries', project: 'demo', signals });
}

async function main(): Promise<void> {
  const demoDir = join(tmpdir(), 'metaseries-demo');
  await mkdir(demoDir, { recursive: true });
  const storeUrl = process.env.METASERIES_DEMO_STORE ?? `sqlite:${join(demoDir, 'seattle.db')}`;
  const dataset = await weatherDataset();

  const store = await createBackend(storeUrl);
  await store.clear();
  dataset.useBackend(store, { autoSave: true });
  await dataset.saveAll();
  for (const signal of dataset.signals.values()) await signal.process([`${signal.name}_RAW#1`], rollingMean(7));

  // Reopen from the backend as another program would: metadata now, values on first use.
  const reopened = await Dataset.fromBackend(await createBackend(storeUrl), 'seattle-weather');
  console.log(`Dataset '${reopened.name}' (${reopened.description}) from ${store.kind}: ${storeUrl}`);
  for (const signal of reopened.signals.values()) {
    const smooth = signal.get(`${signal.name}_ROLLING-MEAN#1`);
    const week = await smooth.loadRange('2014-07-01', '2014-07-07'); // a pushed-down range read; nothing else loaded
    const mean = (week.values as Float64Array).reduce((a, b) => a + b, 0) / week.length;
    console.log(
      `  ${signal.name.padEnd(16)} ${signal.units.padEnd(4)} series=[${signal.allTimeSeries.join(', ')}] ` +
      `steps=${smooth.processingSteps.map((s) => s.functionInfo.name).join('→')} loaded=${smooth.isLoaded} ` +
      `first week of July 2014 (7-day mean): ${mean.toFixed(2)}`,
    );
  }
  const raw = await reopened.get('temp-max#1').get('temp-max#1_RAW#1').load();
  console.log(`  temp-max#1_RAW#1: ${raw.length} daily points, ${(raw.index as { textAt(i: number): string }).textAt(0)} … ${(raw.index as { textAt(i: number): string }).textAt(raw.length - 1)}`);

  // The report reads the lazily reopened dataset through the store (range reads and
  // min/max aggregates), without loading every series first.
  const reportPath = process.env.METASERIES_DEMO_REPORT ?? join(demoDir, 'seattle-weather-report.html');
  await reopened.saveReport(reportPath, { plot: { start: '2014', end: '2015' } });
  const graph = reopened.lineage(['temp-max#1_ROLLING-MEAN#1']);
  console.log(`  lineage of temp-max#1_ROLLING-MEAN#1: ${graph.edges.map((e) => `${e.from} → ${e.to} (${e.function})`).join('; ')}`);
  console.log(`Report (summary, raw vs 7-day rolling mean for 2014–2015, lineage): ${reportPath}`);
  await store.close();
  await reopened.backend?.close();
}

// Run as a program (npm run demo), not when imported (scripts/plot-docs.ts reuses the data).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
