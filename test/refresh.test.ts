import fc from 'fast-check';
import {
  createBackend, DatetimeIndex, FunctionInfo, MetaseriesError, ProcessingStep, ProcessingType, Series, Signal, TimeSeries, type Transform,
} from '@metaseries/core';
import {
  derivative, detectGaps, ewm, linearInterpolation, rangeCheck, removeDuplicates, replaceRanges, resample, rollingCount, rollingMax, rollingMean,
  rollingMedian, rollingMin, rollingStd, savgol, sortIndex, spikeCheck, subset,
} from '@metaseries/processing';
import { describe, expect, it } from 'vitest';
import { concatSeries } from './support/series.js';

const MIN = 60_000_000;
const T0 = Date.UTC(2024, 4, 1) * 1000;

/** A raw series of `n` points from `start` (µs) at 1-minute spacing with some gaps and NaN runs. */
function rawPoints(n: number, start: number, seed: number, tz: string | null = 'UTC'): Series {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const keys: number[] = [];
  const values: number[] = [];
  let t = start;
  for (let i = 0; i < n; i++) {
    t += MIN * (rand() < 0.05 ? 1 + Math.floor(rand() * 20) : 1);
    keys.push(t);
    values.push(rand() < 0.08 ? Number.NaN : Math.round(rand() * 1000) / 100);
  }
  return new Series({ index: new DatetimeIndex(Float64Array.from(keys), { tz }), values: Float64Array.from(values), name: 'A#1_RAW#1' });
}


/** Add points to the RAW series in memory (what signal.append does without a store). */
function appendRaw(signal: Signal, more: Series): void {
  const raw = signal.get('A#1_RAW#1');
  signal.timeSeries.set('A#1_RAW#1', new TimeSeries({ series: concatSeries(raw.series, more).rename('A#1_RAW#1') }));
}

const CHAINS: Array<[string, Array<() => Transform<unknown>>]> = [
  ['resample 5min', [() => resample('5min')]],
  ['resample 1h max', [() => resample('1h', { aggregation: 'max' })]],
  ['resample 1D (calendar bins, zoned)', [() => resample('1D')]],
  ['linear interpolation', [() => linearInterpolation()]],
  ['rolling mean 5 points', [() => rollingMean(5)]],
  ['rolling mean 30min', [() => rollingMean('30min')]],
  ['rolling median 3', [() => rollingMedian(3)]],
  ['derivative', [() => derivative()]],
  ['detect gaps', [() => detectGaps('10min')]],
  ['replace ranges', [() => replaceRanges([[new Date(T0 / 1000 + 3_600_000).toISOString(), new Date(T0 / 1000 + 7_200_000).toISOString()]], 'maintenance')]],
  ['subset (full recompute)', [() => subset(new Date(T0 / 1000).toISOString(), new Date(T0 / 1000 + 86_400_000).toISOString())]],
  ['resample → interpolate → rolling mean', [() => resample('5min'), () => linearInterpolation(), () => rollingMean(3)]],
  // Issue 18's transforms, registered for refresh.
  ['rolling min 5 / max 30min / count', [() => rollingMin(5), () => rollingMax('30min'), () => rollingCount(4)]],
  ['rolling std (full)', [() => rollingStd(6)]],
  ['centred rolling median (full)', [() => rollingMedian(5, { center: true })]],
  ['range check with mask', [() => rangeCheck({ min: 1, max: 9, mode: 'mask' })]],
  ['spike check', [() => spikeCheck({ window: 7, k: 3 })]],
  ['ewm', [() => ewm({ span: 5 })]],
  ['savgol', [() => savgol({ windowLength: 5, polyorder: 2 })]],
  ['sort + dedup', [() => sortIndex(), () => removeDuplicates({ keep: 'mean' })]],
];

async function build(raw: Series, chain: Array<() => Transform<unknown>>): Promise<{ signal: Signal; names: string[] }> {
  const signal = new Signal({ name: 'A', units: 'mg/l', data: raw.rename('RAW') });
  const names: string[] = [];
  let input = 'A#1_RAW#1';
  for (const make of chain) {
    [input] = await signal.process([input], make());
    names.push(input!);
  }
  return { signal, names };
}

describe('refresh equals a recomputation from scratch (property, every built-in)', () => {
  for (const [label, chain] of CHAINS) {
    it(label, async () => {
      await fc.assert(fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 4 }), fc.boolean(),
        async (seed, appends, zoned) => {
          const tz = zoned ? 'Europe/Zurich' : 'UTC';
          let raw = rawPoints(120, T0, seed, tz);
          const { signal, names } = await build(raw, chain);
          for (const [k, size] of appends.entries()) {
            const last = raw.index.values[raw.length - 1] as number;
            const more = rawPoints(size, last, seed + k + 1, tz);
            appendRaw(signal, more);
            raw = concatSeries(raw, more);
            await signal.refresh();
            const scratch = await build(raw, chain);
            for (const name of names) {
              const got = signal.get(name).series;
              const want = scratch.signal.get(name).series;
              expect(got.equals(want), `${name} after append ${k + 1} (${size} points)`).toBe(true);
              // Lineage identical: same steps, no new ones.
              expect(signal.get(name).processingSteps.length).toBe(scratch.signal.get(name).processingSteps.length);
            }
          }
        },
      ), { numRuns: Number(process.env.REFRESH_RUNS ?? 12) });
    });
  }
});

