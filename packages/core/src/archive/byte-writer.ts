/** A growable byte buffer for writing CSV text without building JS strings per row. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + extra) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** Text known to be ASCII (numbers, timestamps). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any text, UTF-8 encoded. */
  text(s: string): void {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Two decimal digits. */
  d2(n: number): void {
    const b = this.buf;
    b[this.pos++] = 48 + ((n / 10) | 0);
    b[this.pos++] = 48 + (n % 10);
  }

  /** `n` zero-padded to `width` digits (n < 10^width). */
  digits(n: number, width: number): void {
    const b = this.buf;
    for (let i = width - 1; i >= 0; i--) { b[this.pos + i] = 48 + (n % 10); n = Math.floor(n / 10); }
    this.pos += width;
  }

  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
