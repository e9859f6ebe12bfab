// @metaseries/danfo's types with skipLibCheck false. danfojs-node's own declarations
// reference packages without types (request, papaparse, plotly.js-dist-min); pack-check
// reports errors inside danfojs-node as known and fails only on errors elsewhere.
import { Series } from '@metaseries/core';
import { fromDanfo, toDanfo, type DanfoSeries } from '@metaseries/danfo';

const ds: DanfoSeries = toDanfo(Series.fromTimes(['2024-01-01'], [1], { name: 'RAW' }));
console.log(fromDanfo(ds, { tz: 'UTC' }).length);
