import { invalidInput, show } from '@metaseries/core/backend-kit';

/**
 * Saved states of running kernels (rolling sums, ewm) for refresh (issue 17): which
 * positions a run saves, and a state as text that keeps every bit.
 */

/** Positions whose state a run saves: the last one and 1, 3, 7, 15… before it (a refresh continues from just before the first changed input). */
export function capturePositions(first: number, last: number): Int32Array {
  const out: number[] = [];
  for (let d = 0; last - d >= first; d = 2 * d + 1) out.push(last - d);
  return Int32Array.from(out.reverse());
}

/** A kernel state as text, bit for bit (hex of the float64s: -0 and NaN survive JSON). */
export function encodeState(state: Float64Array): string {
  const bytes = new Uint8Array(state.buffer, state.byteOffset, state.byteLength);
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export function decodeState(hex: string): Float64Array {
  if (!/^(?:[0-9a-f]{16})+$/.test(hex)) throw invalidInput(`A rolling kernel state must be hex float64s, got ${show(hex)}`);
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return new Float64Array(bytes.buffer);
}
