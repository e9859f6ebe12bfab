import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { MetaseriesError } from '../../errors.js';
import type { Series } from '../../series/series.js';
import { Series as SeriesClass } from '../../series/series.js';
import type { Values } from '../../series/values.js';
import { storageOf } from '../../series/values.js';
import type { SegmentStats } from './driver.js';
import { buildIndex, keysOf, type SeriesLayout } from './layout.js';
import { CodecError, decodeDecimals, decodeIntegers, encodeDecimals, encodeIntegers, regularIntegers } from './numeric-codecs.js';

/**
 * The segment codec: one immutable block of points ↔ bytes, used by the memory and SQL
 * drivers (file drivers write Parquet instead). Lossless for every index kind and dtype,
 * float64 bit-exact (NaN payloads, -0, ±Inf) since floats only move as raw bits.
 *
 * Blob: "MS" · format version (1) · compression (0 none, 1 deflate-raw) · CRC-32 of the
 * uncompressed body (u32 LE) · body. Body: count (u32) · key column · value column, each
 * as codec id (u8) · byte length (u32) · bytes. Column codecs are tagged so a reader of a
 * later version knows what it cannot read. All multi-byte numbers little-endian.
 */
export const SEGMENT_FORMAT_VERSION = 1;

/** Column codec ids (one byte in the blob; never renumber). */
export const enum ColumnCodec {
  /** float64 raw bits, 8 bytes per value. */
  F64_RAW = 1,
  /** ALP-like decimal (numeric-codecs.ts). */
  F64_DECIMAL = 2,
  /** Three-mode integer keys (numeric-codecs.ts). */
  INT_KEYS = 3,
  /** RangeIndex: start and step as float64. */
  RANGE = 4,
  /** Strings: u32 byte length per entry (0xFFFFFFFF = null) · UTF-8 bytes. */
  STRINGS = 5,
  /** bool: one byte per value. */
  BOOL = 6,
  /** Keys are positions: nothing stored. */
  POSITIONS = 7,
}

const MAGIC0 = 0x4d, MAGIC1 = 0x53; // "MS"
const HEADER = 8;
const NULL_LEN = 0xffffffff;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new MetaseriesError('UNSUPPORTED', 'The segment codec needs a little-endian platform');
}

export interface EncodeOptions {
  /** deflate level (default 6: measured in bench/codec-measure.ts). */
  level?: number;
}

/**
 * Encode a time-ordered slice of points. `layout` says whether keys are index keys
 * (then the index is stored) or positions (string index labels are stored as values of the key column).
 *
 * @example const bytes = encodeSegment(series); const back = decodeSegment(bytes, layoutOf(series));
 */
export function encodeSegment(series: Series, options: EncodeOptions = {}): Uint8Array {
  const n = series.length;
  const key = encodeKeys(series);
  const values = encodeValues(series.values, series.dtype);
  const body = frameBody(n, key, values.primary);
  let best = compress(body, options.level ?? 6);
  if (values.alternative) {
    const other = compress(frameBody(n, key, values.alternative), options.level ?? 6);
    if (other.length < best.length) best = other;
  }
  return best;
}

interface Column {
  codec: ColumnCodec;
  bytes: Uint8Array;
}

function encodeKeys(series: Series): Column {
  const index = series.index;
  if (index.kind === 'range') {
    const f = Float64Array.from([index.start, index.step]);
    return { codec: ColumnCodec.RANGE, bytes: bytesOf(f) };
  }
  if (index.kind === 'string') return { codec: ColumnCodec.STRINGS, bytes: encodeStrings(index.values) };
  const ints = encodeIntegers(index.values);
  if (ints) return { codec: ColumnCodec.INT_KEYS, bytes: bytesOf(ints) };
  return encodeFloats(index.values).primary;
}

function encodeValues(values: Values, dtype: string): { primary: Column; alternative?: Column } {
  const storage = storageOf(dtype);
  if (storage === 'bool') return { primary: { codec: ColumnCodec.BOOL, bytes: values as Uint8Array } };
  if (storage === 'string') return { primary: { codec: ColumnCodec.STRINGS, bytes: encodeStrings(values as readonly (string | null)[]) } };
  return encodeFloats(values as Float64Array);
}

