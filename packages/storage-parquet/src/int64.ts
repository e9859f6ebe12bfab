/**
 * Exact int64 ↔ float64 conversions without BigInt, via 32-bit halves. Parquet
 * stores timestamps as int64 nanoseconds (what pandas writes); metaseries keeps
 * epoch microseconds in a Float64Array. BigInt per value would cost ~10× more.
 * Every intermediate stays below 2^53, so the arithmetic is exact.
 */
const TWO32 = 4294967296;

/** Write `values[i] * factor` as little-endian int64 into `out` (2 × int32 per value). */
export function toInt64Halves(values: Float64Array, factor: number, out: Int32Array = new Int32Array(values.length * 2)): Int32Array {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const q = Math.floor(v / TWO32);
    const r = v - q * TWO32; // 0 ≤ r < 2^32
    if (factor === 1) {
      out[2 * i] = r | 0;
      out[2 * i + 1] = q;
    } else {
      const lowProduct = r * factor; // < 2^32 · factor, exact for factor ≤ 2^20
      const carry = Math.floor(lowProduct / TWO32);
      out[2 * i] = (lowProduct - carry * TWO32) | 0;
      out[2 * i + 1] = q * factor + carry;
    }
  }
  return out;
}

/** Read little-endian int64 halves as `floor(value / divisor)` (exact while the result < 2^53). */
export function fromInt64Halves(halves: Int32Array, divisor: number, out: Float64Array = new Float64Array(halves.length / 2)): Float64Array {
  for (let i = 0; i < out.length; i++) {
    const lo = halves[2 * i]! >>> 0;
    const hi = halves[2 * i + 1]!;
    if (divisor === 1) {
      out[i] = hi * TWO32 + lo;
    } else {
      const a = Math.floor(hi / divisor);
      const b = hi - a * divisor; // 0 ≤ b < divisor
      out[i] = a * TWO32 + Math.floor((b * TWO32 + lo) / divisor);
    }
  }
  return out;
}

/** Microseconds per unit of a Parquet TIMESTAMP column, as a divisor/factor pair. */
export function unitToMicros(unit: 'MILLIS' | 'MICROS' | 'NANOS'): { factor: number; divisor: number } {
  return unit === 'NANOS' ? { factor: 1, divisor: 1000 } : unit === 'MICROS' ? { factor: 1, divisor: 1 } : { factor: 1000, divisor: 1 };
}
