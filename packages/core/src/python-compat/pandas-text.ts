import { formatTimestamp, parseTimestampText, resolveParsed } from '../series/index.js';

const US_PER_S = 1_000_000;

/**
 * `str(pd.Timestamp)` for a stored key: `2020-01-01 00:00:00`, six fraction digits only
 * when the instant has sub-second parts (or the width given, one per column), `+HH:MM`
 * when the index has a zone. Offsets are whole minutes, as pandas writes them
 * (`+00:09` for 1850 Paris, with the wall clock that makes the text exact).
 *
 * @example pandasTimestampText(0, 'Europe/Paris') // '1970-01-01 01:00:00+01:00'
 */
export function pandasTimestampText(us: number, tz: string | null, digits?: 0 | 3 | 6): string {
  const sub = us - Math.floor(us / US_PER_S) * US_PER_S;
  const fractionDigits = digits ?? (sub === 0 ? 0 : 6);
  return formatTimestamp(us, tz, { fractionDigits });
}

/**
 * Parse pandas timestamp text into the representation of an index with zone `tz`,
 * including offsets with seconds (`+00:09:21`, which Python's `isoformat()` writes for
 * local mean time); null when the text is not a timestamp.
 */
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