/**
 * Decimal when it fits; when more than 1/16 of the values are exceptions (not decimal
 * data), also offer raw bits so the caller keeps whichever deflates smaller.
 */
function encodeFloats(f64: Float64Array): { primary: Column; alternative?: Column } {
  const raw: Column = { codec: ColumnCodec.F64_RAW, bytes: bytesOf(f64) };
  if (f64.length === 0) return { primary: raw };
  const dec = encodeDecimals(f64);
  const decimal: Column = { codec: ColumnCodec.F64_DECIMAL, bytes: bytesOf(dec.words) };
  // Mostly exceptions (values that are not short decimals: means, interpolations): each costs
  // 12 bytes in the decimal column against 8 raw, so only raw is worth deflating — deflating
  // both was most of the cost of writing such a segment (e.g. a refresh's rolling-mean tail).
  if (dec.exceptions * 2 >= f64.length) return { primary: raw };
  if (dec.exceptions * 16 > f64.length) return { primary: decimal, alternative: raw };
  return { primary: decimal };
}

function bytesOf(view: Float64Array | Uint32Array): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function encodeStrings(values: readonly (string | null)[]): Uint8Array {
  const n = values.length;
  const lengths = new Uint32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) lengths[i] = NULL_LEN;
    else {
      lengths[i] = Buffer.byteLength(v, 'utf8');
      total += lengths[i]!;
    }
  }
  const out = Buffer.allocUnsafe(4 * n + total);
  out.set(bytesOfU32(lengths), 0);
  let at = 4 * n;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) at += out.write(v, at, 'utf8');
  }
  return out;
}

function bytesOfU32(u: Uint32Array): Uint8Array {
  return new Uint8Array(u.buffer, u.byteOffset, u.byteLength);
}

function frameBody(n: number, key: Column, value: Column): Uint8Array {
  const body = new Uint8Array(4 + 5 + key.bytes.length + 5 + value.bytes.length);
  const dv = new DataView(body.buffer);
  dv.setUint32(0, n, true);
  let at = 4;
  for (const col of [key, value]) {
    body[at] = col.codec;
    dv.setUint32(at + 1, col.bytes.length, true);
    body.set(col.bytes, at + 5);
    at += 5 + col.bytes.length;
  }
  return body;
}

function compress(body: Uint8Array, level: number): Uint8Array {
  const deflated = level > 0 ? deflateRawSync(body, { level }) : null;
  const useDeflate = deflated !== null && deflated.length < body.length;
  const payload = useDeflate ? deflated : body;
  const out = new Uint8Array(HEADER + payload.length);
  out[0] = MAGIC0;
  out[1] = MAGIC1;
  out[2] = SEGMENT_FORMAT_VERSION;
  out[3] = useDeflate ? 1 : 0;
  new DataView(out.buffer).setUint32(4, crc32(body), true);
  out.set(payload, HEADER);
  return out;
}

/**
 * Decode a blob made by `encodeSegment`. A damaged blob (bad magic, unknown version or
 * codec, checksum mismatch, truncated column) is CORRUPT_DATA naming `what`.
 */
