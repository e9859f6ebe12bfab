import {
  DatetimeIndex, IndexMetadata, NumericIndex, RangeIndex, StringIndex, MetaseriesError, Series, type CommitEntry, type CatalogRecord, type SeriesMetadata, Storage,
} from '@metaseries/core';
import {
  MemoryDriver, SegmentStore,
} from '@metaseries/core/backend-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectError } from './helpers.js';

const T0 = Date.UTC(2024, 0, 1) * 1000;
const MIN = 60_000_000;

function pts(from: number, n: number, value = (i: number) => i): Series {
  return new Series({ index: new DatetimeIndex(Float64Array.from({ length: n }, (_, i) => T0 + (from + i) * MIN), { tz: 'UTC' }), values: Float64Array.from({ length: n }, (_, i) => value(from + i)), name: 'X#1_RAW#1' });
}

function meta(s: Series): SeriesMetadata {
  return { processing_steps: [], index_metadata: IndexMetadata.fromIndex(s.index).toDict(), values_dtype: s.dtype, metadata_id: null, created_on: '2024-03-01T10:00:00' };
}

/** A real MemoryDriver that counts commit conflicts (to prove the rebase path ran). */
class CountingDriver extends MemoryDriver {
  conflicts = 0;
  override async commit(entries: readonly CommitEntry[], catalog?: readonly CatalogRecord[]): Promise<void> {
    try {
      await super.commit(entries, catalog);
    } catch (e) {
      if (e instanceof MetaseriesError && e.code === 'CONFLICT') this.conflicts++;
      throw e;
    }
  }
}

/** A real MemoryDriver whose disk "fills up" for one key (fault injection for atomicity). */
class FullDiskDriver extends MemoryDriver {
  override async putSegments(key: string, segments: ReadonlyArray<{ id: string; series: Series }>): Promise<number[]> {
    if (key.includes('FULL')) throw new MetaseriesError('IO_ERROR', `no space left writing ${key}`);
    return super.putSegments(key, segments);
  }
}

