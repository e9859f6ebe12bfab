/**
 * The shared SegmentDriver conformance suite (driver-suite.ts) on the SQL driver: SQLite
 * file, SQLite :memory:, PostgreSQL. Damage = bytes of one stored blob flipped in place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SegmentDriver } from '@metaseries/core';
import { openSqlSegmentDriver, type SqlConfig, type SqlSegmentDriver } from '@metaseries/storage-sql';
import { afterAll, describe, it } from 'vitest';
import { type PostgresServer, postgresAvailable, SKIP_POSTGRES_REASON, startPostgres } from '../support/postgres.js';
import { runDriverConformance } from './driver-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'metaseries-sql-driver-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noV1 = async (): Promise<void> => {
  throw new Error('no layout v1 data here');
};

async function damage(driver: SegmentDriver, key: string, id: string): Promise<void> {
  const knex = (driver as SqlSegmentDriver).knex;
  const row = await knex('metaseries_segments').first('data').where({ key, id }) as { data: Buffer };
  const bytes = Buffer.from(row.data);
  bytes[bytes.length - 2]! ^= 0xff;
  await knex('metaseries_segments').where({ key, id }).update({ data: bytes });
}

const open = (config: () => Promise<SqlConfig>) => async (): Promise<SegmentDriver> => openSqlSegmentDriver(await config(), noV1);

runDriverConformance('SQLite file', open(async () => ({ kind: 'sqlite', path: join(dir, 'driver.db') })), { damage });
runDriverConformance('SQLite :memory:', open(async () => ({ kind: 'sqlite', path: ':memory:' })), { damage });

if (!postgresAvailable()) describe.skip(SKIP_POSTGRES_REASON, () => it('postgres', () => undefined));
else {
  let server: PostgresServer | undefined;
  let url: Promise<string> | undefined;
  afterAll(async () => server?.stop());
  const database = (): Promise<string> => (url ??= startPostgres().then((s) => { server = s; return s.createDatabase('driver_conformance'); }));
  runDriverConformance('PostgreSQL', open(async () => ({ kind: 'postgres', url: await database() })), { damage });
}
