import { invalidInput } from '../errors.js';
import { US_PER_S } from './calendar.js';

/**
 * IANA time-zone support on top of `Intl`, which ships every zone with Node.
 * Zones are kept by name and never degraded to fixed offsets; fixed offsets
 * (`UTC-05:00`, `+01:00`, as pandas writes them) are accepted too.
 */

interface Zone {
  name: string;
  fixedOffsetS: number | null;
  formatter: Intl.DateTimeFormat | null;
  /** offset (seconds) per 15-minute bucket of UTC time; NaN = a transition inside. */
  buckets: Map<number, number>;
}

const zones = new Map<string, Zone>();
const BUCKET_S = 900;

// Fixed offsets are accepted only in the spellings pandas reads back: `±HH:MM` and
// `UTC±HH:MM` (pandas writes `UTC-05:00` as `str(tz)`).
const FIXED = /^(?:UTC)?([+-])(\d{2}):(\d{2})$/;
// What people type for a fixed offset that pandas/zoneinfo refuse (`GMT-5`, `UTC+1`, `+0500`, `-5`).
const LOOSE_OFFSET = /^(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i;
const IANA_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * Validate a zone name and return its canonical spelling (`utc` → `UTC`,
 * `-05:00` → `UTC-05:00`). Accepted: IANA names (`America/Toronto`, `Etc/GMT-5`, `UTC`)
 * spelled as Python's zoneinfo needs them (case matters), and fixed offsets written
 * `±HH:MM` or `UTC±HH:MM`. Anything Python could not read back is INVALID_INPUT.
 *
 * @example checkTimeZone('-05:00') // 'UTC-05:00'
 */
export function checkTimeZone(name: string): string {
  return zone(name).name;
}

function fixedName(offsetS: number): string {
  if (offsetS === 0) return 'UTC';
  const abs = Math.abs(offsetS);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `UTC${offsetS < 0 ? '-' : '+'}${p(Math.floor(abs / 3600))}:${p(Math.floor((abs % 3600) / 60))}`;
}

function refuseZone(name: string, hint: string, cause?: unknown): never {
  throw invalidInput(`Unknown time zone ${JSON.stringify(name)}: ${hint}`, cause === undefined ? {} : { cause });
}

function zone(name: string): Zone {
  const cached = zones.get(name);
  if (cached) return cached;
  let made: Zone;
  const fixed = FIXED.exec(name);
  if (name === 'UTC' || name === 'utc') {
    made = { name: 'UTC', fixedOffsetS: 0, formatter: null, buckets: new Map() };
  } else if (fixed) {
    const sign = fixed[1] === '-' ? -1 : 1;
    const hours = Number(fixed[2]), minutes = Number(fixed[3]);
    if (hours > 23 || minutes > 59) refuseZone(name, 'a fixed offset must lie within ±23:59');
    const seconds = sign * (hours * 3600 + minutes * 60);
    made = { name: fixedName(seconds), fixedOffsetS: seconds, formatter: null, buckets: new Map() };
  } else {
    const loose = LOOSE_OFFSET.exec(name);
    if (loose) {
      const hh = loose[2]!.padStart(2, '0'), mm = loose[3] ?? '00';
      const offset = `${loose[1]}${hh}:${mm}`;
      const opposite = loose[1] === '-' ? '+' : '-';
      // IANA's Etc/GMT±N zones count the other way round: Etc/GMT-5 is UTC+05:00.
      const etc = mm === '00' ? `; beware the sign trap: IANA's "Etc/GMT${loose[1]}${Number(hh)}" is UTC${opposite}${hh}:00, and UTC${offset} as an IANA name is "Etc/GMT${opposite}${Number(hh)}"` : '';
      refuseZone(name, `Python cannot read this zone back; write the fixed offset as "${offset}" (stored as UTC${offset})${etc}`);
    }
    if (name === 'Z') refuseZone(name, 'write "UTC"');
    if (!IANA_SHAPE.test(name)) refuseZone(name, 'expected an IANA name such as "UTC" or "America/Toronto", or a fixed offset such as "+01:00"');
    let formatter: Intl.DateTimeFormat;
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch (cause) {
      refuseZone(name, 'expected an IANA name such as "UTC" or "America/Toronto", or a fixed offset such as "+01:00"', cause);
    }
    const resolved = formatter.resolvedOptions().timeZone;
    // Intl ignores case; Python's zoneinfo does not.
    if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) refuseZone(name, `zone names are case-sensitive in Python; did you mean "${resolved}"?`);
    made = { name, fixedOffsetS: null, formatter, buckets: new Map() };
  }
  zones.set(name, made);
  return made;
}

function exactOffsetS(z: Zone, utcS: number): number {
  if (z.fixedOffsetS !== null) return z.fixedOffsetS;
  const parts = z.formatter!.formatToParts(new Date(utcS * 1000));
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year': year = Number(p.value); break;
      case 'month': month = Number(p.value); break;
      case 'day': day = Number(p.value); break;
      case 'hour': hour = Number(p.value); break;
      case 'minute': minute = Number(p.value); break;
      case 'second': second = Number(p.value); break;
      case 'era': bc = p.value.startsWith('B'); break;
    }
  }
  if (bc) year = 1 - year;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0–99 to 1900–1999; those are outside pandas' range anyway.
  return Math.round(wall / 1000 - Math.floor(utcS));
}

