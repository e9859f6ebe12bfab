/**
 * Living pipelines (issue 17): append one day of 1-second data (86,400 points) to an
 * N-point RAW series that feeds resample('1min') → linear interpolation → rolling mean,
 * then `dataset.refresh()`; beside it, the same chain recomputed from scratch on the
 * grown RAW (load, three transforms, save), in the same run.
 *
 *   npx tsx bench/refresh-measure.ts [--n 10000000] [--reps 5] [--store sqlite:/tmp/x.db,parquet:/tmp/p?create=true]
 *
 * Prints one line per store: median refresh time, median recompute time, their ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend, Dataset, DatetimeIndex, Series, Signal } from '@metaseries/core';
import { linearInterpolation, resample, rollingMean } from '@metaseries/processing';

const { values: args } = parseArgs({ options: { n: { type: 'string', default: '10000000' }, reps: { type: 'string', default: '5' }, store: { type: 'string' } } });
const N = Number(args.n);
const REPS = Number(args.reps);
const DAY = 86_400;
const T0 = Date.UTC(2020, 0, 1) * 1000;
const tmp = mkdtempSync(join(tmpdir(), 'metaseries-refresh-bench-'));
const stores = (args.store ?? `memory:,sqlite:${join(tmp, 'r.db')}`).split(',');

function walk(from: number, n: number, seed: number): Series {
  let x = seed, v = 20;
  const keys = new Float64Array(n), values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    v += (x / 2147483648 - 0.5) * 0.1;
    keys[i] = T0 + (from + i) * 1e6;
    values[i] = Math.round(v * 100) / 100;
  }
  return new Series({ index: new DatetimeIndex(keys, { tz: 'UTC' }), values, name: 'RAW' });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const chain = async (signal: Signal): Promise<void> => {
  const [r] = await signal.process(['level#1_RAW#1'], resample('1min'));
  const [l] = await signal.process([r!], linearInterpolation());
  await signal.process([l!], rollingMean(15));
};

for (const url of stores) {
  const store = await createBackend(url.includes('?') || !url.startsWith('parquet:') ? url : `${url}?create=true`);
  await store.clear();
  const raw = walk(0, N, 1);
  const signal = new Signal({ name: 'level', units: 'm', data: raw });
  const dataset = new Dataset({ name: 'bench', signals: [signal] }).useBackend(store, { autoSave: true });
  await dataset.saveAll();
  await chain(signal);
  for (const ts of signal.allTimeSeries) signal.get(ts).unload();
  const refresh: number[] = [], scratch: number[] = [];
  let length = N;
  // The first refresh after process has no saved rolling-kernel state yet: it runs the rolling
  // mean over everything once (and saves its state). Timed apart; every later day continues it.
  await signal.append(walk(length, DAY, 1));
  length += DAY;
  const t0 = performance.now();
  await dataset.refresh();
  const first = performance.now() - t0;
  for (const ts of signal.allTimeSeries) if (signal.get(ts).isLoaded) signal.get(ts).unload();
  for (let rep = 0; rep < REPS; rep++) {
    await signal.append(walk(length, DAY, rep + 2));
    length += DAY;
    let t = performance.now();
    await dataset.refresh();
    refresh.push(performance.now() - t);
    for (const ts of signal.allTimeSeries) if (signal.get(ts).isLoaded) signal.get(ts).unload();
    // From scratch: a fresh signal on the grown RAW, the whole chain, saved.
    t = performance.now();
    const grown = (await store.load('bench/level#1/RAW#1')).series;
    const fresh = new Signal({ name: 'level', units: 'm', data: grown.rename('RAW') });
    new Dataset({ name: 'scratch', signals: [fresh] }).useBackend(store, { autoSave: true });
    await chain(fresh);
    scratch.push(performance.now() - t);
    for (const key of await store.listKeys('scratch/')) await store.delete(key);
  }
  const r = median(refresh), s = median(scratch);
  console.log(`${url.split(':')[0]}: N=${N} refresh ${r.toFixed(1)} ms, from scratch ${s.toFixed(0)} ms, ${(s / r).toFixed(0)}× (medians of ${REPS}; all refreshes ${refresh.map((x) => x.toFixed(0)).join(', ')} ms; first refresh after process ${first.toFixed(0)} ms)`);
  await store.close();
}
rmSync(tmp, { recursive: true, force: true });
