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

/** DELTA_BINARY_PACKED int64 → floor(v / divisor) * factor, exact. Null when a width is too wide. */
function deltaBinaryPacked(page: Uint8Array, n: number, divisor: number, factor: number, out: Float64Array, at: number): number | null {
  const r = new Bytes(page);
  const blockSize = r.uvarint();
  const miniblocks = r.uvarint();
  const total = r.uvarint();
  const first = r.zigzagBig();
  const count = Math.min(total, n);
  if (count === 0) return r.offset;
  const D = BigInt(divisor);
  let qBig = first / D;
  let rem = Number(first - qBig * D);
  if (rem < 0) { rem += divisor; qBig -= 1n; }
  let q = Number(qBig);
  out[at] = q * factor;
  const perMini = blockSize / miniblocks;
  const deltas = new Float64Array(perMini);
  let done = 1;
  while (done < total) {
    const minBig = r.zigzagBig();
    if (minBig > 2n ** 52n || minBig < -(2n ** 52n)) return null;
    const minDelta = Number(minBig);
    const widths = page.subarray(r.offset, r.offset + miniblocks);
    r.offset += miniblocks;
    for (let m = 0; m < miniblocks && done < total; m++) {
      const w = widths[m]!;
      if (w > 44) return null;
      unpack(page, r.offset, perMini, w, deltas, 0);
      r.offset += (perMini * w) / 8;
      const take = Math.min(perMini, total - done);
      for (let i = 0; i < take; i++) {
        rem += minDelta + deltas[i]!;
        if (rem >= divisor || rem < 0) {
          const k = Math.floor(rem / divisor);
          q += k;
          rem -= k * divisor;
        }
        if (done < count) out[at + done] = q * factor;
        done++;
      }
    }
  }
  return r.offset;
}

/** RLE / bit-packed hybrid dictionary indices (width byte first) → out. */
function dictionaryIndices(page: Uint8Array, n: number, out: Uint32Array): boolean {
  const w = page[0]!;
  if (w > 32) return false;
  const r = new Bytes(page);
  r.offset = 1;
  let done = 0;
  const bytesPerValue = Math.ceil(w / 8);
  while (done < n && r.offset < page.length) {
    const header = r.uvarint();
    if (header & 1) {
      const values = (header >>> 1) * 8;
      const take = Math.min(values, n - done);
      const tmp = take === values ? out.subarray(done, done + values) : new Uint32Array(values);
      unpack(page, r.offset, values, w, tmp, 0);
      if (take !== values) out.set(tmp.subarray(0, take), done);
      r.offset += (values * w) / 8;
      done += take;
    } else {
      const run = header >>> 1;
      let v = 0;
      for (let i = 0; i < bytesPerValue; i++) v += page[r.offset + i]! * 2 ** (8 * i);
      r.offset += bytesPerValue;
      const take = Math.min(run, n - done);
      out.fill(v, done, done + take);
      done += take;
    }
  }
  return done === n;
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
      const idx = new Uint32Array(count);
      if (!dictionaryIndices(body, count, idx)) return false;
      const target = out.subarray(at + done, at + done + count);
      if (isDouble) {
        // Copy bits (NaN payloads kept) through 64-bit views.
        const src = new BigUint64Array(dictionary.buffer), dst = new BigUint64Array(target.buffer, target.byteOffset, count);
        for (let i = 0; i < count; i++) { const k = idx[i]!; if (k >= src.length) return false; dst[i] = src[k]!; }
      } else for (let i = 0; i < count; i++) target[i] = dictionary[idx[i]!]!;
    } else if (encoding === 'DELTA_BINARY_PACKED') {
      if (isDouble) return false;
      if (deltaBinaryPacked(body, count, divisor, factor, out, at + done) === null) return false;
    } else return false;
    done += count;
  }
  return true;
}
