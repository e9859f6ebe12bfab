import { invalidInput, show } from '../errors.js';
import { civilFromDays, daysFromCivil, US_PER_DAY, weekdayFromDays } from './calendar.js';
import { fixedDurationUs, MONTHS, parseFrequency, WEEKDAYS, type Frequency } from './frequency.js';
import type { DatetimeIndex } from './indexes.js';
import { utcToWall, wallToUtc } from './timezone.js';

/**
 * Resampling bins as pandas 2.x/3.x makes them with its defaults (`origin='start_day'`):
 * bin `k` holds positions `[starts[k], starts[k+1])` of the (sorted) index and is labelled
 * `labels[k]` (epoch microseconds, same representation as the index).
 */
export interface Bins {
  labels: Float64Array;
  starts: Int32Array;
  freq: Frequency;
}

const SUPPORTED = 'supported for resampling: us, ms, s/S, min/T, h/H, D, W or W-MON…W-SUN, MS, ME/M, QS, QE/Q (-JAN…-DEC), YS, YE/A/Y (-JAN…-DEC), each with an optional multiple such as "5min" or "2ME"';

/** Parse and check a resampling frequency (pandas aliases of both generations). */
export function resampleFrequency(frequency: string | Frequency): Frequency {
  const freq = parseFrequency(frequency);
  if (freq.unit === 'ns' || freq.unit === 'B') {
    throw invalidInput(`Cannot resample to ${show(typeof frequency === 'string' ? frequency : freq.unit)}: ${freq.unit === 'ns' ? 'timestamps are held in microseconds' : 'business-day bins are not implemented'}; ${SUPPORTED}`);
  }
  return freq;
}

/** Bins of `index` (sorted ascending) for `freq`. */
export function resampleBins(index: DatetimeIndex, freq: Frequency): Bins {
  const t = index.values;
  const n = t.length;
  if (n === 0) return { labels: new Float64Array(0), starts: new Int32Array(1), freq };
  const tz = index.tz;
  const fixed = fixedDurationUs(freq);
  if (fixed !== null && freq.unit !== 'D') return tickBins(t, tz, fixed, freq);
  if (freq.unit === 'D' && tz === null) return tickBins(t, null, fixed!, freq);
  return calendarBins(t, tz, freq);
}

const floorMod = (a: number, b: number): number => ((a % b) + b) % b;

/** pandas' default `origin='start_day'`: midnight of the first key's day (local midnight when zoned), as an instant. */
export function startDayOrigin(t0: number, tz: string | null): number {
  return tz === null ? Math.floor(t0 / US_PER_DAY) * US_PER_DAY : wallToUtc(tz, Math.floor(utcToWall(tz, t0) / US_PER_DAY) * US_PER_DAY);
}

/**
 * Fixed-duration bins: left-closed, left-labelled, anchored at midnight of the first
 * day (local midnight for a zoned index, then counted in absolute time as pandas does).
 * One pass, comparisons only, no Date objects.
 */
function tickBins(t: Float64Array, tz: string | null, w: number, freq: Frequency): Bins {
  const n = t.length;
  const { labels } = tickGrid(t[0]!, t[n - 1]!, tz, w);
  const nb = labels.length;
  const first = labels[0]!;
  const starts = new Int32Array(nb + 1);
  let k = 0;
  let edge = first + w;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    while (ti >= edge) {
      starts[++k] = i;
      edge += w;
    }
  }
  starts[nb] = n;
  return { labels, starts, freq };
}

/** Labels of the fixed-duration bins from the first key `t0` to the last `tl`; bin k starts at its label. */
function tickGrid(t0: number, tl: number, tz: string | null, w: number): { labels: Float64Array; edges: Float64Array } {
  const origin = startDayOrigin(t0, tz);
  const first = t0 - floorMod(t0 - origin, w);
  const nb = Math.floor((tl - first) / w) + 1;
  const labels = new Float64Array(nb);
  for (let k = 0; k < nb; k++) labels[k] = first + k * w;
  return { labels, edges: labels };
}

