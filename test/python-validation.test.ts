/**
 * Validation as strict as pandas where Python would otherwise fail to read what we
 * write (issue 12): frequencies checked against the timestamps, zones Python can read
 * back, DST gaps and overlaps, mixed value types, order-dependent transforms.
 */
import { describe, expect, it } from 'vitest';
import { DatetimeIndex, MetaseriesError, Series } from '@metaseries/core';
import { checkTimeZone } from '@metaseries/core/backend-kit';
import { derivativeSeries, gapFlags } from '@metaseries/processing';

function invalid(fn: () => unknown, ...fragments: (string | RegExp)[]): MetaseriesError {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught).toBeInstanceOf(MetaseriesError);
  expect((caught as MetaseriesError).code).toBe('INVALID_INPUT');
  for (const f of fragments) expect((caught as MetaseriesError).message).toMatch(f);
  return caught as MetaseriesError;
}

describe('frequency checked against the timestamps', () => {
  it("refuses freq 'h' on 00:00, 05:00, 06:00 (Python: ValueError: Length mismatch), naming the first key off the grid", () => {
    invalid(() => Series.fromTimes(['2024-01-01 00:00', '2024-01-01 05:00', '2024-01-01 06:00'], [1, 2, 3], { freq: 'h' }), /"h"/, /2024-01-01 05:00:00/, /position 1/);
  });

  it('accepts keys on the grid, for fixed and calendar frequencies, zoned or not', () => {
    expect(Series.fromTimes(['2024-01-01 00:00', '2024-01-01 01:00', '2024-01-01 02:00'], [1, 2, 3], { freq: 'h' }).index).toMatchObject({ freq: { unit: 'h', n: 1 } });
    expect(() => Series.fromTimes(['2024-01-01', '2024-02-01', '2024-03-01'], [1, 2, 3], { freq: 'MS', tz: 'Europe/Paris' })).not.toThrow();
    expect(() => Series.fromTimes(['2024-01-31', '2024-02-29', '2024-03-31'], [1, 2, 3], { freq: 'ME' })).not.toThrow();
    expect(() => Series.fromTimes(['2024-01-07', '2024-01-14'], [1, 2], { freq: 'W-SUN' })).not.toThrow();
    expect(() => Series.fromTimes(['2024-01-05', '2024-01-08', '2024-01-09'], [1, 2, 3], { freq: 'B' })).not.toThrow();
    // A zoned daily series across the spring DST change: 23 hours between two midnights.
    expect(() => Series.fromTimes(['2024-03-30', '2024-03-31', '2024-04-01'], [1, 2, 3], { freq: 'D', tz: 'Europe/Paris' })).not.toThrow();
    invalid(() => Series.fromTimes(['2024-01-15', '2024-02-15'], [1, 2], { freq: 'MS' }), /"MS"/, /position 0/);
    invalid(() => Series.fromTimes(['2024-01-01', '2024-01-03'], [1, 2], { freq: 'D' }), /position 1/);
    invalid(() => new DatetimeIndex(new Float64Array([0, 3_600_000_000, Number.NaN]), { freq: 'h' }), /NaT/);
  });

  it("infers the frequency with freq: 'infer' (none when irregular)", () => {
    expect(Series.fromTimes(['2024-01-01 00:00', '2024-01-01 00:15', '2024-01-01 00:30'], [1, 2, 3], { freq: 'infer' }).index).toMatchObject({ freq: { n: 15, unit: 'min' } });
    expect((Series.fromTimes(['2024-01-01', '2024-02-01', '2024-03-01'], [1, 2, 3], { freq: 'infer' }).index as DatetimeIndex).freqstr).toBe('MS');
    expect((Series.fromTimes(['2024-01-01 00:00', '2024-01-01 05:00', '2024-01-01 06:00'], [1, 2, 3], { freq: 'infer' }).index as DatetimeIndex).freq).toBeNull();
  });
});

