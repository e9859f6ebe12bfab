import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Storage } from '@metaseries/core';
import { openPostgres, openSqlite, openSqlSegmentDriver, type SqlConfig, SqlSegmentStore } from '@metaseries/storage-sql';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type PostgresServer, postgresAvailable, SKIP_POSTGRES_REASON, startPostgres } from '../support/postgres.js';
import { runConformanceSuite } from './suite.js';
import { runQueryTests } from './query-suite.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('metaseries-sql-conformance-');
const file = join(dir, 'plant.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The native layout with 4-point segments, so the v2 cases cross many segment boundaries. */
const smallSegments = async (config: SqlConfig): Promise<Storage> => new Storage(new SqlSegmentStore(await openSqlSegmentDriver(config, async () => undefined), { segmentSize: 4 }));

runConformanceSuite('sqlite file (native layout)', () => openSqlite(file), { reopen: () => openSqlite(file), smallSegments: () => smallSegments({ kind: 'sqlite', path: join(dir, 'small.db') }) });
runConformanceSuite('sqlite :memory: (native layout)', () => openSqlite(':memory:'), { smallSegments: () => smallSegments({ kind: 'sqlite', path: ':memory:' }) });

// The meteaudata layout on SQLite is Python's exact DDL (`value REAL`), which stores -0.0
// as 0, so the suite's "floats" sample cannot pass there: its own tests live in
// packages/storage-sql/test/meteaudata-layout.test.ts. On PostgreSQL it runs the suite.
const pythonLayout = 'the meteaudata layout stores values as REAL, like Python SQLAdapter';
/** What the meteaudata layout's engine pushdown answers (packages/storage-sql/src/meteaudata-query.ts). */
const ENGINE_AGGS = ['count', 'min', 'max', 'first', 'last'];

// The query suite alone does run on it (its values are finite or NaN, never -0), through the engine pushdown.
describe('sqlite file (meteaudata layout)', () => {
  let store: Storage;
  beforeAll(async () => { store = await openSqlite(join(dir, 'python.db'), { layout: 'meteaudata' }); });
  afterAll(async () => { await store.close(); });
  runQueryTests(() => store, { engine: ENGINE_AGGS });
});

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
  runConformanceSuite('postgres (native layout)', async () => openPostgres(await database()), {
    reopen: async () => openPostgres(await database()),
    smallSegments: async () => { await database(); return smallSegments({ kind: 'postgres', url: await server!.createDatabase('conformance_small') }); },
  });
  let pyUrl: Promise<string> | undefined;
  const pyDatabase = async (): Promise<string> => {
    await database();
    pyUrl ??= server!.createDatabase('conformance_py');
    return pyUrl;
  };
  runConformanceSuite('postgres (meteaudata layout)', async () => openPostgres(await pyDatabase(), { layout: 'meteaudata' }), {
    reopen: async () => openPostgres(await pyDatabase(), { layout: 'meteaudata' }),
    unsupported: { strings: pythonLayout },
    engine: ENGINE_AGGS,
  });
}

