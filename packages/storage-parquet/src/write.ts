import type { Series } from '@metaseries/core';
import type { FileMetaData, KeyValue, RowGroup, SchemaElement, ColumnChunk } from 'hyparquet';
import { ByteWriter, parquetWriteBuffer } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { toInt64Halves } from './int64.js';
import { indexFieldName, pandasMetadata, valueFieldName } from './pandas-meta.js';

/**
 * Rows per row group. A 1-day range read of a 1-minute series touches one or two
 * groups (1 MiB each); of a 1-second series two or three. Small enough to prune
 * well, large enough that a 10 M-point footer stays ~150 groups.
 */
export const ROW_GROUP_SIZE = 65_536;

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

type ColumnKind = 'double' | 'int64' | 'timestamp' | 'bool' | 'string';

interface ColumnPlan {
  name: string;
  kind: ColumnKind;
  /** Timestamps: true when the index has a zone (UTC instants). */
  utc?: boolean;
  data: Float64Array | Uint8Array | readonly (string | null)[];
}

function planColumns(series: Series): ColumnPlan[] {
  const columns: ColumnPlan[] = [];
  const values = series.values;
  const name = valueFieldName(series);
  if (values instanceof Float64Array) columns.push({ name, kind: /int/i.test(series.dtype) ? 'int64' : 'double', data: values });
  else if (values instanceof Uint8Array) columns.push({ name, kind: 'bool', data: values });
  else columns.push({ name, kind: 'string', data: values });
  const index = series.index;
  const field = indexFieldName(series);
  if (index.kind === 'datetime') columns.push({ name: field, kind: 'timestamp', utc: index.tz !== null, data: index.values });
  else if (index.kind === 'numeric') columns.push({ name: field, kind: index.dtype === 'int64' ? 'int64' : 'double', data: index.values });
  else if (index.kind === 'string') columns.push({ name: field, kind: 'string', data: index.values });
  return columns;
}

function schemaElement(c: ColumnPlan): SchemaElement {
  switch (c.kind) {
    case 'double': return { name: c.name, type: 'DOUBLE', repetition_type: 'REQUIRED' };
    case 'int64': return { name: c.name, type: 'INT64', repetition_type: 'REQUIRED' };
    case 'timestamp': return { name: c.name, type: 'INT64', repetition_type: 'REQUIRED', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: c.utc === true, unit: 'NANOS' } };
    case 'bool': return { name: c.name, type: 'BOOLEAN', repetition_type: 'REQUIRED' };
    case 'string': return { name: c.name, type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
  }
}

/**
 * Encode a Series as a pandas-shaped Parquet file: the value column, then the
 * index column (none for a RangeIndex), `pandas` metadata, min/max statistics per
 * row group, and the extra key-value pairs given. Returns the file as chunks to be
 * written with one `writev` (value pages are views on the series' own memory).
 *
 * Numeric and datetime series take a fast path: PLAIN, uncompressed, one page per
 * column chunk, encoded here with hyparquet-writer's Thrift footer; strings and
 * booleans go through hyparquet-writer entirely.
 */
export function encodeSeries(series: Series, extra: KeyValue[]): Uint8Array[] {
  const columns = planColumns(series);
  const kv: KeyValue[] = [{ key: 'pandas', value: JSON.stringify(pandasMetadata(series)) }, ...extra];
  const schema: SchemaElement[] = [{ name: 'schema', num_children: columns.length }, ...columns.map(schemaElement)];
  if (columns.every((c) => c.kind === 'double' || c.kind === 'int64' || c.kind === 'timestamp')) {
    return encodeFast(columns, schema, kv, series.length);
  }
  const columnData = columns.map((c) => ({
    name: c.name,
    data: c.kind === 'timestamp' ? bigNanos(c.data as Float64Array)
      : c.kind === 'int64' ? BigInt64Array.from(c.data as Float64Array, (v) => BigInt(v))
      : c.kind === 'bool' ? Array.from(c.data as Uint8Array, (v) => v !== 0)
      : c.data as Float64Array | (string | null)[],
  }));
  const bytes = parquetWriteBuffer({ columnData, schema, rowGroupSize: ROW_GROUP_SIZE, kvMetadata: kv, codec: 'SNAPPY', createdBy: 'metaseries (hyparquet-writer)' });
  return [new Uint8Array(bytes)];
}

function bigNanos(us: Float64Array): BigInt64Array {
  const halves = toInt64Halves(us, 1000);
  return new BigInt64Array(halves.buffer, halves.byteOffset, us.length);
}

function encodeFast(columns: ColumnPlan[], schema: SchemaElement[], kv: KeyValue[], n: number): Uint8Array[] {
  const chunks: Uint8Array[] = [MAGIC];
  let offset = 4;
  const rowGroups: RowGroup[] = [];
  for (let start = 0; start < n; start += ROW_GROUP_SIZE) {
    const end = Math.min(n, start + ROW_GROUP_SIZE);
    const rows = end - start;
    const rgStart = offset;
    const chunkMeta: ColumnChunk[] = [];
    for (let ci = 0; ci < columns.length; ci++) {
      const column = columns[ci]!;
      const element = schema[ci + 1]!;
      const slice = (column.data as Float64Array).subarray(start, end);
      const page = column.kind === 'double'
        ? new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength)
        : new Uint8Array(toInt64Halves(slice, column.kind === 'timestamp' ? 1000 : 1).buffer);
      const header = new ByteWriter(64);
      writePageHeader(header, {
        type: 'DATA_PAGE',
        uncompressed_page_size: page.byteLength,
        compressed_page_size: page.byteLength,
        data_page_header: { num_values: rows, encoding: 'PLAIN', definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE' },
      });
      const headerBytes = header.getBytes().slice();
      const size = BigInt(headerBytes.byteLength + page.byteLength);
      const stats = minMax(slice);
      const scale = column.kind === 'timestamp' ? 1000n : 1n;
      chunkMeta.push({
        file_offset: BigInt(offset),
        meta_data: {
          type: element.type!,
          encodings: ['PLAIN', 'RLE'],
          path_in_schema: [column.name],
          codec: 'UNCOMPRESSED',
          num_values: BigInt(rows),
          total_uncompressed_size: size,
          total_compressed_size: size,
          data_page_offset: BigInt(offset),
          statistics: stats === null ? { null_count: 0n } : column.kind === 'double'
            ? { min_value: stats[0], max_value: stats[1], null_count: 0n }
            : { min_value: BigInt(stats[0]) * scale, max_value: BigInt(stats[1]) * scale, null_count: 0n },
        },
      });
      chunks.push(headerBytes, page);
      offset += headerBytes.byteLength + page.byteLength;
    }
    rowGroups.push({ columns: chunkMeta, total_byte_size: BigInt(offset - rgStart), num_rows: BigInt(rows), file_offset: BigInt(rgStart), total_compressed_size: BigInt(offset - rgStart) });
  }
  const metadata: FileMetaData = {
    version: 2,
    schema,
    num_rows: BigInt(n),
    row_groups: rowGroups,
    key_value_metadata: kv,
    created_by: 'metaseries (fast PLAIN writer, hyparquet-writer footer)',
    metadata_length: 0,
  };
  const footer = new ByteWriter(4096);
  writeMetadata(footer, metadata);
  chunks.push(footer.getBytes().slice(), MAGIC);
  return chunks;
}

/** Min and max ignoring NaN (Parquet statistics must not contain NaN); null when all NaN or empty. */
function minMax(values: Float64Array): [number, number] | null {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min === Infinity && max === -Infinity ? null : [min, max];
}
