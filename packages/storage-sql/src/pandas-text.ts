import { formatTimestamp } from '@metaseries/core';

const US_PER_S = 1_000_000;

/**
 * Python's `repr(float)` (what `str(index_value)` writes for a float index):
 * shortest round-trip digits like JS, but `1.0` not `1`, `1e+16` not `10000000000000000`,
 * `nan`/`inf`. Python switches to exponent notation below 1e-4 and from 1e16 on.
 *
 * @example pyFloatRepr(1) // '1.0'
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/**
 * `str(pd.Timestamp)` for a stored key: `2020-01-01 00:00:00`, six fraction digits only
 * when the instant has sub-second parts, `+HH:MM` when the index has a zone.
 */
export function pandasTimestampText(us: number, tz: string | null): string {
  const sub = us - Math.floor(us / US_PER_S) * US_PER_S;
  return formatTimestamp(us, tz, { fractionDigits: sub === 0 ? 0 : 6 });
}

/** `str(v)` of a Python int. */
export function pyIntText(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : BigInt(Math.trunc(x)).toString();
}

/** Parse Python's number text (`1.0`, `1e+16`, `nan`, `inf`, `-inf`). */
export function parsePyNumber(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === 'inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return t === '' ? Number.NaN : Number(t);
}

/**
 * JSON.parse that also reads the non-standard tokens Python's `json.dumps` writes
 * (`NaN`, `Infinity`, `-Infinity`) as numbers.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const SENTINEL = '\u0000metaseries-number:';
    const patched = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) => (m.startsWith('"') ? m : JSON.stringify(SENTINEL + m)));
    return JSON.parse(patched, (_k, v: unknown) => {
      if (typeof v === 'string' && v.startsWith(SENTINEL)) {
        const token = v.slice(SENTINEL.length);
        return token === 'NaN' ? Number.NaN : token === '-Infinity' ? -Infinity : Infinity;
      }
      return v;
    });
  }
}
