/**
 * The SegmentDriver conformance suite: the physical contract of Storage v2, written once
 * and run against every driver with a real engine (memory here; SQL and file drivers in
 * their own test files). It checks what `SegmentStore` relies on and cannot check itself:
 * compare-and-set, multi-key atomicity, snapshots, the GC primitives, damage reporting.
 */
import {
  DatetimeIndex, IndexMetadata, Series, type SegmentDriver, type SegmentRef, type VersionRecord,
} from '@metaseries/core';
import {
  layoutOf, segmentStats,
} from '@metaseries/core/backend-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from './suite.js';

const T0 = Date.UTC(2024, 0, 1) * 1000;

function points(n: number, from = 0): Series {
  return new Series({ index: new DatetimeIndex(Float64Array.from({ length: n }, (_, i) => T0 + (from + i) * 60e6), { tz: 'UTC' }), values: Float64Array.from({ length: n }, (_, i) => (from + i) / 4), name: 'D#1_RAW#1' });
}

function record(version: number, segments: SegmentRef[], series: Series, extra: Partial<VersionRecord> = {}): VersionRecord {
  const length = segments.reduce((a, s) => a + s.count, 0);
  return {
    version,
    createdAt: Date.now(),
    operation: 'save',
    metadata: { processing_steps: [], index_metadata: IndexMetadata.fromIndex(series.index).toDict(), values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01T00:00:00' },
    layout: layoutOf(series) as unknown as Record<string, unknown>,
    segments,
    length,
    first: length ? segments[0]!.first : null,
    last: length ? segments.at(-1)!.last : null,
    tombstone: false,
    ...extra,
  };
}

export interface DriverConformanceOptions {
  /**
   * Damage the stored bytes of one segment in place (flip bytes of its blob/file), so the
   * suite can check CORRUPT_DATA. Omit only with a reason printed by the caller.
   */
  damage?: (driver: SegmentDriver, key: string, id: string) => Promise<void>;
}

export function runDriverConformance(label: string, open: () => Promise<SegmentDriver>, options: DriverConformanceOptions = {}): void {
  describe(`segment driver conformance: ${label}`, () => {
    let driver: SegmentDriver;
    beforeAll(async () => {
      driver = await open();
      await driver.clear();
    });
    afterAll(async () => {
      await driver?.close();
    });

    /** Put `series` as one segment of `key` and return its ref. */
    async function put(key: string, series: Series, id: string): Promise<SegmentRef> {
      const [bytes] = await driver.putSegments(key, [{ id, series }]);
      return { ...segmentStats(series, layoutOf(series)), id, bytes: bytes ?? 0 };
    }

    it('stores segments and reads them back bit-exactly, in the order asked', async () => {
      const key = 'drv/A#1/RAW#1';
      const a = points(5), b = points(3, 5);
      const ra = await put(key, a, '1-a'), rb = await put(key, b, '1-b');
      const [gb, ga] = await driver.readSegments(key, [rb, ra], layoutOf(a) as unknown as Record<string, unknown>);
      expect(ga!.equals(a)).toBe(true);
      expect(gb!.equals(b.rename(a.name))).toBe(true);
      expect(await driver.head(key)).toBeNull();
      await driver.commit([{ key, expected: null, record: record(1, [ra, rb], a) }]);
      expect(await driver.head(key)).toBe(1);
      expect((await driver.readVersion(key, 1))?.segments.map((s) => s.id)).toEqual(['1-a', '1-b']);
      expect(await driver.readVersion(key, 2)).toBeUndefined();
      expect(await driver.listKeys('drv/A')).toEqual([key]);
      expect([...(await driver.readHeads('drv/')).keys()]).toEqual([key]);
    });

    it('commit is compare-and-set: a stale head is CONFLICT naming the key, and nothing changes', async () => {
      const key = 'drv/B#1/RAW#1';
      const s = points(2);
      const r1 = await put(key, s, '1-x');
      await driver.commit([{ key, expected: null, record: record(1, [r1], s) }]);
      await expectCode(driver.commit([{ key, expected: null, record: record(1, [r1], s) }]), 'CONFLICT', key);
      await driver.commit([{ key, expected: 1, record: record(2, [r1], s, { operation: 'append' }) }]);
      await expectCode(driver.commit([{ key, expected: 1, record: record(2, [], s) }]), 'CONFLICT', key);
      expect(await driver.head(key)).toBe(2);
      expect((await driver.listVersions(key)).map((v) => [v.version, v.operation])).toEqual([[1, 'save'], [2, 'append']]);
    });

    it('a multi-key commit with one stale key changes no key and no catalog record', async () => {
      const a = 'drv/C#1/RAW#1', b = 'drv/C#2/RAW#1';
      const s = points(2);
      const ra = await put(a, s, '1-a'), rb = await put(b, s, '1-b');
      await driver.commit([{ key: a, expected: null, record: record(1, [ra], s) }]);
      await expectCode(
        driver.commit([{ key: b, expected: null, record: record(1, [rb], s) }, { key: a, expected: null, record: record(1, [ra], s) }], [{ kind: 'dataset', name: 'drv', record: { x: 1 } }]),
        'CONFLICT',
      );
      expect(await driver.head(b)).toBeNull();
      expect(await driver.readCatalog('drv')).toEqual([]);
      await driver.commit([{ key: b, expected: null, record: record(1, [rb], s) }, { key: a, expected: 1, record: record(2, [ra], s) }], [{ kind: 'dataset', name: 'drv', record: { x: 1 } }, { kind: 'signal', name: 'drv/C#1', record: { units: 'mg/l' } }]);
      expect([await driver.head(a), await driver.head(b)]).toEqual([2, 1]);
      expect(await driver.readCatalog('drv')).toEqual([{ kind: 'dataset', name: 'drv', record: { x: 1 } }, { kind: 'signal', name: 'drv/C#1', record: { units: 'mg/l' } }]);
      await driver.commit([], [{ kind: 'signal', name: 'drv/C#1', record: null }]);
      expect((await driver.readCatalog('drv/')).length).toBe(0);
    });

    it('tombstones hide a key from listKeys, not from listAllKeys or older versions', async () => {
      const key = 'drv/D#1/RAW#1';
      const s = points(2);
      const r = await put(key, s, '1-d');
      await driver.commit([{ key, expected: null, record: record(1, [r], s) }]);
      await driver.commit([{ key, expected: 1, record: record(2, [], s, { operation: 'delete', metadata: null, tombstone: true }) }]);
      expect(await driver.listKeys('drv/D')).toEqual([]);
      expect(await driver.listAllKeys()).toContain(key);
      expect((await driver.readHeads('drv/D')).get(key)?.tombstone).toBe(true);
      expect((await driver.readVersion(key, 1))?.segments[0]?.id).toBe('1-d');
    });

    it('snapshots: create, CONFLICT on a taken name, list sorted, NOT_FOUND on deleting an absent one', async () => {
      await driver.createSnapshot({ name: 'b-snap', createdAt: 1, versions: { 'drv/A#1/RAW#1': 1 } });
      await driver.createSnapshot({ name: 'a-snap', createdAt: 2, versions: {} });
      await expectCode(driver.createSnapshot({ name: 'b-snap', createdAt: 3, versions: {} }), 'CONFLICT', 'b-snap');
      expect(await driver.readSnapshot('b-snap')).toEqual({ name: 'b-snap', createdAt: 1, versions: { 'drv/A#1/RAW#1': 1 } });
      expect((await driver.listSnapshots()).map((s) => s.name)).toEqual(['a-snap', 'b-snap']);
      await driver.deleteSnapshot('a-snap');
      await expectCode(driver.deleteSnapshot('a-snap'), 'NOT_FOUND', 'a-snap');
      expect(await driver.readSnapshot('a-snap')).toBeUndefined();
    });

    it('GC primitives: dropVersions never drops the head; segments listed with write times, deleted, purged', async () => {
      const key = 'drv/E#1/RAW#1';
      const s = points(3);
      const r1 = await put(key, s, '1-e'), r2 = await put(key, s, '2-e');
      await put(key, s, 'orphan');
      await driver.commit([{ key, expected: null, record: record(1, [r1], s) }]);
      await driver.commit([{ key, expected: 1, record: record(2, [r2], s) }]);
      await driver.dropVersions(key, [1, 2]);
      expect((await driver.listVersions(key)).map((v) => v.version)).toEqual([2]);
      const listed = await driver.listSegments(key);
      expect(listed.map((x) => x.id).sort()).toEqual(['1-e', '2-e', 'orphan']);
      expect(listed.every((x) => typeof x.createdAt === 'number' && x.createdAt <= Date.now() + 1000)).toBe(true);
      await driver.deleteSegments(key, ['1-e', 'orphan']);
      expect((await driver.listSegments(key)).map((x) => x.id)).toEqual(['2-e']);
      expect((await driver.readSegments(key, [r2], layoutOf(s) as unknown as Record<string, unknown>))[0]!.length).toBe(3);
      await driver.purgeKey(key);
      expect(await driver.head(key)).toBeNull();
      expect(await driver.listAllKeys()).not.toContain(key);
      expect(await driver.listSegments(key)).toEqual([]);
    });

    it('a missing or damaged segment is CORRUPT_DATA naming key and segment; other segments stay readable', async () => {
      const key = 'drv/F#1/RAW#1';
      const s = points(50);
      const good = await put(key, s, '1-good'), bad = await put(key, s, '1-bad');
      const layout = layoutOf(s) as unknown as Record<string, unknown>;
      await expectCode(driver.readSegments(key, [{ ...good, id: 'never-written' }], layout), 'CORRUPT_DATA', 'never-written');
      if (options.damage) {
        await options.damage(driver, key, bad.id);
        await expectCode(driver.readSegments(key, [bad], layout), 'CORRUPT_DATA', '1-bad');
      }
      expect((await driver.readSegments(key, [good], layout))[0]!.equals(s)).toBe(true);
    });

    it('clear removes everything', async () => {
      await driver.clear();
      expect(await driver.listAllKeys()).toEqual([]);
      expect(await driver.listSnapshots()).toEqual([]);
      expect(await driver.readCatalog('')).toEqual([]);
    });
  });
}
