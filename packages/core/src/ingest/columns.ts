/**
 * Growable typed columns for ingestion. Capacity doubles, and the result is a view
 * (`subarray`) of the last buffer, never a copy: peak memory stays within twice the
 * resulting arrays however long the file is.
 */
export class NumberColumn {
  data: Float64Array;
  /** Growth factor: 2 from a small start; 1.25 when the capacity was estimated from the file size. */
  private readonly factor: number;
  constructor(capacity = 1024, estimated = false) {
    this.data = new Float64Array(capacity);
    this.factor = estimated ? 1.25 : 2;
  }

  /** Make room for row `i`. */
  ensure(i: number): void {
    if (i < this.data.length) return;
    const next = new Float64Array(Math.max(Math.ceil(this.data.length * this.factor), i + 1));
    next.set(this.data);
    this.data = next;
  }

  result(length: number): Float64Array {
    return this.data.subarray(0, length);
  }
}

export class TextColumn {
  data: (string | null)[] = [];
  ensure(i: number): void {
    while (this.data.length <= i) this.data.push(null);
  }
  result(length: number): (string | null)[] {
    if (this.data.length > length) this.data.length = length;
    return this.data;
  }
}

const DIGIT_LIMIT = 15;
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Decimal text `text[s, e)` → number, NaN when it is not one. Plain decimals of up to
 * 15 digits are read on char codes: mantissa / 10^k of two exact integers rounds
 * correctly, so the result equals `Number(text)`. Anything else (exponents, long
 * mantissas, `inf`) goes through `Number`. `decimal` is the char code of the decimal mark.
 */
export function parseDecimal(text: string, s: number, e: number, decimal: number): number {
  let i = s;
  while (i < e && text.charCodeAt(i) === 32) i++;
  while (e > i && text.charCodeAt(e - 1) === 32) e--;
  if (i >= e) return Number.NaN;
  let neg = false;
  const c0 = text.charCodeAt(i);
  if (c0 === 45 || c0 === 43) { neg = c0 === 45; i++; }
  let mant = 0, digits = 0, scale = 0, seenDot = false, any = false;
  for (; i < e; i++) {
    const c = text.charCodeAt(i);
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      any = true;
      if (digits === 0 && d === 0) { if (seenDot) scale++; continue; }
      mant = mant * 10 + d;
      digits++;
      if (seenDot) scale++;
    } else if (c === decimal && !seenDot) seenDot = true;
    else return slowNumber(text, s, e, decimal);
  }
  if (!any) return Number.NaN;
  if (digits > DIGIT_LIMIT || scale > 22) return slowNumber(text, s, e, decimal);
  const x = scale === 0 ? mant : mant / POW10[scale]!;
  return neg ? -x : x;
}

function slowNumber(text: string, s: number, e: number, decimal: number): number {
  let t = text.slice(s, e).trim();
  if (decimal !== 46) t = t.replace(String.fromCharCode(decimal), '.');
  const c = t.charCodeAt(0);
  // Number('') is 0 and Number('0x10') is 16: accept only decimal-looking text.
  if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) || /[xob]/i.test(t)) {
    switch (t.toLowerCase()) {
      case 'inf': case 'infinity': return Infinity;
      default: return Number.NaN;
    }
  }
  const lower = t.toLowerCase();
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === '+inf' || lower === '+infinity') return Infinity;
  return Number(t);
}

/** Text that pandas reads as NaN in a numeric column without being a missing marker. */
export function isNanText(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === 'nan' || t === '-nan' || t === '+nan';
}
