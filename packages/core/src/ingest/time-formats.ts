import { invalidInput, show } from '../errors.js';
import { makeFastTimestamp } from '../archive/csv-read.js';
import { daysFromCivil, daysInMonth, US_PER_DAY, US_PER_H, US_PER_MIN, US_PER_MS, US_PER_S } from '../series/calendar.js';
import { resolveParsed } from '../series/timestamp.js';

/**
 * How the timestamps of a file are written.
 * - `iso`: `YYYY-MM-DD[ T]HH:MM[:SS[.f]]`, date only, `/` as date separator, optional `Z`/`±HH:MM`
 * - `dmy` / `mdy`: `31/12/2024 23:00` / `12/31/2024 23:00` (`/`, `.` or `-` between the parts)
 * - `month-name`: `Jan 1 2000`, `January 1, 2000`
 * - `epoch-s` … `epoch-ns`: numbers since 1970-01-01 UTC
 * - `excel`: serial days since 1899-12-30 (fractions are the time of day)
 * Every text format reads `24:00[:00]` as midnight of the next day.
 */
export type TimeFormat = 'iso' | 'dmy' | 'mdy' | 'month-name' | 'epoch-s' | 'epoch-ms' | 'epoch-us' | 'epoch-ns' | 'excel';

export const TIME_FORMATS: readonly TimeFormat[] = ['iso', 'dmy', 'mdy', 'month-name', 'epoch-s', 'epoch-ms', 'epoch-us', 'epoch-ns', 'excel'];

/** Parses `text[s, e)` into stored microseconds (UTC instants, or wall time when the zone is null); NaN when it does not parse. */
export type TimeParser = (text: string, s: number, e: number) => number;

const EXCEL_EPOCH_DAYS = daysFromCivil(1899, 12, 30);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Digits in text[i, j) → number, or -1. */
function num(text: string, i: number, j: number): number {
  if (j <= i) return -1;
  let n = 0;
  for (let k = i; k < j; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function runOfDigits(text: string, i: number, e: number): number {
  while (i < e) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    i++;
  }
  return i;
}

/** Where a time of day `H[H]:MM[:SS[.f]]` starting at `i` ends, and its microseconds (24:00 allowed → one day). */
function timeOfDay(text: string, i: number, e: number, out: { us: number; end: number }): boolean {
  const hEnd = runOfDigits(text, i, e);
  const hh = num(text, i, hEnd);
  if (hh < 0 || hEnd - i > 2 || text.charCodeAt(hEnd) !== 58) return false;
  const mm = num(text, hEnd + 1, hEnd + 3);
  if (mm < 0 || mm > 59) return false;
  let k = hEnd + 3;
  let ss = 0, frac = 0;
  if (k < e && text.charCodeAt(k) === 58) {
    ss = num(text, k + 1, k + 3);
    if (ss < 0 || ss > 59) return false;
    k += 3;
    if (k < e && (text.charCodeAt(k) === 46 || text.charCodeAt(k) === 44)) {
      k++;
      let scale = 100_000, any = false;
      while (k < e) {
        const d = text.charCodeAt(k) - 48;
        if (d < 0 || d > 9) break;
        if (scale >= 1) frac += d * scale;
        scale /= 10; any = true; k++;
      }
      if (!any) return false;
    }
  }
  if (hh > 24 || (hh === 24 && (mm !== 0 || ss !== 0 || frac !== 0))) return false;
  out.us = hh * US_PER_H + mm * US_PER_MIN + ss * US_PER_S + Math.floor(frac);
  out.end = k;
  return true;
}

/** A trailing `Z` or `±HH[:MM]` at text[i, e); returns seconds, null when absent, NaN when malformed. */
function offsetAt(text: string, i: number, e: number): number | null {
  if (i === e) return null;
  const c = text.charCodeAt(i);
  if (c === 90 && i + 1 === e) return 0;
  if (c !== 43 && c !== 45) return Number.NaN;
  const oh = num(text, i + 1, i + 3);
  let k = i + 3;
  if (k < e && text.charCodeAt(k) === 58) k++;
  const om = k < e ? num(text, k, k + 2) : 0;
  if (oh < 0 || om < 0 || (k < e && k + 2 !== e)) return Number.NaN;
  return (c === 45 ? -1 : 1) * (oh * 3600 + om * 60);
}

const tod = { us: 0, end: 0 };

/**
 * Wall-clock microseconds of a numeric date (`order` says which part is the year,
 * month and day) with an optional time; the offset, when the text has one, in `offsetOut[0]`.
 */
function numericDate(text: string, s: number, e: number, order: 'ymd' | 'dmy' | 'mdy', offsetOut: number[]): number {
  while (s < e && text.charCodeAt(s) === 32) s++;
  while (e > s && text.charCodeAt(e - 1) === 32) e--;
  const a1 = runOfDigits(text, s, e);
  const sep = text.charCodeAt(a1);
  if (sep !== 45 && sep !== 47 && sep !== 46) return Number.NaN;
  const b0 = a1 + 1, b1 = runOfDigits(text, b0, e);
  if (text.charCodeAt(b1) !== sep) return Number.NaN;
  const c0 = b1 + 1, c1 = runOfDigits(text, c0, e);
  const p1 = num(text, s, a1), p2 = num(text, b0, b1), p3 = num(text, c0, c1);
  let y: number, m: number, d: number;
  if (order === 'ymd') {
    if (a1 - s !== 4 || b1 - b0 > 2 || c1 - c0 > 2) return Number.NaN;
    y = p1; m = p2; d = p3;
  } else {
    if (c1 - c0 !== 4 || a1 - s > 2 || b1 - b0 > 2) return Number.NaN;
    y = p3;
    if (order === 'dmy') { d = p1; m = p2; } else { m = p1; d = p2; }
  }
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return Number.NaN;
  let us = daysFromCivil(y, m, d) * US_PER_DAY;
  let k = c1;
  if (k < e) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 84) return Number.NaN;
    k++;
    while (k < e && text.charCodeAt(k) === 32) k++;
    if (!timeOfDay(text, k, e, tod)) return Number.NaN;
    us += tod.us;
    k = tod.end;
  }
  const off = offsetAt(text, k, e);
  if (off !== null && (order !== 'ymd' || Number.isNaN(off))) return Number.NaN;
  offsetOut[0] = off === null ? Number.NaN : off;
  return us;
}

