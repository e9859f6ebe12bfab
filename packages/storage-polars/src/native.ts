import type { StorageBackend } from '@metaseries/core';
import type { SegmentFileFormat } from '@metaseries/core/backend-kit';
import { FileSegmentDriver, SegmentStore } from '@metaseries/core/backend-kit';
import { checkLayout, detectLayout, parquetSegmentFormat, type FileStoreOptions } from '@metaseries/storage-parquet';
import { PolarsBackend, type PolarsBackendOptions } from './backend.js';

/**
 * The native file layout of `polars:`: the same segment files as `parquet:`, written and
 * read by storage-parquet's segment format. Segments used to be read through
 * `pl.scanParquet`, but a segment is one small row group, so the scan pruned nothing and
 * cost more than it saved: storage-parquet's reader decodes these pages straight into
 * typed arrays (measured in docs/performance.md, "Native segment reads"), while polars
 * built a DataFrame per segment and its columns were then copied out. One reader for one
 * format; polars remains the engine of the meteaudata layout and of toPolars/fromPolars.
 */
export const polarsSegmentFormat: SegmentFileFormat = parquetSegmentFormat;

export interface PolarsStoreOptions extends Omit<PolarsBackendOptions, 'dir'>, Pick<FileStoreOptions, 'layout' | 'segments'> {}

/**
 * Open a polars store folder in its layout (detected unless given; a new folder is native).
 * @example const backend = await openPolarsBackend('./store', { create: true });
 */
export async function openPolarsBackend(dir: string, options: PolarsStoreOptions = {}): Promise<StorageBackend> {
  const { layout: asked, segments, ...rest } = options;
  const layout = checkLayout(asked, 'polars') ?? (await detectLayout(dir)) ?? 'native';
  if (layout === 'meteaudata') return PolarsBackend.open({ ...rest, dir });
  const driver = await FileSegmentDriver.open('polars', dir, polarsSegmentFormat, { create: rest.create === true });
  return new SegmentStore(driver, segments);
}
