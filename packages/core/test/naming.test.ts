import { makeTsName, parseTsName } from '@metaseries/core';
import { checkCustomName, incomingTsParts, maxNumbers, nextNumber, numberSignalName } from '@metaseries/core/backend-kit';
import { describe, expect, it } from 'vitest';
import { expectError } from './helpers.js';

describe('naming grammar (reference §2)', () => {
  it('parses like extract_ts_base_and_number', () => {
    expect(parseTsName('temperature#1_raw#2')).toEqual({ signal: 'temperature#1', base: 'raw', number: 2 });
    expect(parseTsName('a_b#1_c#x')).toEqual({ signal: 'a_b#1', base: 'c#x', number: 1 });
    expect(parseTsName('RAW')).toEqual({ signal: '', base: 'RAW', number: 1 });
    expect(parseTsName('RAW#4')).toEqual({ signal: '', base: 'RAW', number: 4 });
    // Un-numbered names Python's overwrite writes read as number 1.
    expect(parseTsName('A#1_RESAMPLED')).toEqual({ signal: 'A#1', base: 'RESAMPLED', number: 1 });
  });

  it('builds, numbers and validates names', () => {
    expect(makeTsName('A#1', 'RAW', 2)).toBe('A#1_RAW#2');
    expect(numberSignalName('CODs')).toBe('CODs#1');
    expect(numberSignalName('CODs#3')).toBe('CODs#3');
    const max = maxNumbers(['A#1_RAW#1', 'A#1_RESAMPLED#1', 'A#1_RESAMPLED#3']);
    expect(nextNumber(max, 'RESAMPLED', false)).toBe(4);
    expect(nextNumber(max, 'RESAMPLED', true)).toBe(3);
    expect(nextNumber(max, 'NEW', true)).toBe(1);
    expect(() => checkCustomName('daily_avg', 'outputNames[0]')).toThrow(/underscore/);
    expect(checkCustomName('daily-avg', 'x')).toBe('daily-avg');
  });

  it('names incoming data without breaking the grammar (Python bug 3 fixed)', () => {
    expect(incomingTsParts('RAW')).toEqual({ base: 'RAW', number: 1 });
    expect(incomingTsParts('RAW#3')).toEqual({ base: 'RAW', number: 3 });
    expect(incomingTsParts('X#2_Y#2')).toEqual({ base: 'Y', number: 2 });
    expect(incomingTsParts('my_raw_data')).toEqual({ base: 'my-raw-data', number: 1 });
    expect(incomingTsParts(null)).toEqual({ base: 'RAW', number: 1 });
  });

  it('refuses bad custom names with INVALID_INPUT naming them', async () => {
    await expectError(() => checkCustomName('', 'outputNames[0]'), 'INVALID_INPUT', 'outputNames[0]');
    await expectError(() => checkCustomName('a#2', 'outputNames[1]'), 'INVALID_INPUT', '"a#2"');
  });
});
