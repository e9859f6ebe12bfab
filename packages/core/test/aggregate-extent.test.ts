import { Dataset, MemoryBackend, Series, Signal, Storage } from '@metaseries/core';
import { describe, expect, it } from 'vitest';

describe('TimeSeries.aggregate / extent (read without loading the values)', () => {
  it('give the same answers for a loaded series and for the same series left in a store', async () => {
    const values = Float64Array.of(3, Number.NaN, -2, 8, 5, 1);
    const ds = new Dataset({ name: 'd', signals: [new Signal({ name: 'A', data: Series.regular('2024-01-01', 3_600_000_000, values, { name: 'RAW' }) })] });
    const storage = new Storage(new MemoryBackend());
    ds.useBackend(storage);
    await ds.saveAll();
    const loaded = ds.get('A#1').get('A#1_RAW#1');
    const stored = (await Dataset.fromBackend(storage, 'd')).get('A#1').get('A#1_RAW#1');
    expect(stored.isLoaded).toBe(false);
    const t0 = Date.UTC(2024, 0, 1);
    for (const ts of [loaded, stored]) {
      expect(await ts.extent()).toEqual({ length: 6, first: new Date(t0), last: new Date(t0 + 5 * 3_600_000) });
      const max = await ts.aggregate({ fn: 'max', every: '2h' });
      expect(Array.from(max.values as Float64Array)).toEqual([3, 8, 5]);
      expect(max.name).toBe('A#1_RAW#1');
      for (const from of [t0 + 3_600_000, new Date(t0 + 3_600_000), '2024-01-01T01:00:00Z', '2024-01-01 01:00']) {
        const count = await ts.aggregate({ fn: 'count', range: { from } });
        expect(Array.from(count.values as Float64Array)).toEqual([4]);
      }
    }
    expect(stored.isLoaded).toBe(false);
  });
});
