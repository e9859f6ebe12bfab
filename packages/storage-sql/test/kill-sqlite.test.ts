/** kill -9 mid-operation on SQLite (file, WAL): see kill-support.ts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, it } from 'vitest';
import { killTest, LANDED } from './kill-support.js';

const dir = mkdtempSync(join(tmpdir(), 'metaseries-sql-kill-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it(`SQLite file: ${LANDED} kills landed during append/update/snapshot/prune leave every key one whole version`, async () => {
  await killTest('sqlite', join(dir, 'kill.db'));
}, 600_000);
