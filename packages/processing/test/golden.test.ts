import { describe, expect, it } from 'vitest';
import { Series } from '@metaseries/core';
import {
  derivativeSeries, gapFlags, linearInterpolation, normalizeIndex, predictFromPreviousPoint, replaceRanges, resample,
  resampleSeries, rollingSeries, subset, type Aggregation,
} from '@metaseries/processing';
import { expectInvalid, expectSeries, input, isError, load, stepDict, type Case, type MtdOutputs } from './fixtures.js';

/** Run a signal-level transform on one fixture input and compare with meteaudata's outputs and steps. */
function checkMeteaudata(c: Case, run: (s: Series) => { series: Series; steps: { toDict(): unknown }[] }[]): void {
  const m = c.meteaudata as MtdOutputs;
  const s = input(c.input);
  const before = Array.from(s.values as Float64Array);
  const outs = run(s);
  expect(outs.length).toBe(m.outputs.length);
  outs.forEach((o, i) => {
    expectSeries(o.series, m.outputs[i]!.series, { label: `${c.id} meteaudata` });
    expect(o.steps.map((st) => stepDict(st as never))).toEqual(m.outputs[i]!.steps);
  });
  expect(Array.from(s.values as Float64Array), 'input not modified').toEqual(before);
}

describe('resample (pandas resample().mean(), meteaudata resample)', () => {
  const { cases } = load<{ cases: Case<{ frequency: string }>[] }>('resample.json');
  for (const c of cases) {
    it(c.id, () => {
      const s = input(c.input);
      if (isError(c.pandas)) {
        expectInvalid(() => resampleSeries(s, c.args.frequency), s.index.kind === 'datetime' ? /accepted forms/ : /"R#1_RAW#1" has a range index/);
        if (c.meteaudata) expectInvalid(() => resample(c.args.frequency)([s], undefined), /range index/);
        return;
      }
      expectSeries(resampleSeries(s, c.args.frequency), c.pandas!, { label: c.id });
      checkMeteaudata(c, (x) => resample(c.args.frequency)([x], undefined) as never);
    });
  }
});

describe('resample with an aggregation (pandas resample().<agg>())', () => {
  const { cases } = load<{ cases: Case<{ frequency: string; aggregation: Aggregation; q?: number }>[] }>('resample-aggregations.json');
  for (const c of cases) {
    it(c.id, () => {
      const out = resampleSeries(input(c.input), c.args.frequency, { aggregation: c.args.aggregation, q: c.args.q });
      expectSeries(out, c.pandas as never, { label: c.id });
    });
  }
});

describe('linearInterpolation (pandas interpolate(method="linear"))', () => {
  const { cases } = load('linear-interpolation.json');
  for (const c of cases) {
    it(c.id, () => {
      if (isError(c.meteaudata)) {
        expectInvalid(() => linearInterpolation()([input(c.input)], undefined), /"R#1_RAW#1" has a range index/);
        return;
      }
      checkMeteaudata(c, (x) => linearInterpolation()([x], undefined) as never);
    });
  }
});

describe('subset (pandas loc / iloc)', () => {
  const { cases } = load<{ cases: Case<{ start_position: string | number | null; end_position: string | number | null; rank_based: boolean }>[] }>('subset.json');
  for (const c of cases) {
    it(c.id, () => {
      const t = subset(c.args.start_position, c.args.end_position, c.args.rank_based);
      if (isError(c.meteaudata)) {
        expectInvalid(() => t([input(c.input)], undefined), /range index/);
        return;
      }
      checkMeteaudata(c, (x) => t([x], undefined) as never);
    });
  }
});

describe('replaceRanges (pandas loc[a:b] = value)', () => {
  const { cases } = load<{ cases: Case<{ index_pairs: [string, string][]; reason: string; replace_with: number | null }>[] }>('replace-ranges.json');
  for (const c of cases) {
    it(c.id, () => {
      const make = () => replaceRanges(c.args.index_pairs, c.args.reason, c.args.replace_with ?? Number.NaN);
      if (isError(c.meteaudata)) {
        expectInvalid(make, /Each pair of indices must contain 2 values \(start, and end\)\. Instead, received \[/);
        return;
      }
      checkMeteaudata(c, (x) => make()([x], undefined) as never);
    });
  }
});

describe('predictFromPreviousPoint', () => {
  const { cases } = load('predict-from-previous-point.json');
  for (const c of cases) {
    it(c.id, () => {
      if (isError(c.meteaudata)) {
        expectInvalid(() => predictFromPreviousPoint()([input(c.input)], undefined), /range index/);
        return;
      }
      checkMeteaudata(c, (x) => predictFromPreviousPoint()([x], undefined) as never);
    });
  }
});

describe('normalizeIndex (meteaudata normalize_index_to_numeric_delta)', () => {
  const { cases } = load<{ cases: Case<{ unit: string; reference_time: string | null }>[] }>('normalize-index.json');
  for (const c of cases) {
    it(c.id, () => {
      if (isError(c.meteaudata)) {
        expectInvalid(() => normalizeIndex(c.args.unit, c.args.reference_time), new RegExp(`Invalid unit "${c.args.unit}"\\. Must be one of: D, days, h, hours, min, minutes, s, seconds, ms, milliseconds, us, microseconds, ns, nanoseconds`));
        return;
      }
      if (c.args.unit === 'ns' || c.args.unit === 'nanoseconds') {
        // Python bug (pandas 2.3.3): Timedelta(1, "ns").total_seconds() is 0.0, so meteaudata
        // divides by zero (NaN, ±Infinity). metaseries gives the real nanosecond offsets.
        const m = c.meteaudata as MtdOutputs;
        expect(m.outputs[0]!.series.index.values!.slice(0, 2)).toEqual([null, 'Infinity']);
        const x = input(c.input);
        const [out] = normalizeIndex(c.args.unit, c.args.reference_time)([x], undefined) as { series: Series; steps: never[] }[];
        const t = (x.index as { values: Float64Array }).values;
        expect(Array.from(out!.series.index.values as Float64Array)).toEqual(Array.from(t, (v) => (v - t[0]!) * 1000));
        expect(out!.steps.map(stepDict)).toEqual(m.outputs[0]!.steps);
        return;
      }
      checkMeteaudata(c, (x) => normalizeIndex(c.args.unit, c.args.reference_time)([x], undefined) as never);
    });
  }
});

describe('rolling mean / median (pandas rolling)', () => {
  const { cases } = load<{ cases: Case<{ window: number | string; min_periods: number | null; how: 'mean' | 'median' }>[] }>('rolling.json');
  for (const c of cases) {
    it(c.id, () => {
      const out = rollingSeries(input(c.input), c.args.window, c.args.how, { minPeriods: c.args.min_periods ?? undefined });
      expectSeries(out, c.pandas as never, { label: c.id });
    });
  }
});

describe('derivative (pandas diff / total_seconds)', () => {
  const { cases } = load('derivative.json');
  for (const c of cases) it(c.id, () => expectSeries(derivativeSeries(input(c.input)), c.pandas as never, { label: c.id }));
});

describe('gap detection (pandas time differences)', () => {
  const { cases } = load<{ cases: Case<{ max_gap: string; ignore_missing: boolean }>[] }>('gaps.json');
  for (const c of cases) {
    it(c.id, () => expectSeries(gapFlags(input(c.input), c.args.max_gap, { ignoreMissing: c.args.ignore_missing }), c.pandas as never, { label: c.id }));
  }
});