/** UTC offset in seconds of `tz` at the instant `utcUs` (epoch microseconds). */
export function offsetSecondsAt(tz: string, utcUs: number): number {
  const z = zone(tz);
  if (z.fixedOffsetS !== null) return z.fixedOffsetS;
  const utcS = Math.floor(utcUs / US_PER_S);
  const bucket = Math.floor(utcS / BUCKET_S);
  let offset = z.buckets.get(bucket);
  if (offset === undefined) {
    const start = exactOffsetS(z, bucket * BUCKET_S);
    const end = exactOffsetS(z, bucket * BUCKET_S + BUCKET_S - 1);
    offset = start === end ? start : Number.NaN;
    z.buckets.set(bucket, offset);
  }
  return Number.isNaN(offset) ? exactOffsetS(z, utcS) : offset;
}

/** Wall-clock microseconds (as if UTC) of an instant in `tz`. */
export function utcToWall(tz: string, utcUs: number): number {
  return utcUs + offsetSecondsAt(tz, utcUs) * US_PER_S;
}

/**
 * The instant of a wall-clock time in `tz`. Ambiguous times (the repeated hour when
 * clocks go back) resolve to the first occurrence; non-existent times (the skipped
 * hour) move forward by the gap — pandas would raise for both unless told otherwise.
 */
export function wallToUtc(tz: string, wallUs: number): number {
  const z = zone(tz);
  if (z.fixedOffsetS !== null) return wallUs - z.fixedOffsetS * US_PER_S;
  const before = offsetSecondsAt(tz, wallUs - 86_400 * US_PER_S);
  const after = offsetSecondsAt(tz, wallUs + 86_400 * US_PER_S);
  const candidates = before === after ? [before] : [before, after];
  for (const off of candidates) {
    const utc = wallUs - off * US_PER_S;
    if (offsetSecondsAt(tz, utc) === off) return utc;
  }
  // In a gap: apply the offset in force before it, which lands after the gap.
  return wallUs - before * US_PER_S;
}

/** What to do with a wall-clock time that does not exist (skipped by a DST spring-forward), as pandas' `nonexistent=`. */
export type Nonexistent = 'raise' | 'shift_forward' | 'shift_backward' | 'NaT';
/** What to do with a wall-clock time that happens twice (DST fall-back), as pandas' `ambiguous=` (`earliest` = the DST reading). */
export type Ambiguous = 'raise' | 'earliest' | 'latest' | 'NaT';

export interface LocalizeOptions {
  /** Default `'raise'` (INVALID_INPUT naming the time), as pandas. */
  nonexistent?: Nonexistent;
  /** Default `'raise'` (INVALID_INPUT naming the time), as pandas. */
  ambiguous?: Ambiguous;
}

const NONEXISTENT: readonly Nonexistent[] = ['raise', 'shift_forward', 'shift_backward', 'NaT'];
const AMBIGUOUS: readonly Ambiguous[] = ['raise', 'earliest', 'latest', 'NaT'];

/** Check the localize options (an unknown value is an error, never ignored). */
export function checkLocalizeOptions(options: LocalizeOptions): void {
  if (options.nonexistent !== undefined && !NONEXISTENT.includes(options.nonexistent)) {
    throw invalidInput(`nonexistent must be one of ${NONEXISTENT.map((x) => `"${x}"`).join(', ')}, got ${JSON.stringify(options.nonexistent)}`);
  }
  if (options.ambiguous !== undefined && !AMBIGUOUS.includes(options.ambiguous)) {
    throw invalidInput(`ambiguous must be one of ${AMBIGUOUS.map((x) => `"${x}"`).join(', ')}, got ${JSON.stringify(options.ambiguous)}`);
  }
}

/**
 * The instant of a wall-clock time in `tz`, as pandas' `tz_localize`: a time skipped by
 * a DST change or one that happens twice is INVALID_INPUT naming it (`describe` gives
 * its text) unless `options` say how to resolve it. NaN for the `NaT` choices.
 */
export function localizeWall(tz: string, wallUs: number, options: LocalizeOptions, describe: () => string): number {
  const z = zone(tz);
  if (z.fixedOffsetS !== null) return wallUs - z.fixedOffsetS * US_PER_S;
  const before = offsetSecondsAt(tz, wallUs - 86_400 * US_PER_S);
  const after = offsetSecondsAt(tz, wallUs + 86_400 * US_PER_S);
  const found: number[] = [];
  for (const off of before === after ? [before] : [before, after]) {
    const utc = wallUs - off * US_PER_S;
    if (offsetSecondsAt(tz, utc) === off && !found.includes(utc)) found.push(utc);
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 2) {
    const choice = options.ambiguous ?? 'raise';
    if (choice === 'NaT') return Number.NaN;
    if (choice === 'raise') {
      throw invalidInput(`Ambiguous time ${describe()} in ${tz}: it happens twice (clocks go back); pass ambiguous: 'earliest' (first occurrence), 'latest' or 'NaT', or give the time with its offset`);
    }
    return choice === 'earliest' ? Math.min(found[0]!, found[1]!) : Math.max(found[0]!, found[1]!);
  }
  const choice = options.nonexistent ?? 'raise';
  if (choice === 'NaT') return Number.NaN;
  if (choice === 'raise') {
    throw invalidInput(`Nonexistent time ${describe()} in ${tz}: clocks skip it (DST); pass nonexistent: 'shift_forward', 'shift_backward' or 'NaT', or give the time with its offset`);
  }
  // The transition instant lies between the two readings of the wall time.
  let lo = Math.min(wallUs - before * US_PER_S, wallUs - after * US_PER_S);
  let hi = Math.max(wallUs - before * US_PER_S, wallUs - after * US_PER_S);
  const offLo = offsetSecondsAt(tz, lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetSecondsAt(tz, mid) === offLo) lo = mid; else hi = mid;
  }
  // shift_forward: the first instant after the gap; shift_backward: the last one before it.
  return choice === 'shift_forward' ? hi : hi - 1;
}
