/**
 * The compact Parquet reader's bit unpacking (DELTA_BINARY_PACKED miniblocks of every
 * width, int32 fast path up to 24 bits and the float path above), through a real native
 * parquet store: saved points come back bit for bit.
 */
import { DatetimeIndex, Series } from '@metaseries/core';
import { openParquet } from '@metaseries/storage-parquet';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/tmp.js';

const T0 = Date.UTC(2024, 0, 1) * 1000;
const META = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: null, created_on: '2024-03-01T10:00:00' };

function bits(f: Float64Array): bigint[] {
  return Array.from(new BigUint64Array(f.buffer, f.byteOffset, f.length));
}

describe('compact Parquet read', () => {
  it('keys and decimal values whose deltas need every bit width from 0 to 40', async () => {
    const store = await openParquet(tempDir('metaseries-compact-read-'), { layout: 'native' });
    try {
      for (let width = 0; width <= 40; width += 3) {
        const n = 3000;
        let s = width + 1, t = T0, k = 0;
        const keys = new Float64Array(n), values = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const jump = Math.floor((s / 2 ** 32) * 2 ** width);
          keys[i] = t += 1 + jump;
          k += (s & 1 ? 1 : -1) * jump;
          values[i] = k / 100;
        }
        const series = new Series({ index: new DatetimeIndex(keys, { tz: 'UTC' }), values, name: `W${width}` });
        await store.save(`d/W${width}#1/RAW#1`, series, META);
        const back = (await store.load(`d/W${width}#1/RAW#1`)).series;
        expect(bits(back.index.values as Float64Array)).toEqual(bits(keys));
        expect(bits(back.values as Float64Array)).toEqual(bits(values));
      }
    } finally {
      await store.close();
    }
  });
});
