import { Dataset, FunctionInfo, ProcessingStep, ProcessingType, Series, Signal, TimeSeries, type DatasetTransform } from '@metaseries/core';
import { describe, expect, it } from 'vitest';
import { expectError, minuteSeries, scale } from './helpers.js';

function signalA(): Signal {
  return new Signal({ name: 'A', units: 'mg/l', data: minuteSeries([1, 2, 3, 4]) });
}

const average: DatasetTransform = (signals, names) => {
  const inputs = names.map((n, i) => signals[i]!.get(n).series);
  const first = inputs[0]!;
  const values = Float64Array.from(first.values as Float64Array, (_, k) => inputs.reduce((acc, s) => acc + (s.values as Float64Array)[k]!, 0) / inputs.length);
  const step = new ProcessingStep({
    type: ProcessingType.DIMENSIONALITY_REDUCTION, description: 'mean', suffix: 'RAW', parameters: null, inputSeriesNames: names,
    functionInfo: new FunctionInfo({ name: 'avg', version: '1', author: 't', reference: 't', sourceCode: null }),
  });
  const out = new Signal({ name: 'AVERAGE', units: signals[0]!.units, data: [] });
  out.addSeries(new TimeSeries({ series: first.withValues(values).rename('AVERAGE#1_RAW'), processingSteps: [step] }));
  return [out];
};

describe('Signal.process (reference §3.2, with Python bugs fixed)', () => {
  it('numbers outputs max+1 per operation and accumulates history', async () => {
    const a = signalA();
    expect(a.allTimeSeries).toEqual(['A#1_RAW#1']);
    expect(await a.process(['A#1_RAW#1'], scale(2))).toEqual(['A#1_SCALED#1']);
    expect(await a.process(['A#1_RAW#1'], scale(3))).toEqual(['A#1_SCALED#2']);
    expect(await a.process(['A#1_SCALED#1'], scale(10, 'BIG'))).toEqual(['A#1_BIG#1']);
    const big = a.get('A#1_BIG#1');
    expect(big.processingSteps.map((s) => s.suffix)).toEqual(['SCALED', 'BIG']);
    expect(Array.from(big.series.values as Float64Array)).toEqual([20, 40, 60, 80]);
    expect(big.series.name).toBe('A#1_BIG#1');
  });

  it('records the exact inputs used (Python rewrites them to the latest version)', async () => {
    const a = signalA();
    await a.process(['A#1_RAW#1'], scale(2));
    await a.process(['A#1_RAW#1'], scale(3));
    await a.process(['A#1_SCALED#1', 'A#1_RAW#1'], scale(1, 'COPY'));
    const copy1 = a.get('A#1_COPY#1');
    const last = copy1.processingSteps.at(-1)!;
    expect(last.inputSeriesNames).toEqual(['A#1_SCALED#1']);
    // history: inputs' steps in input order + new steps, de-duplicated.
    expect(copy1.processingSteps.map((s) => s.suffix)).toEqual(['SCALED', 'COPY']);
    expect(a.get('A#1_COPY#2').processingSteps.at(-1)!.inputSeriesNames).toEqual(['A#1_RAW#1']);
  });

  it('overwrite replaces the latest version (documented), or creates #1', async () => {
    const a = signalA();
    await a.process(['A#1_RAW#1'], scale(2));
    await a.process(['A#1_RAW#1'], scale(3));
    expect(await a.process(['A#1_RAW#1'], scale(5), undefined, { overwrite: true })).toEqual(['A#1_SCALED#2']);
    expect(a.allTimeSeries).toEqual(['A#1_RAW#1', 'A#1_SCALED#1', 'A#1_SCALED#2']);
    expect(Array.from(a.get('A#1_SCALED#2').series.values as Float64Array)).toEqual([5, 10, 15, 20]);
    expect(await a.process(['A#1_RAW#1'], scale(1, 'FRESH'), undefined, { overwrite: true })).toEqual(['A#1_FRESH#1']);
    expect(a.allTimeSeries).not.toContain('A#1_SCALED');
  });

  it('custom output names, validated before anything changes', async () => {
    const a = signalA();
    expect(await a.process(['A#1_RAW#1'], scale(2), undefined, { outputNames: ['daily-avg'] })).toEqual(['A#1_daily-avg#1']);
    const before = a.allTimeSeries;
    await expectError(a.process(['A#1_RAW#1'], scale(2), undefined, { outputNames: ['daily_avg'] }), 'INVALID_INPUT', 'underscore');
    await expectError(a.process(['A#1_RAW#1'], scale(2), undefined, { outputNames: ['x', 'y'] }), 'INVALID_INPUT', 'outputNames has 2 names');
    await expectError(a.process(['A#1_NOPE#1'], scale(2)), 'INVALID_INPUT', 'Available series are [A#1_RAW#1, A#1_daily-avg#1]');
    await expectError(a.process(['A#1_RAW#1'], (() => [{ series: 'bad', steps: [] }]) as never), 'INVALID_INPUT', 'output 0');
    await expectError(a.process(['A#1_RAW#1'], (() => 'nope') as never), 'INVALID_INPUT', 'must return an array');
    expect(a.allTimeSeries).toEqual(before);
  });

  it('never modifies the inputs', async () => {
    const a = signalA();
    const raw = a.get('A#1_RAW#1').series;
    const copy = Array.from(raw.values as Float64Array);
    await a.process(['A#1_RAW#1'], scale(7));
    expect(Array.from(a.get('A#1_RAW#1').series.values as Float64Array)).toEqual(copy);
  });
});

