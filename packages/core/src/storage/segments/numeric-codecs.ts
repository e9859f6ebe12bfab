import { BitReader, BitWriter, bitWidth, unzigzag, zigzag } from './bits.js';

/**
 * The two number codecs of a segment (storage-v2 brief §2/§4):
 *
 * - `encodeDecimals`: ALP-like decimal codec for float64 values. Per block pick the smallest
 *   exponent e ≤ 12 such that v = round(v·10^e)/10^e bit-exactly on a sample; the integers
 *   go delta → zigzag → bit-packed 128-value miniblocks (6-bit width each). Every value that
 *   does not round-trip (NaN with any payload, ±Inf, -0, non-decimal, |v·10^e| > 2^50) is an
 *   exception stored as (position, raw 64 bits), so the codec is lossless for every bit pattern.
 * - `encodeIntegers`: the three-mode codec for integer keys (epoch µs, int64 index keys):
 *   start + step; run-length of deltas; or delta-of-delta ÷ GCD → zigzag → bit-packed
 *   miniblocks. Returns null when a key is not a safe integer or a step exceeds 2^50,
 *   so the caller falls back to the decimal/raw float codec.
 */
const MB = 128;
const MAX_E = 12;
const LIMIT = 2 ** 50;
const TWO32 = 4294967296;
const P10 = Array.from({ length: MAX_E + 1 }, (_, e) => Number(`1e${e}`));

function decimalOk(v: number, p: number): boolean {
  const k = Math.round(v * p);
  return Math.abs(k) <= LIMIT && k / p === v && !(v === 0 && 1 / v < 0);
}

function pickExponent(f64: Float64Array): number {
  const n = f64.length;
  const step = Math.max(1, Math.floor(n / 256));
  let best = 0, bestFail = Infinity;
  for (let e = 0; e <= MAX_E; e++) {
    const p = P10[e]!;
    let fail = 0;
    for (let i = 0; i < n; i += step) if (!decimalOk(f64[i]!, p)) fail++;
    if (fail < bestFail) {
      bestFail = fail;
      best = e;
      if (fail === 0) break;
    }
  }
  return best;
}

function writeSigned(bw: BitWriter, v: number): void {
  bw.write(v < 0 ? 1 : 0, 1);
  bw.writeWide(Math.abs(v), 53);
}

function readSigned(br: BitReader): number {
  const s = br.read(1);
  const a = br.readWide(53);
  return s ? -a : a;
}

function packMiniblocks(bw: BitWriter, z: Float64Array, from: number, to: number): void {
  for (let b = from; b < to; b += MB) {
    const end = Math.min(to, b + MB);
    let max = 0;
    for (let j = b; j < end; j++) if (z[j]! > max) max = z[j]!;
    const w = bitWidth(max);
    bw.write(w, 6);
    if (w === 0) continue;
    if (w <= 32) for (let j = b; j < end; j++) bw.write(z[j]! >>> 0, w);
    else for (let j = b; j < end; j++) bw.writeWide(z[j]!, w);
  }
}

export class CodecError extends Error {}

export interface DecimalEncoding {
  words: Uint32Array;
  exponent: number;
  exceptions: number;
}

export function encodeDecimals(f64: Float64Array): DecimalEncoding {
  const n = f64.length;
  const bits = new Uint32Array(f64.buffer, f64.byteOffset, n * 2);
  const e = pickExponent(f64), p = P10[e]!;
  const ints = new Float64Array(n);
  const exc: number[] = [];
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v = f64[i]!;
    const k = Math.round(v * p);
    if (Math.abs(k) <= LIMIT && k / p === v && !(v === 0 && 1 / v < 0)) prev = k;
    else exc.push(i);
    ints[i] = prev;
  }
  const z = new Float64Array(n);
  for (let i = 1; i < n; i++) z[i] = zigzag(ints[i]! - ints[i - 1]!);
  const bw = new BitWriter((n >> 2) + 16 + exc.length * 3);
  bw.write(e, 5);
  bw.write(exc.length, 32);
  writeSigned(bw, n > 0 ? ints[0]! : 0);
  packMiniblocks(bw, z, 1, n);
  for (const i of exc) {
    bw.write(i, 32);
    bw.write(bits[2 * i + 1]!, 32);
    bw.write(bits[2 * i]!, 32);
  }
  return { words: bw.finish(), exponent: e, exceptions: exc.length };
}