describe('SegmentStore', () => {
  it('append rewrites only the partial tail segment; full tails are kept as they are', async () => {
    const store = new SegmentStore(new MemoryDriver(), { segmentSize: 4 });
    const key = 'd/X#1/RAW#1';
    await store.save(key, pts(0, 10), meta(pts(0, 10)));
    const v1 = await store.segments(key);
    expect(v1.map((s) => s.count)).toEqual([4, 4, 2]);
    await store.append(key, pts(10, 1));
    const v2 = await store.segments(key);
    expect(v2.map((s) => s.count)).toEqual([4, 4, 3]);
    expect(v2.slice(0, 2).map((s) => s.id)).toEqual(v1.slice(0, 2).map((s) => s.id));
    expect(v2[2]!.id).not.toBe(v1[2]!.id);
    await store.append(key, pts(11, 1));
    await store.append(key, pts(12, 2));
    const v4 = await store.segments(key);
    expect(v4.map((s) => s.count)).toEqual([4, 4, 4, 2]);
    expect(v4.slice(0, 3).map((s) => s.id)).toEqual((await store.segments(key, { asOf: 3 })).map((s) => s.id));
    expect((await store.load(key)).series.equals((await store.load(key, { asOf: 4 })).series)).toBe(true);
    expect(Array.from((await store.load(key)).series.values as Float64Array)).toEqual(Array.from({ length: 14 }, (_, i) => i));
  });

  it('a frequency survives a merge only on its grid: an append after a gap drops it and the key still loads', async () => {
    const regular = (from: number, n: number): Series => {
      const s = pts(from, n);
      return new Series({ index: new DatetimeIndex(s.index.values as Float64Array, { tz: 'UTC', freq: 'min' }), values: s.values, name: s.name });
    };
    const store = new SegmentStore(new MemoryDriver(), { segmentSize: 16 });
    await store.save('k/A#1/RAW#1', regular(0, 10), meta(regular(0, 10)));
    await store.append('k/A#1/RAW#1', regular(10, 5));
    expect(((await store.load('k/A#1/RAW#1')).series.index as DatetimeIndex).freqstr).toBe('min');
    await store.update('k/A#1/RAW#1', regular(3, 4));
    expect(((await store.load('k/A#1/RAW#1')).series.index as DatetimeIndex).freqstr).toBe('min');
    // Same frequency, but 5 minutes missing between the stored end and the new start.
    await store.append('k/A#1/RAW#1', regular(20, 5));
    const loaded = (await store.load('k/A#1/RAW#1')).series;
    expect(loaded.length).toBe(20);
    expect((loaded.index as DatetimeIndex).freqstr).toBeNull();
    // An update after the end with a gap, on another store.
    const other = new SegmentStore(new MemoryDriver());
    await other.save('k/B#1/RAW#1', regular(0, 10), meta(regular(0, 10)));
    await other.update('k/B#1/RAW#1', regular(12, 3));
    expect(((await other.load('k/B#1/RAW#1')).series.index as DatetimeIndex).freqstr).toBeNull();
  });

  it('update and deleteRange rewrite only the segments they overlap', async () => {
    const store = new SegmentStore(new MemoryDriver(), { segmentSize: 4 });
    const key = 'd/X#1/RAW#1';
    await store.save(key, pts(0, 16), meta(pts(0, 16)));
    const before = (await store.segments(key)).map((s) => s.id);
    await store.update(key, pts(5, 2, () => -1));
    const after = (await store.segments(key)).map((s) => s.id);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after.slice(2)).toEqual(before.slice(2));
    await store.deleteRange(key, { from: T0 + 12 * MIN, to: T0 + 13 * MIN });
    const last = (await store.segments(key)).map((s) => s.id);
    expect(last.slice(0, 3)).toEqual(after.slice(0, 3));
    expect((await store.segments(key)).at(-1)!.count).toBe(2);
  });

  it('range and numeric indexes append and update; other key dtypes are refused', async () => {
    const store = new SegmentStore(new MemoryDriver(), { segmentSize: 3 });
    const s = new Series({ index: new RangeIndex(0, 5), values: Float64Array.from([0, 1, 2, 3, 4]) });
    await store.save('d/R#1/RAW#1', s, meta(s));
    await store.append('d/R#1/RAW#1', new Series({ index: new RangeIndex(5, 7), values: Float64Array.from([5, 6]) }));
    const back = (await store.load('d/R#1/RAW#1')).series;
    expect(back.index).toBeInstanceOf(RangeIndex);
    expect(back.equals(new Series({ index: new RangeIndex(0, 7), values: Float64Array.from([0, 1, 2, 3, 4, 5, 6]) }))).toBe(true);
    await expectError(store.append('d/R#1/RAW#1', new Series({ index: new NumericIndex(Float64Array.from([7.5]), 'float64'), values: Float64Array.from([1]) })), 'INVALID_INPUT', 'float64 index keys');
    await store.deleteRange('d/R#1/RAW#1', { from: 2, to: 3 });
    const gap = (await store.load('d/R#1/RAW#1')).series;
    expect(gap.index.kind).toBe('numeric');
    expect(Array.from(gap.index.values as Float64Array)).toEqual([0, 1, 4, 5, 6]);
    const inf = new Series({ index: new NumericIndex(Float64Array.from([Number.NEGATIVE_INFINITY, 0, Number.POSITIVE_INFINITY]), 'float64'), values: Float64Array.from([1, 2, 3]) });
    await store.save('d/I#1/RAW#1', inf, meta(inf));
    expect((await store.load('d/I#1/RAW#1')).series.equals(inf)).toBe(true);
    const text = new Series({ index: new StringIndex(['a', 'b']), values: Float64Array.from([1, 2]) });
    await store.save('d/T#1/RAW#1', text, meta(text));
    await expectError(store.append('d/T#1/RAW#1', text), 'INVALID_INPUT', 'string index');
    expect((await store.load('d/T#1/RAW#1')).series.equals(text)).toBe(true);
  });

  it('reads a version of many segments whole (batched into one allocation), floats and bools', async () => {
    const store = new SegmentStore(new MemoryDriver(), { segmentSize: 2 });
    const s = pts(0, 51, (i) => (i % 7 === 0 ? Number.NaN : i / 3));
    await store.save('d/X#1/RAW#1', s, meta(s));
    expect((await store.segments('d/X#1/RAW#1')).length).toBe(26);
    expect((await store.load('d/X#1/RAW#1')).series.equals(s)).toBe(true);
    const b = new Series({ index: s.index, values: Uint8Array.from({ length: 51 }, (_, i) => i % 2), dtype: 'bool', name: 'X#1_RAW#1' });
    await store.save('d/B#1/RAW#1', b, meta(b));
    expect((await store.load('d/B#1/RAW#1')).series.equals(b)).toBe(true);
  });

  it('whole reads decode blobs into one allocation: range, int64 and zoned keys with a frequency; damage named', async () => {
    const driver = new MemoryDriver();
    const store = new SegmentStore(driver, { segmentSize: 3 });
    const values = Float64Array.from({ length: 70 }, (_, i) => (i % 9 === 0 ? -0 : i / 7));
    const cases = [
      new Series({ index: new RangeIndex(5, 5 + 70 * 3, 3, 'r'), values, name: 'R' }),
      new Series({ index: new NumericIndex(Float64Array.from({ length: 70 }, (_, i) => i * i - 2 ** 40), 'int64', 'k'), values, name: 'N' }),
      new Series({ index: new DatetimeIndex(Float64Array.from({ length: 70 }, (_, i) => T0 + i * MIN), { tz: 'Europe/Paris', freq: 'min', name: 't' }), values, name: 'D' }),
    ];
    for (const [i, s] of cases.entries()) {
      await store.save(`d/S${i}#1/RAW#1`, s, meta(s));
      const back = (await store.load(`d/S${i}#1/RAW#1`)).series;
      expect(back.equals(s)).toBe(true);
      expect(back.index.kind).toBe(s.index.kind);
      expect(Object.is((back.values as Float64Array)[9], -0)).toBe(true);
    }
    const segs = await store.segments('d/S2#1/RAW#1');
    expect(segs.length).toBeGreaterThan(16);
    const bytes = driver.segmentBytes('d/S2#1/RAW#1', segs[20]!.id)!;
    bytes[bytes.length - 2] ^= 0xff;
    const err = await expectError(store.load('d/S2#1/RAW#1'), 'CORRUPT_DATA', segs[20]!.id);
    expect(err.message).toContain('version 1');
    expect(err.message).toContain('"d/S2#1/RAW#1"');
  });

  it('statistics describe a version without decoding', async () => {
    const store = new SegmentStore(new MemoryDriver(), { segmentSize: 3 });
    await store.save('d/X#1/RAW#1', pts(0, 7, (i) => (i === 3 ? Number.NaN : i)), meta(pts(0, 7)));
    const segs = await store.segments('d/X#1/RAW#1');
    expect(segs.map((s) => [s.count, s.min, s.max, s.sum, s.nanCount])).toEqual([[3, 0, 2, 3, 0], [3, 4, 5, 9, 1], [1, 6, 6, 6, 0]]);
    expect(segs.every((s) => s.bytes > 0)).toBe(true);
    expect(await store.describe('d/')).toEqual([{ key: 'd/X#1/RAW#1', length: 7, dtype: 'float64', first: T0, last: T0 + 6 * MIN, datetime: true }]);
  });

  it('a damaged segment is CORRUPT_DATA naming key, version and segment; other keys and versions stay readable', async () => {
    const driver = new MemoryDriver();
    const store = new SegmentStore(driver, { segmentSize: 4 });
    await store.save('d/X#1/RAW#1', pts(0, 6), meta(pts(0, 6)));
    await store.save('d/Y#1/RAW#1', pts(0, 6), meta(pts(0, 6)));
    await store.append('d/X#1/RAW#1', pts(6, 1));
    const tail = (await store.segments('d/X#1/RAW#1')).at(-1)!;
    const bytes = driver.segmentBytes('d/X#1/RAW#1', tail.id)!;
    bytes[bytes.length - 3] ^= 0xff;
    const err = await expectError(store.load('d/X#1/RAW#1'), 'CORRUPT_DATA', tail.id);
    expect(err.message).toContain('version 2');
    expect(err.message).toContain('"d/X#1/RAW#1"');
    expect((await store.load('d/X#1/RAW#1', { asOf: 1 })).series.length).toBe(6);
    expect((await store.load('d/X#1/RAW#1', { range: { to: T0 + 3 * MIN } })).series.length).toBe(4);
    expect((await store.load('d/Y#1/RAW#1')).series.length).toBe(6);
  });

  it('two writers on one driver (two processes): conflicts re-plan on the new head, nothing is lost', async () => {
    const driver = new CountingDriver();
    const a = new SegmentStore(driver, { segmentSize: 4 });
    const b = new SegmentStore(driver, { segmentSize: 4 });
    const key = 'd/X#1/RAW#1';
    await a.save(key, pts(0, 2), meta(pts(0, 2)));
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) {
      jobs.push(a.update(key, pts(10 + 2 * i, 1, () => 1)));
      jobs.push(b.update(key, pts(11 + 2 * i, 1, () => 2)));
    }
    await Promise.all(jobs);
    expect(driver.conflicts).toBeGreaterThan(0);
    const back = (await a.load(key)).series;
    expect(back.length).toBe(22);
    expect((await a.versions(key)).length).toBe(21);
    // Staged segments of lost attempts were removed: every stored segment is referenced by a version.
    const referenced = new Set((await driver.listVersions(key)).flatMap((v) => v.segments.map((s) => s.id)));
    expect((await driver.listSegments(key)).filter((s) => !referenced.has(s.id))).toEqual([]);
    // Optimistic concurrency on request: a stale expectedVersion is CONFLICT naming the head.
    await expectError(a.append(key, pts(100, 1), undefined, { expectedVersion: 3 }), 'CONFLICT', 'version 21');
    // An append rebased on a head that moved past it is refused, naming the timestamp.
    await b.append(key, pts(200, 1));
    await expectError(a.append(key, pts(150, 1)), 'INVALID_INPUT', 'update');
  });

  it('saveMany lands whole or not at all', async () => {
    const store = new Storage(new SegmentStore(new FullDiskDriver()));
    const s = pts(0, 3);
    await store.save('d/A#1/RAW#1', s, meta(s));
    const t = pts(0, 3, () => 9);
    await expectError(store.saveMany([{ key: 'd/A#1/RAW#1', series: t, metadata: meta(t) }, { key: 'd/FULL#1/RAW#1', series: t, metadata: meta(t) }]), 'IO_ERROR', 'no space');
    expect((await store.versions('d/A#1/RAW#1')).length).toBe(1);
    expect(await store.exists('d/FULL#1/RAW#1')).toBe(false);
    const driver = store.segments!.driver;
    expect((await driver.listSegments('d/A#1/RAW#1')).length).toBe(1);
    await store.saveMany([{ key: 'd/A#1/RAW#1', series: t, metadata: meta(t) }, { key: 'd/B#1/RAW#1', series: t, metadata: meta(t) }], [{ kind: 'dataset', name: 'd', record: { owner: 'Ève' } }]);
    expect((await store.versions('d/A#1/RAW#1')).length).toBe(2);
    expect(await driver.readCatalog('d')).toEqual([{ kind: 'dataset', name: 'd', record: { owner: 'Ève' } }]);
  });

  it('prune collects unreferenced segments after the grace window, and purges deleted keys', async () => {
    const driver = new MemoryDriver();
    const store = new SegmentStore(driver, { segmentSize: 4 });
    const key = 'd/X#1/RAW#1';
    await store.save(key, pts(0, 8), meta(pts(0, 8)));
    await store.save(key, pts(0, 8, () => 1), meta(pts(0, 8)));
    expect((await driver.listSegments(key)).length).toBe(4);
    const young = await store.prune({ keepLast: 1 });
    expect(young).toEqual({ versionsRemoved: 1, segmentsRemoved: 0, keysPurged: 0 });
    expect((await store.prune({ keepLast: 1, graceMs: 0 })).segmentsRemoved).toBe(2);
    expect((await driver.listSegments(key)).length).toBe(2);
    await store.delete(key);
    expect(await store.listKeys('d/')).toEqual([]);
    expect((await store.load(key, { asOf: 2 })).series.length).toBe(8);
    await expectError(store.load(key), 'NOT_FOUND', 'deleted');
    expect((await store.prune({ olderThan: new Date(Date.now() + 1000), graceMs: 0 })).keysPurged).toBe(1);
    await expectError(store.versions(key), 'NOT_FOUND', key);
    expect(await driver.listAllKeys()).toEqual([]);
  });

  it('prune() without options keeps the last 10 versions', async () => {
    const store = new SegmentStore(new MemoryDriver());
    const key = 'd/X#1/RAW#1';
    for (let i = 0; i < 13; i++) await store.save(key, pts(0, 2, () => i), meta(pts(0, 2)));
    await store.prune();
    expect((await store.versions(key)).map((v) => v.version)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });
});
