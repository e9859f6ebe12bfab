/**
 * Drivers that hand discovery its fields directly (`readHeadSummaries`: PostgreSQL extracts
 * them from the version records, file stores read them off their index) must equal what
 * core derives from the whole records (`readHeads` + `headOfRecord`), for processed series,
 * zones, numeric and empty series, and leave tombstones out. SQLite answers null (whole
 * records are as fast there). A record PostgreSQL cannot read makes it answer null, and
 * discovery then reads whole records (and names the damaged one).
 */
import { join } from 'node:path';
import {
  DataProvenance, Dataset, DatetimeIndex, IndexMetadata, NumericIndex, Series, Signal, Storage, type SegmentDriver,
} from '@metaseries/core';
import { FileSegmentDriver, SegmentStore } from '@metaseries/core/backend-kit';
import { parquetSegmentFormat } from '@metaseries/storage-parquet';
import { linearInterpolation } from '@metaseries/processing';
import { openSqlSegmentDriver, type SqlConfig, type SqlSegmentDriver } from '@metaseries/storage-sql';
import { afterAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresAvailable, SKIP_POSTGRES_REASON, startPostgres } from './support/postgres.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('metaseries-discovery-summaries-');
const noV1 = async (): Promise<void> => { throw new Error('no layout v1 data here'); };

async function fill(store: Storage): Promise<void> {
  const times = Array.from({ length: 4 }, (_, h) => new Date(Date.UTC(2024, 2, 31, h)));
  const cod = new Signal({ name: 'COD', units: 'mg/l', provenance: new DataProvenance({ location: 'Inlet', parameter: 'COD' }), data: Series.fromTimes(times, [1, Number.NaN, 3, 4], { name: 'RAW', tz: 'Europe/Zurich' }) });
  const plant = new Dataset({ name: 'plant', project: 'p', signals: [cod] });
  plant.useBackend(store, { autoSave: true });
  await plant.saveAll();
  await cod.process(['COD#1_RAW#1'], linearInterpolation());
  const meta = (s: Series) => ({ processing_steps: [], index_metadata: IndexMetadata.fromIndex(s.index).toDict(), values_dtype: s.dtype, metadata_id: null, created_on: '2024-03-01T00:00:00' });
  const depth = new Series({ index: new NumericIndex(Float64Array.of(0.5, 1, 2), 'float64', 'depth'), values: Float64Array.of(7, 8, 9), name: 'P#1_RAW#1' });
  await store.save('lake/P#1/RAW#1', depth, meta(depth));
  const empty = new Series({ index: new DatetimeIndex(new Float64Array(0), { tz: null }), values: new Float64Array(0), name: 'E#1_RAW#1' });
  await store.save('lake/E#1/RAW#1', empty, meta(empty));
  await store.save('lake/GONE#1/RAW#1', depth, meta(depth));
  await store.delete('lake/GONE#1/RAW#1');
}

function check(label: string, open: () => Promise<SegmentDriver>, damage?: (driver: SegmentDriver) => Promise<void>): void {
  describe(`discovery head summaries (${label})`, () => {
    it('equal the fields derived from whole records; tombstones left out', async () => {
      const driver = await open();
      const store = new Storage(new SegmentStore(driver));
      try {
        await fill(store);
        const summaries = await driver.readHeadSummaries!('');
        expect(summaries).not.toBeNull();
        const whole = new Storage(new SegmentStore(withoutSummaries(driver)));
        const viaRecords = await whole.series();
        const viaSummaries = await store.series();
        expect(viaSummaries.map((s) => s.key)).toEqual(['lake/E#1/RAW#1', 'lake/P#1/RAW#1', 'plant/COD#1/LIN-INT#1', 'plant/COD#1/RAW#1']);
        expect(viaSummaries).toEqual(viaRecords);
        const lin = viaSummaries.find((s) => s.key === 'plant/COD#1/LIN-INT#1')!;
        expect([lin.steps, lin.lastStep?.function, lin.indexKind]).toEqual([1, 'linear interpolation', 'datetime']);
        expect(await store.series({ range: { from: '2024-03-31T01:00:00Z', to: '2024-04-01' } })).toEqual(await whole.series({ range: { from: '2024-03-31T01:00:00Z', to: '2024-04-01' } }));
        if (damage) {
          // A version record the database cannot read as JSON: null, and discovery names the key.
          await damage(driver);
          expect(await driver.readHeadSummaries!('')).toBeNull();
          await expect(new Storage(new SegmentStore(driver)).series()).rejects.toMatchObject({ code: 'CORRUPT_DATA', message: expect.stringContaining('lake/P#1/RAW#1') });
        }
      } finally {
        await store.close();
      }
    });
  });
}

/** The same driver without its summaries: discovery reads whole records. */
function withoutSummaries(driver: SegmentDriver): SegmentDriver {
  return new Proxy(driver, { get: (t, p) => (p === 'readHeadSummaries' || p === 'changeToken' ? undefined : (typeof Reflect.get(t, p) === 'function' ? (Reflect.get(t, p) as (...a: unknown[]) => unknown).bind(t) : Reflect.get(t, p))) });
}

const sql = (config: () => Promise<SqlConfig>) => async (): Promise<SegmentDriver> => openSqlSegmentDriver(await config(), noV1);

check('Parquet folder', () => FileSegmentDriver.open('parquet', join(dir, 'folder'), parquetSegmentFormat, { create: true }));

describe('discovery head summaries (SQLite)', () => {
  it('are not extracted by SQLite: discovery parses the whole records (as fast there)', async () => {
    const driver = await sql(async () => ({ kind: 'sqlite', path: join(dir, 's.db') }))();
    try {
      expect(await driver.readHeadSummaries!('')).toBeNull();
    } finally {
      await driver.close();
    }
  });
});

if (!postgresAvailable()) describe.skip(SKIP_POSTGRES_REASON, () => it('postgres', () => undefined));
else {
  let server: PostgresServer | undefined;
  afterAll(async () => server?.stop());
  check('PostgreSQL', sql(async () => {
    server = await startPostgres();
    return { kind: 'postgres', url: await server.createDatabase('summaries') };
  }), async (driver) => {
    await (driver as SqlSegmentDriver).knex('metaseries_versions').where({ key: 'lake/P#1/RAW#1' }).update({ record: '{"version": 1, oops' });
  });
}
