import { describe, expect, it } from 'vitest';
import * as dfd from 'danfojs-node';
import { DatetimeIndex, NumericIndex, RangeIndex, Series, Signal, StringIndex, TimeSeries } from '@metaseries/core';
import { fromDanfo, signalFromDanfo, timeSeriesFromDanfo, toDanfo } from '@metaseries/danfo';

const H = 3_600_000_000;
const T0 = Date.UTC(2024, 2, 10, 5) * 1000;

function zoned(values: number[], tz: string | null = 'America/Toronto', startUs = T0): Series {
  return new Series({ index: new DatetimeIndex(Float64Array.from(values, (_, i) => startUs + i * H), { tz, freq: 'h' }), values: Float64Array.from(values), name: 'CODs#1_RAW#1' });
}

describe('toDanfo / fromDanfo', () => {
  it('round-trips a datetime series with NaN (Dates; zone and freq given back)', () => {
    const s = zoned([1.5, Number.NaN, 3, -0]);
    const ds = toDanfo(s);
    expect(ds.index[0]).toBeInstanceOf(Date);
    expect((ds.index[0] as unknown as Date).getTime()).toBe(T0 / 1000);
    expect(ds.values).toEqual([1.5, Number.NaN, 3, -0]);
    expect(ds.columns).toEqual(['CODs#1_RAW#1']);
    expect(fromDanfo(ds, { tz: 'America/Toronto', freq: 'h' }).equals(s)).toBe(true);
  });

  it('Dates drop microseconds; text indexes keep them and the offsets', () => {
    const s = new Series({ index: new DatetimeIndex(Float64Array.from([T0 + 123456, T0 + H]), { tz: 'Europe/Paris' }), values: Float64Array.from([1, 2]), name: 'x' });
    const lossy = fromDanfo(toDanfo(s), { tz: 'Europe/Paris' });
    expect((lossy.index as DatetimeIndex).values[0]).toBe(T0 + 123000);
    const text = toDanfo(s, { index: 'text' });
    expect(text.index[0]).toBe('2024-03-10 06:00:00.123456+01:00');
    expect(fromDanfo(text, { tz: 'Europe/Paris' }).equals(s)).toBe(true);
  });

  it('range, numeric and string indexes; bool and string values; null strings', () => {
    const r = new Series({ index: new RangeIndex(0, 3), values: Float64Array.from([3, 2, 1]), name: 'r' });
    expect(fromDanfo(toDanfo(r)).index).toBeInstanceOf(RangeIndex);
    const n = new Series({ index: new NumericIndex(Float64Array.from([0, 0.5]), 'float64'), values: Uint8Array.from([1, 0]), name: 'n', dtype: 'bool' });
    expect(fromDanfo(toDanfo(n)).equals(n)).toBe(true);
    const st = new Series({ index: new StringIndex(['a', 'b']), values: ['x', null], name: 's', dtype: 'object' });
    expect(fromDanfo(toDanfo(st)).equals(st)).toBe(true);
  });

  it('reads a column of a DataFrame built by hand', () => {
    const df = new dfd.DataFrame({ v: [1, Number.NaN], w: ['a', 'b'] }, { index: ['2024-01-01 00:00:00', '2024-01-01 01:00:00'] });
    const s = fromDanfo(df, { column: 'v' });
    expect(s.index.kind).toBe('datetime');
    expect(s.name).toBe('v');
    expect(Array.from(s.values as Float64Array)).toEqual([1, Number.NaN]);
  });

  it('TimeSeries keep their history through metadata', () => {
    const ts = new TimeSeries({ series: zoned([1, 2]), createdOn: '2024-01-01T00:00:00' });
    const back = timeSeriesFromDanfo(toDanfo(ts), { tz: 'America/Toronto', freq: 'h', metadata: ts.metadataDict() });
    expect(back.series.equals(ts.series)).toBe(true);
    expect(back.metadataDict()).toEqual(ts.metadataDict());
  });

  it('a Signal becomes one column per series on the union of indexes, and comes back', () => {
    const raw = zoned([1, 2, 3, 4], 'UTC');
    const sig = new Signal({ name: 'CODs', units: 'mg/l', data: raw });
    sig.addSeries(new Series({ index: new DatetimeIndex(Float64Array.from([T0, T0 + 2 * H, T0 + 5 * H]), { tz: 'UTC' }), values: Float64Array.from([10, 30, 60]), name: 'SMOOTH' }));
    const df = toDanfo(sig);
    expect(df.columns).toEqual(['CODs#1_RAW#1', 'CODs#1_SMOOTH#1']);
    expect(df.shape).toEqual([5, 2]);
    expect(df.column('CODs#1_SMOOTH#1').values).toEqual([10, Number.NaN, 30, Number.NaN, 60]);
    const back = signalFromDanfo(df, { name: 'CODs', tz: 'UTC', dropMissing: true });
    expect(back.allTimeSeries).toEqual(['CODs#1_RAW#1', 'CODs#1_SMOOTH#1']);
    expect(Array.from(back.get('CODs#1_RAW#1').series.values as Float64Array)).toEqual([1, 2, 3, 4]);
    expect(Array.from((back.get('CODs#1_SMOOTH#1').series.index as DatetimeIndex).values)).toEqual([T0, T0 + 2 * H, T0 + 5 * H]);
  });
});