/** Decode `n` values into `out` (fresh by default; a subarray of a whole read's array otherwise). */
/**
 * The decode hot loop, fused: read `count` zigzag deltas of `w` ≤ 31 bits, accumulate,
 * divide by 10^e. Each value is cut from a 32-bit window over two words, so there is no
 * branch per value; `(x >>> 1) >>> (31 - sh)` is `x >>> (32 - sh)` but 0 when sh = 0
 * (a JS shift by 32 would shift by 0). Returns the last integer.
 */
function addDecimalDeltas(br: BitReader, w: number, count: number, out: Float64Array, at: number, k: number, p: number): number {
  const buf = br.words;
  let bit = br.bitPosition;
  const end = bit + w * count;
  if (end > buf.length * 32) throw new CodecError(`bit-packed block of ${count} × ${w} bits runs past the end`);
  if (end + 64 > 2 ** 31) {
    // offsets past int32 range (segments of hundreds of millions of points): the plain reader
    const z = new Float64Array(count);
    br.unpack(w, count, z);
    for (let j = 0; j < count; j++) out[at + j] = (k += unzigzag(z[j]!)) / p;
    return k;
  }
  const right = 32 - w;
  if (w <= 8) {
    // Narrow deltas (sensor data mostly): walk the words with the unread bits left-aligned
    // in `cur`, loading a word only every 32/w values. Measured ~20% faster for w ≤ 8, slower
    // for wider ones (the word boundary branch mispredicts).
    let wi = bit >>> 5, avail = 32 - (bit & 31);
    let cur = buf[wi]! << (bit & 31);
    for (let j = 0; j < count; j++) {
      let zz: number;
      if (avail >= w) {
        zz = cur >>> right;
        cur <<= w;
        avail -= w;
      } else {
        const word = buf[++wi]! | 0, need = w - avail;
        zz = (cur >>> right) | (word >>> (32 - need));
        cur = word << need;
        avail = 32 - need;
      }
      k += (zz >>> 1) ^ -(zz & 1);
      out[at + j] = k / p;
    }
    br.seekBit(end);
    return k;
  }
  const last = buf.length - 1;
  for (let j = 0; j < count; j++) {
    const wi = bit >>> 5, sh = bit & 31;
    const next = wi < last ? buf[wi + 1]! : 0;
    const zz = (((buf[wi]! << sh) | ((next >>> 1) >>> (31 - sh))) >>> right) | 0;
    k += (zz >>> 1) ^ -(zz & 1);
    out[at + j] = k / p;
    bit += w;
  }
  br.seekBit(bit);
  return k;
}

export function decodeDecimals(words: Uint32Array, n: number, out: Float64Array = new Float64Array(n)): Float64Array {
  if (out.length !== n) throw new CodecError(`decimal column of ${n} values decoded into ${out.length}`);
  const bits = new Uint32Array(out.buffer, out.byteOffset, 2 * n);
  const br = new BitReader(words);
  const e = br.read(5);
  if (e > MAX_E) throw new CodecError(`decimal exponent ${e} out of range`);
  const p = P10[e]!;
  const nexc = br.read(32);
  if (nexc > n) throw new CodecError(`${nexc} exceptions for ${n} values`);
  let k = readSigned(br);
  if (n > 0) out[0] = k / p;
  const z = new Float64Array(MB);
  for (let b = 1; b < n; b += MB) {
    const count = Math.min(n - b, MB);
    const w = br.read(6);
    if (w > 53) throw new CodecError(`bit width ${w} out of range`);
    if (w === 0) {
      out.fill(k / p, b, b + count);
      continue;
    }
    if (w <= 31) {
      k = addDecimalDeltas(br, w, count, out, b, k, p);
      continue;
    }
    br.unpack(w, count, z);
    {
      for (let j = 0; j < count; j++) {
        k += unzigzag(z[j]!);
        out[b + j] = k / p;
      }
    }
  }
  for (let x = 0; x < nexc; x++) {
    const i = br.read(32);
    if (i >= n) throw new CodecError(`exception position ${i} beyond ${n} values`);
    bits[2 * i + 1] = br.read(32);
    bits[2 * i] = br.read(32);
  }
  if (br.wordsRead > words.length) throw new CodecError('decimal column truncated');
  return out;
}