/** A calendar period scheme: each wall date maps to a period id; bins group `n` periods. */
interface Scheme {
  /** Period id of a wall date (days since epoch). */
  period(day: number): number;
  /** Period ids per period (months: 1, quarters: 3, years: 12, weeks: 7 days). */
  step: number;
  /** Closed and labelled on the right (period ends: ME, QE, YE, W) or the left (starts: D, MS, QS, YS). */
  right: boolean;
  /** Wall date (days since epoch) that labels period `p`. */
  labelDay(p: number): number;
}

const monthOf = (day: number): number => {
  const c = civilFromDays(day);
  return c.year * 12 + c.month - 1;
};
const firstDayOfMonth = (m: number): number => daysFromCivil(Math.floor(m / 12), floorMod(m, 12) + 1, 1);
const lastDayOfMonth = (m: number): number => firstDayOfMonth(m + 1) - 1;

function scheme(freq: Frequency): Scheme {
  const anchorMonth = freq.anchor !== null ? (MONTHS as readonly string[]).indexOf(freq.anchor) : -1;
  switch (freq.unit) {
    case 'D':
      return { period: (d) => d, step: 1, right: false, labelDay: (p) => p };
    case 'W': {
      const w = (WEEKDAYS as readonly string[]).indexOf(freq.anchor ?? 'SUN');
      return { period: (d) => d + floorMod(w - weekdayFromDays(d), 7), step: 7, right: true, labelDay: (p) => p };
    }
    case 'ME':
      return { period: monthOf, step: 1, right: true, labelDay: lastDayOfMonth };
    case 'QE': {
      const r = anchorMonth % 3;
      return { period: (d) => { const m = monthOf(d); return m + floorMod(r - m, 3); }, step: 3, right: true, labelDay: lastDayOfMonth };
    }
    case 'YE':
      return { period: (d) => { const m = monthOf(d); return m + floorMod(anchorMonth - m, 12); }, step: 12, right: true, labelDay: lastDayOfMonth };
    case 'MS':
      return { period: monthOf, step: 1, right: false, labelDay: firstDayOfMonth };
    case 'QS': {
      const r = anchorMonth % 3;
      return { period: (d) => { const m = monthOf(d); return m - floorMod(m - r, 3); }, step: 3, right: false, labelDay: firstDayOfMonth };
    }
    case 'YS':
      return { period: (d) => { const m = monthOf(d); return m - floorMod(m - anchorMonth, 12); }, step: 12, right: false, labelDay: firstDayOfMonth };
    default:
      throw invalidInput(`Cannot resample to ${show(freq.unit)}; ${SUPPORTED}`);
  }
}

/**
 * Calendar bins by the wall date of each point (local date for a zoned index). Period
 * ends (ME, QE, YE, W-*) are right-closed and right-labelled, and the first bin ends
 * at the first point's period (pandas: `first.normalize() - freq`); period starts
 * (MS, QS, YS) and days are left-closed from the first point's period. Labels are
 * local midnights.
 */
function calendarBins(t: Float64Array, tz: string | null, freq: Frequency): Bins {
  const n = t.length;
  const grid = calendarGrid(t[0]!, t[n - 1]!, tz, freq);
  const { labels, binOf, period, wallDay } = grid;
  const nb = labels.length;
  const starts = new Int32Array(nb + 1);
  // Only recompute the period when the point leaves the current wall day.
  let k = 0, dayLo = Infinity, dayHi = -Infinity, bin = 0;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    if (ti < dayLo || ti >= dayHi) {
      const d = wallDay(ti);
      bin = Math.max(bin, binOf(period(d)));
      dayLo = tz === null ? d * US_PER_DAY : wallToUtc(tz, d * US_PER_DAY);
      dayHi = tz === null ? (d + 1) * US_PER_DAY : wallToUtc(tz, (d + 1) * US_PER_DAY);
    }
    while (k < bin) starts[++k] = i;
  }
  starts[nb] = n;
  return { labels, starts, freq };
}

