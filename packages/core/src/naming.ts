import { invalidInput, show } from './errors.js';

/**
 * meteaudata's naming grammar. A signal is `<Base>#<n>` (`CODs#1`); a time series
 * is `<signal>_<OPERATION>#<m>` (`CODs#1_RESAMPLED#2`). `_` separates the signal from
 * the operation and `#` a base from its counter, so custom names may not contain `_`.
 */
export interface TsNameParts {
  /** Signal part (`CODs#1`); `''` when the name has no `_`. */
  signal: string;
  /** Operation token (`RESAMPLED`). */
  base: string;
  number: number;
}

function splitNumber(text: string): { base: string; number: number } {
  const hash = text.lastIndexOf('#');
  if (hash < 0) return { base: text, number: 1 };
  const digits = text.slice(hash + 1);
  return /^\d+$/.test(digits) ? { base: text.slice(0, hash), number: Number(digits) } : { base: text, number: 1 };
}

/**
 * Python's `extract_ts_base_and_number`: split on the last `_`, then on the last `#`.
 * Un-numbered names (`A#1_RESAMPLED`, which Python's overwrite writes) read as number 1.
 * @example parseTsName('temperature#1_raw#2') // { signal: 'temperature#1', base: 'raw', number: 2 }
 */
export function parseTsName(full: string): TsNameParts {
  const us = full.lastIndexOf('_');
  if (us < 0) return { signal: '', ...splitNumber(full) };
  return { signal: full.slice(0, us), ...splitNumber(full.slice(us + 1)) };
}

/** `makeTsName('A#1', 'RAW', 2)` → `A#1_RAW#2`. */
export function makeTsName(signal: string, base: string, n: number): string {
  return `${signal}_${base}#${n}`;
}

/** A signal name with `#1` appended when it has no counter (`CODs` → `CODs#1`). */
export function numberSignalName(name: string): string {
  return name.includes('#') ? name : `${name}#1`;
}

/** Split a signal name into base and counter (`CODs#3` → CODs, 3; `CODs` → CODs, 1). */
export function parseSignalName(name: string): { base: string; number: number } {
  return splitNumber(name);
}

/** Custom output names become name parts, so `_` is reserved (Python raises the same). */
export function checkCustomName(name: unknown, option: string): string {
  if (typeof name !== 'string' || name.length === 0) throw invalidInput(`${option}: expected a non-empty string, got ${show(name)}`);
  if (name.includes('_')) {
    throw invalidInput(`${option}: ${show(name)} cannot contain underscore '_' character (reserved for name structure); use '-' instead`);
  }
  if (name.includes('#')) throw invalidInput(`${option}: ${show(name)} cannot contain '#' (the counter is added for you)`);
  return name;
}

/** Highest counter per operation base among `names` (meteaudata's `max_ts_name_number`). */
export function maxNumbers(names: Iterable<string>, parse: (n: string) => { base: string; number: number } = parseTsName): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of names) {
    const { base, number } = parse(name);
    out.set(base, Math.max(out.get(base) ?? 0, number));
  }
  return out;
}

/**
 * The counter an output gets: max+1 for its base, or 1 when the base is new. With
 * `overwrite`, the *latest* existing version is replaced (the documented behaviour;
 * Python 0.12.1 instead writes an un-numbered key) — or #1 is created.
 */
export function nextNumber(existing: Map<string, number>, base: string, overwrite: boolean): number {
  const max = existing.get(base);
  if (max === undefined) return 1;
  return overwrite ? max : max + 1;
}

/**
 * The operation part a series gets when it enters a signal (Python's `new_ts_name`,
 * fixed): a name that already parses as `<signal>#n_<OP>` keeps its operation and
 * counter; any other name becomes the operation itself, with `_` turned into `-` so it
 * round-trips through the grammar (Python keeps the text after the first `_`, which
 * breaks reloading).
 */
export function incomingTsParts(seriesName: string | null): { base: string; number: number } {
  const name = seriesName ?? 'RAW';
  const parts = parseTsName(name);
  if (parts.signal !== '' && parts.signal.includes('#')) return { base: parts.base, number: parts.number };
  const { base, number } = splitNumber(name);
  return { base: base.replaceAll('_', '-') || 'RAW', number };
}
