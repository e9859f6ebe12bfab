import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createBackend, Dataset, DataProvenance, DatetimeIndex, MemoryBackend, type SeriesMetadata, Series, Signal, Storage, type StorageBackend,
} from '@metaseries/core';
import { describe, expect, it } from 'vitest';
import { expectError, minuteSeries, scale } from './helpers.js';
import { tempDir } from '../../../test/support/tmp.js';

/** A real MemoryBackend that also records which keys were written. */
class RecordingBackend extends MemoryBackend {
  saved: string[] = [];
  override async save(key: string, series: Series, metadata: SeriesMetadata): Promise<void> {
    this.saved.push(key);
    await super.save(key, series, metadata);
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
    expect(backend.saved).toEqual(['plant/CODs#1/RAW#1', 'plant/Flow#1/RAW#1', 'plant/__metaseries__']);
    expect((await backend.loadMetadata('plant/CODs#1/RAW#1')).metadata_id).toBe('cod-1');
  });

  it('auto-save writes only the series a process call created', async () => {
    const backend = new RecordingBackend();
    const ds = plant().useBackend(backend, { autoSave: true });
    await ds.saveAll();
    backend.saved = [];
    await ds.get('CODs#1').process(['CODs#1_RAW#1'], scale(2));
    expect(backend.saved).toEqual(['plant/CODs#1/SCALED#1', 'plant/__metaseries__']);
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
    // The new series is in memory (processing succeeded); the failure is the save, reported.
    expect(ds.get('CODs#1').allTimeSeries).toEqual([...before, 'CODs#1_SCALED#1']);
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
