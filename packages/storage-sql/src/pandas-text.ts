import { formatTimestamp, formatWall, offsetSecondsAt, parseTimestampText, resolveParsed } from '@metaseries/core';

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
export function pandasTimestampText(us: number, tz: string | null, digits?: 0 | 3 | 6): string {
  const sub = us - Math.floor(us / US_PER_S) * US_PER_S;
  const fractionDigits = digits ?? (sub === 0 ? 0 : 6);
  if (tz !== null) {
    const offset = offsetSecondsAt(tz, us);
    // Local mean time offsets (before ~1900) have seconds: pandas writes `+00:09:21`.
    if (offset % 60 !== 0) return formatWall(us + offset * US_PER_S, { fractionDigits }) + secondsOffset(offset);
  }
  return formatTimestamp(us, tz, { fractionDigits });
}

function secondsOffset(offsetS: number): string {
  const abs = Math.abs(offsetS);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${offsetS < 0 ? '-' : '+'}${p(Math.floor(abs / 3600))}:${p(Math.floor((abs % 3600) / 60))}:${p(abs % 60)}`;
}

/** Parse pandas timestamp text, including offsets with seconds (`+00:09:21`). */
export function parsePandasTimestamp(text: string, tz: string | null): number | null {
  const t = text.trim();
  const m = /([+-])(\d\d):(\d\d):(\d\d)$/.exec(t);
  if (m) {
    const wall = parseTimestampText(t.slice(0, m.index));
    if (!wall || wall.offsetS !== null) return null;
    const offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]));
    return wall.wallUs - offset * US_PER_S;
  }
  const parsed = parseTimestampText(t);
  return parsed ? resolveParsed(parsed, tz) : null;
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
