import type { ColumnMetaData } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { fromInt64Halves } from './int64.js';

/**
 * A fast decoder for the column chunks our segment writer makes (and any file in the same
 * shape): REQUIRED DOUBLE/INT64 columns, pages PLAIN, RLE_DICTIONARY (dictionary page
 * PLAIN) or DELTA_BINARY_PACKED, DATA_PAGE or DATA_PAGE_V2, UNCOMPRESSED or ZSTD. It
 * decodes straight into Float64Array (int64 scaled exactly, without BigInt per value),
 * where hyparquet's general decoder goes through arrays of BigInt. Anything else returns
 * null and the caller takes the general path.
 */

export type Decompress = (input: Uint8Array) => Uint8Array;

class Bytes {
  offset = 0;
  constructor(readonly b: Uint8Array) {}
  uvarint(): number {
    let result = 0, shift = 1, byte;
    do {
      byte = this.b[this.offset++]!;
      result += (byte & 0x7f) * shift;
      shift *= 128;
    } while (byte & 0x80);
    return result;
  }
  /** Zigzag varint as BigInt (int64 first values may exceed 2^53). */
  zigzagBig(): bigint {
    let result = 0n, shift = 0n, byte;
    do {
      byte = this.b[this.offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    return (result >> 1n) ^ -(result & 1n);
  }
  /** Zigzag varint as a number when it fits 7 bytes (|v| < 2^48), else via BigInt (null past ±2^52). */
  zigzagNumber(): number | null {
    const start = this.offset;
    let result = 0, shift = 1, byte;
    for (let i = 0; i < 7; i++) {
      byte = this.b[this.offset++]!;
      result += (byte & 0x7f) * shift;
      if (!(byte & 0x80)) return result % 2 === 1 ? -(result + 1) / 2 : result / 2;
      shift *= 128;
    }
    this.offset = start;
    const big = this.zigzagBig();
    return big > TWO52 || big < -TWO52 ? null : Number(big);
  }
}

const TWO52 = 2n ** 52n;

/**
 * Bit-packed values of width w ≤ 24 are read as one little-endian 32-bit word at byte
 * i·w/8 (DataView.getUint32: one load once optimised), shifted by i·w mod 8 (≤ 7, so
 * w + 7 ≤ 31 bits fit): no branch per value, two to three times as fast in V8 as a
 * refilled bit buffer. This many values, from the first, have
 * their 4 bytes inside `length`; the rest go through `bitsAtSafe`.
 */
function fastCount(length: number, offset: number, w: number, count: number): number {
  const room = (length - offset - 4) * 8;
  return room < 0 ? 0 : Math.min(count, Math.floor(room / w) + 1);
}

/** Value i of width `w` ≤ 24 at bit i·w from `b[offset]`, reading bytes one by one (missing bytes as 0). */
function bitsAtSafe(b: Uint8Array, offset: number, i: number, w: number): number {
  const p = i * w;
  const at = offset + (p >>> 3);
  const word = (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24);
  return (word >>> (p & 7)) & ((1 << w) - 1);
}

/** LSB-first bit-packed values of width `w` (≤ 44 so a Number buffer stays exact). */
function unpack(b: Uint8Array, offset: number, count: number, w: number, out: Float64Array | Uint32Array, at: number): void {
  if (w === 0) { out.fill(0, at, at + count); return; }
  if (w <= 24) {
    // int32 bit buffer: before a refill it holds < w ≤ 24 bits, so a byte shifted in stays below 2^31
    // (the float path below costs a division and a modulo per value: most of a Parquet store's read time).
    const mask = (1 << w) - 1;
    let buffer = 0, bits = 0, pos = offset;
    for (let i = 0; i < count; i++) {
      while (bits < w) { buffer |= b[pos++]! << bits; bits += 8; }
      out[at + i] = buffer & mask;
      buffer >>>= w;
      bits -= w;
    }
    return;
  }
  let buffer = 0, bits = 0, pos = offset;
  const mod = 2 ** w;
  for (let i = 0; i < count; i++) {
    while (bits < w) { buffer += b[pos++]! * 2 ** bits; bits += 8; }
    const v = buffer % mod;
    out[at + i] = v;
    buffer = (buffer - v) / mod;
    bits -= w;
  }
}

/** DELTA_BINARY_PACKED int64 → floor(v / divisor) * factor, exact. Null when a width is too wide or the header is malformed. */
function deltaBinaryPacked(page: Uint8Array, n: number, divisor: number, factor: number, out: Float64Array, at: number): number | null {
  const r = new Bytes(page);
  const blockSize = r.uvarint();
  const miniblocks = r.uvarint();
  const total = r.uvarint();
  const first = r.zigzagBig();
  // A page whose header counts fewer values than the page holds is not ours to guess at
  // (and every row of `out` must be written: the caller's arrays are not zero-filled).
  if (total < n) return null;
  const count = n;
  if (count === 0) return r.offset;
  const perMini = blockSize / miniblocks;
  if (!Number.isInteger(perMini) || perMini % 8 !== 0 || perMini <= 0) return null;
  // The running value is kept as q·divisor + rem with 0 ≤ rem < divisor: q is the output
  // (µs for ns timestamps) and every number stays far below 2^53 although ns values don't.
  const D = BigInt(divisor);
  let qBig = first / D;
  let rem = Number(first - qBig * D);
  if (rem < 0) { rem += divisor; qBig -= 1n; }
  let q = Number(qBig);
  out[at] = q * factor;
  const deltas = new Float64Array(perMini);
  const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
  let done = 1;
  while (done < total) {
    const minDelta = r.zigzagNumber();
    if (minDelta === null) return null;
    // minDelta split the same way, so each step only adds non-negative remainders.
    const minQ = Math.floor(minDelta / divisor);
    const minR = minDelta - minQ * divisor;
    const widths = page.subarray(r.offset, r.offset + miniblocks);
    r.offset += miniblocks;
    for (let m = 0; m < miniblocks && done < total; m++) {
      const w = widths[m]!;
      if (w > 44) return null;
      const take = Math.min(perMini, total - done);
      // Values past `count` (a header claiming more than the page holds) are decoded, not written.
      const write = Math.max(0, Math.min(take, count - done));
      const o = at + done;
      if (w === 0 && minR === 0) {
        // Constant whole steps (a regular grid of whole µs: every miniblock of a 1 s series):
        // each value from the miniblock's start, no chain of additions to wait on.
        for (let i = 0; i < write; i++) out[o + i] = (q + (i + 1) * minQ) * factor;
        q += take * minQ;
      } else if (w === 0) {
        for (let i = 0; i < write; i++) {
          q += minQ;
          rem += minR;
          if (rem >= divisor) { q += 1; rem -= divisor; }
          out[o + i] = q * factor;
        }
      } else if (w <= 24) {
        const mask = (1 << w) - 1, base = r.offset;
        const fast = fastCount(page.length, base, w, write);
        for (let i = 0; i < write; i++) {
          let d: number;
          if (i < fast) {
            const p = i * w;
            d = (dv.getUint32(base + (p >>> 3), true) >>> (p & 7)) & mask;
          } else d = bitsAtSafe(page, base, i, w);
          rem += minR + d;
          q += minQ;
          if (rem >= divisor) { const k = Math.floor(rem / divisor); q += k; rem -= k * divisor; }
          out[o + i] = q * factor;
        }
      } else {
        unpack(page, r.offset, perMini, w, deltas, 0);
        for (let i = 0; i < write; i++) {
          rem += minR + deltas[i]!;
          q += minQ;
          if (rem >= divisor) { const k = Math.floor(rem / divisor); q += k; rem -= k * divisor; }
          out[o + i] = q * factor;
        }
      }
      r.offset += (perMini * w) / 8;
      done += take;
    }
  }
  return r.offset;
}

/**
 * RLE / bit-packed hybrid dictionary indices (width byte first) looked up in `dictionary`
 * straight into `out[at…at+n)`: no index array. Doubles are copied as two 32-bit halves
 * when the dictionary holds a NaN (a Float64Array store may canonicalise NaN payloads),
 * else as numbers. An index past the dictionary or runs that don't fill the page is a
 * damaged file, thrown (the caller reports CORRUPT_DATA naming it): falling back to the
 * general decoder would quietly read such indices as NaN.
 */
function dictionaryLookup(page: Uint8Array, n: number, dictionary: Float64Array, out: Float64Array, at: number): boolean {
  const w = page[0]!;
  if (w > 32) return false;
  const size = dictionary.length;
  let hasNaN = false;
  for (let i = 0; i < size; i++) if (dictionary[i] !== dictionary[i]) { hasNaN = true; break; }
  const src32 = new Int32Array(dictionary.buffer, dictionary.byteOffset, size * 2);
  const dst32 = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  const put = hasNaN
    ? (j: number, k: number): void => { dst32[2 * j] = src32[2 * k]!; dst32[2 * j + 1] = src32[2 * k + 1]!; }
    : null;
  const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const r = new Bytes(page);
  r.offset = 1;
  let done = 0;
  const bytesPerValue = Math.ceil(w / 8);
  let tmp: Uint32Array | null = null;
  while (done < n && r.offset < page.length) {
    const header = r.uvarint();
    if (header & 1) {
      const values = (header >>> 1) * 8;
      const take = Math.min(values, n - done);
      const o = at + done;
      if (w <= 24 && !put) {
        const mask = (1 << w) - 1, base = r.offset;
        const fast = fastCount(page.length, base, w, take);
        for (let i = 0; i < fast; i++) {
          const p = i * w;
          const k = (dv.getUint32(base + (p >>> 3), true) >>> (p & 7)) & mask;
          if (k >= size) throw pastDictionary(k, size);
          out[o + i] = dictionary[k]!;
        }
        for (let i = fast; i < take; i++) {
          const k = bitsAtSafe(page, base, i, w);
          if (k >= size) throw pastDictionary(k, size);
          out[o + i] = dictionary[k]!;
        }
      } else {
        if (!tmp || tmp.length < values) tmp = new Uint32Array(values);
        unpack(page, r.offset, values, w, tmp, 0);
        for (let i = 0; i < take; i++) {
          const k = tmp[i]!;
          if (k >= size) throw pastDictionary(k, size);
          if (put) put(o + i, k);
          else out[o + i] = dictionary[k]!;
        }
      }
      r.offset += (values * w) / 8;
      done += take;
    } else {
      const run = header >>> 1;
      let k = 0;
      for (let i = 0; i < bytesPerValue; i++) k += page[r.offset + i]! * 2 ** (8 * i);
      r.offset += bytesPerValue;
      if (k >= size) throw pastDictionary(k, size);
      const take = Math.min(run, n - done);
      if (put) for (let i = 0; i < take; i++) put(at + done + i, k);
      else out.fill(dictionary[k]!, at + done, at + done + take);
      done += take;
    }
  }
  if (done !== n) throw new Error(`a dictionary-encoded page holds ${done} of its ${n} values`);
  return true;
}

function pastDictionary(k: number, size: number): Error {
  return new Error(`a dictionary index (${k}) lies past the ${size}-value dictionary`);
}

function plainInt64(page: Uint8Array, n: number, divisor: number, factor: number, out: Float64Array, at: number): void {
  const halves = new Int32Array(n * 2);
  new Uint8Array(halves.buffer).set(page.subarray(0, n * 8));
  const target = out.subarray(at, at + n);
  fromInt64Halves(halves, divisor, target);
  if (factor !== 1) for (let i = 0; i < n; i++) target[i] = target[i]! * factor;
}

/**
 * Decode one column chunk (`bytes` starts at the chunk) of `rows` values into `out[at…]`.
 * `divisor`/`factor` scale INT64 (timestamps to µs). Returns false when the chunk is not
 * in a shape this decoder knows.
 */
export function decodeChunk(bytes: Uint8Array, meta: ColumnMetaData, rows: number, divisor: number, factor: number, out: Float64Array, at: number, decompress: Decompress | null): boolean {
  if (meta.type !== 'DOUBLE' && meta.type !== 'INT64') return false;
  if (meta.codec !== 'UNCOMPRESSED' && !(meta.codec === 'ZSTD' && decompress)) return false;
  const isDouble = meta.type === 'DOUBLE';
  const view = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let dictionary: Float64Array | null = null;
  let done = 0;
  while (done < rows) {
    if (view.offset >= bytes.byteLength) return false;
    const header = parquetHeader(view);
    const start = view.offset;
    const size = header.compressed_page_size;
    view.offset += size;
    let body = bytes.subarray(start, start + size);
    if (header.type === 'DICTIONARY_PAGE') {
      const count = header.dictionary_page_header?.num_values ?? 0;
      if (meta.codec === 'ZSTD') body = decompress!(body);
      dictionary = new Float64Array(count);
      if (isDouble) new Uint8Array(dictionary.buffer).set(body.subarray(0, count * 8));
      else plainInt64(body, count, divisor, factor, dictionary, 0);
      continue;
    }
    let count: number, encoding: string;
    if (header.type === 'DATA_PAGE_V2') {
      const h = header.data_page_header_v2!;
      if (h.num_nulls || h.definition_levels_byte_length || h.repetition_levels_byte_length) return false;
      count = h.num_values;
      encoding = h.encoding;
      if (h.is_compressed !== false && meta.codec === 'ZSTD') body = decompress!(body);
    } else if (header.type === 'DATA_PAGE') {
      const h = header.data_page_header!;
      count = h.num_values;
      encoding = h.encoding;
      if (meta.codec === 'ZSTD') body = decompress!(body);
    } else return false;
    if (done + count > rows) return false;
    if (encoding === 'PLAIN') {
      if (body.byteLength < count * 8) return false;
      if (isDouble) new Uint8Array(out.buffer, out.byteOffset + (at + done) * 8, count * 8).set(body.subarray(0, count * 8));
      else plainInt64(body, count, divisor, factor, out, at + done);
    } else if (encoding === 'RLE_DICTIONARY' || encoding === 'PLAIN_DICTIONARY') {
      if (!dictionary) return false;
      if (!dictionaryLookup(body, count, dictionary, out, at + done)) return false;
    } else if (encoding === 'DELTA_BINARY_PACKED') {
      if (isDouble) return false;
      if (deltaBinaryPacked(body, count, divisor, factor, out, at + done) === null) return false;
    } else return false;
    done += count;
  }
  return true;
}
