/**
 * The reference workload: N points at 1-minute spacing from 2020-01-01 UTC, a seeded
 * random walk with 1% NaN. Generated here and written as raw little-endian float64 so the
 * Python side (np.fromfile) works on exactly the same values.
 *
 * @example const w = makeWorkload(1_000_000); writeValues(w.values, '/tmp/v.f64');
 */
import { writeFileSync } from 'node:fs';
import { Series, Signal, Dataset } from '@metaseries/core';
import { resample, linearInterpolation } from '@metaseries/processing';

export const T0_MS = Date.UTC(2020, 0, 1);
export const MINUTE_US = 60_000_000;

/** mulberry32: tiny, fast, good enough for a benchmark workload. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeValues(n: number, seed = 42): Float64Array {
  const rnd = prng(seed);
  const v = new Float64Array(n);
  let x = 100;
  for (let i = 0; i < n; i++) {
    x += rnd() - 0.5;
    v[i] = rnd() < 0.01 ? NaN : x;
  }
  return v;
}

export function writeValues(values: Float64Array, path: string): void {
  writeFileSync(path, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
}

/** The raw series, as `create` times it. */
export function rawSeries(values: Float64Array): Series {
  return Series.regular(T0_MS, MINUTE_US, values, { name: 'RAW', tz: 'UTC', freq: 'min' });
}

export function makeSignal(values: Float64Array, name = 'X'): Signal {
  return new Signal({ name, units: 'u', provenance: { parameter: 'x' }, data: rawSeries(values) });
}

/** Raw + 5-min mean + linear interpolation in one signal, in a dataset named "bench". */
export async function workloadDataset(values: Float64Array): Promise<Dataset> {
  const sig = makeSignal(values);
  await sig.process(['X#1_RAW#1'], resample('5min'));
  await sig.process(['X#1_RAW#1'], linearInterpolation());
  return new Dataset({ name: 'bench', description: 'bench', owner: 'bench', purpose: 'bench', project: 'bench', signals: [sig] });
}
