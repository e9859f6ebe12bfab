/**
 * Where segment decode time goes (not a test): the phases of `decodeSegment` timed one by
 * one on the S(N) walk cut into 65,536-point segments — inflate, CRC-32, key column,
 * value column, index building, concatenation into one series — for several data shapes;
 * last, the whole-read path (`decodeSegmentInto` into one allocation, index built once).
 *
 *   npx tsc -b packages/core && npx tsx bench/codec-profile.ts [points]
 */
import { crc32, inflateRawSync } from 'node:zlib';
import * as core from '@metaseries/core';
import { Series, DatetimeIndex } from '@metaseries/core';
import { buildIndex, concatSegments } from '../packages/core/dist/storage/segments/layout.js';
import { decodeSegment, encodeSegment, layoutOf } from '@metaseries/core/backend-kit';
import { decodeDecimals, decodeIntegers } from '../packages/core/dist/storage/segments/numeric-codecs.js';

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
const regular = (v: Float64Array): Series => Series.regular(t0, 1_000_000, v, { tz: 'UTC', freq: 's' });
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

/**
 * CPU time of this process (user + system, ms), best of 5: on a shared, oversubscribed
 * machine wall time mostly measures the other processes; CPU time approximates an idle
 * core (caches are still shared, so it remains an upper bound).
 */
const ms = (f: () => void): number => {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = process.cpuUsage();
    f();
    const d = process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
};

console.log(`decode phases (CPU ms, best of 5), N = ${N.toLocaleString('en')}, segments of ${SEG}, node ${process.version} (shared machine: noisy)`);
console.log('shape | B/pt | decodeSegment Mpt/s | inflate ms | crc ms | keys ms | values ms | index ms | decodeSegment ms | concat ms | decode+concat Mpt/s | into one array + index ms | Mpt/s');
for (const [name, series] of Object.entries(shapes)) {
  const layout = layoutOf(series);
  const blobs: Uint8Array[] = [];
  for (let at = 0; at < N; at += SEG) blobs.push(encodeSegment(series.slice(at, at + SEG)));
  const bytes = blobs.reduce((a, b) => a + b.length, 0);
  for (const b of blobs.slice(0, 4)) decodeSegment(b, layout); // warm up
  let bodies: Uint8Array[] = [];
  const inflate = ms(() => { bodies = blobs.map((b) => (b[3] === 1 ? inflateRawSync(b.subarray(8)) : b.subarray(8))); });
  const crc = ms(() => { for (const b of bodies) crc32(b); });
  /** The two columns of a body: codec id, bytes (copied to whole words like the codec does). */
  const columns = bodies.map((b) => {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const n = dv.getUint32(0, true);
    const cols: { codec: number; words: Uint32Array; bytes: Uint8Array }[] = [];
    for (let c = 0, at = 4; c < 2; c++) {
      const len = dv.getUint32(at + 1, true);
      const bytes = b.subarray(at + 5, at + 5 + len);
      const words = new Uint32Array(len >> 2);
      if (len % 4 === 0) new Uint8Array(words.buffer).set(bytes);
      cols.push({ codec: b[at]!, words, bytes });
      at += 5 + len;
    }
    return { n, cols };
  });
  const decodeCol = (c: { codec: number; words: Uint32Array; bytes: Uint8Array }, n: number): unknown =>
    c.codec === 3 ? decodeIntegers(c.words, n) : c.codec === 2 ? decodeDecimals(c.words, n) : c.codec === 1 ? new Float64Array(new Uint8Array(c.bytes).buffer) : new Uint8Array(c.bytes);
  const keys = ms(() => { for (const { n, cols } of columns) decodeCol(cols[0]!, n); });
  const vals = ms(() => { for (const { n, cols } of columns) decodeCol(cols[1]!, n); });
  const keyArrays = columns.map(({ n, cols }) => decodeCol(cols[0]!, n) as Float64Array);
  const index = ms(() => { for (const k of keyArrays) buildIndex(layout, k); });
  let parts: Series[] = [];
  const dec = ms(() => { parts = blobs.map((b) => decodeSegment(b, layout)); });
  let whole: Series | undefined;
  const cat = ms(() => { whole = concatSegments(parts, layout); });
  if (whole!.length !== N) throw new Error('lost points');
  // What a whole read of the memory and SQL stores does now: decode into one allocation, index once.
  // (absent before the codec-speed branch: the column then reads n/a)
  const decodeSegmentInto = (core as Partial<typeof core>).decodeSegmentInto;
  const into = !decodeSegmentInto ? Number.NaN : ms(() => {
    const target = { keys: new Float64Array(N), values: layout.dtype === 'bool' ? new Uint8Array(N) : new Float64Array(N), at: 0 };
    for (const b of blobs) target.at += decodeSegmentInto(b, layout, target);
    buildIndex(layout, target.keys);
  });
  console.log(`${name} | ${(bytes / N).toFixed(3)} | ${(N / dec / 1e3).toFixed(1)} | ${inflate.toFixed(0)} | ${crc.toFixed(0)} | ${keys.toFixed(0)} | ${vals.toFixed(0)} | ${index.toFixed(0)} | ${dec.toFixed(0)} | ${cat.toFixed(0)} | ${(N / (dec + cat) / 1e3).toFixed(1)} | ${into.toFixed(0)} | ${(N / into / 1e3).toFixed(1)}`);
}
