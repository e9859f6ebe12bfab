/**
 * Version records travel as JSON (the driver contract), but meteaudata metadata may hold
 * NaN and ±Infinity (step parameters such as a fill value), which `JSON.stringify` turns
 * into null. Core wraps them reversibly before a commit and unwraps them on read, so every
 * driver round-trips metadata exactly without knowing about it.
 */
const TAG = '__metaseries_float__';

export function toJsonSafe<T>(value: T): T {
  return wrap(value) as T;
}

export function fromJsonSafe<T>(value: T): T {
  return unwrap(value) as T;
}

function wrap(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : { [TAG]: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' };
  if (Array.isArray(v)) return v.map(wrap);
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = wrap(x);
    return out;
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, wrap);
  return v;
}

function unwrap(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrap);
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === TAG) {
      const t = (v as Record<string, unknown>)[TAG];
      return t === 'NaN' ? Number.NaN : t === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = unwrap(x);
    return out;
  }
  return v;
}
