import fc from 'fast-check';
import { createBackend, Dataset, Series, Signal, type Transform } from '@metaseries/core';
import { ewm, rollingMean, rollingStd, rollingSum } from '@metaseries/processing';
import { describe, expect, it } from 'vitest';
import { concatSeries, lastKey, minutePoints } from './support/series.js';

/**
 * Rolling mean/sum/std and ewm refresh by continuing pandas' running kernels from the state the
 * previous refresh saved (issue 17): bit-equal to a full recomputation, with NaN runs,
 * gaps longer than the window (pandas restarts its sums), values of very different
 * magnitudes (so the Kahan compensation matters), and a state saved by one refresh in
 * the store and used by the next one in another session.
 */

const T0 = Date.UTC(2024, 4, 1) * 1000;

/** Long gaps (past the windows), long NaN runs, and values of very different magnitudes. */
const points = (n: number, last: number, seed: number): Series =>
  minutePoints(n, last, seed, { gapChance: 0.04, maxGap: 90, nanChance: 0.04, maxNanRun: 12, value: (rand) => (rand() < 0.1 ? 1e9 : 1) * (rand() - 0.3) * 7 });



const KERNELS: Array<[string, () => Transform<unknown>]> = [
  ['mean, 7 points', () => rollingMean(7)],
  ['mean, 45min, min 3', () => rollingMean('45min', { minPeriods: 3 })],
  ['sum, 5 points, min 2', () => rollingSum(5, { minPeriods: 2 })],
  ['sum, 30min', () => rollingSum('30min')],
  ['std, 6 points', () => rollingStd(6)],
  ['std, 1h', () => rollingStd('1h')],
  ['ewm, span 5', () => ewm({ span: 5 })],
  ['ewm, halflife 3, not adjusted, NaN ignored, min 4', () => ewm({ halflife: 3, adjust: false, ignoreNa: true, minPeriods: 4 })],
];

describe('rolling kernels continue from their saved state: refresh is bit-equal to a recomputation (property)', () => {
  for (const [label, make] of KERNELS) {
    it(label, async () => {
      await fc.assert(fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 2, maxLength: 5 }),
        async (seed, appends) => {
          let raw = points(150, T0, seed);
          const signal = new Signal({ name: 'A', units: 'x', data: raw });
          const [name] = await signal.process(['A#1_RAW#1'], make());
          for (const [k, size] of appends.entries()) {
            const more = points(size, lastKey(raw), seed + k + 1);
            await signal.append(more);
            raw = concatSeries(raw, more);
            const report = await signal.refresh();
            // The first refresh runs the kernel over everything (no state saved yet); every later one continues it.
            expect(report.series[0]!.mode).toBe(k === 0 ? 'full' : 'incremental');
            const scratch = new Signal({ name: 'A', units: 'x', data: raw });
            await scratch.process(['A#1_RAW#1'], make());
            expect(signal.get(name!).series.equals(scratch.get(name!).series), `after append ${k + 1} (${size} points)`).toBe(true);
          }
        },
      ), { numRuns: Number(process.env.REFRESH_RUNS ?? 15) });
    });
  }

  it('a state saved in the store by one refresh is used by the next one in another session, reading only the tail', async () => {
    const store = await createBackend('memory:');
    let raw = points(5000, T0, 11);
    const dataset = new Dataset({ name: 'p', signals: [new Signal({ name: 'A', units: 'x', data: raw })] }).useBackend(store, { autoSave: true });
    await dataset.saveAll();
    await dataset.signals.get('A#1')!.process(['A#1_RAW#1'], rollingMean(15));
    for (let k = 0; k < 3; k++) {
      // A new session each day: the only memory of the kernel is the refresh record in the store.
      const session = await Dataset.fromBackend(store, 'p', { autoSave: true });
      const more = points(300, lastKey(raw), 20 + k);
      await session.signals.get('A#1')!.append(more);
      raw = concatSeries(raw, more);
      const report = await session.refresh();
      expect(report.series[0]).toMatchObject({ mode: k === 0 ? 'full' : 'incremental' });
      if (k > 0) expect(report.series[0]!.points).toBeLessThan(400);
      // The input was read by range, never whole.
      if (k > 0) expect(session.signals.get('A#1')!.get('A#1_RAW#1').isLoaded).toBe(false);
      const scratch = new Signal({ name: 'A', units: 'x', data: raw });
      await scratch.process(['A#1_RAW#1'], rollingMean(15));
      expect((await store.load('p/A#1/ROLLING-MEAN#1')).series.rename('A#1_ROLLING-MEAN#1').equals(scratch.get('A#1_ROLLING-MEAN#1').series)).toBe(true);
    }
    const record = (await store.loadMetadata('p/A#1/ROLLING-MEAN#1')).metaseries_refresh as { kernel: Array<{ at_us: number; state: string }> };
    expect(record.kernel.at(-1)!.at_us).toBe(lastKey(raw));
    expect(record.kernel.length).toBeLessThanOrEqual(24);
    await store.close();
  });
});
