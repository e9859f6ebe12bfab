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

const FIXED = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

/** Validate a zone name and return its canonical spelling (e.g. `utc` → `UTC`). */
export function checkTimeZone(name: string): string {
  return zone(name).name;
}

function zone(name: string): Zone {
  const cached = zones.get(name);
  if (cached) return cached;
  let made: Zone;
  const fixed = FIXED.exec(name);
  if (name === 'UTC' || name === 'Z' || name === 'utc') {
    made = { name: 'UTC', fixedOffsetS: 0, formatter: null, buckets: new Map() };
  } else if (fixed) {
    const sign = fixed[1] === '-' ? -1 : 1;
    const seconds = sign * (Number(fixed[2]) * 3600 + Number(fixed[3] ?? 0) * 60);
    made = { name, fixedOffsetS: seconds, formatter: null, buckets: new Map() };
  } else {
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
      throw invalidInput(`Unknown time zone ${JSON.stringify(name)}: expected an IANA name such as "UTC" or "America/Toronto", or a fixed offset such as "+01:00"`, { cause });
    }
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
