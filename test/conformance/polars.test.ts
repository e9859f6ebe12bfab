import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPolars } from '@metaseries/storage-polars';
import { runConformanceSuite } from './suite.js';

const dir = mkdtempSync(join(tmpdir(), 'metaseries-polars-conformance-'));

runConformanceSuite('polars', () => openPolars(dir), { reopen: () => openPolars(dir) });
