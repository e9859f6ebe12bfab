/**
 * MSB-first bit writer/reader over 32-bit words, for the segment codec's bit-packed
 * miniblocks (ported from the codec lab prototypes, shared/research/codec-lab/lab/bits.js).
 * Values wider than 32 bits go through `writeWide`/`readWide` as exact doubles < 2^53.
 */
const TWO32 = 4294967296;

export class BitWriter {
  private buf: Uint32Array;
  private w = 0;
  private cur = 0;
  private bits = 0;

  constructor(capacityWords = 1024) {
    this.buf = new Uint32Array(Math.max(4, capacityWords));
  }

  private push(word: number): void {
    if (this.w >= this.buf.length) {
      const grown = new Uint32Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.w++] = word;
  }

  /** Write the low `n` bits of `v` (1 ≤ n ≤ 32). */
  write(v: number, n: number): void {
    if (n < 32) v &= (1 << n) - 1;
    const free = 32 - this.bits;
    if (n < free) {
      this.cur |= v << (free - n);
      this.bits += n;
    } else if (n === free) {
      this.push((this.cur | v) >>> 0);
      this.cur = 0;
      this.bits = 0;
    } else {
      const spill = n - free;
      this.push((this.cur | (v >>> spill)) >>> 0);
      this.cur = v << (32 - spill);
      this.bits = spill;
    }
  }

  /** Write a non-negative integer < 2^53 in `n` bits (0 ≤ n ≤ 53). */
  writeWide(v: number, n: number): void {
    if (n === 0) return;
    if (n > 32) {
      this.write(Math.floor(v / TWO32), n - 32);
      this.write(v >>> 0, 32);
    } else this.write(v >>> 0, n);
  }

  /** The written words (the last one zero-padded). */
  finish(): Uint32Array {
    if (this.bits) {
      this.push(this.cur >>> 0);
      this.cur = 0;
      this.bits = 0;
    }
    return this.buf.subarray(0, this.w);
  }
}

export class BitReader {
  private w = 0;
  private pos = 0;
  constructor(private readonly buf: Uint32Array) {}

  /** Read `n` bits (1 ≤ n ≤ 32) as an unsigned number. Past the end reads zeros; callers check bounds by count. */
  read(n: number): number {
    const avail = 32 - this.pos;
    const word = this.buf[this.w] ?? 0;
    if (n < avail) {
      const r = ((word << this.pos) >>> 0) >>> (32 - n);
      this.pos += n;
      return r;
    }
    if (n === avail) {
      const r = avail === 32 ? word : word & ((1 << avail) - 1);
      this.pos = 0;
      this.w++;
      return r >>> 0;
    }
    const r1 = word & ((1 << avail) - 1);
    const rest = n - avail;
    this.w++;
    this.pos = rest;
    return ((r1 << rest) | ((this.buf[this.w] ?? 0) >>> (32 - rest))) >>> 0;
  }

  readWide(n: number): number {
    if (n === 0) return 0;
    if (n > 32) return this.read(n - 32) * TWO32 + this.read(32);
    return this.read(n);
  }

  /**
   * Read `count` values of `n` bits each (0 ≤ n ≤ 53) into `out` from position 0: the
   * miniblock unpacker of the decode hot path. One loop with the reader state in locals
   * (no call per value); the caller has checked nothing, so a block that runs past the
   * last word is refused here instead of reading zeros.
   */
  unpack(n: number, count: number, out: Float64Array): void {
    if (n === 0) {
      out.fill(0, 0, count);
      return;
    }
    const buf = this.buf;
    if ((this.w * 32 + this.pos + n * count) > buf.length * 32) throw new RangeError(`bit-packed block of ${count} × ${n} bits runs past the end`);
    if (n > 32) {
      for (let j = 0; j < count; j++) out[j] = this.readWide(n);
      return;
    }
    let w = this.w, pos = this.pos;
    let word = buf[w]!;
    for (let j = 0; j < count; j++) {
      const avail = 32 - pos;
      if (n < avail) {
        out[j] = ((word << pos) >>> 0) >>> (32 - n);
        pos += n;
      } else if (n === avail) {
        out[j] = pos === 0 ? word >>> 0 : (word & ((1 << avail) - 1)) >>> 0;
        pos = 0;
        word = buf[++w] ?? 0;
      } else {
        const rest = n - avail;
        const hi = word & ((1 << avail) - 1);
        word = buf[++w]!;
        out[j] = ((hi << rest) | (word >>> (32 - rest))) >>> 0;
        pos = rest;
      }
    }
    this.w = w;
    this.pos = pos;
  }

  /** Words consumed so far (for bounds checks on damaged input). */
  get wordsRead(): number {
    return this.w + (this.pos > 0 ? 1 : 0);
  }
}

/** Bits needed for a non-negative integer < 2^53. */
export function bitWidth(v: number): number {
  if (v === 0) return 0;
  if (v < TWO32) return 32 - Math.clz32(v);
  return 64 - Math.clz32(Math.floor(v / TWO32));
}

export function zigzag(d: number): number {
  return d >= 0 ? 2 * d : -2 * d - 1;
}

export function unzigzag(z: number): number {
  return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
}
