import type { DatetimeUnit } from '../series/index.js';

/**
 * pandas dtype names, as both pandas generations write them:
 * - datetimes: `datetime64[ns]` (pandas 2's default), `datetime64[us]` (pandas 3's
 *   default for parsed text), `datetime64[ms]`, `datetime64[s]`, each optionally with a
 *   zone (`datetime64[us, Europe/Paris]`); numpy's `<M8[ns]` too;
 * - text: `object` (pandas 2), `str` (pandas 3's default string dtype), `string`,
 *   `string[python]`, `string[pyarrow]`;
 * - numbers: `float64`, `int64`, nullable `Float64`/`Int64`, and the rest of numpy's.
 */
export interface DatetimeDtype {
  unit: DatetimeUnit;
  tz: string | null;
}

const DATETIME = /^(?:datetime64|<M8|M8)\[(ns|us|ms|s)(?:,\s*(.+?))?\]$/;

/** Parse a datetime dtype (`datetime64[us, UTC]`); null when `dtype` is not one. */
export function parseDatetimeDtype(dtype: string): DatetimeDtype | null {
  const m = DATETIME.exec(dtype.trim());
  if (!m) return null;
  return { unit: m[1] as DatetimeUnit, tz: m[2]?.trim() ?? null };
}

/** `str(index.dtype)` of a datetime index: `datetime64[ns]`, `datetime64[us, UTC]`. */
export function datetimeDtype(unit: DatetimeUnit, tz: string | null): string {
  return tz === null ? `datetime64[${unit}]` : `datetime64[${unit}, ${tz}]`;
}

const TEXT_DTYPES = new Set(['object', 'str', 'string', 'string[python]', 'string[pyarrow]', 'string[pyarrow_numpy]', 'O', '|O']);

/** Whether a values dtype holds text (pandas 2's `object` or pandas 3's `str`/`string`). */
export function isTextDtype(dtype: string): boolean {
  return TEXT_DTYPES.has(dtype.trim());
}

/**
 * The values dtype to record for what was read, as written (so a pandas 3 `str` column
 * stays `str` and a pandas 2 `object` column stays `object`); numpy's byte-order forms
 * (`<f8`, `<i8`) are named the pandas way.
 */
export function canonicalValuesDtype(dtype: string): string {
  const t = dtype.trim();
  const numpy: Record<string, string> = { '<f8': 'float64', '<f4': 'float32', '<i8': 'int64', '<i4': 'int32', '|b1': 'bool', '?': 'bool', 'O': 'object', '|O': 'object' };
  return numpy[t] ?? t;
}
