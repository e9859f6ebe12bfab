import fc from 'fast-check';
import {
  createBackend, Dataset, FunctionInfo, MetaseriesError, ProcessingStep, ProcessingType, Series, Signal, TimeSeries, type DatasetTransform,
} from '@metaseries/core';
import { averageSignals, linearInterpolation, resample } from '@metaseries/processing';
import { describe, expect, it } from 'vitest';
import { concatSeries, lastKey, minutePoints } from './support/series.js';

/**
 * dataset.refresh replays dataset-level steps (issue 17): an `averageSignals` output from
 * two signals, refreshed after both inputs and before what was derived from it, equal to
 * a recomputation from scratch after random appends to either input.
 */

const MIN = 60_000_000;
const T0 = Date.UTC(2024, 4, 1) * 1000;

/** `n` points after `last` (µs), 1-minute spacing with gaps, NaN runs, values with many bits. */
const points = (n: number, last: number, seed: number): Series =>
  minutePoints(n, last, seed, { gapChance: 0.05, maxGap: 20, nanChance: 0.05, maxNanRun: 8, value: (rand) => rand() * 10 });



/** A (RAW → RESAMPLED) and B (RAW), averaged across signals, then interpolated. */
async function build(a: Series, b: Series): Promise<{ dataset: Dataset; names: string[] }> {
  const dataset = new Dataset({ name: 'p', signals: [new Signal({ name: 'A', units: 'mg/l', data: a }), new Signal({ name: 'B', units: 'mg/l', data: b })] });
  const [resampled] = await dataset.signals.get('A#1')!.process(['A#1_RAW#1'], resample('5min'));
  const [averageName] = await dataset.process([resampled!, 'B#1_RAW#1'], averageSignals());
  const average = dataset.signals.get(averageName!)!;
  const avgName = average.allTimeSeries[0]!;
  const [interpolated] = await average.process([avgName], linearInterpolation());
  return { dataset, names: [resampled!, avgName, interpolated!] };
}

function series(dataset: Dataset, name: string): TimeSeries {
  return dataset.signals.get(name.slice(0, name.indexOf('_')))!.get(name);
}

describe('dataset.refresh replays dataset-level steps in dependency order across signals', () => {
  it('equals a recomputation from scratch after random appends to both inputs (property, memory store)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: 20, max: 150 }), fc.integer({ min: 20, max: 150 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 })), { minLength: 1, maxLength: 4 }),
      async (seed, na, nb, appends) => {
        let a = points(na, T0, seed);
        let b = points(nb, T0 + 7 * MIN, seed + 1);
        const { dataset, names } = await build(a, b);
        const store = await createBackend('memory:');
        dataset.useBackend(store, { autoSave: true });
        await dataset.saveAll();
        for (const s of dataset.signals.values()) for (const ts of s.timeSeries.values()) ts.unload();
        const modes: string[] = [];
        for (const [k, [sa, sb]] of appends.entries()) {
          const moreA = points(sa, lastKey(a), seed + 10 * k + 2);
          const moreB = points(sb, lastKey(b), seed + 10 * k + 3);
          if (sa > 0) await dataset.signals.get('A#1')!.append(moreA);
          if (sb > 0) await dataset.signals.get('B#1')!.append(moreB);
          a = concatSeries(a, moreA);
          b = concatSeries(b, moreB);
          const report = await dataset.refresh();
          modes.push(report.series.find((r) => r.name === names[1])!.mode);
          const scratch = await build(a, b);
          for (const name of names) {
            const got = await series(dataset, name).load();
            const want = series(scratch.dataset, name).series;
            expect(got.equals(want), `${name} after append ${k + 1} (${sa} to A, ${sb} to B)`).toBe(true);
            expect(series(dataset, name).processingSteps.length).toBe(series(scratch.dataset, name).processingSteps.length);
            const stored = (await store.load(`p/${name.slice(0, name.indexOf('_'))}/${name.slice(name.indexOf('_') + 1)}`)).series;
            expect(stored.values).toEqual(want.values);
          }
          for (const s of dataset.signals.values()) for (const ts of s.timeSeries.values()) if (ts.isLoaded) ts.unload();
        }
        // The first refresh reads every input whole (no record yet of where they ended); later ones only the new rows.
        expect(modes.slice(1).every((m) => m === 'incremental')).toBe(true);
        await store.close();
      },
    ), { numRuns: Number(process.env.REFRESH_RUNS ?? 12) });
  });

  it('the refresh record names the input versions and ends the average was computed from', async () => {
    const { dataset, names } = await build(points(50, T0, 5), points(40, T0, 6));
    const store = await createBackend('memory:');
    dataset.useBackend(store, { autoSave: true });
    await dataset.saveAll();
    const more = points(10, T0 + 200 * MIN, 7);
    await dataset.signals.get('B#1')!.append(more);
    const report = await dataset.refresh();
    expect(report.series.map((r) => [r.name, r.status])).toEqual([
      [names[0], 'up-to-date'], [names[1], 'refreshed'], [names[2], 'refreshed'],
    ]);
    const meta = await store.loadMetadata('p/AVERAGE#1/RAW#1');
    const versionsOf = async (key: string): Promise<number> => (await store.versions(key)).at(-1)!.version;
    expect(meta.metaseries_refresh).toMatchObject({
      inputs: { 'A#1_RESAMPLED#1': await versionsOf('p/A#1/RESAMPLED#1'), 'B#1_RAW#1': await versionsOf('p/B#1/RAW#1') },
      input_ends_us: { 'B#1_RAW#1': lastKey(more) },
    });
    // Only B's signal asked for: its series and what they depend on — the average lives in another signal and is not refreshed.
    expect((await dataset.refresh({ signals: ['B#1'] })).series).toEqual([]);
    await store.close();
  });

  it('a dataset-level step whose transform is not registered is reported by name and version', async () => {
    const sum: DatasetTransform<unknown> = async (signals, names) => {
      const [x, y] = await Promise.all(names.map((n, i) => signals[i]!.get(n).load()));
      const step = new ProcessingStep({
        type: ProcessingType.DIMENSIONALITY_REDUCTION, description: 'sum', suffix: 'RAW', inputSeriesNames: [...names],
        functionInfo: new FunctionInfo({ name: 'sum-unregistered', version: '3', author: 'test', reference: '-', fn: sum }),
      });
      const values = (x!.values as Float64Array).map((v, i) => v + (y!.values as Float64Array)[i]!);
      return [new Signal({ name: 'SUM', units: 'x', data: new TimeSeries({ series: x!.withValues(values).rename('RAW'), processingSteps: [step] }) })];
    };
    const raw = points(10, T0, 1);
    const dataset = new Dataset({ name: 'p', signals: [new Signal({ name: 'A', units: 'x', data: raw }), new Signal({ name: 'B', units: 'x', data: raw })] });
    await dataset.process(['A#1_RAW#1', 'B#1_RAW#1'], sum);
    const err = await dataset.refresh().catch((e: unknown) => e as MetaseriesError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"sum-unregistered" version "3"') });
  });
});
