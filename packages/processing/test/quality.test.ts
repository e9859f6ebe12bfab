import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryBackend, Series, Signal, Storage } from '@metaseries/core';
import {
  combineFlags, ewm, flagsByRange, gapCheckFlags, rangeFlags, rateOfChangeFlags, spikeFlags, type RangedCheck, flagNames, flatlineCheck, gapCheck, qualityReport, QualityFlag, rangeCheck, rateOfChangeCheck, removeDuplicates, rollingCount,
  rollingMax, rollingMin, rollingSeries, rollingStd, rollingSum, savgol, sortIndex, spikeCheck, stuckValue,
} from '@metaseries/processing';
import { decode, expectInvalid, ROOT, type EncodedSeries } from './fixtures.js';

const inputs = (JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'quality', 'inputs.json'), 'utf8')) as { inputs: Record<string, EncodedSeries> }).inputs;
const input = (name: string): Series => decode(inputs[name]!);

describe('quality transforms through signal.process', () => {
  it('a check in mask mode makes the flag series and the cleaned series in one step', async () => {
    const signal = new Signal({ name: 'F', units: 'degC', data: input('faults').rename('RAW') });
    const out = await signal.process(['F#1_RAW#1'], rangeCheck({ max: 100, mode: 'mask' }));
    expect(out).toEqual(['F#1_QC-RANGE#1', 'F#1_QC-RANGE-MASKED#1']);
    const flags = signal.get('F#1_QC-RANGE#1');
    const masked = signal.get('F#1_QC-RANGE-MASKED#1');
    expect(flags.series.dtype).toBe('int8');
    expect(masked.series.dtype).toBe('float64');
    const stepF = flags.processingSteps.at(-1)!.toDict();
    expect(stepF).toMatchObject({ type: 'fault_detection', suffix: 'QC-RANGE', parameters: { min: null, max: 100, mode: 'mask' }, input_series_names: ['F#1_RAW#1'] });
    expect(stepF.function_info).toMatchObject({ name: 'range_check', version: '0.1' });
    // the cleaned series' lineage names the check that cleaned it
    expect(masked.processingSteps.at(-1)!.toDict()).toEqual(stepF);
    const v = masked.series.values as Float64Array, f = flags.series.values as Float64Array, raw = input('faults').values as Float64Array;
    for (let i = 0; i < v.length; i++) {
      if (f[i] === QualityFlag.OUT_OF_RANGE) expect(v[i]).toBeNaN();
      else expect(Object.is(v[i], raw[i])).toBe(true);
    }
  });

  it('every check, combineFlags and the report', async () => {
    const signal = new Signal({ name: 'F', data: input('faults').rename('RAW') });
    const raw = ['F#1_RAW#1'];
    expect(await signal.process(raw, rateOfChangeCheck({ maxPerSecond: 0.05 }))).toEqual(['F#1_QC-RATE#1']);
    expect(await signal.process(raw, spikeCheck({ window: 9, center: true }))).toEqual(['F#1_QC-SPIKE#1']);
    expect(await signal.process(raw, flatlineCheck({ window: '2h' }))).toEqual(['F#1_QC-FLATLINE#1']);
    expect(await signal.process(raw, stuckValue({ minRepeats: 3 }))).toEqual(['F#1_QC-STUCK#1']);
    expect(await signal.process(raw, gapCheck({ maxGap: '5min' }))).toEqual(['F#1_QC-GAP#1']);
    expect(await signal.process(raw, rangeCheck({ max: 100 }))).toEqual(['F#1_QC-RANGE#1']);
    const all = signal.allTimeSeries.filter((n) => n.includes('QC-'));
    expect(await signal.process(all, combineFlags())).toEqual(['F#1_QC-FLAGS#1']);
    const combined = signal.get('F#1_QC-FLAGS#1');
    expect(combined.processingSteps.at(-1)!.type).toBe('fault_identification');
    const report = await qualityReport(signal);
    expect(report.series).toBe('F#1_RAW#1');
    expect(report.flagSeries).toEqual([...all, 'F#1_QC-FLAGS#1']);
    expect(report.counts).toMatchObject({ OUT_OF_RANGE: 15, FLATLINE: 121, MISSING: 30, GAP: 1 });
    expect(report.counts.SPIKE).toBeGreaterThanOrEqual(1);
    expect(report.perDay).toHaveLength(1);
    expect(report.longestGaps[0]).toEqual({ from: '2024-06-01 16:39:00', to: '2024-06-01 17:10:00', seconds: 1860 });
    expect(report.text).toContain('FLATLINE');
    expect(flagNames(combined.series.values[301] as number)).toContain('SPIKE');
    expect(flagNames(0)).toEqual(['OK']);
  });

  it('sortIndex, removeDuplicates, the smoothers: names and steps', async () => {
    const signal = new Signal({ name: 'D', data: input('shuffled').rename('RAW') });
    expect(await signal.process(['D#1_RAW#1'], sortIndex())).toEqual(['D#1_SORTED#1']);
    expect(await signal.process(['D#1_SORTED#1'], removeDuplicates({ keep: 'mean' }))).toEqual(['D#1_DEDUP#1']);
    const dedup = signal.get('D#1_DEDUP#1');
    expect(dedup.processingSteps.map((s) => [s.type, s.suffix])).toEqual([['sorting', 'SORTED'], ['remove_duplicates', 'DEDUP']]);
    expect(dedup.series.index.orderInfo().strictlySorted).toBe(true);
    const d = ['D#1_DEDUP#1'];
    expect(await signal.process(d, rollingMin('5min'))).toEqual(['D#1_ROLLING-MIN#1']);
    expect(await signal.process(d, rollingMax(3, { center: true }))).toEqual(['D#1_ROLLING-MAX#1']);
    expect(await signal.process(d, rollingSum(4))).toEqual(['D#1_ROLLING-SUM#1']);
    expect(await signal.process(d, rollingStd('10min'))).toEqual(['D#1_ROLLING-STD#1']);
    expect(await signal.process(d, rollingCount(5, { minPeriods: 0 }))).toEqual(['D#1_ROLLING-COUNT#1']);
    expect(await signal.process(d, ewm({ halflife: 3, adjust: false }))).toEqual(['D#1_EWM#1']);
    expect(await signal.process(d, savgol({ windowLength: 7, polyorder: 2 }))).toEqual(['D#1_SAVGOL#1']);
    expect(signal.get('D#1_ROLLING-MAX#1').processingSteps.at(-1)!.toDict().parameters).toEqual({ window: 3, min_periods: null, center: true });
    expect(signal.get('D#1_EWM#1').processingSteps.at(-1)!.toDict()).toMatchObject({ type: 'smoothing', parameters: { halflife: 3, adjust: false, ignore_na: false, min_periods: 0 } });
    expect(signal.get('D#1_SAVGOL#1').processingSteps.at(-1)!.toDict()).toMatchObject({ type: 'filtering', parameters: { window_length: 7, polyorder: 2, mode: 'interp' } });
  });
});