/** `Jan 1 2000`, `January 1, 2000 10:00`. */
function monthName(text: string, s: number, e: number): number {
  const m = /^\s*([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{1,2}),?\s+(\d{4})(?:\s+(\d{1,2}:\d{2}(?::\d{2})?))?\s*$/.exec(text.slice(s, e));
  if (!m) return Number.NaN;
  const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
  const day = Number(m[2]), year = Number(m[3]);
  if (month < 1 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  let us = daysFromCivil(year, month, day) * US_PER_DAY;
  if (m[4]) {
    if (!timeOfDay(m[4], 0, m[4].length, tod)) return Number.NaN;
    us += tod.us;
  }
  return us;
}

function numberAt(text: string, s: number, e: number): number {
  if (e <= s) return Number.NaN;
  const x = Number(text.slice(s, e));
  return Number.isFinite(x) ? x : Number.NaN;
}

/**
 * A parser for one format, resolving wall times in `tz` (null = naive). Epoch and
 * Excel numbers are UTC instants (Excel serials are wall times in `tz`, as Excel has no zones).
 */
export function timeParser(format: TimeFormat, tz: string | null): TimeParser {
  const off = [Number.NaN];
  const resolve = (wall: number): number => {
    if (Number.isNaN(wall)) return wall;
    const o = off[0]!;
    return resolveParsed({ wallUs: wall, offsetS: Number.isNaN(o) ? null : o }, tz);
  };
  switch (format) {
    case 'iso': {
      const fast = makeFastTimestamp(tz);
      return (text, s, e) => fast(text, s, e) ?? resolve(numericDate(text, s, e, 'ymd', off));
    }
    case 'dmy':
    case 'mdy':
      return (text, s, e) => resolve(numericDate(text, s, e, format, off));
    case 'month-name':
      return (text, s, e) => { off[0] = Number.NaN; return resolve(monthName(text, s, e)); };
    case 'epoch-s': return (text, s, e) => numberAt(text, s, e) * US_PER_S;
    case 'epoch-ms': return (text, s, e) => numberAt(text, s, e) * US_PER_MS;
    case 'epoch-us': return (text, s, e) => numberAt(text, s, e);
    case 'epoch-ns': return (text, s, e) => Math.floor(numberAt(text, s, e) / 1000);
    case 'excel':
      return (text, s, e) => {
        const x = numberAt(text, s, e);
        off[0] = Number.NaN;
        // Round to the millisecond: serial days carry binary noise in their fractions.
        return resolve(Number.isNaN(x) ? x : EXCEL_EPOCH_DAYS * US_PER_DAY + Math.round(x * 86_400_000) * US_PER_MS);
      };
    default:
      throw invalidInput(`Unknown time format ${show(format)}; expected one of ${TIME_FORMATS.join(', ')}`);
  }
}

/** What the detection found for a time column. */
export interface TimeDetection {
  format: TimeFormat;
  /** True when the sample had a UTC offset (so the index is zoned, UTC unless a zone is given). */
  hasOffset: boolean;
}

/**
 * Pick the format that parses the non-empty sample values (all but one, or 10%, of them). Day-first vs month-first
 * is decided by a part above 12; when no value tells, `dayFirst` must say, else
 * INVALID_INPUT. Numbers are epochs when `numericIsTime` (by magnitude: s, ms, µs,
 * ns), or Excel serial days when they lie between 1 and 100 000 and the column name says so.
 * Returns null when the sample is not timestamps.
 */
export function detectTimeFormat(sample: readonly string[], options: { dayFirst?: boolean; numericIsTime?: boolean; column?: string } = {}): TimeDetection | null {
  const values = sample.map((v) => v.trim()).filter((v) => v !== '');
  if (values.length === 0) return null;
  const off = [Number.NaN];
  // Most, not all: a sample may hold a bad row, which ingestion then reports with its line.
  const all = (fn: (v: string) => boolean): boolean => {
    const failures = values.length - values.filter(fn).length;
    return failures <= Math.max(1, Math.floor(values.length * 0.1)) && failures < values.length / 2;
  };
  if (all((v) => !Number.isNaN(numericDate(v, 0, v.length, 'ymd', off)))) {
    const hasOffset = values.some((v) => { numericDate(v, 0, v.length, 'ymd', off); return !Number.isNaN(off[0]!); });
    return { format: 'iso', hasOffset };
  }
  const dmy = all((v) => !Number.isNaN(numericDate(v, 0, v.length, 'dmy', off)));
  const mdy = all((v) => !Number.isNaN(numericDate(v, 0, v.length, 'mdy', off)));
  if (dmy && mdy) {
    if (options.dayFirst === undefined) {
      throw invalidInput(`Time column ${show(options.column ?? '')}: dates such as ${show(values[0])} read both day-first and month-first; pass dayFirst: true or false (or timeFormat 'dmy' / 'mdy')`);
    }
    return { format: options.dayFirst ? 'dmy' : 'mdy', hasOffset: false };
  }
  if (dmy) return { format: 'dmy', hasOffset: false };
  if (mdy) return { format: 'mdy', hasOffset: false };
  if (all((v) => !Number.isNaN(monthName(v, 0, v.length)))) return { format: 'month-name', hasOffset: false };
  if (options.numericIsTime && all((v) => /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v))) {
    const max = Math.max(...values.map((v) => Math.abs(Number(v))));
    if (/excel|serial/i.test(options.column ?? '') || (max > 1 && max < 100_000 && values.some((v) => v.includes('.')))) return { format: 'excel', hasOffset: false };
    const format: TimeFormat = max < 1e11 ? 'epoch-s' : max < 1e14 ? 'epoch-ms' : max < 1e17 ? 'epoch-us' : 'epoch-ns';
    return { format, hasOffset: false };
  }
  return null;
}
