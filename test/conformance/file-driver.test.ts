import { readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { FileSegmentDriver, fileStem } from '@metaseries/core/backend-kit';
import { parquetSegmentFormat } from '@metaseries/storage-parquet';
import { polarsSegmentFormat } from '@metaseries/storage-polars';
import { runDriverConformance } from './driver-suite.js';
import { tempDir } from '../support/tmp.js';

// The native file layout's driver, with each engine's segment format.
for (const [label, format] of [['parquet', parquetSegmentFormat], ['polars', polarsSegmentFormat]] as const) {
  const dir = tempDir(`metaseries-file-driver-${label}-`);
  runDriverConformance(`file (${label} segments)`, () => FileSegmentDriver.open(label, dir, format), {
    damage: async (driver, key, id) => {
      const folder = join((driver as FileSegmentDriver).dir, 'series', fileStem(key));
      const file = readdirSync(folder).find((f) => f.startsWith(id))!;
      truncateSync(join(folder, file), 40);
    },
  });
}
