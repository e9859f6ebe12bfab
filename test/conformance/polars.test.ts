import { join } from 'node:path';
import { openPolars } from '@metaseries/storage-polars';
import { runConformanceSuite } from './suite.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('metaseries-polars-conformance-');

runConformanceSuite('polars', () => openPolars(dir), { reopen: () => openPolars(dir) });