interface CalendarGrid {
  labels: Float64Array;
  /** Instant where bin k starts: local midnight of its first wall date (edges[0] is that of the first bin). */
  edges: Float64Array;
  binOf(period: number): number;
  period(day: number): number;
  wallDay(us: number): number;
}

/** The calendar bins from the first key `t0` to the last `tl`: labels, edges, and the rule mapping a wall date to its bin. */
function calendarGrid(t0: number, tl: number, tz: string | null, freq: Frequency): CalendarGrid {
  const s = scheme(freq);
  const span = s.step * freq.n;
  const wallDay = (us: number): number => Math.floor((tz === null ? us : utcToWall(tz, us)) / US_PER_DAY);
  const p0 = s.period(wallDay(t0));
  const base = s.right ? p0 - span : p0;
  const binOf = (p: number): number => (s.right ? Math.ceil((p - base) / span) - 1 : Math.floor((p - base) / span));
  const nb = binOf(s.period(wallDay(tl))) + 1;
  const instant = (day: number): number => (tz === null ? day * US_PER_DAY : wallToUtc(tz, day * US_PER_DAY));
  const labels = new Float64Array(nb);
  const edges = new Float64Array(nb);
  for (let k = 0; k < nb; k++) {
    labels[k] = instant(s.labelDay(base + (s.right ? k + 1 : k) * span));
    // Bin k begins with the first date of period base + k·span (left) or the day after its last (right).
    edges[k] = instant(s.right ? s.labelDay(base + k * span) + 1 : s.labelDay(base + k * span));
  }
  return { labels, edges, binOf, period: s.period, wallDay };
}

/**
 * The bins `resampleBins` makes for any sorted index whose first key is `t0` and last key
 * `tl` (bins depend on nothing else), as instants: bin k holds the keys in
 * `[edges[k], edges[k+1])`, the last one up to `tl`. For engines that group rows
 * themselves (SQL pushdown). `edges[0]` may precede `t0`.
 */
export function binEdges(t0: number, tl: number, tz: string | null, freq: Frequency): { labels: Float64Array; edges: Float64Array } {
  const fixed = fixedDurationUs(freq);
  if (fixed !== null && (freq.unit !== 'D' || tz === null)) return tickGrid(t0, tl, tz, fixed);
  const { labels, edges } = calendarGrid(t0, tl, tz, freq);
  return { labels, edges };
}

/**
 * `binEdges` for points that arrive in pieces (segment by segment): `edges` has one more
 * entry than `labels`, the last +Infinity (and the first -Infinity for calendar bins), so
 * every point from `t0` to `tl` lies in exactly one `[edges[k], edges[k+1])` — the bin
 * `resampleBins` puts it in. Null in the rare zones where a calendar bin does not start at
 * the first instant of a local day (a DST change at midnight): bin by position there.
 */
export function resampleEdges(t0: number, tl: number, tz: string | null, freq: Frequency): { labels: Float64Array; edges: Float64Array } | null {
  const fixed = fixedDurationUs(freq);
  const { labels, edges } = binEdges(t0, tl, tz, freq);
  const nb = labels.length;
  const out = new Float64Array(nb + 1);
  out[nb] = Infinity;
  if (fixed !== null && (freq.unit !== 'D' || tz === null)) {
    // By accumulation, exactly as `tickBins` walks its edges (keys may hold fractions of a µs).
    out[0] = labels[0]!;
    for (let k = 1; k < nb; k++) out[k] = out[k - 1]! + fixed;
    return { labels, edges: out };
  }
  out.set(edges.subarray(1), 1);
  out[0] = -Infinity;
  const wallDay = (us: number): number => Math.floor((tz === null ? us : utcToWall(tz, us)) / US_PER_DAY);
  for (let k = 1; k < nb; k++) if (wallDay(out[k]! - 1) !== wallDay(out[k]!) - 1) return null;
  return { labels, edges: out };
}
