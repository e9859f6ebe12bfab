import { join } from 'node:path';
import { openParquet } from '@metaseries/storage-parquet';
import { runConformanceSuite } from './suite.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('metaseries-parquet-conformance-');

runConformanceSuite('parquet', () => openParquet(dir), { reopen: () => openParquet(dir) });