describe('refresh of zoned bins across a DST change', () => {
  // pandas anchors fixed-width bins at local midnight of the first day; a tail starting after
  // the change has a midnight one hour off in absolute time, so a 6h/2h/90min grid would shift.
  for (const every of ['6h', '2h', '90min', '1h']) {
    it(`resample('${every}') in Europe/Zurich refreshed across 31 March equals a recomputation`, async () => {
      let raw = rawPoints(700, Date.UTC(2024, 2, 30, 12) * 1000, 11, 'Europe/Zurich');
      const { signal, names } = await build(raw, [() => resample(every)]);
      for (const [k, size] of [1500, 900].entries()) {
        const more = rawPoints(size, raw.index.values[raw.length - 1] as number, 12 + k, 'Europe/Zurich');
        appendRaw(signal, more);
        raw = concatSeries(raw, more);
        await signal.refresh();
        const want = (await build(raw, [() => resample(every)])).signal.get(names[0]!).series;
        expect(signal.get(names[0]!).series.equals(want), `after append ${k + 1}`).toBe(true);
      }
    });
  }
});

describe('refresh on a store reads only the tail it needs, and still equals a recomputation (property)', () => {
  for (const [label, chain] of CHAINS.filter(([l]) => ['resample 5min', 'linear interpolation', 'rolling median 3', 'detect gaps', 'resample → interpolate → rolling mean'].includes(l))) {
    it(label, async () => {
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 3 }), async (seed, appends) => {
        const store = await createBackend('memory:');
        let raw = rawPoints(120, T0, seed);
        const { signal, names } = await build(raw, chain);
        signal.useBackend(store, { autoSave: true, datasetName: 'p' });
        await signal.saveAll();
        for (const name of signal.allTimeSeries) signal.get(name).unload(); // values only in the store: refresh reads ranges
        for (const [k, size] of appends.entries()) {
          const more = rawPoints(size, raw.index.values[raw.length - 1] as number, seed + k + 1).rename('RAW');
          await signal.append(more);
          raw = concatSeries(raw, more.rename('A#1_RAW#1'));
          await signal.refresh();
        }
        const scratch = await build(raw, chain);
        for (const name of names) {
          const stored = (await store.load(`p/A#1/${name.slice('A#1_'.length)}`)).series;
          expect(stored.rename(name).equals(scratch.signal.get(name).series), name).toBe(true);
        }
        // The raw series (the big one) is never loaded whole: incremental steps read its tail.
        expect(signal.get('A#1_RAW#1').isLoaded).toBe(false);
        await store.close();
      }), { numRuns: Number(process.env.REFRESH_RUNS ?? 8) });
    });
  }
});

describe('refresh with a store', () => {
  it('writes the recomputed tail as a new version of the same key, records the refresh, keeps names and history', async () => {
    const store = await createBackend('memory:');
    const raw = rawPoints(300, T0, 7);
    const { signal, names } = await build(raw, [() => resample('5min')]);
    signal.useBackend(store, { autoSave: true, datasetName: 'plant' });
    await signal.saveAll();
    const key = 'plant/A#1/RESAMPLED#1';
    const before = (await store.versions(key)).length;
    appendRaw(signal, rawPoints(60, raw.index.values[raw.length - 1] as number, 8));
    const report = await signal.refresh();
    expect(report.series).toEqual([{ signal: 'A#1', name: names[0], status: 'refreshed', mode: 'incremental', points: expect.any(Number) }]);
    expect((await store.versions(key)).length).toBe(before + 1);
    expect((await store.versions(key)).at(-1)!.operation).toBe('update');
    const meta = await store.loadMetadata(key);
    expect(meta.metaseries_refresh).toMatchObject({ at: expect.any(String) });
    expect(signal.allTimeSeries).toEqual(['A#1_RAW#1', 'A#1_RESAMPLED#1']);
    expect((await store.load(key)).series.equals(signal.get(names[0]!).series)).toBe(true);
    // Nothing new: up to date, no write.
    const again = await signal.refresh();
    expect(again.series[0]!.status).toBe('up-to-date');
    expect((await store.versions(key)).length).toBe(before + 1);
    await store.close();
  });

  it('dry run reports without writing', async () => {
    const raw = rawPoints(100, T0, 3);
    const { signal, names } = await build(raw, [() => linearInterpolation()]);
    const stored = signal.get(names[0]!).series;
    appendRaw(signal, rawPoints(10, raw.index.values[raw.length - 1] as number, 4));
    const report = await signal.refresh(undefined, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, series: [{ status: 'refreshed' }] });
    expect(signal.get(names[0]!).series).toBe(stored);
  });

  it('a step whose transform is not registered is reported by name and version', async () => {
    const double: Transform = (inputs) => inputs.map((s) => ({
      series: s.withValues((s.values as Float64Array).map((v) => v * 2)).rename('A#1_DOUBLED'),
      steps: [new ProcessingStep({
        type: ProcessingType.TRANSFORMATION, description: 'x2', suffix: 'DOUBLED', inputSeriesNames: [s.name!],
        functionInfo: new FunctionInfo({ name: 'double-unregistered', version: '7', author: 'test', reference: '-', fn: double }),
      })],
    }));
    const signal = new Signal({ name: 'A', units: 'x', data: rawPoints(10, T0, 1).rename('RAW') });
    await signal.process(['A#1_RAW#1'], double);
    const err = await signal.refresh().catch((e: unknown) => e as MetaseriesError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"double-unregistered" version "7"') });
  });
});
