import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CatalogRecord, type CommitEntry, MetaseriesError, createBackend, Dataset, DataProvenance, DatetimeIndex, MemoryBackend, type SaveEntry, type SeriesMetadata, Series, Signal, Storage, type StorageBackend,
} from '@metaseries/core';
import {
  MemoryDriver,
} from '@metaseries/core/backend-kit';
import { describe, expect, it } from 'vitest';
import { expectError, minuteSeries, scale } from './helpers.js';
import { tempDir } from '../../../test/support/tmp.js';

/** A real MemoryBackend that also records which keys were written (one by one or in one atomic commit). */
class RecordingBackend extends MemoryBackend {
  saved: string[] = [];
  override async save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    this.saved.push(key);
    await super.save(key, series, metadata);
  }
  override async saveMany(entries: readonly SaveEntry[], catalog?: readonly CatalogRecord[]): Promise<void> {
    this.saved.push(...entries.map((e) => e.key));
    await super.saveMany(entries, catalog);
  }
}

/** A real MemoryDriver whose next commit fails like a full disk (fault injection). */
class FlakyDriver extends MemoryDriver {
  failNextCommit = false;
  override async commit(entries: readonly CommitEntry[], catalog?: readonly CatalogRecord[]): Promise<void> {
    if (this.failNextCommit) {
      this.failNextCommit = false;
      throw new MetaseriesError('IO_ERROR', 'disk full');
    }
    await super.commit(entries, catalog);
  }
}

function plant(): Dataset {
  const cod = new Signal({
    name: 'CODs', units: 'mg/l', data: minuteSeries([1, 2, 3, 4, 5]),
    provenance: new DataProvenance({ location: 'Clarifier', parameter: 'Soluble COD', metadataId: 'cod-1' }),
  });
  const flow = new Signal({ name: 'Flow', units: 'm³/h', data: minuteSeries([10, 20, 30, 40, 50]) });
  return new Dataset({ name: 'plant', description: 'pilot plant', owner: 'Ève', project: 'p1', purpose: 'demo', signals: [cod, flow] });
}

