import { join } from 'node:path';
import { openParquet } from '@metaseries/storage-parquet';
import { runConformanceSuite } from './suite.js';
import { tempDir } from '../support/tmp.js';

const temp = (name: string): string => tempDir(`metaseries-parquet-${name}-`);

// The native layout (versioned segments + index file), with Storage v2's tests.
const native = temp('native'), small = temp('small');
runConformanceSuite('parquet (native layout)', () => openParquet(native, { layout: 'native' }), {
  reopen: () => openParquet(native),
  smallSegments: () => openParquet(small, { layout: 'native', segments: { segmentSize: 4 } }),
  propertyRuns: 15,
  queryRuns: 12,
});

// Python's PandasDiskAdapter layout.
const meteaudata = temp('meteaudata');
runConformanceSuite('parquet (meteaudata layout)', () => openParquet(meteaudata, { layout: 'meteaudata' }), { reopen: () => openParquet(meteaudata) });
