import { describe, expect, it } from 'vitest';
import { Dataset, DataProvenance, MetaseriesError, Signal } from '@metaseries/core';
import { averageSeries, averageSignals } from '@metaseries/processing';
import { decode, expectSeries, isError, load, stepDict, type EncodedSeries, type PyError } from './fixtures.js';

interface AvgCase {
  id: string;
  inputs: string[];
  args: { check_units: boolean };
  pandas: EncodedSeries | PyError;
  meteaudata: { signal: string; units: string; provenance: Record<string, unknown>; outputs: { series: EncodedSeries; steps: Record<string, unknown>[] }[] } | PyError;
}
const fixture = load<{ signals: Record<string, { series: EncodedSeries; units: string }>; cases: AvgCase[] }>('average-signals.json');

function signal(key: string): Signal {
  const f = fixture.signals[key]!;
  return new Signal({ name: key, units: f.units, provenance: new DataProvenance({ parameter: key, location: 'plant' }), data: decode(f.series).rename('RAW') });
}

describe('averageSignals (pandas concat(axis=1).mean(axis=1), meteaudata average_signals)', () => {
  for (const c of fixture.cases) {
    it(c.id, async () => {
      const signals = c.inputs.map(signal);
      const names = c.inputs.map((k) => `${k}#1_RAW#1`);
      const transform = averageSignals(null, c.args.check_units);
      if (isError(c.meteaudata)) {
        await expect(Promise.resolve(transform(signals, names, undefined))).rejects.toThrow(/Signals have different units: \{"mg\/L", "g\/m3"\}/);
        return;
      }
      if (!isError(c.pandas)) {
        const unique = [...new Set(names)];
        const series = unique.map((n) => signals[names.indexOf(n)]!.get(n).series);
        expectSeries(averageSeries(series).rename(c.pandas.name), c.pandas, { label: `${c.id} pandas` });
      }
      const [out] = await transform(signals, names, undefined);
      const m = c.meteaudata;
      expect(out!.name).toBe(m.signal);
      // Python picks an arbitrary unit from a set when check_units=False; we take the first input's.
      expect(out!.units).toBe(c.args.check_units ? m.units : signals[0]!.units);
      expect(out!.provenance.toDict()).toEqual(m.provenance);
      const [ts] = [...out!.timeSeries.values()];
      expectSeries(ts!.series, m.outputs[0]!.series, { label: `${c.id} meteaudata` });
      expect(ts!.processingSteps.map(stepDict)).toEqual(m.outputs[0]!.steps);
    });
  }

  it('runs through dataset.process and numbers the output signal AVERAGE#1', async () => {
    const ds = new Dataset({ name: 'plant', signals: [signal('A'), signal('B')] });
    await ds.process(['A#1_RAW#1', 'B#1_RAW#1'], averageSignals());
    const avg = ds.signals.get('AVERAGE#1');
    expect(avg?.allTimeSeries).toEqual(['AVERAGE#1_RAW#1']);
    const steps = avg!.get('AVERAGE#1_RAW#1').processingSteps;
    expect(steps.at(-1)!.toDict()).toMatchObject({ type: 'dimensionality_reduction', suffix: 'RAW', parameters: null, input_series_names: ['A#1_RAW#1', 'B#1_RAW#1'] });
  });

  it('refuses different units with INVALID_INPUT', async () => {
    const err = await Promise.resolve(averageSignals()([signal('A'), signal('D')], ['A#1_RAW#1', 'D#1_RAW#1'], undefined)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetaseriesError);
    expect((err as MetaseriesError).code).toBe('INVALID_INPUT');
  });
});