/** Integer keys; null when the codec does not apply (then use the float codecs). */
export function encodeIntegers(keys: Float64Array): Uint32Array | null {
  const n = keys.length;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (!Number.isSafeInteger(k) || Object.is(k, -0)) return null;
  }
  const d = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    d[i] = keys[i]! - keys[i - 1]!;
    if (Math.abs(d[i]!) > LIMIT) return null;
  }
  const bw = new BitWriter(64);
  writeSigned(bw, n > 0 ? keys[0]! : 0);
  let runs = 0;
  for (let i = 2; i < n; i++) if (d[i] !== d[i - 1]) runs++;
  if (n <= 2 || runs === 0) {
    bw.write(0, 2);
    writeSigned(bw, n > 1 ? d[1]! : 0);
    return bw.finish();
  }
  if (runs <= n / 64) {
    bw.write(1, 2);
    bw.write(runs + 1, 32);
    let i = 1;
    while (i < n) {
      let j = i;
      while (j + 1 < n && d[j + 1] === d[i]) j++;
      writeSigned(bw, d[i]!);
      bw.write(j - i + 1, 32);
      i = j + 1;
    }
    return bw.finish();
  }
  bw.write(2, 2);
  let g = 0;
  for (let i = 1; i < n && g !== 1; i++) g = gcd(g, Math.abs(d[i]!));
  if (g === 0 || g >= TWO32) g = 1;
  bw.write(g, 32);
  if (g !== 1) for (let i = 1; i < n; i++) d[i] = d[i]! / g;
  writeSigned(bw, d[1]!);
  const z = new Float64Array(n);
  for (let i = 2; i < n; i++) z[i] = zigzag(d[i]! - d[i - 1]!);
  packMiniblocks(bw, z, 2, n);
  return bw.finish();
}

/**
 * Start and step of integer keys stored as start + step (the codec's mode 0, e.g. a
 * regular 1-second index): the keys are `start + i·step`, exactly as `decodeIntegers`
 * accumulates them (integers below 2^53). Null for the other modes.
 */
export function regularIntegers(words: Uint32Array): { start: number; step: number } | null {
  const br = new BitReader(words);
  const start = readSigned(br);
  if (br.read(2) !== 0) return null;
  const step = readSigned(br);
  if (br.wordsRead > words.length) throw new CodecError('key column truncated');
  return { start, step };
}

export function decodeIntegers(words: Uint32Array, n: number, out: Float64Array = new Float64Array(n)): Float64Array {
  if (out.length !== n) throw new CodecError(`key column of ${n} keys decoded into ${out.length}`);
  const br = new BitReader(words);
  let k = readSigned(br);
  if (n > 0) out[0] = k;
  const mode = br.read(2);
  if (mode === 0) {
    const step = readSigned(br);
    for (let i = 1; i < n; i++) out[i] = k += step;
  } else if (mode === 1) {
    const runs = br.read(32);
    let i = 1;
    for (let r = 0; r < runs; r++) {
      const step = readSigned(br);
      const len = br.read(32);
      if (i + len > n) throw new CodecError(`run of ${len} steps overflows ${n} keys`);
      for (let j = 0; j < len; j++) out[i++] = k += step;
    }
    if (i !== n && n > 0) throw new CodecError(`runs cover ${i} of ${n} keys`);
  } else if (mode === 2) {
    const g = br.read(32);
    let d = readSigned(br);
    if (n > 1) out[1] = k += d * g;
    const z = new Float64Array(MB);
    for (let b = 2; b < n; b += MB) {
      const count = Math.min(n - b, MB);
      const w = br.read(6);
      if (w > 53) throw new CodecError(`bit width ${w} out of range`);
      if (w === 0) {
        const step = d * g;
        for (let j = 0; j < count; j++) out[b + j] = k += step;
        continue;
      }
      br.unpack(w, count, z);
      if (w <= 31) {
        for (let j = 0; j < count; j++) {
          const zz = z[j]! | 0;
          d += (zz >>> 1) ^ -(zz & 1);
          out[b + j] = k += d * g;
        }
      } else {
        for (let j = 0; j < count; j++) {
          d += unzigzag(z[j]!);
          out[b + j] = k += d * g;
        }
      }
    }
  } else throw new CodecError(`unknown key mode ${mode}`);
  if (br.wordsRead > words.length) throw new CodecError('key column truncated');
  return out;
}

function gcd(a: number, b: number): number {
  while (b) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
