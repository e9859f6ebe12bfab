import { invalidInput, show } from '../errors.js';
import { US_PER_DAY, US_PER_H, US_PER_MIN, US_PER_MS, US_PER_S } from './calendar.js';

/**
 * pandas frequency aliases, both generations: `min`/`T`, `h`/`H`, `s`/`S`, `ms`/`L`,
 * `us`/`U`, `ns`/`N`, `D`, `B`, `W[-DAY]`, `MS`, `ME`/`M`, `QS`, `QE`/`Q`, `YS`,
 * `YE`/`A`/`Y`, each with an optional multiple (`5min`, `15T`, `2h`). Written back in
 * the pandas ≥ 2.2 spelling.
 */
export type FrequencyUnit = 'ns' | 'us' | 'ms' | 's' | 'min' | 'h' | 'D' | 'B' | 'W' | 'MS' | 'ME' | 'QS' | 'QE' | 'YS' | 'YE';

export interface Frequency {
  readonly n: number;
  readonly unit: FrequencyUnit;
  /** Weekly: day the week ends on (`SUN`…); quarterly/yearly: month anchor (`DEC`, `JAN`…). */
  readonly anchor: string | null;
}

const ALIASES: Record<string, FrequencyUnit> = {
  ns: 'ns', N: 'ns',
  us: 'us', U: 'us',
  ms: 'ms', L: 'ms',
  s: 's', S: 's',
  min: 'min', T: 'min',
  h: 'h', H: 'h',
  D: 'D', d: 'D',
  B: 'B',
  W: 'W',
  MS: 'MS',
  ME: 'ME', M: 'ME',
  QS: 'QS',
  QE: 'QE', Q: 'QE',
  YS: 'YS', AS: 'YS',
  YE: 'YE', A: 'YE', Y: 'YE',
  BA: 'YE',
};

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

const ACCEPTED =
  'accepted forms: an optional multiple followed by min/T, h/H, s/S, ms/L, us/U, ns/N, D, B, W or W-MON…W-SUN, MS, ME/M, QS, QE/Q (optionally -JAN…-DEC), YS, YE/A/Y (optionally -JAN…-DEC); e.g. "5min", "15T", "2h", "D", "W-SUN", "ME"';

const FORM = /^\s*(\d+)?\s*([A-Za-z]+)(?:-([A-Za-z]{3}))?\s*$/;

/** Parse a pandas frequency alias. */
export function parseFrequency(alias: string | Frequency): Frequency {
  if (typeof alias !== 'string') return alias;
  const m = FORM.exec(alias);
  const unit = m ? ALIASES[m[2]!] : undefined;
  const n = m?.[1] === undefined ? 1 : Number(m[1]);
  if (!m || !unit || n < 1) throw invalidInput(`Unknown frequency ${show(alias)}; ${ACCEPTED}`);
  let anchor: string | null = m[3]?.toUpperCase() ?? null;
  if (unit === 'W') {
    anchor ??= 'SUN';
    if (!(WEEKDAYS as readonly string[]).includes(anchor)) throw invalidInput(`Unknown weekly anchor in ${show(alias)}; ${ACCEPTED}`);
  } else if (unit === 'QE' || unit === 'YE') {
    anchor ??= 'DEC';
    if (!(MONTHS as readonly string[]).includes(anchor)) throw invalidInput(`Unknown month anchor in ${show(alias)}; ${ACCEPTED}`);
  } else if (unit === 'QS' || unit === 'YS') {
    anchor ??= 'JAN';
    if (!(MONTHS as readonly string[]).includes(anchor)) throw invalidInput(`Unknown month anchor in ${show(alias)}; ${ACCEPTED}`);
  } else if (anchor !== null) {
    throw invalidInput(`Frequency ${show(alias)} takes no anchor; ${ACCEPTED}`);
  }
  return { n, unit, anchor };
}

/** The pandas ≥ 2.2 alias (`index.freqstr`): `5min`, `h`, `W-SUN`, `QE-DEC`, `YS-JAN`. */
export function formatFrequency(freq: Frequency): string {
  const base = `${freq.n === 1 ? '' : freq.n}${freq.unit}`;
  return freq.anchor === null ? base : `${base}-${freq.anchor}`;
}

const FIXED_US: Partial<Record<FrequencyUnit, number>> = {
  ns: 0.001, us: 1, ms: US_PER_MS, s: US_PER_S, min: US_PER_MIN, h: US_PER_H, D: US_PER_DAY,
};

/** Length in microseconds of a fixed-duration frequency (`5min`, `D`), or null for calendar ones (`ME`, `B`, `W`). */
export function fixedDurationUs(freq: Frequency): number | null {
  const unit = FIXED_US[freq.unit];
  return unit === undefined ? null : unit * freq.n;
}

export function sameFrequency(a: Frequency | null, b: Frequency | null): boolean {
  if (a === null || b === null) return a === b;
  return a.n === b.n && a.unit === b.unit && a.anchor === b.anchor;
}
