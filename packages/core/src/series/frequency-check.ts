import { civilFromDays, daysFromCivil, daysInMonth, US_PER_DAY, weekdayFromDays } from './calendar.js';
import { fixedDurationUs, type Frequency, MONTHS, WEEKDAYS } from './frequency.js';
import { utcToWall } from './timezone.js';

/**
 * Whether timestamps lie on a pandas frequency, the check pandas makes when an index
 * is built with `freq=` (`_validate_frequency`: the keys must equal
 * `date_range(start=keys[0], periods=len(keys), freq=freq)`). Returns the first
 * position off the grid, or -1 when every key is on it. Fixed durations (`h`, `5min`)
 * step in absolute time; calendar frequencies (`D` on a zoned index, `B`, `W-SUN`, `MS`,
 * `ME`, `QE-DEC`, `YS-JAN`…) step the wall clock and keep its time of day.
 */
export function firstOffFrequency(values: ArrayLike<number>, tz: string | null, freq: Frequency): number {
  const n = values.length;
  if (values instanceof Float64Array) {
    const nat = firstNaN(values);
    if (nat >= 0) return nat;
  } else for (let i = 0; i < n; i++) if (values[i] !== values[i]) return i; // NaT
  if (n === 0) return -1;
  const fixed = fixedDurationUs(freq);
  if (fixed !== null && (freq.unit !== 'D' || tz === null)) {
    if (values instanceof Float64Array) return firstOffStep(values, fixed);
    for (let i = 1; i < n; i++) if (values[i]! - values[i - 1]! !== fixed) return i;
    return -1;
  }
  if (freq.unit === 'D' && tz !== null) {
    // pandas 2 treats `D` as 24 hours, pandas 3 as a calendar day on zoned indexes: accept either.
    let absolute = true;
    for (let i = 1; i < n; i++) if (values[i]! - values[i - 1]! !== fixed) { absolute = false; break; }
    if (absolute) return -1;
  }
  const wall = (i: number): number => (tz === null ? values[i]! : utcToWall(tz, values[i]!));
  const w0 = wall(0);
  const day0 = Math.floor(w0 / US_PER_DAY);
  const timeOfDay = w0 - day0 * US_PER_DAY;
  if (!onAnchor(day0, freq)) return 0;
  let day = day0;
  for (let i = 1; i < n; i++) {
    day = nextDay(day, freq);
    if (wall(i) !== day * US_PER_DAY + timeOfDay) return i;
  }
  return -1;
}

/**
 * The fixed-step check on typed keys, monomorphic: every stored series with a frequency
 * passes here on each read, and the generic loop over ArrayLike costs ~10 ns/key.
 */
function firstNaN(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return i;
  return -1;
}

function firstOffStep(values: Float64Array, step: number): number {
  const n = values.length;
  let prev = values[0]!;
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    if (v - prev !== step) return i;
    prev = v;
  }
  return -1;
}

function lastDay(c: { year: number; month: number }): number {
  return daysInMonth(c.year, c.month);
}

function monthAnchor(freq: Frequency): number {
  return (MONTHS as readonly string[]).indexOf(freq.anchor ?? 'DEC') + 1;
}

/** Whether a day (since epoch) is a valid first key for `freq`. */
function onAnchor(day: number, freq: Frequency): boolean {
  const c = civilFromDays(day);
  switch (freq.unit) {
    case 'B': return weekdayFromDays(day) < 5;
    case 'W': return weekdayFromDays(day) === (WEEKDAYS as readonly string[]).indexOf(freq.anchor ?? 'SUN');
    case 'MS': return c.day === 1;
    case 'ME': return c.day === lastDay(c);
    case 'QS': return c.day === 1 && (c.month - monthAnchor(freq) + 12) % 3 === 0;
    case 'QE': return c.day === lastDay(c) && (c.month - monthAnchor(freq) + 12) % 3 === 0;
    case 'YS': return c.day === 1 && c.month === monthAnchor(freq);
    case 'YE': return c.day === lastDay(c) && c.month === monthAnchor(freq);
    default: return true;
  }
}

function addMonths(day: number, months: number, end: boolean): number {
  const c = civilFromDays(day);
  const total = c.year * 12 + (c.month - 1) + months;
  const year = Math.floor(total / 12), month = (total % 12) + 1;
  return daysFromCivil(year, month, end ? daysInMonth(year, month) : 1);
}

function nextDay(day: number, freq: Frequency): number {
  switch (freq.unit) {
    case 'D': return day + freq.n;
    case 'W': return day + 7 * freq.n;
    case 'B': {
      let d = day;
      for (let k = 0; k < freq.n; k++) { d++; while (weekdayFromDays(d) >= 5) d++; }
      return d;
    }
    case 'MS': return addMonths(day, freq.n, false);
    case 'ME': return addMonths(day, freq.n, true);
    case 'QS': return addMonths(day, 3 * freq.n, false);
    case 'QE': return addMonths(day, 3 * freq.n, true);
    case 'YS': return addMonths(day, 12 * freq.n, false);
    case 'YE': return addMonths(day, 12 * freq.n, true);
    default: return day + 1;
  }
}

const INFER_UNITS: [Frequency['unit'], number][] = [
  ['D', US_PER_DAY], ['h', 3_600_000_000], ['min', 60_000_000], ['s', 1_000_000], ['ms', 1_000], ['us', 1],
];

/**
 * The frequency of regular timestamps, like `pd.infer_freq` for the common cases:
 * a constant step (`15min`, `h`, `D`), month starts/ends (`MS`, `ME`) and weeks
 * (`W-SUN`); null when the keys are irregular or fewer than three.
 */
export function inferFrequency(values: ArrayLike<number>, tz: string | null): Frequency | null {
  const n = values.length;
  if (n < 3) return null;
  const step = values[1]! - values[0]!;
  if (step > 0 && Number.isInteger(step)) {
    let constant = true;
    for (let i = 2; i < n; i++) if (values[i]! - values[i - 1]! !== step) { constant = false; break; }
    if (constant) {
      for (const [unit, us] of INFER_UNITS) {
        if (step % us !== 0) continue;
        if (unit === 'D' && step % (7 * US_PER_DAY) === 0 && step === 7 * US_PER_DAY) {
          const f: Frequency = { n: 1, unit: 'W', anchor: WEEKDAYS[weekdayFromDays(Math.floor((tz === null ? values[0]! : utcToWall(tz, values[0]!)) / US_PER_DAY))]! };
          return f;
        }
        return { n: step / us, unit, anchor: null };
      }
    }
  }
  for (const f of [{ n: 1, unit: 'MS', anchor: null }, { n: 1, unit: 'ME', anchor: null }, { n: 1, unit: 'D', anchor: null }] as Frequency[]) {
    if (firstOffFrequency(values, tz, f) < 0) return f;
  }
  return null;
}