describe('bad parameters are INVALID_INPUT naming them', () => {
  it('windows, bounds, thresholds', () => {
    expectInvalid(() => spikeCheck({ window: -3 }), /spikeCheck window must be a positive integer, got -3/);
    expectInvalid(() => spikeCheck({ window: '-5min' }), /spikeCheck window "-5min"/);
    expectInvalid(() => spikeCheck({ window: 5, k: 0 }), /spikeCheck k must be > 0, got 0/);
    expectInvalid(() => spikeCheck({ window: 5, k: -1 }), /spikeCheck k must be > 0, got -1/);
    expectInvalid(() => spikeCheck({ window: '1h', center: true }), /center needs a count window/);
    expectInvalid(() => rangeCheck({ min: 10, max: 5 }), /rangeCheck min 10 must be <= max 5/);
    expectInvalid(() => rangeCheck({}), /rangeCheck needs min, max or both/);
    expectInvalid(() => rangeCheck({ min: 0, mode: 'drop' as never }), /mode must be "flag" or "mask", got "drop"/);
    expectInvalid(() => rateOfChangeCheck({ maxPerSecond: 0 }), /maxPerSecond must be > 0, got 0/);
    expectInvalid(() => flatlineCheck({ window: 0 }), /flatlineCheck window must be a positive integer, got 0/);
    expectInvalid(() => flatlineCheck({ window: '2h', tolerance: -0.1 }), /flatlineCheck tolerance must be >= 0, got -0.1/);
    expectInvalid(() => stuckValue({ minRepeats: 1 }), /stuckValue minRepeats must be >= 2, got 1/);
    expectInvalid(() => gapCheck({ maxGap: 'ME' }), /gapCheck maxGap "ME" is not a fixed duration/);
    expectInvalid(() => rollingMin(-2), /Rolling window must be a positive integer, got -2/);
    expectInvalid(() => rollingSeries(input('regular'), 3, 'mode' as never), /Unknown rolling statistic "mode"/);
    expectInvalid(() => ewm({}), /exactly one of span, halflife, alpha, com; got none/);
    expectInvalid(() => ewm({ span: 3, alpha: 0.5 }), /got span, alpha/);
    expectInvalid(() => ewm({ alpha: 1.5 }), /ewm alpha must be in \(0, 1\], got 1.5/);
    expectInvalid(() => ewm({ halflife: -1 }), /ewm halflife must be > 0, got -1/);
    expectInvalid(() => savgol({ windowLength: 4, polyorder: 2 }), /savgol windowLength must be odd, got 4/);
    expectInvalid(() => savgol({ windowLength: 5, polyorder: 5 }), /savgol polyorder 5 must be less than windowLength 5/);
    expectInvalid(() => removeDuplicates({ keep: 'none' as never }), /keep must be one of first, last, mean, got "none"/);
  });

  it('order-dependent checks refuse unsorted data and say how to fix it', () => {
    expectInvalid(() => spikeCheck({ window: '5min' })([input('shuffled')], undefined), /unsorted timestamps; sort it first/);
    expectInvalid(() => flatlineCheck({ window: '5min' })([input('shuffled')], undefined), /flatlineCheck with a time window needs a sorted index/);
    expectInvalid(() => combineFlags()([input('regular').withValues(new Float64Array(300), 'int8'), input('smooth').withValues(new Float64Array(400), 'int8')], undefined), /does not have the same index/);
  });

  it('inputs are never modified', () => {
    const s = input('faults');
    const before = Float64Array.from(s.values as Float64Array);
    for (const t of [rangeCheck({ max: 100, mode: 'mask' }), spikeCheck({ window: 9, mode: 'mask' }), flatlineCheck({ window: '2h', mode: 'mask' }), removeDuplicates({ keep: 'mean' }), savgol({ windowLength: 5, polyorder: 2 })]) {
      t([s], undefined);
    }
    expect(s.values).toEqual(before);
  });
});

