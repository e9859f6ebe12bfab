import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatetimeIndex, MetaseriesError, NumericIndex, RangeIndex, Series, type Index, type ProcessingStep } from '@metaseries/core';
import { expect } from 'vitest';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'processing');

export interface EncodedIndex {
  kind: 'datetime' | 'range' | 'numeric';
  values?: (number | null)[];
  tz?: string | null;
  freq?: string | null;
  name?: string | null;
  dtype?: string;
  start?: number;
  stop?: number;
  step?: number;
}
export interface EncodedSeries {
  name: string | null;
  dtype: string;
  index: EncodedIndex;
  values: (number | boolean | null)[];
}
export interface PyError { error: { type: string; message: string } }
export interface MtdOutputs { outputs: { series: EncodedSeries; steps: Record<string, unknown>[] }[] }
export interface Case<A = Record<string, unknown>> {
  id: string;
  input: string;
  args: A;
  pandas?: EncodedSeries | PyError;
  meteaudata?: MtdOutputs | PyError;
}

export function load<T = { cases: Case[] }>(file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as T;
}

export function isError(x: unknown): x is PyError {
  return typeof x === 'object' && x !== null && 'error' in x;
}

function decodeIndex(e: EncodedIndex): Index {
  if (e.kind === 'range') return new RangeIndex(e.start!, e.stop!, e.step!, e.name ?? null);
  const values = Float64Array.from(e.values!, (v) => (v === null ? Number.NaN : v));
  if (e.kind === 'numeric') return new NumericIndex(values, e.dtype === 'int64' ? 'int64' : 'float64', e.name ?? null);
  return new DatetimeIndex(values, { tz: e.tz ?? null, freq: e.freq ?? null, name: e.name ?? null });
}

export function decode(e: EncodedSeries): Series {
  const values = e.dtype === 'bool'
    ? Uint8Array.from(e.values, (v) => (v ? 1 : 0))
    : Float64Array.from(e.values, (v) => (v === null ? Number.NaN : Number(v)));
  return new Series({ index: decodeIndex(e.index), values, name: e.name, dtype: e.dtype });
}

/** Relative difference allowed where summation order legitimately differs (0 = bit-exact). */
export function expectSeries(actual: Series, expected: EncodedSeries, options: { rel?: number; label?: string } = {}): void {
  const exp = decode(expected);
  const label = options.label ?? '';
  expect(actual.name, `${label} name`).toBe(exp.name);
  expect(actual.dtype, `${label} dtype`).toBe(exp.dtype);
  expect(actual.index.kind, `${label} index kind`).toBe(exp.index.kind);
  if (exp.index.kind === 'datetime' && actual.index.kind === 'datetime') {
    expect(actual.index.tz, `${label} tz`).toBe(exp.index.tz);
    expect(actual.index.freqstr, `${label} freq`).toBe(exp.index.freqstr);
  }
  expect(Array.from(actual.index.values as ArrayLike<number>), `${label} index`).toEqual(Array.from(exp.index.values as ArrayLike<number>));
  const a = actual.values as Float64Array, b = exp.values as Float64Array;
  expect(a.length, `${label} length`).toBe(b.length);
  const rel = options.rel ?? 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Object.is(x, y) || (x === y && rel > 0)) continue;
    if (rel > 0 && Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y))) continue;
    expect.fail(`${label} value ${i}: got ${x}, expected ${y}`);
  }
}

/** A step as Python recorded it, minus the run-specific fields (run_datetime, source_code). */
export function stepDict(step: ProcessingStep): Record<string, unknown> {
  const d = step.toDict() as unknown as Record<string, unknown>;
  delete d.run_datetime;
  const fi = { ...(d.function_info as Record<string, unknown>) };
  delete fi.source_code;
  return { ...d, function_info: fi };
}

export function expectInvalid(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught, 'expected a MetaseriesError').toBeInstanceOf(MetaseriesError);
  expect((caught as MetaseriesError).code).toBe('INVALID_INPUT');
  expect((caught as Error).message).toMatch(pattern);
}

export const inputs = load<{ meta: Record<string, string>; inputs: Record<string, EncodedSeries> }>('inputs.json');
export function input(name: string): Series {
  const e = inputs.inputs[name];
  if (!e) throw new Error(`no fixture input ${name}`);
  return decode(e);
}

/**
 * Regenerate a fixture folder with its Python script into a temp folder and fail on any
 * drift from the committed files (the drift tests of the golden vectors).
 */
export function expectFixturesCurrent(python: string, script: string, fixtures: string, timeoutMs: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'metaseries-fixtures-'));
  try {
    execFileSync(python, [join(ROOT, 'scripts', script), dir], { stdio: 'pipe', timeout: timeoutMs });
    const committed = readdirSync(fixtures).sort();
    expect(readdirSync(dir).sort()).toEqual(committed);
    for (const f of committed) {
      expect(readFileSync(join(dir, f), 'utf8') === readFileSync(join(fixtures, f), 'utf8'), `${f} drifted: re-run scripts/${script} and review the diff`).toBe(true);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
