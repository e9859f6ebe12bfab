/**
 * Regenerates the pictures of docs/plotting.md from the Seattle weather data, so the
 * docs show what the code draws today:
 *
 *   npm run build && npx tsx scripts/plot-docs.ts
 *
 * Writes docs/images/plotting/{signal,dataset,lineage}.png (small: 700 px wide, 1×).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { averageSignals } from '@metaseries/processing';
import { lineage, plotDataset, plotSignal } from '@metaseries/plot';
import { rollingMean, weatherDataset } from '../examples/seattle-weather.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'images', 'plotting');
await mkdir(OUT, { recursive: true });

const dataset = await weatherDataset();
const tmax = dataset.get('temp-max#1');
await tmax.process(['temp-max#1_RAW#1'], rollingMean(7));
// A multi-signal step for the lineage picture: the daily mean of max and min temperature, then smoothed.
await dataset.process(['temp-max#1_RAW#1', 'temp-min#1_RAW#1'], averageSignals());
await dataset.get('AVERAGE#1').process(['AVERAGE#1_RAW#1'], rollingMean(7));

const written = [
  await (await plotSignal(tmax, null, { start: '2014', end: '2014', width: 620, rowHeight: 260 })).save(join(OUT, 'signal.png')),
  await (await plotDataset(dataset, ['temp-max#1', 'AVERAGE#1'], null, { start: '2014-06', end: '2014-08', width: 620, rowHeight: 180 })).save(join(OUT, 'dataset.png')),
  await lineage(dataset, ['AVERAGE#1_ROLLING-MEAN#1', 'temp-max#1_ROLLING-MEAN#1']).save(join(OUT, 'lineage.png')),
];
for (const path of written) console.log(path);
