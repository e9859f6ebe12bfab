import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MetaseriesError, Series, Signal } from '@metaseries/core';
import {
  derivative, detectGaps, linearInterpolation, normalizeIndex, predictFromPreviousPoint, replaceRanges, replaceRangesInSeries, resample,
  resampleSeries, rollingMean, rollingMedian, rollingSeries, subset,
} from '@metaseries/processing';
import { PYTHON, pythonAvailable, SKIP_PYTHON_REASON } from '../../../test/support/python.js';
import { expectInvalid, FIXTURES, input, ROOT } from './fixtures.js';
import { tempDir } from '../../../test/support/tmp.js';

const raw = () => input('regular'); // A#1_RAW#1, 1-minute, NaN runs

describe('transforms through signal.process', () => {
  it('resample, interpolate, rolling, derivative, gaps: names, numbering and history', async () => {
    const signal = new Signal({ name: 'A', units: 'mg/L', data: raw().rename('RAW') });
    expect(await signal.process(['A#1_RAW#1'], resample('5min'))).toEqual(['A#1_RESAMPLED#1']);
    expect(await signal.process(['A#1_RESAMPLED#1'], linearInterpolation())).toEqual(['A#1_LIN-INT#1']);
    expect(await signal.process(['A#1_RAW#1'], resample('h', { aggregation: 'percentile', q: 0.9 }))).toEqual(['A#1_RESAMPLED-PERCENTILE#1']);
    expect(await signal.process(['A#1_RAW#1'], rollingMean('30min'))).toEqual(['A#1_ROLLING-MEAN#1']);
    expect(await signal.process(['A#1_RAW#1'], rollingMedian(5, { minPeriods: 3 }))).toEqual(['A#1_ROLLING-MEDIAN#1']);
    expect(await signal.process(['A#1_RAW#1'], derivative())).toEqual(['A#1_DERIVATIVE#1']);
    expect(await signal.process(['A#1_RAW#1'], detectGaps('3min'))).toEqual(['A#1_GAPS#1']);
    expect(await signal.process(['A#1_RAW#1'], resample('5min'))).toEqual(['A#1_RESAMPLED#2']);
    const lin = signal.get('A#1_LIN-INT#1');
    expect(lin.processingSteps.map((s) => s.suffix)).toEqual(['RESAMPLED', 'LIN-INT']);
    expect(lin.processingSteps[1]!.inputSeriesNames).toEqual(['A#1_RESAMPLED#1']);
    expect(lin.series.index.kind === 'datetime' && lin.series.index.freqstr).toBe('5min');
    const pct = signal.get('A#1_RESAMPLED-PERCENTILE#1').processingSteps[0]!.toDict();
    expect(pct.parameters).toEqual({ frequency: 'h', aggregation: 'percentile', q: 0.9 });
    expect(pct.function_info.source_code).toContain('function resample');
    expect(signal.get('A#1_ROLLING-MEAN#1').processingSteps[0]!.toDict()).toMatchObject({ type: 'smoothing', parameters: { window: '30min', min_periods: null } });
    expect(signal.get('A#1_GAPS#1').series.dtype).toBe('bool');
    expect(signal.get('A#1_GAPS#1').processingSteps[0]!.toDict()).toMatchObject({ type: 'fault_detection', parameters: { max_gap: '3min', ignore_missing: true } });
    expect(signal.get('A#1_DERIVATIVE#1').processingSteps[0]!.toDict()).toMatchObject({ type: 'transformation', parameters: { per: 's' } });
  });

  it('other built-ins name their outputs like meteaudata', async () => {
    const signal = new Signal({ name: 'A', data: raw().rename('RAW') });
    await signal.process(['A#1_RAW#1'], subset(5, 20, true));
    await signal.process(['A#1_RAW#1'], replaceRanges([['2024-01-01 00:20', '2024-01-01 00:25']], 'cleaning'));
    await signal.process(['A#1_RAW#1'], predictFromPreviousPoint());
    await signal.process(['A#1_RAW#1'], normalizeIndex('h'));
    expect(signal.allTimeSeries).toEqual(['A#1_RAW#1', 'A#1_SLICE#1', 'A#1_REPLACED-RANGES#1', 'A#1_PREV-PRED#1', 'A#1_NORM#1']);
    expect(signal.get('A#1_PREV-PRED#1').processingSteps[0]!.stepDistance).toBe(1);
  });
});

