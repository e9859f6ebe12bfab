import {
  DatetimeIndex, IndexMetadata, Parameters, RangeIndex, Series,
} from '@metaseries/core';
import {
  formatFrequency, formatTimestamp, parseFrequency, parseTimestamp,
} from '@metaseries/core/backend-kit';
import { describe, expect, it } from 'vitest';
import { expectError } from './helpers.js';

describe('Series', () => {
  it('builds from Dates, ISO strings, epoch numbers and records', () => {
    const a = Series.fromTimes([new Date(Date.UTC(2024, 0, 1)), '2024-01-01T00:01:00Z', Date.UTC(2024, 0, 1, 0, 2)], [1, 2, 3], { tz: 'UTC', name: 'x' });
    const b = Series.fromRecords([{ time: '2024-01-01 00:00', value: 1 }, { time: '2024-01-01 00:01', value: 2 }, { time: '2024-01-01 00:02', value: 3 }], { tz: 'UTC', name: 'x' });
    expect(a.equals(b)).toBe(true);
    expect(a.toRecords()[1]!.time.toISOString()).toBe('2024-01-01T00:01:00.000Z');
  });

  it('slices by position and by label as views', () => {
    const s = Series.regular('2024-01-01', 60_000_000, Float64Array.from({ length: 3 * 1440 }, (_, i) => i), { freq: 'min' });
    const day = s.between('2024-01-02', '2024-01-02');
    expect(day.length).toBe(1440);
    expect((day.values as Float64Array)[0]).toBe(1440);
    expect((day.values as Float64Array).buffer).toBe((s.values as Float64Array).buffer);
    expect(s.slice(-2).length).toBe(2);
    expect(s.between('2024-01-01 23:59', '2024-01-02 00:00').length).toBe(2);
  });

  it('refuses mismatched lengths, bad dates, bad zones, and unsorted label slices', async () => {
    await expectError(() => Series.fromTimes(['2024-01-01'], [1, 2], { name: 'x' }), 'INVALID_INPUT', '1 timestamps but 2 values');
    await expectError(() => Series.fromTimes(['2024-02-30'], [1]), 'INVALID_INPUT', '"2024-02-30"');
    await expectError(() => Series.fromTimes(['2024-01-01'], [1], { tz: 'Mars/Olympus' }), 'INVALID_INPUT', 'Mars/Olympus');
    await expectError(() => Series.fromTimes([new Date('nope')], [1]), 'INVALID_INPUT', 'invalid Date');
    await expectError(() => Series.fromValues([1, 'a'], { dtype: 'int64' }), 'INVALID_INPUT', '"a"');
    const unsorted = Series.fromTimes(['2024-01-02', '2024-01-01'], [1, 2], { name: 'U' });
    await expectError(() => unsorted.between('2024-01-01', '2024-01-02'), 'INVALID_INPUT', 'unsorted');
    expect(unsorted.sortByIndex().between('2024-01-01', '2024-01-01').length).toBe(1);
    const dup = Series.fromTimes(['2024-01-01', '2024-01-01'], [1, 2], { name: 'D' });
    await expectError(() => dup.requireSorted('Resampling', true), 'INVALID_INPUT', 'duplicate');
  });

  it('keeps microseconds exactly from 1700 to 2250', () => {
    for (const text of ['1700-01-01 00:00:00.000001', '2249-12-31 23:59:59.999999', '1969-12-31 23:59:59.999999', '2024-02-29 12:34:56.123456']) {
      expect(formatTimestamp(parseTimestamp(text, null), null, { fractionDigits: 6 })).toBe(text);
    }
  });

  it('keeps IANA zones across DST and formats per-row offsets', () => {
    const s = Series.fromTimes(['2024-11-03T05:30:00Z', '2024-11-03T06:30:00Z'], [1, 2], { tz: 'America/Toronto' });
    const idx = s.index as DatetimeIndex;
    expect(idx.tz).toBe('America/Toronto');
    expect(idx.textAt(0)).toBe('2024-11-03 01:30:00-04:00');
    expect(idx.textAt(1)).toBe('2024-11-03 01:30:00-05:00');
    expect(parseTimestamp('2024-11-03 01:30:00-05:00', 'America/Toronto')).toBe(idx.values[1]);
  });
});

describe('frequencies', () => {
  it('reads both alias generations and writes the new one', () => {
    const cases: [string, string][] = [['5min', '5min'], ['15T', '15min'], ['H', 'h'], ['2h', '2h'], ['S', 's'], ['L', 'ms'], ['U', 'us'], ['N', 'ns'], ['D', 'D'], ['B', 'B'], ['W', 'W-SUN'], ['W-MON', 'W-MON'], ['MS', 'MS'], ['M', 'ME'], ['ME', 'ME'], ['Q', 'QE-DEC'], ['QS', 'QS-JAN'], ['A', 'YE-DEC'], ['Y', 'YE-DEC'], ['YS', 'YS-JAN'], ['6T', '6min']];
    for (const [alias, written] of cases) expect(formatFrequency(parseFrequency(alias))).toBe(written);
  });

  it('lists the accepted forms for an unknown alias', async () => {
    await expectError(() => parseFrequency('5 fortnights'), 'INVALID_INPUT', 'accepted forms');
  });
});

describe('IndexMetadata and Parameters', () => {
  it('extracts and rebuilds indexes', () => {
    const s = Series.fromTimes(['2024-01-01 00:00', '2024-01-01 01:00'], [1, 2], { tz: 'UTC', freq: 'h' });
    const meta = IndexMetadata.fromIndex(s.index);
    expect(meta.toDict()).toEqual({ type: 'DatetimeIndex', name: null, frequency: 'h', time_zone: 'UTC', closed: null, categories: null, ordered: null, start: null, end: null, step: null, dtype: 'datetime64[ns, UTC]' });
    const rebuilt = meta.rebuildIndex(['2024-01-01 00:00:00+00:00', '2024-01-01 01:00:00+00:00']) as DatetimeIndex;
    expect(Array.from(rebuilt.values)).toEqual(Array.from((s.index as DatetimeIndex).values));
    expect(IndexMetadata.fromIndex(new RangeIndex(0, 3)).toDict()).toMatchObject({ type: 'RangeIndex', start: 0, end: 3, step: 1, dtype: 'int64' });
  });

  it('stores typed arrays as the numpy marker with a list shape', () => {
    const p = new Parameters({ window: 3, weights: Float64Array.from([0.25, 0.5]) });
    expect(p.toDict()).toEqual({ window: 3, weights: { __numpy_array__: true, data: [0.25, 0.5], dtype: 'float64', shape: [2] } });
    expect(p.get('weights')).toEqual(Float64Array.from([0.25, 0.5]));
    expect(() => new Parameters({ f: () => 1 })).toThrow(/Parameter parameters.f is a function/);
  });
});
