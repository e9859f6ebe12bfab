/**
 * Segment codec measurement (not a test): bytes per point and encode/decode speed of
 * core's segment codec on the S(N) walk data — 1-second spacing, random walk with
 * N(0, 0.05) steps from 20, rounded to 0.01 (the storage-v2 brief's "walk") — cut into
 * segments of the given size, plus the same timestamps with 0.1 % random gaps.
 *
 *   npx tsc -b packages/core && npx tsx bench/codec-measure.ts [points] [segmentSize] [deflateLevel]
 */
import { DatetimeIndex, Series } from '@metaseries/core';
import { decodeSegment, encodeSegment, layoutOf } from '@metaseries/core/backend-kit';

const N = Number(process.argv[2] ?? 10_000_000);
const SEG = Number(process.argv[3] ?? 65_536);
const LEVEL = Number(process.argv[4] ?? 6);

function walk(n: number, seed = 1): Float64Array {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out = new Float64Array(n);
  let x = 20;
  for (let i = 0; i < n; i++) {
    // Box-Muller normal step, σ = 0.05
    const g = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    x += g * 0.05;
    out[i] = Math.round(x * 100) / 100;
  }
  return out;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function measure(label: string, series: Series): void {
  const layout = layoutOf(series);
  const blobs: Uint8Array[] = [];
  // CPU time (user + system) of this process: on the shared machine wall time mostly measures the others.
  const t0 = process.cpuUsage();
  for (let at = 0; at < series.length; at += SEG) blobs.push(encodeSegment(series.slice(at, at + SEG), { level: LEVEL }));
  const enc = cpuMs(t0);
  const t1 = process.cpuUsage();
  let count = 0;
  for (const b of blobs) count += decodeSegment(b, layout).length;
  const dec = cpuMs(t1);
  if (count !== series.length) throw new Error('decode lost points');
  const bytes = blobs.reduce((a, b) => a + b.length, 0);
  console.log(
    `${label.padEnd(34)} ${(bytes / series.length).toFixed(3)} B/pt   encode ${(series.length / enc / 1000).toFixed(1)} Mpt/s   decode ${(series.length / dec / 1000).toFixed(1)} Mpt/s   (${blobs.length} segments, ${(bytes / 1e6).toFixed(2)} MB)`,
  );
}

const values = walk(N);
const t0 = Date.UTC(2020, 0, 1) * 1000;
console.log(`S(N) walk, N = ${N.toLocaleString('en')}, segments of ${SEG.toLocaleString('en')}, deflate level ${LEVEL}, node ${process.version}; speeds from CPU time`);
measure('walk, regular 1 s timestamps', Series.regular(t0 / 1000, 1_000_000, values, { tz: 'UTC' }));
const gapped = new Float64Array(N);
let s = 7;
for (let i = 0, t = t0; i < N; i++) {
  s = (s * 1103515245 + 12345) % 2147483648;
  t += s % 1000 === 0 ? (2 + (s % 60)) * 1_000_000 : 1_000_000;
  gapped[i] = t;
}
measure('walk, 1 s with 0.1 % gaps', new Series({ index: new DatetimeIndex(gapped, { tz: 'UTC' }), values }));
const noisy = Float64Array.from(values, (v, i) => v + Math.sin(i) * 1e-7);
measure('full-precision doubles (no decimals)', Series.regular(t0 / 1000, 1_000_000, noisy, { tz: 'UTC' }));