describe('bad input', () => {
  const numeric = Series.fromValues([1, 2, 3], { name: 'X#1_RAW#1' });

  it('datetime-only transforms on a numeric index name the series and its index kind', () => {
    for (const t of [resample('5min'), linearInterpolation(), subset(0, 1, true), predictFromPreviousPoint(), derivative(), detectGaps('1h'), rollingMean('5min')]) {
      expectInvalid(() => t([numeric], undefined), /"X#1_RAW#1" has a range index/);
    }
  });

  it('an unknown frequency alias lists the accepted forms', () => {
    expectInvalid(() => resample('5minutes'), /Unknown frequency "5minutes"; accepted forms: .*min\/T.*W-MON/);
    expectInvalid(() => resampleSeries(raw(), 'B'), /business-day bins are not implemented; supported for resampling/);
    expectInvalid(() => rollingMean('ME'), /not a fixed duration/);
  });

  it('a percentile outside [0, 1], an unknown aggregation', () => {
    for (const q of [-0.1, 1.5, Number.NaN]) expectInvalid(() => resample('h', { aggregation: 'percentile', q }), /Percentile q must be a number in \[0, 1\]/);
    expectInvalid(() => resample('h', { aggregation: 'percentile' }), /Percentile q must be a number in \[0, 1\], got undefined/);
    expectInvalid(() => resample('h', { aggregation: 'mode' as never }), /Unknown aggregation "mode"; expected one of mean, min/);
  });

  it('a window of 0 or a bad minPeriods', () => {
    expectInvalid(() => rollingMean(0), /Rolling window must be a positive integer, got 0/);
    expectInvalid(() => rollingSeries(raw(), 2.5, 'median'), /positive integer, got 2.5/);
    expectInvalid(() => rollingMean(3, { minPeriods: 4 }), /minPeriods 4 must be <= window 3/);
  });

  it('replaceRanges pairs of the wrong length', () => {
    expectInvalid(() => replaceRanges([['2024-01-01']] as never, 'x'), /Each pair of indices must contain 2 values \(start, and end\)\. Instead, received \["2024-01-01"\]\./);
    expectInvalid(() => replaceRangesInSeries(raw(), [[1, 2, 3]] as never), /received \[1,2,3\]/);
    expectInvalid(() => replaceRanges([], 'x', 'zero' as never), /replaceWith must be a number/);
  });

  it('normalizeIndex refuses an unknown unit, a bad reference and a string index', () => {
    expectInvalid(() => normalizeIndex('weeks'), /Invalid unit "weeks"\. Must be one of: D, days/);
    expectInvalid(() => normalizeIndex('s', 'yesterday')([raw()], undefined), /Invalid referenceTime "yesterday"/);
    expectInvalid(() => normalizeIndex('s')([Series.fromLabels(['a'], [1], { name: 'S#1_RAW#1' })], undefined), /Unsupported index type for series "S#1_RAW#1"/);
  });

  it('inputs are never modified', () => {
    const s = raw();
    const values = Float64Array.from(s.values as Float64Array);
    const keys = Float64Array.from(s.index.values as Float64Array);
    for (const t of [resample('7min'), linearInterpolation(), replaceRanges([['2024-01-01 00:00', '2024-01-01 01:00']], 'x', 0), rollingMedian('10min'), derivative(), normalizeIndex('h')]) {
      t([s], undefined);
    }
    expect(s.values).toEqual(values);
    expect(s.index.values).toEqual(keys);
  });

  it('errors are MetaseriesError', () => {
    expect(() => resample('nope')).toThrow(MetaseriesError);
  });
});

describe.skipIf(!pythonAvailable())('golden vectors are current (regenerated with pandas + meteaudata)', () => {
  it('scripts/gen_processing_fixtures.py reproduces test/fixtures/processing byte for byte', () => {
    const dir = tempDir('metaseries-processing-');
    try {
      execFileSync(PYTHON, [join(ROOT, 'scripts', 'gen_processing_fixtures.py'), dir], { stdio: 'pipe', timeout: 120_000 });
      const committed = readdirSync(FIXTURES).sort();
      expect(readdirSync(dir).sort()).toEqual(committed);
      for (const f of committed) {
        expect(readFileSync(join(dir, f), 'utf8') === readFileSync(join(FIXTURES, f), 'utf8'), `${f} drifted: re-run scripts/gen_processing_fixtures.py and review the diff`).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
if (!pythonAvailable()) describe.skip(SKIP_PYTHON_REASON, () => { it('skipped', () => {}); });
