/**
 * Python's `repr(float)`: the shortest text that round-trips (the same digits as
 * JavaScript's `String(x)`), but laid out by CPython's rules: fixed notation when the
 * decimal exponent is in [-4, 16), otherwise `d.ddde±XX` with at least two exponent
 * digits, and always a `.0` on integral values. pandas writes floats to CSV this way.
 *
 * @example pyFloatRepr(1e-5) // '1e-05'   pyFloatRepr(1) // '1.0'   pyFloatRepr(1e16) // '1e+16'
 */
export function pyFloatRepr(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = x < 0 ? -x : x;
  if (abs >= 1e-4 && abs < 1e16) {
    // JS uses fixed notation on [1e-7, 1e21), which covers Python's fixed range.
    const s = String(x);
    return s.indexOf('.') < 0 ? `${s}.0` : s;
  }
  // toExponential() with no argument gives the shortest round-trip digits.
  const e = x.toExponential();
  const at = e.indexOf('e');
  const mantissa = e.slice(0, at);
  const exp = Number(e.slice(at + 1));
  const decpt = exp + 1;
  if (decpt > -4 && decpt <= 16) {
    // Unreachable given the range test above, kept for exactness.
    return String(x);
  }
  const expAbs = exp < 0 ? -exp : exp;
  return `${mantissa}e${exp < 0 ? '-' : '+'}${expAbs < 10 ? '0' : ''}${expAbs}`;
}

/**
 * PyYAML's float text (`represent_float`): `repr(x).lower()`, `.nan`/`.inf`, and a
 * `.0` inserted before the exponent of mantissas without a dot (`1.0e-05`), so YAML
 * 1.1 resolvers read it back as a float.
 */
export function yamlFloatText(x: number): string {
  if (x !== x) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  const r = pyFloatRepr(x);
  if (r.indexOf('.') < 0 && r.indexOf('e') >= 0) return r.replace('e', '.0e');
  return r;
}

/** `str(v)` of a Python int (exact beyond 2^53 through BigInt). */
export function pyIntText(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : BigInt(Math.trunc(x)).toString();
}

/** Parse Python's number text (`1.0`, `1e+16`, `nan`, `inf`, `-inf`); empty text is NaN. */
export function parsePyNumber(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === 'inf' || t === 'infinity' || t === '+inf') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return t === '' ? Number.NaN : Number(t);
}
