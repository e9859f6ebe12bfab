import { invalidInput, show } from '../errors.js';
import { daysFromCivil, daysInMonth, US_PER_DAY, US_PER_H, US_PER_MIN, US_PER_S } from './calendar.js';
import { parseTimestampText, resolveParsed, toMicros, type EpochUnit, type Micros } from './timestamp.js';

/**
 * pandas' partial-string label bounds: `"2020"`, `"2020-01"`, `"2020-01-01"`,
 * `"2020-01-01 01"`, `"2020-01-01 01:00"` each cover the whole period they name, so a
 * label slice ending at `"2020-01-01"` includes every point of that day.
 * Returns the first and last microsecond of the period.
 */
export function labelPeriod(label: unknown, tz: string | null, unit: EpochUnit = 'ms'): [Micros, Micros] {
  if (typeof label !== 'string') {
    const us = toMicros(label, tz, unit);
    return [us, us];
  }
  const text = label.trim();
  const ym = /^(\d{4})(?:-(\d{2}))?$/.exec(text);
  if (ym) {
    const year = Number(ym[1]);
    const month = ym[2] === undefined ? null : Number(ym[2]);
    if (month !== null && (month < 1 || month > 12)) throw invalidInput(`Invalid date ${show(label)}`);
    const start = daysFromCivil(year, month ?? 1, 1) * US_PER_DAY;
    const end = month === null ? daysFromCivil(year + 1, 1, 1) * US_PER_DAY : start + daysInMonth(year, month) * US_PER_DAY;
    return localise(start, end, tz);
  }
  const parsed = parseTimestampText(text) ?? parseTimestampText(/^\d{4}-\d{2}-\d{2}[T ]\d{2}$/.test(text) ? `${text}:00` : '');
  if (!parsed) throw invalidInput(`Invalid date label ${show(label)}: expected ISO-8601 text such as "2020-01-01" or "2020-01-01 10:30"`);
  const body = text.replace(/(Z|[+-]\d{2}(:?\d{2})?)$/, '');
  const span = body.length <= 10 ? US_PER_DAY : body.length <= 13 ? US_PER_H : body.length <= 16 ? US_PER_MIN : body.length <= 19 ? US_PER_S : 1;
  const start = resolveParsed(parsed, tz);
  if (parsed.offsetS !== null || tz === null) return [start, start + span - 1];
  return localise(parsed.wallUs, parsed.wallUs + span, tz);
}

function localise(startWall: number, endWall: number, tz: string | null): [Micros, Micros] {
  const s = resolveParsed({ wallUs: startWall, offsetS: null }, tz);
  const e = resolveParsed({ wallUs: endWall, offsetS: null }, tz);
  return [s, e - 1];
}
