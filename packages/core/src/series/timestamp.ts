import { invalidInput, show } from '../errors.js';
import { civilFromDays, daysFromCivil, daysInMonth, US_PER_DAY, US_PER_H, US_PER_MIN, US_PER_MS, US_PER_S } from './calendar.js';
import { type LocalizeOptions, localizeWall, offsetSecondsAt, utcToWall, wallToUtc } from './timezone.js';

/**
 * Timestamps are epoch microseconds in a float64. For a time-zoned index they are
 * UTC instants; for a naive index they are wall-clock times read as if UTC (what
 * pandas does with datetime64 without a zone).
 */
export type Micros = number;

/** What a parsed timestamp text said: the wall clock, and an offset if it had one. */
export interface ParsedTimestamp {
  wallUs: Micros;
  offsetS: number | null;
}

const C0 = 48;

function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - C0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Parse ISO-8601 / pandas timestamp text: `YYYY-MM-DD`, then optionally `T` or a space,
 * `HH:MM[:SS[.fraction]]`, then optionally `Z` or `±HH[:MM]`. Fractions beyond
 * microseconds are truncated. Returns null when the text is not a timestamp.
 * Hand-written (no RegExp, no Date) because archive and SQL loads parse millions.
 */
export function parseTimestampText(text: string): ParsedTimestamp | null {
  const n = text.length;
  if (n < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  let us = daysFromCivil(year, month, day) * US_PER_DAY;
  let i = 10;
  if (i < n && (text.charCodeAt(i) === 84 || text.charCodeAt(i) === 32)) {
    i++;
    const hh = digits(text, i, 2);
    if (hh < 0 || hh > 23 || text.charCodeAt(i + 2) !== 58) return null;
    const mm = digits(text, i + 3, 2);
    if (mm < 0 || mm > 59) return null;
    us += hh * US_PER_H + mm * US_PER_MIN;
    i += 5;
    if (i < n && text.charCodeAt(i) === 58) {
      const ss = digits(text, i + 1, 2);
      if (ss < 0 || ss > 59) return null;
      us += ss * US_PER_S;
      i += 3;
      if (i < n && text.charCodeAt(i) === 46) {
        i++;
        let frac = 0, scale = 100_000, any = false;
        while (i < n) {
          const d = text.charCodeAt(i) - C0;
          if (d < 0 || d > 9) break;
          frac += d * scale;
          scale /= 10;
          any = true;
          i++;
        }
        if (!any) return null;
        us += Math.floor(frac);
      }
    }
  }
  if (i === n) return { wallUs: us, offsetS: null };
  const c = text.charCodeAt(i);
  if (c === 90 && i + 1 === n) return { wallUs: us, offsetS: 0 };
  if (c !== 43 && c !== 45) return null;
  const sign = c === 45 ? -1 : 1;
  const oh = digits(text, i + 1, 2);
  if (oh < 0) return null;
  let om = 0;
  let rest = i + 3;
  if (rest < n && text.charCodeAt(rest) === 58) rest++;
  if (rest < n) {
    om = digits(text, rest, 2);
    if (om < 0) return null;
    rest += 2;
  }
  // pandas 3 (zoneinfo) writes local mean time offsets with seconds: `+00:09:21`.
  let os = 0;
  if (rest < n && text.charCodeAt(rest) === 58) {
    os = digits(text, rest + 1, 2);
    if (os < 0 || os > 59) return null;
    rest += 3;
  }
  if (rest !== n) return null;
  return { wallUs: us, offsetS: sign * (oh * 3600 + om * 60 + os) };
}

/**
 * Parse timestamp text into the representation of an index with zone `tz`
 * (null = naive). Text with an offset is an instant: converted to `tz`, or to UTC
 * wall time for a naive index (pandas' `tz_convert(None)`). Text without an offset is
 * a wall-clock time: localised into `tz`.
 */
export function parseTimestamp(text: string, tz: string | null, localize?: LocalizeOptions): Micros {
  const parsed = parseTimestampText(text.trim());
  if (!parsed) throw invalidInput(`Invalid timestamp ${show(text)}: expected ISO-8601 text such as "2024-03-01 10:00:00" or "2024-03-01T10:00:00+01:00"`);
  // With `localize`, a wall time skipped or repeated by DST is refused (or resolved) as pandas does.
  if (localize !== undefined && parsed.offsetS === null && tz !== null) return localizeWall(tz, parsed.wallUs, localize, () => show(text));
  return resolveParsed(parsed, tz);
}

export function resolveParsed(parsed: ParsedTimestamp, tz: string | null): Micros {
  if (parsed.offsetS !== null) {
    const utc = parsed.wallUs - parsed.offsetS * US_PER_S;
    return utc;
  }
  return tz === null ? parsed.wallUs : wallToUtc(tz, parsed.wallUs);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export interface FormatOptions {
  /** `' '` (pandas text) or `'T'` (ISO). */
  separator?: ' ' | 'T';
  /** Digits of the fraction: 0, 3 or 6 (pandas uses one count for a whole column). */
  fractionDigits?: 0 | 3 | 6;
  /** Write only `YYYY-MM-DD` (pandas does when every timestamp of a naive column is midnight). */
  dateOnly?: boolean;
}

/** Format wall-clock microseconds as `YYYY-MM-DD HH:MM:SS[.fff…]`. */
export function formatWall(wallUs: Micros, options: FormatOptions = {}): string {
  const days = Math.floor(wallUs / US_PER_DAY);
  const { year, month, day } = civilFromDays(days);
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (options.dateOnly) return date;
  let rem = wallUs - days * US_PER_DAY;
  const hh = Math.floor(rem / US_PER_H); rem -= hh * US_PER_H;
  const mm = Math.floor(rem / US_PER_MIN); rem -= mm * US_PER_MIN;
  const ss = Math.floor(rem / US_PER_S); rem -= ss * US_PER_S;
  let text = `${date}${options.separator ?? ' '}${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}`;
  const fd = options.fractionDigits ?? 0;
  if (fd === 6) text += `.${pad(rem, 6)}`;
  else if (fd === 3) text += `.${pad(Math.floor(rem / US_PER_MS), 3)}`;
  return text;
}

/** `+HH:MM` text of an offset in seconds. */
export function formatOffset(offsetS: number): string {
  const sign = offsetS < 0 ? '-' : '+';
  const abs = Math.abs(offsetS);
  return `${sign}${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor((abs % 3600) / 60), 2)}`;
}

/**
 * Format a stored timestamp of an index with zone `tz` the way pandas prints it:
 * wall-clock text, plus `+HH:MM` when the index has a zone.
 */
export function formatTimestamp(us: Micros, tz: string | null, options: FormatOptions = {}): string {
  if (tz === null) return formatWall(us, options);
  // Local mean time (before ~1900) has offsets with seconds (Paris +00:09:21). pandas 2
  // writes `+00:09` and no pandas reads `+00:09:21` back, so write whole minutes (to the
  // nearest, as pytz does: Toronto's -05:17:32 is -05:18) with the wall clock that
  // matches them: the text then names the same instant for every reader.
  const offset = Math.round(offsetSecondsAt(tz, us) / 60) * 60;
  return formatWall(us + offset * US_PER_S, options) + formatOffset(offset);
}

/** Smallest fraction width (0, 3, 6) that writes every timestamp exactly. */
export function fractionDigitsFor(values: ArrayLike<number>): 0 | 3 | 6 {
  let digits: 0 | 3 | 6 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const sub = v - Math.floor(v / US_PER_S) * US_PER_S;
    if (sub === 0) continue;
    if (sub % US_PER_MS !== 0) return 6;
    digits = 3;
  }
  return digits;
}

/** Convert a JS value (Date, ISO text, epoch number in `unit`) to stored microseconds. */
export function toMicros(value: unknown, tz: string | null, unit: EpochUnit = 'ms', localize?: LocalizeOptions): Micros {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidInput(`Invalid timestamp ${show(value)}: epoch numbers must be finite`);
    // Epoch numbers are instants; a naive index reads them as UTC wall time.
    return value * EPOCH_SCALE[unit];
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw invalidInput('Invalid timestamp: an invalid Date object');
    return ms * US_PER_MS;
  }
  if (typeof value === 'string') return parseTimestamp(value, tz, localize);
  throw invalidInput(`Invalid timestamp ${show(value)}: expected a Date, an ISO-8601 string or an epoch number`);
}