describe('datasets on a backend', () => {
  it('saveAll uses the dataset/signal/ts key scheme and the raw metadata_id rule', async () => {
    const backend = new RecordingBackend();
    const ds = plant().useBackend(backend);
    await ds.saveAll();
    // The catalog is first-class records on a v2 store, not a `__metaseries__` series (issue 13).
    expect(backend.saved).toEqual(['plant/CODs#1/RAW#1', 'plant/Flow#1/RAW#1']);
    expect(await ds.storage!.listKeys()).toEqual(['plant/CODs#1/RAW#1', 'plant/Flow#1/RAW#1']);
    expect((await ds.storage!.datasets())[0]).toMatchObject({ name: 'plant', owner: 'Ève', signals: 2 });
    expect((await backend.loadMetadata('plant/CODs#1/RAW#1')).metadata_id).toBe('cod-1');
  });

  it('auto-save writes only the series a process call created', async () => {
    const backend = new RecordingBackend();
    const ds = plant().useBackend(backend, { autoSave: true });
    await ds.saveAll();
    backend.saved = [];
    await ds.get('CODs#1').process(['CODs#1_RAW#1'], scale(2));
    expect(backend.saved).toEqual(['plant/CODs#1/SCALED#1']);
  });

  it('fromBackend restores dataset and signal metadata, lazily', async () => {
    const storage = new Storage(new MemoryBackend());
    const ds = plant().useBackend(storage);
    await ds.get('CODs#1').process(['CODs#1_RAW#1'], scale(2));
    await ds.saveAll();
    const back = await Dataset.fromBackend(storage, 'plant');
    expect(back.description).toBe('pilot plant');
    expect(back.owner).toBe('Ève');
    expect(back.allSignals).toEqual(['CODs#1', 'Flow#1']);
    const cod = back.get('CODs#1');
    expect(cod.units).toBe('mg/l');
    expect(cod.provenance.equals(ds.get('CODs#1').provenance)).toBe(true);
    expect(cod.allTimeSeries).toEqual(['CODs#1_RAW#1', 'CODs#1_SCALED#1']);
    const scaled = cod.get('CODs#1_SCALED#1');
    expect(scaled.isLoaded).toBe(false);
    expect(scaled.processingSteps.map((s) => s.suffix)).toEqual(['SCALED']);
    await expectError(() => scaled.series, 'INVALID_INPUT', 'await ts.load()');
    expect(Array.from((await scaled.load()).values as Float64Array)).toEqual([2, 4, 6, 8, 10]);
    expect(scaled.equals(ds.get('CODs#1').get('CODs#1_SCALED#1'))).toBe(true);
  });

  it('loadAll finds series that only the backend has; unload and range reads', async () => {
    const storage = new Storage(new MemoryBackend());
    const ds = plant().useBackend(storage);
    await ds.saveAll();
    const other = await Dataset.fromBackend(storage, 'plant');
    await other.get('Flow#1').process(['Flow#1_RAW#1'], scale(0.5, 'HALF'));
    await other.saveAll();
    await ds.loadAll();
    expect(ds.get('Flow#1').allTimeSeries).toEqual(['Flow#1_RAW#1', 'Flow#1_HALF#1']);
    const raw = ds.get('Flow#1').get('Flow#1_RAW#1');
    await raw.load();
    raw.unload();
    expect(raw.isLoaded).toBe(false);
    const part = await raw.loadRange('2024-01-01 00:01', '2024-01-01 00:02');
    expect(Array.from(part.values as Float64Array)).toEqual([20, 30]);
    expect(raw.isLoaded).toBe(false);
  });

  it('errors without a backend, for unknown datasets, and unsaved unloads', async () => {
    const ds = plant();
    await expectError(ds.saveAll(), 'INVALID_INPUT', 'useBackend');
    await expectError(Dataset.fromBackend(new MemoryBackend(), 'nope'), 'NOT_FOUND', '"nope"');
    await expectError(() => ds.get('CODs#1').get('CODs#1_RAW#1').unload(), 'INVALID_INPUT', 'not stored');
  });

  it('a failing save leaves the dataset and the stored version intact', async () => {
    const storage = new Storage(new MemoryBackend());
    const ds = plant().useBackend(storage, { autoSave: true });
    await ds.saveAll();
    await storage.close();
    const before = ds.get('CODs#1').allTimeSeries;
    await expectError(ds.get('CODs#1').process(['CODs#1_RAW#1'], scale(2)), 'CLOSED');
    // Issue 10: series and catalog commit together, and a failed commit leaves memory as it was
    // (before, the new series stayed in memory and a retry made SCALED#2).
    expect(ds.get('CODs#1').allTimeSeries).toEqual(before);
  });

  it('process() commits the new series and the catalog atomically; a retry after a failure makes #1', async () => {
    const driver = new FlakyDriver();
    const storage = new Storage(driver);
    const ds = plant().useBackend(storage, { autoSave: true });
    await ds.saveAll();
    driver.failNextCommit = true;
    await expectError(ds.get('CODs#1').process(['CODs#1_RAW#1'], scale(2)), 'IO_ERROR', 'disk full');
    expect(ds.get('CODs#1').allTimeSeries).toEqual(['CODs#1_RAW#1']);
    expect(await storage.listKeys('plant/CODs#1/')).toEqual(['plant/CODs#1/RAW#1']);
    expect((await Dataset.fromBackend(storage, 'plant')).get('CODs#1').allTimeSeries).toEqual(['CODs#1_RAW#1']);
    expect(await ds.get('CODs#1').process(['CODs#1_RAW#1'], scale(2))).toEqual(['CODs#1_SCALED#1']);
    expect((await Dataset.fromBackend(storage, 'plant')).get('CODs#1').allTimeSeries).toEqual(['CODs#1_RAW#1', 'CODs#1_SCALED#1']);
  });

  it('signal.append adds raw points (saved at once with auto-save); overlaps are refused and change nothing', async () => {
    const storage = new Storage(new MemoryBackend({ segmentSize: 2 }));
    const ds = plant().useBackend(storage, { autoSave: true });
    await ds.saveAll();
    const cod = ds.get('CODs#1');
    const raw = cod.get('CODs#1_RAW#1');
    const last = (raw.series.index as DatetimeIndex).values[4]!;
    const next = new Series({ index: new DatetimeIndex(Float64Array.from([last + 60e6, last + 120e6]), { tz: (raw.series.index as DatetimeIndex).tz }), values: Float64Array.from([6, 7]) });
    expect(await cod.append(next)).toBe('CODs#1_RAW#1');
    expect(Array.from(raw.series.values as Float64Array)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from((await storage.load('plant/CODs#1/RAW#1')).series.values as Float64Array)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await storage.versions('plant/CODs#1/RAW#1')).map((v) => v.operation)).toEqual(['save', 'append']);
    await expectError(cod.append(next), 'INVALID_INPUT', 'update');
    expect(raw.series.length).toBe(7);
    expect((await storage.versions('plant/CODs#1/RAW#1')).length).toBe(2);
    // Without a backend the points are added in memory only.
    const alone = new Signal({ name: 'X', data: minuteSeries([1, 2]) });
    const t = (alone.get('X#1_RAW#1').series.index as DatetimeIndex).values[1]!;
    await alone.append(new Series({ index: new DatetimeIndex(Float64Array.from([t + 60e6]), { tz: (alone.get('X#1_RAW#1').series.index as DatetimeIndex).tz }), values: Float64Array.from([3]) }));
    expect(alone.get('X#1_RAW#1').series.length).toBe(3);
  });

  it('Dataset.fromBackend as of a snapshot or an instant; close and await using release the store', async () => {
    const storage = new Storage(new MemoryBackend());
    const ds = plant().useBackend(storage, { autoSave: true });
    await ds.saveAll();
    await storage.snapshot('v1');
    await new Promise((r) => setTimeout(r, 5));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await ds.get('CODs#1').process(['CODs#1_RAW#1'], scale(2));
    const old = await Dataset.fromBackend(storage, 'plant', { asOf: 'v1' });
    expect(old.get('CODs#1').allTimeSeries).toEqual(['CODs#1_RAW#1']);
    expect(Array.from((await old.get('CODs#1').get('CODs#1_RAW#1').load()).values as Float64Array)).toEqual([1, 2, 3, 4, 5]);
    expect((await Dataset.fromBackend(storage, 'plant', { asOf: between })).get('CODs#1').allTimeSeries).toEqual(['CODs#1_RAW#1']);
    await expectError(old.saveAll(), 'INVALID_INPUT', 'read-only');
    await expectError(Dataset.fromBackend(storage, 'plant', { asOf: 'nope' }), 'NOT_FOUND', '"nope"');
    {
      await using scoped = await Dataset.fromBackend(storage, 'plant');
      expect(scoped.get('CODs#1').allTimeSeries).toEqual(['CODs#1_RAW#1', 'CODs#1_SCALED#1']);
    }
    expect(storage.isClosed).toBe(true);
    await ds.close();
  });
});