describe('time zones Python can read back', () => {
  it("refuses 'GMT-5' with a hint about the Etc/GMT sign trap", () => {
    invalid(() => Series.fromTimes(['2024-01-01'], [1], { tz: 'GMT-5' }), /"-05:00"/, /Etc\/GMT-5" is UTC\+05:00/, /"Etc\/GMT\+5"/);
    for (const bad of ['UTC+1', '+0500', 'Z', 'america/toronto', 'Mars/Olympus']) invalid(() => checkTimeZone(bad));
  });

  it('keeps IANA names and writes fixed offsets the way pandas reads them (UTC±HH:MM)', () => {
    expect(checkTimeZone('America/Toronto')).toBe('America/Toronto');
    expect(checkTimeZone('Etc/GMT-5')).toBe('Etc/GMT-5');
    expect(checkTimeZone('-05:00')).toBe('UTC-05:00');
    expect(checkTimeZone('UTC+05:30')).toBe('UTC+05:30');
    expect(checkTimeZone('utc')).toBe('UTC');
    const s = Series.fromTimes(['2024-01-01 10:00'], [1], { tz: '-05:00' });
    expect(s.index.dtype).toBe('datetime64[ns, UTC-05:00]');
    expect((s.index as DatetimeIndex).textAt(0)).toBe('2024-01-01 10:00:00-05:00');
  });

  it('writes local mean time offsets in whole minutes with a matching wall clock (1850 Paris: +00:09)', () => {
    const s = Series.fromTimes(['1850-01-01T11:50:39Z'], [1], { tz: 'Europe/Paris' });
    expect((s.index as DatetimeIndex).textAt(0)).toBe('1850-01-01 11:59:39+00:09');
  });
});

describe('DST: nonexistent and ambiguous local times', () => {
  it('refuses a time skipped by spring-forward, naming it, unless told how to shift', () => {
    const t = ['2024-03-10 02:30'];
    invalid(() => Series.fromTimes(t, [1], { tz: 'America/Toronto' }), /Nonexistent time "2024-03-10 02:30"/, /nonexistent/);
    const fwd = Series.fromTimes(t, [1], { tz: 'America/Toronto', nonexistent: 'shift_forward' });
    expect((fwd.index as DatetimeIndex).textAt(0)).toBe('2024-03-10 03:00:00-04:00');
    const back = Series.fromTimes(t, [1], { tz: 'America/Toronto', nonexistent: 'shift_backward' });
    expect(back.index.values[0]).toBe((fwd.index.values[0] as number) - 1);
    expect(Number.isNaN(Series.fromTimes(t, [1], { tz: 'America/Toronto', nonexistent: 'NaT' }).index.values[0])).toBe(true);
  });

  it('refuses a time that happens twice on fall-back, naming it, unless told which', () => {
    const t = ['2024-11-03 01:30'];
    invalid(() => Series.fromTimes(t, [1], { tz: 'America/Toronto' }), /Ambiguous time "2024-11-03 01:30"/, /ambiguous/);
    expect((Series.fromTimes(t, [1], { tz: 'America/Toronto', ambiguous: 'earliest' }).index as DatetimeIndex).textAt(0)).toBe('2024-11-03 01:30:00-04:00');
    expect((Series.fromTimes(t, [1], { tz: 'America/Toronto', ambiguous: 'latest' }).index as DatetimeIndex).textAt(0)).toBe('2024-11-03 01:30:00-05:00');
    // With an offset the time is an instant: nothing to resolve.
    expect(() => Series.fromTimes(['2024-11-03 01:30-05:00'], [1], { tz: 'America/Toronto' })).not.toThrow();
    invalid(() => Series.fromTimes(t, [1], { tz: 'America/Toronto', ambiguous: 'infer' as never }), /ambiguous must be one of/);
  });
});

describe('values', () => {
  it("refuses numbers mixed with text unless the dtype is asked for (today [1,'2',3] silently became text)", () => {
    invalid(() => Series.fromValues([1, '2', 3]), /position 0/, /"2" at position 1/, /dtype/);
    invalid(() => Series.fromTimes(['2024-01-01', '2024-01-02'], [1, 'x']));
    expect(Series.fromValues([1, '2', 3], { dtype: 'object' }).values).toEqual(['1', '2', '3']);
    expect(Series.fromValues(['a', null, 'b']).dtype).toBe('object');
  });
});

describe('order-dependent transforms refuse unsorted input', () => {
  const unsorted = () => Series.fromTimes(['2024-01-01 00:00', '2024-01-01 00:20', '2024-01-01 00:10'], [1, 2, 3], { name: 'x' });

  it('detectGaps (today it reported a gap that does not exist)', () => {
    invalid(() => gapFlags(unsorted(), '15min'), /detectGaps/, /unsorted/);
    expect(Array.from(gapFlags(unsorted().sortByIndex(), '15min').values as Uint8Array)).toEqual([0, 0, 0]);
  });

  it('derivative (today it worked positionally)', () => {
    invalid(() => derivativeSeries(unsorted()), /derivative/, /unsorted/);
  });
});
