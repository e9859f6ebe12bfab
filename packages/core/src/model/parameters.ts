import { invalidInput } from '../errors.js';

/** A JSON-able parameter value; numeric typed arrays are allowed and stored as meteaudata's numpy marker. */
export type ParameterValue =
  | string
  | number
  | boolean
  | null
  | Date
  | ArrayBufferView
  | readonly ParameterValue[]
  | { readonly [key: string]: ParameterValue };

/** meteaudata's marker for a numpy array inside parameters (`shape` written as a plain list). */
export interface NumpyArrayMarker {
  __numpy_array__: true;
  data: unknown[];
  dtype: string;
  shape: number[];
}

const TYPED_DTYPES: [new (n: number) => ArrayBufferView & ArrayLike<number>, string][] = [
  [Float64Array, 'float64'], [Float32Array, 'float32'], [Int32Array, 'int32'], [Int16Array, 'int16'], [Int8Array, 'int8'],
  [Uint32Array, 'uint32'], [Uint16Array, 'uint16'], [Uint8Array, 'uint8'], [Uint8ClampedArray, 'uint8'],
];

function toWire(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value)) {
    if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
      return { __numpy_array__: true, data: Array.from(value, Number), dtype: value instanceof BigInt64Array ? 'int64' : 'uint64', shape: [value.length] };
    }
    const entry = TYPED_DTYPES.find(([ctor]) => value instanceof ctor);
    if (!entry) throw invalidInput(`Parameter ${path}: unsupported binary value`);
    const arr = value as unknown as ArrayLike<number>;
    return { __numpy_array__: true, data: Array.from(arr), dtype: entry[1], shape: [arr.length] } satisfies NumpyArrayMarker;
  }
  if (Array.isArray(value)) return value.map((v, i) => toWire(v, `${path}[${i}]`));
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw invalidInput(`Parameter ${path} is a ${typeof value}; parameters must be JSON-able values (strings, numbers, booleans, null, arrays, objects, typed arrays, Dates)`);
  }
  if (isMarker(value)) return { ...value, shape: Array.from(value.shape as ArrayLike<number>) };
  const out: Record<string, unknown> = {};
  // Like Python, an object is recorded by its own fields (its class is not kept).
  for (const [k, v] of Object.entries(value as object)) out[k] = toWire(v, `${path}.${k}`);
  return out;
}

function isMarker(value: unknown): value is NumpyArrayMarker {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).__numpy_array__ === true;
}

function fromMarker(m: NumpyArrayMarker): unknown {
  const entry = TYPED_DTYPES.find(([, dtype]) => dtype === m.dtype);
  const shape = Array.isArray(m.shape) ? m.shape : [];
  if (entry && shape.length <= 1 && m.data.every((x) => typeof x === 'number')) {
    return (entry[0] as unknown as { from(values: number[]): unknown }).from(m.data as number[]);
  }
  if (m.dtype === 'int64' && shape.length <= 1) return Float64Array.from(m.data as number[]);
  return m.data; // n-dimensional or non-numeric arrays stay nested lists
}

function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (isMarker(value)) return fromMarker(value);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
  return value;
}

/**
 * The arguments a processing function was called with (meteaudata's `Parameters`):
 * an ordered bag of JSON-able values. Typed arrays are stored as the
 * `__numpy_array__` marker so Python rebuilds numpy arrays from them.
 *
 * @example new Parameters({ frequency: '5min' }).get('frequency') // '5min'
 */
export class Parameters {
  private readonly wire: Record<string, unknown>;

  constructor(values: Record<string, unknown> = {}) {
    this.wire = toWire(values, 'parameters') as Record<string, unknown>;
  }

  /** The value of one parameter, with numpy markers turned back into typed arrays. */
  get(name: string): unknown {
    return fromWire(this.wire[name]);
  }

  keys(): string[] {
    return Object.keys(this.wire);
  }

  get size(): number {
    return this.keys().length;
  }

  /** All parameters as JS values (markers → typed arrays). */
  asObject(): Record<string, unknown> {
    return fromWire(this.wire) as Record<string, unknown>;
  }

  /** The wire form (what YAML/JSON hold). */
  toDict(): Record<string, unknown> {
    return structuredClone(this.wire);
  }

  static fromDict(d: Record<string, unknown>): Parameters {
    const p = new Parameters();
    Object.assign(p.wire, structuredClone(d));
    return p;
  }
}
