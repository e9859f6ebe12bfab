/**
 * Ad hoc plotting benchmark (not a test): a 10,000,000-point series (1 s spacing, noise
 * plus rare spikes) plotted to a standalone HTML page and to a PNG, cold (first call in
 * the process: module and font loading included) and warm (best of 3); the same for a
 * 1,000,000-point series stored in SQLite and plotted lazily (min/max aggregates pushed
 * to the engine). Also the size of the JS each candidate library would inline.
 *
 *   npm run build && npx tsx bench/plot-measure.ts [points] [sqlitePoints]
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, Dataset, Series, Signal, TimeSeries } from '@metaseries/core';
import '@metaseries/storage-sql';
import { plotTimeSeries } from '@metaseries/plot';

const N = Number(process.argv[2] ?? 10_000_000);
const SQL_N = Number(process.argv[3] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'ms-plot-bench-'));
const mb = (bytes: number) => (bytes / 1e6).toFixed(2);

function values(n: number): Float64Array {
  const v = new Float64Array(n);
  let seed = 1;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    v[i] = 20 + 5 * Math.sin(i / 86_400) + (seed / 2147483648 - 0.5) + (i % 1_000_003 === 0 ? 30 : 0);
  }
  return v;
}

/** Wall time, and CPU time of this process (user + system): on a shared, overloaded machine CPU time is the steadier figure. */
const cpuTimes: number[] = [];
async function time<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await f();
  const used = process.cpuUsage(c);
  cpuTimes.push((used.user + used.system) / 1e6);
  return [r, (performance.now() - t) / 1000];
}

async function measure(label: string, ts: TimeSeries): Promise<void> {
  const html: number[] = [], png: number[] = [], htmlCpu: number[] = [], pngCpu: number[] = [];
  let htmlBytes = 0, pngBytes = 0, shown = 0, reduction = '';
  for (let rep = 0; rep < 4; rep++) {
    const [h, th] = await time(async () => (await plotTimeSeries(ts)).save(join(dir, 'p.html')));
    html.push(th);
    htmlCpu.push(cpuTimes.at(-1)!);
    htmlBytes = statSync(h).size;
    const [fig, tp] = await time(async () => {
      const f = await plotTimeSeries(ts);
      await f.save(join(dir, 'p.png'));
      return f;
    });
    png.push(tp);
    pngCpu.push(cpuTimes.at(-1)!);
    pngBytes = statSync(join(dir, 'p.png')).size;
    shown = fig.traces[0]!.y.length;
    reduction = fig.traces[0]!.reduction;
  }
  const warm = (a: number[]) => Math.min(...a.slice(1)).toFixed(3);
  console.log(`${label}: ${shown} points drawn (${reduction})`);
  console.log(`  HTML ${mb(htmlBytes)} MB  wall: cold ${html[0]!.toFixed(3)} s  warm ${warm(html)} s   cpu: cold ${htmlCpu[0]!.toFixed(3)} s  warm ${warm(htmlCpu)} s`);
  console.log(`  PNG  ${mb(pngBytes)} MB  wall: cold ${png[0]!.toFixed(3)} s  warm ${warm(png)} s   cpu: cold ${pngCpu[0]!.toFixed(3)} s  warm ${warm(pngCpu)} s`);
}

const here = dirname(fileURLToPath(import.meta.url));
const vegaDir = dirname(fileURLToPath(import.meta.resolve('vega')));
const libs: [string, string][] = [
  ['vega.min.js (inlined by @metaseries/plot)', join(vegaDir, 'vega.min.js')],
  ['vega-lite.min.js (not shipped: compiled in Node)', join(here, '..', 'packages', 'plot', 'node_modules', 'vega-lite', 'build', 'vega-lite.min.js')],
  ['plotly.js-dist-min plotly.min.js (if installed)', join(here, '..', 'node_modules', 'plotly.js-dist-min', 'plotly.min.js')],
];
for (const [name, path] of libs) console.log(`${name}: ${existsSync(path) ? `${mb(statSync(path).size)} MB` : 'not installed'}`);

const [series, tMake] = await time(async () => Series.regular('2024-01-01', 1_000_000, values(N), { name: 'RAW', freq: 's' }));
console.log(`made ${N} points in ${tMake.toFixed(2)} s`);
await measure(`in memory, ${N} points`, new TimeSeries({ series: series.rename('Big#1_RAW#1') }));

const url = `sqlite:${join(dir, 'plot.db')}`;
const store = await createBackend(url);
const ds = new Dataset({ name: 'bench', signals: [new Signal({ name: 'Big', data: Series.regular('2024-01-01', 1_000_000, values(SQL_N), { name: 'RAW', freq: 's' }) })] });
ds.useBackend(store);
const [, tSave] = await time(() => ds.saveAll());
await store.close();
console.log(`saved ${SQL_N} points to SQLite in ${tSave.toFixed(2)} s`);
const lazy = await Dataset.fromBackend(await createBackend(url), 'bench');
const lazyTs = lazy.get('Big#1').get('Big#1_RAW#1');
await measure(`SQLite, ${SQL_N} points, lazily (loaded afterwards: ${lazyTs.isLoaded})`, lazyTs);
console.log(`  still not loaded: ${!lazyTs.isLoaded}`);
await lazy.backend?.close();
rmSync(dir, { recursive: true, force: true });
