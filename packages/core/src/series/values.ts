import { invalidInput, show } from '../errors.js';

/**
 * Value storage by dtype (pandas dtype strings, as meteaudata's `values_dtype`):
 * numbers (`float64`, `int64`, `float32`…) in a `Float64Array` with NaN for missing,
 * `bool` in a `Uint8Array`, anything else (`object`, `str`, `string`) as an array of
 * strings with null for missing. Integers are exact up to 2^53.
 */
export type Values = Float64Array | Uint8Array | readonly (string | null)[];
export type ValueStorage = 'number' | 'bool' | 'string';

export function storageOf(dtype: string): ValueStorage {
  if (/^(float|int|uint)\d*$/i.test(dtype) || /^(Float|Int|UInt)\d+$/.test(dtype)) return 'number';
  if (dtype === 'bool' || dtype === 'boolean') return 'bool';
  return 'string';
}

export function storageOfValues(values: Values): ValueStorage {
  if (values instanceof Float64Array) return 'number';
  if (values instanceof Uint8Array) return 'bool';
  return 'string';
}

/**
 * The dtype a plain JS array of values implies: `float64` for numbers, `bool` for
 * booleans, `object` for text. Numbers mixed with text are refused (INVALID_INPUT naming
 * the first of each) unless a dtype is asked for: silently turning `[1, '2', 3]` into
 * text is how a numeric column stops being numeric without anyone noticing.
 */
export function inferDtype(values: ArrayLike<unknown>): string {
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Uint8Array) return 'bool';
  let firstNumber = -1, firstBool = -1, firstString = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') { if (firstNumber < 0) firstNumber = i; }
    else if (typeof v === 'boolean') { if (firstBool < 0) firstBool = i; }
    else if (firstString < 0) firstString = i;
  }
  if (firstString >= 0) {
    const other = firstNumber >= 0 ? firstNumber : firstBool;
    if (other >= 0) {
      throw invalidInput(`Values mix ${typeof values[other]}s and text: ${show(values[other])} at position ${other} and ${show(values[firstString])} at position ${firstString}; pass dtype: 'object' to keep them as text, or convert them first`);
    }
    return 'object';
  }
  if (firstBool >= 0 && firstNumber >= 0) return 'object';
  if (firstBool >= 0) return 'bool';
  // Integers still default to float64: NaN-able, as pandas does once a value is missing.
  return 'float64';
}

/** Convert user values to the storage of `dtype`, naming the first bad value. */
export function toValues(values: ArrayLike<unknown>, dtype: string): Values {
  const storage = storageOf(dtype);
  if (storage === 'number') {
    if (values instanceof Float64Array) return values;
    const out = new Float64Array(values.length);
    const isInt = /int/i.test(dtype);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        if (isInt) throw invalidInput(`Missing value at position ${i} cannot be stored as ${dtype}; use float64`);
        out[i] = Number.NaN;
      } else if (typeof v === 'number') {
        if (isInt && !Number.isInteger(v)) throw invalidInput(`Value ${show(v)} at position ${i} is not an integer (dtype ${dtype})`);
        out[i] = v;
      } else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
      else throw invalidInput(`Value ${show(v)} at position ${i} is not a number (dtype ${dtype})`);
    }
    return out;
  }
  if (storage === 'bool') {
    if (values instanceof Uint8Array) return values;
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'boolean' && v !== 0 && v !== 1) throw invalidInput(`Value ${show(v)} at position ${i} is not a boolean (dtype bool)`);
      out[i] = v ? 1 : 0;
    }
    return out;
  }
  const out: (string | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v);
  }
  return out;
}

/** Value at `i` as a JS value: number (NaN for missing), boolean, or string/null. */
export function valueAt(values: Values, i: number): number | boolean | string | null {
  if (values instanceof Uint8Array) return values[i] === 1;
  return values[i] as number | string | null;
}

export function sliceValues(values: Values, start: number, end: number): Values {
  return values instanceof Float64Array || values instanceof Uint8Array ? values.subarray(start, end) : values.slice(start, end);
}

/** Element equality that distinguishes -0 from 0 and equates NaN with NaN. */
export function sameValue(a: unknown, b: unknown): boolean {
  return Object.is(a, b);
}
