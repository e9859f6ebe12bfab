import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openPostgres, openSqlite } from '@metaseries/storage-sql';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type PostgresServer, postgresAvailable, SKIP_POSTGRES_REASON, startPostgres } from '../support/postgres.js';
import { runConformanceSuite } from './suite.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('metaseries-sql-conformance-');
const file = join(dir, 'plant.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runConformanceSuite('sqlite file (native layout)', () => openSqlite(file), { reopen: () => openSqlite(file) });
runConformanceSuite('sqlite :memory: (native layout)', () => openSqlite(':memory:'));

// The meteaudata layout on SQLite is Python's exact DDL (`value REAL`), which stores -0.0
// as 0, so the suite's "floats" sample cannot pass there: its own tests live in
// packages/storage-sql/test/meteaudata-layout.test.ts. On PostgreSQL it runs the suite.
const pythonLayout = 'the meteaudata layout stores values as REAL, like Python SQLAdapter';

const pgOk = postgresAvailable();
if (!pgOk) describe.skip(SKIP_POSTGRES_REASON, () => it('postgres', () => undefined));
else {
  let server: PostgresServer | undefined;
  let url: Promise<string> | undefined;
  // One server for this file; the suite's own beforeAll waits for it through `open`.
  const database = (): Promise<string> => {
    url ??= startPostgres().then((s) => { server = s; return s.createDatabase('conformance'); });
    return url;
  };
  afterAll(async () => { await server?.stop(); });
  beforeAll(async () => { await database(); }, 60_000);
  runConformanceSuite('postgres (native layout)', async () => openPostgres(await database()), { reopen: async () => openPostgres(await database()) });
  let pyUrl: Promise<string> | undefined;
  const pyDatabase = async (): Promise<string> => {
    await database();
    pyUrl ??= server!.createDatabase('conformance_py');
    return pyUrl;
  };
  runConformanceSuite('postgres (meteaudata layout)', async () => openPostgres(await pyDatabase(), { layout: 'meteaudata' }), {
    reopen: async () => openPostgres(await pyDatabase(), { layout: 'meteaudata' }),
    unsupported: { strings: pythonLayout },
  });
}

