import { invalidInput, show } from '../errors.js';
import { parseTimestampText } from '../series/timestamp.js';

/**
 * Model timestamps (`created_on`, `last_updated`, `run_datetime`) are kept as the
 * ISO text meteaudata writes (`2024-03-01T10:00:00.123456`), so a loaded archive
 * re-saves byte-identical. metaseries writes UTC wall time and always six fraction
 * digits, because Python's strict `last_updated` parser rejects text without them.
 */
export function nowIso(): string {
  const d = new Date();
  // Date holds milliseconds; pad to microseconds.
  return `${d.toISOString().slice(0, 23)}000`;
}

/** Accept a Date or ISO text; return ISO text. Lenient on reading: any ISO-8601 Python wrote. */
export function toIso(value: unknown, field: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidInput(`${field}: invalid Date`);
    return `${value.toISOString().slice(0, 23)}000`;
  }
  if (typeof value === 'string' && parseTimestampText(value.trim()) !== null) return value.trim();
  throw invalidInput(`${field}: expected an ISO-8601 datetime, got ${show(value)}`);
}

/** A `Date` for ISO text (naive text is read as UTC; millisecond precision). */
export function isoToDate(text: string): Date {
  const parsed = parseTimestampText(text);
  if (!parsed) return new Date(Number.NaN);
  return new Date((parsed.wallUs - (parsed.offsetS ?? 0) * 1_000_000) / 1000);
}
