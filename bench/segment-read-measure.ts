/**
 * Reading the native file layouts' segments (issue 13, the read side of queries): every
 * segment of every series of the query bench's cache (bench/query-measure.ts builds it),
 * (a) through the driver's `readSegments` — what core's query path calls, one Series per
 * segment — and (b) as whole series through `store.load` (core concatenates), and (c) the
 * query bench's two decoding queries (hourly mean+max+p95 over January of one series, daily
 * mean over everything). Parquet and Polars stores, CPU time (user + system of this process:
 * steadier than wall on a shared machine) and wall, medians of REPS.
 *
 *   npx tsx bench/segment-read-measure.ts [--cache bench/results/query-10x2000000.tmp] [--reps 5] [--stores parquet,polars]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend } from '@metaseries/core';
import { FileSegmentDriver, type SegmentFileFormat } from '@metaseries/core/backend-kit';
import { parquetSegmentFormat } from '@metaseries/storage-parquet';
import { polarsSegmentFormat } from '@metaseries/storage-polars';

const { values: args } = parseArgs({ options: {
  cache: { type: 'string', default: join(import.meta.dirname, 'results', 'query-10x2000000.tmp') },
  reps: { type: 'string', default: '5' }, stores: { type: 'string', default: 'parquet,polars' },
} });
const REPS = Number(args.reps);
const formats: Record<string, SegmentFileFormat> = { parquet: parquetSegmentFormat, polars: polarsSegmentFormat };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
async function timed(f: () => Promise<number>): Promise<{ wall: number; cpu: number; points: number }> {
  const wall: number[] = [], cpu: number[] = [];
  let points = 0;
  for (let r = 0; r < REPS; r++) {
    const c = process.cpuUsage(), t = performance.now();
    points = await f();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu), points };
}

const rows: string[] = [];
for (const name of args.stores.split(',')) {
  const dir = join(args.cache, name);
  const driver = await FileSegmentDriver.open(name, dir, formats[name]!);
  const heads = [...(await driver.readHeads('')).entries()];
  const segments = heads.reduce((n, [, r]) => n + r.segments.length, 0);
  const perSegment = await timed(async () => {
    let n = 0;
    for (const [key, record] of heads) for (const s of await driver.readSegments(key, record.segments, record.layout)) n += s.length;
    return n;
  });
  await driver.close();
  const store = await createBackend({ kind: name, dir, layout: 'native' } as Parameters<typeof createBackend>[0]);
  const whole = await timed(async () => {
    let n = 0;
    for (const [key] of heads) n += (await store.load(key)).series.length;
    return n;
  });
  const keys = heads.map(([k]) => k);
  const hourly = await timed(async () => { await store.query({ series: [keys[0]!], range: { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' }, every: '1h', agg: ['mean', 'max', 'p95'] }); return 0; });
  const daily = await timed(async () => { await store.query({ series: keys, every: '1D', agg: 'mean' }); return 0; });
  await store.close();
  const mpts = (points: number, ms: number): string => (points / ms / 1000).toFixed(1);
  rows.push(`| ${name} | ${heads.length} × ${(perSegment.points / heads.length).toLocaleString('en')} (${segments} segment files) | ${perSegment.cpu.toFixed(0)} (${mpts(perSegment.points, perSegment.cpu)}) | ${perSegment.wall.toFixed(0)} | ${whole.cpu.toFixed(0)} (${mpts(whole.points, whole.cpu)}) | ${whole.wall.toFixed(0)} | ${hourly.cpu.toFixed(0)} / ${hourly.wall.toFixed(0)} | ${daily.cpu.toFixed(0)} / ${daily.wall.toFixed(0)} |`);
  console.error(rows.at(-1));
}
console.log([
  `\`npx tsx bench/segment-read-measure.ts --reps ${REPS} --stores ${args.stores}\`, node ${process.version}, medians of ${REPS}:`,
  '',
  '| store | series × points | readSegments, CPU ms (Mpt/s) | readSegments, wall ms | load (whole series), CPU ms (Mpt/s) | load, wall ms | hourly query, CPU / wall ms | daily mean query, CPU / wall ms |',
  '|---|---|---:|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n'));
