import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openParquet } from '@metaseries/storage-parquet';
import { runConformanceSuite } from './suite.js';

const dir = mkdtempSync(join(tmpdir(), 'metaseries-parquet-conformance-'));

runConformanceSuite('parquet', () => openParquet(dir), { reopen: () => openParquet(dir) });
