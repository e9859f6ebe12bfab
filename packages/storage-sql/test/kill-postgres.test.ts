/** kill -9 mid-operation on PostgreSQL: see kill-support.ts. */
import { afterAll, describe, it } from 'vitest';
import { type PostgresServer, postgresAvailable, SKIP_POSTGRES_REASON, startPostgres } from '../../../test/support/postgres.js';
import { killTest, LANDED } from './kill-support.js';

describe.skipIf(!postgresAvailable())(`kill -9 mid-operation, PostgreSQL${postgresAvailable() ? '' : ` (${SKIP_POSTGRES_REASON})`}`, () => {
  let server: PostgresServer | undefined;
  afterAll(async () => server?.stop());
  it(`${LANDED} kills landed during append/update/snapshot/prune leave every key one whole version`, async () => {
    server = await startPostgres();
    await killTest('postgres', await server.createDatabase('kill'));
  }, 600_000);
});
