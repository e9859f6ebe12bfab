import pl from 'nodejs-polars';
import { NumericIndex, type Series, type StorageBackend } from '@metaseries/core';
import type { SegmentFileFormat } from '@metaseries/core/backend-kit';
import { FileSegmentDriver, SegmentStore, show } from '@metaseries/core/backend-kit';
import { checkLayout, decodeSegmentFile, detectLayout, encodeSegmentFile, parquetSegmentFormat, type FileStoreOptions } from '@metaseries/storage-parquet';
import { PolarsBackend, type PolarsBackendOptions } from './backend.js';
import { indexFromColumn, seriesFromColumns } from './columns.js';

/**
 * The native file layout read through nodejs-polars: the same segment files as
 * `parquet:` (written by storage-parquet's writer, so the two backends differ in engine,
 * not in format). Segments with a datetime or numeric index and numeric values are read
 * by polars with the range pushed into the scan (row-group statistics prune); others go
 * through the Parquet reader.
 */
export const polarsSegmentFormat: SegmentFileFormat = {
  extension: '.parquet',
  encode: encodeSegmentFile,
  // Worker threads of a query read the same files with the Parquet reader (polars' native
  // addon stays on the main thread).
  workerDecoder: parquetSegmentFormat.workerDecoder!,
  async decode(path, layout, range) {
    const kind = layout.indexKind;
    const dtype = typeof layout.dtype === 'string' ? layout.dtype : 'float64';
    if ((kind !== 'datetime' && kind !== 'numeric') || !/^(float|int)/.test(dtype)) return decodeSegmentFile(path, layout);
    let scan = pl.scanParquet(path);
    const frame0 = await scan.limit(0).collect();
    const names = frame0.columns;
    if (names.length !== 2) return decodeSegmentFile(path, layout);
    const indexName = names[1]!;
    if (range && (range.from !== undefined || range.to !== undefined) && kind === 'datetime') {
      const col = pl.col(indexName).cast(pl.Int64);
      // Keys are nanoseconds in the file: bounds in µs → ns, rounded inwards.
      if (range.from !== undefined && Number.isFinite(range.from)) scan = scan.filter(col.gtEq(pl.lit(BigInt(Math.ceil(range.from)) * 1000n)));
      if (range.to !== undefined && Number.isFinite(range.to)) scan = scan.filter(col.ltEq(pl.lit(BigInt(Math.floor(range.to)) * 1000n)));
    }
    const frame = await scan.collect();
    const cols = frame.getColumns();
    const source = `segment file ${show(path)}`;
    const name = typeof layout.indexName === 'string' ? layout.indexName : null;
    let index = indexFromColumn(cols[1]!, source, name, null);
    if (kind === 'numeric' && index.kind === 'numeric' && layout.indexDtype && index.dtype !== layout.indexDtype) index = new NumericIndex(index.values, layout.indexDtype as 'int64' | 'float64', name);
    return seriesFromColumns(cols[0]!, index, { name: typeof layout.name === 'string' ? layout.name : null, dtype, source }) as Series;
  },
};

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