describe('createBackend', () => {
  it('accepts URLs, objects and config files', async () => {
    expect((await createBackend('memory:')).kind).toBe('memory');
    expect((await createBackend({ kind: 'memory' })).kind).toBe('memory');
    const dir = tempDir('ms-config-');
    await writeFile(join(dir, 'storage.yaml'), 'storage:\n  kind: memory\n');
    expect((await createBackend(join(dir, 'storage.yaml'))).kind).toBe('memory');
    await writeFile(join(dir, 'storage.json'), '{"kind": "memory"}');
    expect((await createBackend(join(dir, 'storage.json'))).kind).toBe('memory');
  });

  it('names unknown kinds and bad configs', async () => {
    await expectError(createBackend('redis://x'), 'INVALID_INPUT', '"redis"');
    await expectError(createBackend({ kind: 'mongo' }), 'INVALID_INPUT', 'known kinds');
    await expectError(createBackend('nonexistent.yaml'), 'NOT_FOUND', 'nonexistent.yaml');
    await expectError(createBackend({} as never), 'INVALID_INPUT', '"kind"');
  });

  it('a StorageBackend is usable directly', async () => {
    const backend: StorageBackend = new MemoryBackend();
    const s = minuteSeries([1, 2]);
    const ds = new Dataset({ name: 'd', signals: [new Signal({ name: 'X', data: s })] }).useBackend(backend);
    await ds.saveAll();
    expect(await backend.listKeys('d/X#1/')).toEqual(['d/X#1/RAW#1']);
    const back = (await backend.load('d/X#1/RAW#1')).series;
    expect((back.index as DatetimeIndex).freqstr).toBe('min');
  });
});
