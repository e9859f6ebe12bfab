/**
 * Where segment decode time goes (not a test): the phases of `decodeSegment` timed one by
 * one on the S(N) walk cut into 65,536-point segments — inflate, CRC-32, key column,
 * value column, index building, concatenation into one series — for several data shapes.
 *
 *   npx tsc -b packages/core && npx tsx bench/codec-profile.ts [points]
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { concatSegments, decodeSegment, encodeSegment, layoutOf, Series, DatetimeIndex } from '@metaseries/core';

const N = Number(process.argv[2] ?? 4_000_000);
const SEG = 65_536;

let seed = 1;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
function walk(n: number, decimals: number): Float64Array {
  const out = new Float64Array(n);
  const p = 10 ** decimals;
  for (let i = 0, x = 20; i < n; i++) out[i] = Math.round((x += (rand() - 0.5) * 0.1) * p) / p;
  return out;
}
const t0 = Date.UTC(2020, 0, 1);
const regular = (v: Float64Array): Series => Series.regular(t0, 1_000_000, v, { tz: 'UTC' });
const nanRuns = walk(N, 2);
for (let i = 0; i < N; i += 10_000) nanRuns.fill(Number.NaN, i, i + 2_000);
const gapped = new Float64Array(N);
for (let i = 0, t = t0 * 1000; i < N; i++) gapped[i] = t += rand() < 0.001 ? 61e6 : 1e6;
const shapes: Record<string, Series> = {
  'regular keys, 2 decimals': regular(walk(N, 2)),
  'regular keys, 1 decimal': regular(walk(N, 1)),
  'regular keys, 3 decimals': regular(walk(N, 3)),
  'regular keys, NaN runs (20 %)': regular(nanRuns),
  'regular keys, random doubles': regular(Float64Array.from({ length: N }, () => rand() * 1e3)),
  '0.1 % gaps, 2 decimals': new Series({ index: new DatetimeIndex(gapped, { tz: 'UTC' }), values: walk(N, 2) }),
  'regular keys, bools': new Series({ index: regular(new Float64Array(N)).index, values: Uint8Array.from({ length: N }, () => (rand() < 0.1 ? 1 : 0)), dtype: 'bool' }),
};

/** Best of 5: the machine is shared, so the minimum is the least disturbed run. */
const ms = (f: () => void): number => {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
};

console.log(`decode phases (best of 5), N = ${N.toLocaleString('en')}, segments of ${SEG}, node ${process.version} (shared machine: noisy)`);
console.log('shape | B/pt | decode Mpt/s | inflate ms | crc ms | decode cols ms | concat ms | whole (decode+concat) Mpt/s');
for (const [name, series] of Object.entries(shapes)) {
  const layout = layoutOf(series);
  const blobs: Uint8Array[] = [];
  for (let at = 0; at < N; at += SEG) blobs.push(encodeSegment(series.slice(at, at + SEG)));
  const bytes = blobs.reduce((a, b) => a + b.length, 0);
  for (const b of blobs.slice(0, 4)) decodeSegment(b, layout); // warm up
  let bodies: Uint8Array[] = [];
  const inflate = ms(() => { bodies = blobs.map((b) => (b[3] === 1 ? inflateRawSync(b.subarray(8)) : b.subarray(8))); });
  const crc = ms(() => { for (const b of bodies) crc32(b); });
  let parts: Series[] = [];
  const dec = ms(() => { parts = blobs.map((b) => decodeSegment(b, layout)); });
  let whole: Series | undefined;
  const cat = ms(() => { whole = concatSegments(parts, layout); });
  if (whole!.length !== N) throw new Error('lost points');
  console.log(`${name} | ${(bytes / N).toFixed(3)} | ${(N / dec / 1e3).toFixed(1)} | ${inflate.toFixed(0)} | ${crc.toFixed(0)} | ${(dec - inflate - crc).toFixed(0)} | ${cat.toFixed(0)} | ${(N / (dec + cat) / 1e3).toFixed(1)}`);
}
