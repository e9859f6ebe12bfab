import { createBackend, DataProvenance, Dataset, MetaseriesError, Series, Signal, TimeSeries, type Storage } from '@metaseries/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const day = (d: number, n = 24) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 2, d) + i * 3_600_000));

function signal(name: string, units: string, p: { location: string; parameter: string; equipment?: string; project?: string }, days: number[]): Signal {
  const times = days.flatMap((d) => day(d));
  return new Signal({
    name, units, provenance: new DataProvenance(p),
    data: Series.fromTimes(times, times.map((_, i) => i), { name: 'RAW', tz: 'UTC' }),
  });
}

describe('discovery: datasets, signals and series by provenance and time', () => {
  let store: Storage;
  beforeEach(async () => {
    store = await createBackend('memory:');
    const plant = new Dataset({
      name: 'plant', project: 'pilot', owner: 'ops', description: 'Treatment plant', purpose: 'compliance',
      signals: [
        signal('COD', 'mg/l', { location: 'Clarifier 1 outlet', parameter: 'COD', equipment: 'probe-a', project: 'pilot' }, [1, 2]),
        signal('TSS', 'mg/l', { location: 'Clarifier 2 outlet', parameter: 'TSS', project: 'pilot' }, [10]),
        signal('FLOW', 'm3/h', { location: 'Inlet', parameter: 'flow', project: 'pilot' }, [20, 21]),
      ],
    });
    plant.useBackend(store);
    await plant.saveAll();
    const river = new Dataset({ name: 'river', project: 'survey', signals: [signal('COD', 'mg/l', { location: 'Bridge', parameter: 'COD' }, [15])] });
    river.useBackend(store);
    await river.saveAll();
  });
  afterEach(() => store.close());

  it('lists datasets with their catalog fields and counts, without the catalog record as a series', async () => {
    const datasets = await store.datasets();
    expect(datasets.map((d) => [d.name, d.signals, d.series, d.owner, d.project])).toEqual([
      ['plant', 3, 3, 'ops', 'pilot'],
      ['river', 1, 1, null, 'survey'],
    ]);
  });

  it('finds signals by exact value, list of values and prefix, across datasets', async () => {
    const names = async (where: Parameters<Storage['signals']>[0]) => (await store.signals(where)).map((s) => `${s.dataset}/${s.name}`).sort();
    expect(await names({ where: { parameter: 'COD' } })).toEqual(['plant/COD#1', 'river/COD#1']);
    expect(await names({ where: { parameter: ['COD', 'TSS'] }, dataset: 'plant' })).toEqual(['plant/COD#1', 'plant/TSS#1']);
    expect(await names({ where: { location: { prefix: 'Clarifier' } } })).toEqual(['plant/COD#1', 'plant/TSS#1']);
    expect(await names({ where: { units: 'm3/h' } })).toEqual(['plant/FLOW#1']);
    expect(await names({ where: { equipment: 'probe-a', project: 'pilot' } })).toEqual(['plant/COD#1']);
    expect(await names({ where: { parameter: 'pH' } })).toEqual([]);
  });

  it('keeps only what has data in a time range, from summaries', async () => {
    const inRange = async (from: string, to: string) => (await store.series({ range: { from, to } })).map((s) => s.key).sort();
    expect(await inRange('2024-03-09', '2024-03-16')).toEqual(['plant/TSS#1/RAW#1', 'river/COD#1/RAW#1']);
    expect(await inRange('2024-03-02T23:00:00Z', '2024-03-03')).toEqual(['plant/COD#1/RAW#1']);
    expect(await inRange('2024-03-03', '2024-03-10')).toEqual([]); // March 10 starts at `to`, which is exclusive
  });

  it('describes series with length, first/last as Dates, units and last step', async () => {
    const [cod] = await store.series({ dataset: 'plant', where: { signal: 'COD#1' } });
    expect(cod).toMatchObject({
      key: 'plant/COD#1/RAW#1', dataset: 'plant', signal: 'COD#1', name: 'COD#1_RAW#1', length: 48, dtype: 'float64',
      indexKind: 'datetime', first: new Date(Date.UTC(2024, 2, 1)), last: new Date(Date.UTC(2024, 2, 2, 23)), units: 'mg/l', steps: 0, lastStep: null,
    });
  });

  it('Dataset.find opens the datasets that have a matching signal', async () => {
    const found = await Dataset.find(store, { where: { location: 'Bridge' } });
    expect(found.map((d) => d.name)).toEqual(['river']);
    expect(found[0]!.signals.size).toBe(1);
  });

  it('works on a store without catalog records (as Python writes them)', async () => {
    const bare = await createBackend('memory:');
    const s = Series.fromTimes(day(1, 3), [1, 2, 3], { name: 'X#1_RAW#1' });
    await bare.save('py/X#1/RAW#1', s, {
      processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: null, created_on: '2024-03-01 00:00:00',
    });
    expect((await bare.datasets()).map((d) => [d.name, d.signals, d.series])).toEqual([['py', 1, 1]]);
    expect((await bare.signals())[0]).toMatchObject({ dataset: 'py', name: 'X#1', units: null, provenance: null });
    await bare.close();
  });

  it('refuses unknown filter fields and malformed values, naming them', async () => {
    const err = async (f: unknown) => store.signals(f as never).catch((e: unknown) => e as MetaseriesError);
    expect(await err({ where: { locaton: 'x' } })).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"locaton"') });
    expect(await err({ where: { location: 5 } })).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"location"') });
    expect(await err({ datset: 'plant' })).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"datset"') });
    expect(await err({ range: { from: '2024-03-05', to: '2024-03-01' } })).toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('the 0.1 catalog series is read and migrated to records', () => {
  it('reads a `<dataset>/__metaseries__` record, then replaces it by catalog records at the next commit', async () => {
    const store = await createBackend('memory:');
    const raw = Series.fromTimes(day(1, 3), [1, 2, 3], { name: 'X#1_RAW#1', tz: 'UTC' });
    const meta = new TimeSeries({ series: raw }).metadataDict();
    await store.save('old/X#1/RAW#1', raw, meta);
    await store.save('old/__metaseries__', Series.empty('__metaseries__', 'float64'), {
      ...meta,
      metaseries_catalog: {
        version: 1,
        dataset: { name: 'old', description: 'from 0.1', owner: 'me', purpose: null, project: 'legacy', created_on: '2024-01-01 00:00:00', last_updated: '2024-01-01 00:00:00' },
        signals: { 'X#1': { units: 'mg/l', provenance: { source_repository: null, project: null, location: 'Tank', equipment: null, parameter: 'X', purpose: null, metadata_id: null }, created_on: '2024-01-01 00:00:00', last_updated: '2024-01-01 00:00:00', time_series: ['X#1_RAW#1'] } },
      },
    });
    expect((await store.signals({ where: { location: 'Tank' } })).map((s) => s.name)).toEqual(['X#1']);
    const ds = await Dataset.fromBackend(store, 'old', { autoSave: true });
    expect(ds.description).toBe('from 0.1');
    expect(ds.get('X#1').units).toBe('mg/l');
    await ds.saveAll();
    expect(await store.listKeys()).toEqual(['old/X#1/RAW#1']);
    expect((await store.datasets())[0]).toMatchObject({ name: 'old', description: 'from 0.1', project: 'legacy' });
    expect((await Dataset.fromBackend(store, 'old')).get('X#1').provenance.location).toBe('Tank');
    await store.close();
  });
});
