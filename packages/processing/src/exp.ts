/**
 * exp(x) rounded correctly (in practice) — V8's Math.exp is off by one ulp for some inputs
 * where glibc/numpy are not (e.g. exp(ln(0.5)/4)), and pandas derives the ewm decay
 * from numpy's exp. Evaluated in double-double: x = k·ln2 + r, exp(r) by Taylor series.
 */
type DD = [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, (a - (s - bb)) + (b - bb)];
}

const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter
function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [hi, lo] = twoSum(s, e + a[1] + b[1]);
  return [hi, lo];
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return twoSum(p, e + a[0] * b[1] + a[1] * b[0]);
}

function divSmall(a: DD, n: number): DD {
  const q = a[0] / n;
  const [p, e] = twoProd(q, n);
  const r = (a[0] - p - e + a[1]) / n;
  return twoSum(q, r);
}

const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];

export function exactExp(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > 700) return Math.exp(x);
  const k = Math.round(x / LN2[0]);
  // r = x − k·ln2 in double-double
  const r = add([x, 0], mul([-k, 0], LN2));
  let term: DD = [1, 0];
  let sum: DD = [1, 0];
  for (let n = 1; n < 30; n++) {
    term = divSmall(mul(term, r), n);
    sum = add(sum, term);
    if (Math.abs(term[0]) < 1e-36) break;
  }
  return (sum[0] + sum[1]) * 2 ** k;
}
