/**
 * Discovery keeps the whole store's catalog and heads while the driver's change token is
 * unchanged (SQLite: data_version and the connection's own commits; file stores: the index
 * file's identity). Every commit — from this store or another connection on the same
 * database or folder — must show in the next call.
 */
import { join } from 'node:path';
import { createBackend, DataProvenance, Dataset, Series, Signal, type Storage } from '@metaseries/core';
import '@metaseries/storage-parquet';
import '@metaseries/storage-sql';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/tmp.js';

const dir = tempDir('metaseries-discovery-cache-');

function dataset(name: string, location: string): Dataset {
  const times = Array.from({ length: 3 }, (_, h) => new Date(Date.UTC(2024, 2, 1, h)));
  const signal = new Signal({ name: 'COD', units: 'mg/l', provenance: new DataProvenance({ location, parameter: 'COD' }), data: Series.fromTimes(times, [1, 2, 3], { name: 'RAW', tz: 'UTC' }) });
  return new Dataset({ name, project: 'cache', signals: [signal] });
}

async function save(store: Storage, ds: Dataset): Promise<void> {
  ds.useBackend(store);
  await ds.saveAll();
}

const configs = {
  sqlite: () => ({ kind: 'sqlite' as const, path: join(dir, 'c.db') }),
  parquet: () => ({ kind: 'parquet' as const, dir: join(dir, 'folder'), create: true }),
};

for (const [kind, config] of Object.entries(configs)) {
  describe(`discovery cache (${kind})`, () => {
    it('shows every commit, from this store or another connection, in the next call', async () => {
      const a = await createBackend(config());
      const b = await createBackend(config());
      try {
        await save(a, dataset('site1', 'Inlet'));
        expect((await a.series()).map((s) => s.key)).toEqual(['site1/COD#1/RAW#1']);
        expect((await a.series()).length).toBe(1); // the kept answer
        // Another connection commits a dataset: seen by the next call.
        await save(b, dataset('site2', 'Clarifier 1'));
        expect((await a.series()).map((s) => s.key)).toEqual(['site1/COD#1/RAW#1', 'site2/COD#1/RAW#1']);
        expect((await a.signals({ where: { location: 'Clarifier 1' } })).map((s) => s.dataset)).toEqual(['site2']);
        expect((await a.datasets()).map((d) => d.name)).toEqual(['site1', 'site2']);
        // This store's own commit.
        await save(a, dataset('site3', 'Clarifier 1'));
        expect((await a.signals({ where: { location: 'Clarifier 1' } })).map((s) => s.dataset)).toEqual(['site2', 'site3']);
        // A delete from the other connection.
        await b.delete('site2/COD#1/RAW#1');
        expect((await a.series()).map((s) => s.key)).toEqual(['site1/COD#1/RAW#1', 'site3/COD#1/RAW#1']);
        // An answer changed by its caller does not change the next one.
        const [found] = await a.signals({ dataset: 'site1' });
        (found!.provenance as { location: string }).location = 'changed';
        expect((await a.signals({ where: { location: 'Inlet' } })).map((s) => s.dataset)).toEqual(['site1']);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
