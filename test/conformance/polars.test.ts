import { join } from 'node:path';
import { openPolars } from '@metaseries/storage-polars';
import { runConformanceSuite } from './suite.js';
import { tempDir } from '../support/tmp.js';

const temp = (name: string): string => tempDir(`metaseries-polars-${name}-`);

// The native layout (the parquet backend's files, read by polars), with Storage v2's tests.
const native = temp('native'), small = temp('small');
runConformanceSuite('polars (native layout)', () => openPolars(native, { layout: 'native' }), {
  reopen: () => openPolars(native),
  smallSegments: () => openPolars(small, { layout: 'native', segments: { segmentSize: 4 } }),
  propertyRuns: 10,
  queryRuns: 8,
});

// Python's PolarsAdapter layout.
const meteaudata = temp('meteaudata');
runConformanceSuite('polars (meteaudata layout)', () => openPolars(meteaudata, { layout: 'meteaudata' }), { reopen: () => openPolars(meteaudata) });
