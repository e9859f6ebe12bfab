import { invalidInput, show } from '../errors.js';
import type { HeaderName } from './csv-write.js';

/**
 * Value-column headers for a signal's CSVs (meteaudata's `output_value_names`):
 * - `'auto'`: `[tsName, units]` (a two-row header) when units are set and not `"unit"`, else the ts name;
 * - a string: that header for every series;
 * - an array: one header per series, in order (each a string or a string[] tuple);
 * - a record: ts name → header (missing names keep the default).
 * A string[] tuple for *every* series is written `{ '*': ['Temp', '°C'] }`.
 */
export type OutputValueNames = 'auto' | string | readonly HeaderName[] | Readonly<Record<string, HeaderName>>;

/** Per-dataset form: one value for all signals, or signal name → that signal's OutputValueNames. */
export type DatasetOutputValueNames = 'auto' | string | Readonly<Record<string, OutputValueNames>>;

/** The header of each series (null = the series name), validated like Python does. */
export function resolveValueHeaders(tsNames: readonly string[], units: string, names: OutputValueNames | null | undefined): Map<string, HeaderName | null> {
  const out = new Map<string, HeaderName | null>(tsNames.map((n) => [n, null]));
  if (names == null) return out;
  if (names === 'auto') {
    for (const n of tsNames) out.set(n, units && units !== 'unit' ? [n, units] : n);
    return out;
  }
  if (typeof names === 'string') {
    for (const n of tsNames) out.set(n, names);
    return out;
  }
  if (Array.isArray(names)) {
    if (names.length !== tsNames.length) throw invalidInput(`output_value_names list must match number of time series. Expected ${tsNames.length}, got ${names.length}`);
    tsNames.forEach((n, i) => out.set(n, names[i] as HeaderName));
    return out;
  }
  if (typeof names === 'object') {
    const record = names as Readonly<Record<string, HeaderName>>;
    for (const n of tsNames) {
      const h = record[n] ?? record['*'];
      if (h !== undefined) out.set(n, checkHeader(h, n));
    }
    return out;
  }
  throw invalidInput(`outputValueNames must be 'auto', a string, an array or a record, got ${show(names)}`);
}

function checkHeader(h: unknown, ts: string): HeaderName {
  if (typeof h === 'string' || (Array.isArray(h) && h.every((x) => typeof x === 'string'))) return h as HeaderName;
  throw invalidInput(`outputValueNames[${show(ts)}] must be a string or an array of strings, got ${show(h)}`);
}

/** The OutputValueNames one signal of a dataset gets (Python's `_get_signal_output_value_names`). */
export function signalValueNames(signalName: string, names: DatasetOutputValueNames | null | undefined): OutputValueNames | null {
  if (names == null || typeof names === 'string') return names ?? null;
  return (names as Readonly<Record<string, OutputValueNames>>)[signalName] ?? null;
}
