import { invalidInput, show } from '../errors.js';
import { US_PER_MS } from '../series/calendar.js';
import { toMicros } from '../series/timestamp.js';
import type { TimeInput } from '../query/spec.js';

/**
 * Retention policies (issue 17): per key pattern, how long points are kept. A rule
 * `{ match: 'plant/*\/RAW#*', keep: '90d' }` removes the points of matching keys older
 * than 90 days before `now` — with `deleteRange`, as a new version, so snapshots and
 * older versions still hold them until `prune` lets them go.
 */
export interface RetentionRule {
  /** Key pattern: `*` matches any run of characters (also `/`), everything else literally. */
  match: string;
  /** How long points are kept: a number and a unit, `s`, `min`, `h`, `d`, `w` or `y` (`'90d'`, `'5y'`). */
  keep: string;
}

export interface RetentionOptions {
  rules?: readonly RetentionRule[];
  /** The instant retention counts back from (default: now). */
  now?: TimeInput;
  /** Report what would go, change nothing. */
  dryRun?: boolean;
  /** Prune versions afterwards with these options (default: the store's prune defaults). `false`: do not prune. */
  prune?: false | { keepLast?: number };
}

export interface RetentionEntry {
  key: string;
  rule: string;
  /** Points with keys before this instant go. */
  cutoff: Date;
  points: number;
  /** Encoded bytes of the segments those points live in, in proportion (v2 stores; 0 when unknown). */
  bytes: number;
}

export interface RetentionReport {
  dryRun: boolean;
  keys: RetentionEntry[];
}

const UNITS: Record<string, number> = { s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** The instant (epoch ms) `keep` before `now`; years are calendar years. */
export function retentionCutoff(keep: string, nowMs: number): number {
  const m = typeof keep === 'string' ? /^(\d+(?:\.\d+)?)\s*(s|min|h|d|w|y)$/.exec(keep.trim()) : null;
  if (!m) throw invalidInput(`Retention keep ${show(keep)} is not a duration; expected a number and a unit s, min, h, d, w or y, e.g. "90d" or "5y"`);
  const n = Number(m[1]);
  if (m[2] === 'y') {
    if (!Number.isInteger(n)) throw invalidInput(`Retention keep ${show(keep)}: years must be whole`);
    const d = new Date(nowMs);
    d.setUTCFullYear(d.getUTCFullYear() - n);
    return d.getTime();
  }
  return nowMs - n * UNITS[m[2]!]!;
}

/** A glob as a RegExp: `*` is any run of characters, the rest literal. */
export function globToRegExp(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern === '') throw invalidInput(`Retention match ${show(pattern)} must be a non-empty key pattern such as "plant/*/RAW#*"`);
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** Validate rules once; returns them with compiled patterns, first match wins. */
export function compileRules(rules: readonly RetentionRule[] | undefined, nowMs: number): Array<RetentionRule & { re: RegExp; cutoffMs: number }> {
  if (!Array.isArray(rules) || rules.length === 0) throw invalidInput('Retention needs rules: [{ match: "plant/*/RAW#*", keep: "90d" }, …]');
  return rules.map((r, i) => {
    if (!r || typeof r !== 'object') throw invalidInput(`Retention rule ${i} must be { match, keep }, got ${show(r)}`);
    for (const k of Object.keys(r)) if (k !== 'match' && k !== 'keep') throw invalidInput(`Unknown retention rule option ${show(k)} in rule ${i}; valid: match, keep`);
    return { ...r, re: globToRegExp(r.match), cutoffMs: retentionCutoff(r.keep, nowMs) };
  });
}

/**
 * Rules from their text form, as a store URL carries them (`?retention=…`): `match:keep`
 * pairs separated by commas, the last `:` of each splitting it.
 *
 * @example parseRetentionText('plant/*\/RAW#*:90d,*\/RESAMPLED*:5y') // [{ match: 'plant/*\/RAW#*', keep: '90d' }, …]
 */
export function parseRetentionText(text: string): RetentionRule[] {
  return text.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const at = part.lastIndexOf(':');
    if (at <= 0 || at === part.length - 1) throw invalidInput(`Retention rule ${show(part)} must be "pattern:keep", e.g. "plant/*/RAW#*:90d"`);
    const rule = { match: part.slice(0, at), keep: part.slice(at + 1) };
    retentionCutoff(rule.keep, 0);
    return rule;
  });
}

/** `now` as epoch ms. */
export function nowMs(now: TimeInput | undefined): number {
  return now === undefined ? Date.now() : toMicros(now, 'UTC') / US_PER_MS;
}