describe('Dataset.process (reference §3.3)', () => {
  function dataset(): Dataset {
    const b = new Signal({ name: 'B', units: 'mg/l', data: minuteSeries([3, 4, 5, 6]) });
    return new Dataset({ name: 'plant', signals: [signalA(), b] });
  }

  it('adds numbered output signals with the inputs history', async () => {
    const ds = dataset();
    await ds.get('A#1').process(['A#1_RAW#1'], scale(2));
    expect(await ds.process(['A#1_SCALED#1', 'B#1_RAW#1'], average)).toEqual(['AVERAGE#1']);
    expect(await ds.process(['A#1_RAW#1', 'B#1_RAW#1'], average)).toEqual(['AVERAGE#2']);
    const avg = ds.get('AVERAGE#1').get('AVERAGE#1_RAW#1');
    expect(Array.from(avg.series.values as Float64Array)).toEqual([2.5, 4, 5.5, 7]);
    expect(avg.processingSteps.map((s) => s.suffix)).toEqual(['SCALED', 'RAW']);
    expect(avg.processingSteps.at(-1)!.inputSeriesNames).toEqual(['A#1_SCALED#1', 'B#1_RAW#1']);
  });

  it('custom signal/ts names, overwrite of the latest, validation first', async () => {
    const ds = dataset();
    expect(await ds.process(['A#1_RAW#1', 'B#1_RAW#1'], average, undefined, { outputSignalNames: ['siteaverage'], outputTsNames: ['mean'] })).toEqual(['siteaverage#1']);
    expect(ds.get('siteaverage#1').allTimeSeries).toEqual(['siteaverage#1_mean#1']);
    await ds.process(['A#1_RAW#1', 'B#1_RAW#1'], average);
    await ds.process(['A#1_RAW#1', 'B#1_RAW#1'], average);
    expect(await ds.process(['A#1_RAW#1', 'B#1_RAW#1'], average, undefined, { overwrite: true })).toEqual(['AVERAGE#2']);
    const before = ds.allSignals;
    await expectError(ds.process(['A#1_RAW#1'], average, undefined, { outputSignalNames: ['a', 'b'] }), 'INVALID_INPUT', 'outputSignalNames has 2');
    await expectError(ds.process(['A#1_RAW#1'], average, undefined, { outputTsNames: ['x', 'y'] }), 'INVALID_INPUT', 'outputTsNames has 2');
    await expectError(ds.process(['Z#1_RAW#1'], average), 'INVALID_INPUT', '"Z#1_RAW#1" not found');
    expect(ds.allSignals).toEqual(before);
  });

  it('refuses two signals with one name (Python silently drops one)', async () => {
    await expectError(() => new Dataset({ name: 'd', signals: [new Signal({ name: 'A' }), new Signal({ name: 'A#1' })] }), 'CONFLICT');
  });

  it('renaming a signal rewrites its lineage (Python bug 4 fixed)', async () => {
    const a = signalA();
    await a.process(['A#1_RAW#1'], scale(2));
    a.rename('Q');
    expect(a.allTimeSeries).toEqual(['Q#1_RAW#1', 'Q#1_SCALED#1']);
    expect(a.get('Q#1_SCALED#1').processingSteps[0]!.inputSeriesNames).toEqual(['Q#1_RAW#1']);
    expect(a.get('Q#1_SCALED#1').series.name).toBe('Q#1_SCALED#1');
  });

  it('Signal creation numbers names and refuses bad data', async () => {
    expect(new Signal().allTimeSeries).toEqual(['signal_RAW#1']);
    expect(new Signal({ name: 'CODs' }).name).toBe('CODs#1');
    await expectError(() => new Signal({ name: 'bad_name' }), 'INVALID_INPUT', 'bad_name');
    await expectError(() => new Signal({ name: 'A', data: [1, 2] as never }), 'INVALID_INPUT', 'received data');
    await expectError(() => new Signal({ name: 'A', data: [minuteSeries([1]), minuteSeries([2])] }), 'CONFLICT', 'A#1_RAW#1');
    expect(new Series({ index: minuteSeries([1, 2]).index, values: Float64Array.from([1, 2]) }).length).toBe(2);
  });
});