export function decodeSegment(bytes: Uint8Array, layout: SeriesLayout, what = 'segment'): Series {
  try {
    return decodeBody(unwrap(bytes), layout);
  } catch (e) {
    if (e instanceof MetaseriesError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new MetaseriesError('CORRUPT_DATA', `Damaged ${what}: ${reason}`, { cause: e });
  }
}

function unwrap(bytes: Uint8Array): Uint8Array {
  if (bytes.length < HEADER || bytes[0] !== MAGIC0 || bytes[1] !== MAGIC1) throw new CodecError('not a metaseries segment (bad magic bytes)');
  if (bytes[2] !== SEGMENT_FORMAT_VERSION) throw new CodecError(`segment format version ${bytes[2]} is not readable by this version of metaseries (reads ${SEGMENT_FORMAT_VERSION})`);
  const payload = bytes.subarray(HEADER);
  const body = bytes[3] === 1 ? inflateRawSync(payload) : bytes[3] === 0 ? payload : null; // a Buffer is a Uint8Array: no copy
  if (!body) throw new CodecError(`unknown compression ${bytes[3]}`);
  const expected = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (crc32(body) !== expected) throw new CodecError('checksum mismatch');
  return body;
}

function columnsOf(body: Uint8Array): { n: number; keyCol: Column; valueCol: Column } {
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (body.length < 14) throw new CodecError('body truncated');
  const n = dv.getUint32(0, true);
  const columns: Column[] = [];
  let at = 4;
  for (let c = 0; c < 2; c++) {
    if (at + 5 > body.length) throw new CodecError('column header truncated');
    const codec = body[at]! as ColumnCodec;
    const len = dv.getUint32(at + 1, true);
    if (at + 5 + len > body.length) throw new CodecError('column truncated');
    columns.push({ codec, bytes: body.subarray(at + 5, at + 5 + len) });
    at += 5 + len;
  }
  return { n, keyCol: columns[0]!, valueCol: columns[1]! };
}

/** Where `decodeSegmentInto` writes: the arrays of a whole read, from position `at`. */
export interface DecodeTarget {
  keys: Float64Array;
  values: Float64Array | Uint8Array;
  at: number;
  /**
   * Set to receive regular keys (start + i·step: a RangeIndex, or a grid index) as their
   * start and step instead of writing them to `keys` (which is then left untouched);
   * null after a decode whose keys were written.
   */
  regular?: { start: number; step: number } | null;
}

/**
 * Decode a blob straight into the arrays of a whole read (keyed layouts with numeric or
 * bool values): no per-segment arrays, index or series, no copy afterwards. Returns the
 * number of points written at `target.at`; the caller advances it. Damage is
 * CORRUPT_DATA naming `what`, as for `decodeSegment`.
 */
export function decodeSegmentInto(bytes: Uint8Array, layout: SeriesLayout, target: DecodeTarget, what = 'segment'): number {
  try {
    const { n, keyCol, valueCol } = columnsOf(unwrap(bytes));
    const at = target.at;
    if (at + n > target.keys.length || at + n > target.values.length) throw new CodecError(`${n} points do not fit at position ${at} of ${target.keys.length}`);
    if (target.regular !== undefined) target.regular = regularKeys(keyCol);
    if (!target.regular) writeKeys(keyCol, n, target.keys.subarray(at, at + n));
    if (target.values instanceof Uint8Array) {
      if (valueCol.codec !== ColumnCodec.BOOL || valueCol.bytes.length !== n) throw new CodecError('bool column does not match');
      target.values.set(valueCol.bytes, at);
    } else decodeFloats(valueCol, n, target.values.subarray(at, at + n));
    return n;
  } catch (e) {
    if (e instanceof MetaseriesError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new MetaseriesError('CORRUPT_DATA', `Damaged ${what}: ${reason}`, { cause: e });
  }
}

function writeKeys(keyCol: Column, n: number, keys: Float64Array): void {
  if (keyCol.codec === ColumnCodec.RANGE) {
    const f = decodeF64Raw(keyCol.bytes, 2);
    const start = f[0]!, step = f[1]!;
    for (let i = 0; i < n; i++) keys[i] = start + i * step;
  } else if (keyCol.codec === ColumnCodec.STRINGS) throw new CodecError('string keys cannot be decoded into numeric keys');
  else decodeFloats(keyCol, n, keys);
}

/** Start and step of a key column that is start + i·step, else null. */
function regularKeys(col: Column): { start: number; step: number } | null {
  if (col.codec === ColumnCodec.RANGE) {
    const f = decodeF64Raw(col.bytes, 2);
    return { start: f[0]!, step: f[1]! };
  }
  return col.codec === ColumnCodec.INT_KEYS ? regularIntegers(wordsOf(col.bytes)) : null;
}

function decodeBody(body: Uint8Array, layout: SeriesLayout): Series {
  const { n, keyCol, valueCol } = columnsOf(body);
  let index;
  switch (keyCol.codec) {
    case ColumnCodec.RANGE: {
      const f = decodeF64Raw(keyCol.bytes, 2);
      index = buildIndex(layout, { start: f[0]!, step: f[1]!, count: n });
      break;
    }
    case ColumnCodec.STRINGS:
      index = buildIndex(layout, decodeStrings(keyCol.bytes, n).map((s) => s ?? ''));
      break;
    default:
      index = buildIndex(layout, decodeFloats(keyCol, n));
  }
  const storage = storageOf(layout.dtype);
  let values: Values;
  if (storage === 'bool') {
    if (valueCol.codec !== ColumnCodec.BOOL || valueCol.bytes.length !== n) throw new CodecError('bool column does not match');
    values = valueCol.bytes.slice();
  } else if (storage === 'string') {
    if (valueCol.codec !== ColumnCodec.STRINGS) throw new CodecError('string column does not match');
    values = decodeStrings(valueCol.bytes, n);
  } else values = decodeFloats(valueCol, n);
  return new SeriesClass({ index, values, name: layout.name, dtype: layout.dtype });
}

function decodeFloats(col: Column, n: number, out?: Float64Array): Float64Array {
  switch (col.codec) {
    case ColumnCodec.F64_RAW:
      return decodeF64Raw(col.bytes, n, out);
    case ColumnCodec.F64_DECIMAL:
      return decodeDecimals(wordsOf(col.bytes), n, out);
    case ColumnCodec.INT_KEYS:
      return decodeIntegers(wordsOf(col.bytes), n, out);
    default:
      throw new CodecError(`unknown numeric column codec ${col.codec}`);
  }
}

function decodeF64Raw(bytes: Uint8Array, n: number, out: Float64Array = new Float64Array(n)): Float64Array {
  if (bytes.length !== n * 8) throw new CodecError(`float column has ${bytes.length} bytes for ${n} values`);
  new Uint8Array(out.buffer, out.byteOffset, 8 * n).set(bytes);
  return out;
}

function wordsOf(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 4 !== 0) throw new CodecError('bit-packed column is not whole words');
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const out = new Uint32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function decodeStrings(bytes: Uint8Array, n: number): (string | null)[] {
  if (bytes.length < 4 * n) throw new CodecError('string column truncated');
  const lengths = wordsOf(bytes.subarray(0, 4 * n));
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: (string | null)[] = new Array(n);
  let at = 4 * n;
  for (let i = 0; i < n; i++) {
    const len = lengths[i]!;
    if (len === NULL_LEN) out[i] = null;
    else {
      if (at + len > bytes.length) throw new CodecError('string column truncated');
      out[i] = buf.toString('utf8', at, at + len);
      at += len;
    }
  }
  return out;
}

/**
 * Statistics kept beside a segment. Keys are index keys when the layout is keyed,
 * positions (from `positionOffset`) otherwise.
 */
export function segmentStats(series: Series, layout: SeriesLayout, positionOffset = 0): SegmentStats {
  const n = series.length;
  const keys = keysOf(series, layout, positionOffset);
  const stats: SegmentStats = {
    count: n,
    first: n ? keys[0]! : positionOffset,
    last: n ? keys[n - 1]! : positionOffset,
    min: null,
    max: null,
    sum: null,
    nanCount: 0,
    firstValue: null,
    lastValue: null,
  };
  const v = series.values;
  if (v instanceof Float64Array) {
    let min = Infinity, max = -Infinity, sum = 0, nan = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x !== x) nan++;
      else {
        if (x < min) min = x;
        if (x > max) max = x;
        sum += x;
      }
    }
    stats.nanCount = nan;
    if (nan < n) {
      stats.min = min;
      stats.max = max;
      stats.sum = sum;
    }
    stats.firstValue = n && !Number.isNaN(v[0]!) ? v[0]! : null;
    stats.lastValue = n && !Number.isNaN(v[n - 1]!) ? v[n - 1]! : null;
  } else if (!(v instanceof Uint8Array)) {
    for (const x of v) if (x === null) stats.nanCount++;
  }
  return stats;
}