export type EpochUnit = 's' | 'ms' | 'us';
export const EPOCH_SCALE: Record<EpochUnit, number> = { s: US_PER_S, ms: US_PER_MS, us: 1 };

export { utcToWall, wallToUtc };

/**
 * The one time type at the API boundary: a `Date`, ISO-8601 text, or epoch
 * milliseconds. Converted once, by `toIndexKey`, into the index's stored keys.
 */
export type TimeInput = Date | string | number;

/** An inclusive range of boundary times; a missing bound is open. */
export interface TimeRange {
  from?: TimeInput | null;
  to?: TimeInput | null;
}

/** What a boundary time is converted against: a datetime index (with its zone, null = naive) or a numeric/range one. */
export interface IndexKeyKind {
  datetime: boolean;
  tz: string | null;
}

/**
 * Convert one boundary time to a stored index key. Datetime index: a `Date` or an
 * epoch-ms number is an instant (a naive index reads it as UTC wall clock, as pandas'
 * `tz_convert(None)`); ISO text with an offset is an instant, without one a wall time
 * in the index's zone. Numeric / range index: numbers are index values; text and
 * `Date`s are refused. NaN, infinities and Invalid Date are INVALID_INPUT naming them.
 */
export function toIndexKey(value: unknown, index: IndexKeyKind, what = 'time'): number {
  if (index.datetime) {
    try {
      return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * US_PER_MS) : toMicros(value, index.tz, 'ms');
    } catch (e) {
      throw invalidInput(`Invalid ${what} ${show(value)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw invalidInput(`Invalid ${what} ${show(value)}: the index is not a datetime index, so bounds must be finite index values (numbers)`);
}

/**
 * Convert a boundary range to stored keys (inclusive). A range that ends before it
 * starts is INVALID_INPUT naming both bounds.
 */
export function toKeyRange(range: TimeRange | undefined, index: IndexKeyKind): { from?: number; to?: number } {
  const out: { from?: number; to?: number } = {};
  if (range === undefined || range === null) return out;
  if (typeof range !== 'object') throw invalidInput(`Invalid range ${show(range)}: expected { from?, to? } with Dates, ISO-8601 text or epoch milliseconds`);
  if (range.from !== undefined && range.from !== null) out.from = toIndexKey(range.from, index, 'range start');
  if (range.to !== undefined && range.to !== null) out.to = toIndexKey(range.to, index, 'range end');
  if (out.from !== undefined && out.to !== undefined && out.to < out.from) {
    throw invalidInput(`Range ends (${show(range.to)}) before it starts (${show(range.from)})`);
  }
  return out;
}

/** A stored index key as users get it back: a `Date` for a datetime index (naive: the UTC wall clock), else the number. */
export function fromIndexKey(key: number, datetime: boolean): Date | number {
  return datetime ? new Date(key / US_PER_MS) : key;
}