describe('checks on a stored series, one range at a time (flagsByRange)', () => {
  it('equal the whole-series flags without loading the series', async () => {
    for (const name of ['faults', 'zoned', 'irregular']) {
      const s = input(name);
      const signal = new Signal({ name: 'X', data: s.rename('RAW') });
      signal.useBackend(new Storage(new MemoryBackend()));
      await signal.saveAll();
      const ts = signal.get('X#1_RAW#1');
      ts.unload();
      const t = s.index.values as Float64Array;
      const whole = { from: t[0]! / 1000, to: t[t.length - 1]! / 1000 };
      const specs: [RangedCheck, Float64Array][] = [
        [{ check: 'range', options: { min: 10, max: 100 } }, rangeFlags(s, { min: 10, max: 100 })],
        [{ check: 'rate', options: { maxPerSecond: 0.01 } }, rateOfChangeFlags(s, { maxPerSecond: 0.01 })],
        [{ check: 'gap', options: { maxGap: '10min' } }, gapCheckFlags(s, { maxGap: '10min' })],
        [{ check: 'spike', options: { window: '1h', k: 3 } }, spikeFlags(s, { window: '1h', k: 3 })],
      ];
      for (const [spec, expected] of specs) {
        const got = await flagsByRange(ts, spec, { ...whole, chunk: '3h' });
        expect(Array.from(got.index.values as Float64Array), `${name} ${spec.check} index`).toEqual(Array.from(t));
        expect(Array.from(got.values as Float64Array), `${name} ${spec.check}`).toEqual(Array.from(expected));
        expect(got.dtype).toBe('int8');
      }
      expect(ts.isLoaded, 'read by ranges only').toBe(false);
    }
  });

  it('a count-window spike check cannot be read by time range', async () => {
    const signal = new Signal({ name: 'X', data: input('faults').rename('RAW') });
    await expect(flagsByRange(signal.get('X#1_RAW#1'), { check: 'spike', options: { window: 9 } }, { from: '2024-06-01', to: '2024-06-01' })).rejects.toThrow(/needs a time window/);
    await expect(flagsByRange(signal.get('X#1_RAW#1'), { check: 'range', options: { min: 1 } }, { from: '2024-06-02', to: '2024-06-01' })).rejects.toThrow(/is after to/);
  });
});
