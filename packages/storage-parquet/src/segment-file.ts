import type { KeyValue, SchemaElement } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { MetaseriesError, type Series } from '@metaseries/core';
import type { SegmentFileFormat } from '@metaseries/core/backend-kit';
import { show } from '@metaseries/core/backend-kit';
import { toInt64Halves } from './int64.js';
import { indexFieldName, pandasMetadata, valueFieldName } from './pandas-meta.js';
import { SeriesFile } from './read.js';
import { ZSTD_LEVEL, zstd } from './zstd.js';

/**
 * Segment files of the native layout: one pandas-shaped Parquet file per segment
 * (value column + index column + `pandas` metadata, so `pd.read_parquet` gives the
 * series with its index and zone), written with the encodings measured in
 * shared/research/storage-v2.md §3:
 * - timestamps INT64 TIMESTAMP(NANOS) DELTA_BINARY_PACKED, dictionary off;
 * - DOUBLE values dictionary-encoded when that halves them, else PLAIN — except when a
 *   segment holds -0 or NaNs with different payloads: hyparquet-writer's dictionary
 *   keys a Map by value, which merges -0 with +0 and NaN payloads, so those segments
 *   are written PLAIN (bit-exact);
 * - ZSTD on every page; one row group (a segment is ≤ 65,536 points).
 */
export const parquetSegmentFormat: SegmentFileFormat = {
  extension: '.parquet',
  encode: encodeSegmentFile,
  decode: decodeSegmentFile,
  // Queries decode segment files on worker threads with this same function.
  workerDecoder: { module: import.meta.url, name: 'decodeSegmentFile' },
};

/** Whether hyparquet-writer's dictionary would lose bits of these doubles (-0, or NaNs of different payloads). */
export function dictionaryUnsafe(values: Float64Array): boolean {
  const bits = new BigUint64Array(values.buffer, values.byteOffset, values.length);
  let nan: bigint | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === 0 && Object.is(v, -0)) return true;
    if (v !== v) {
      const b = bits[i]!;
      if (nan === null) nan = b;
      else if (nan !== b) return true;
    }
  }
  return false;
}

export async function encodeSegmentFile(series: Series): Promise<Uint8Array[]> {
  const z = await zstd();
  const kv: KeyValue[] = [{ key: 'pandas', value: JSON.stringify(pandasMetadata(series)) }];
  const values = series.values;
  const name = valueFieldName(series);
  const schema: SchemaElement[] = [{ name: 'schema' }];
  const columnData: Array<{ name: string; data: Float64Array | BigInt64Array | boolean[] | (string | null)[]; encoding?: 'PLAIN' | 'DELTA_BINARY_PACKED'; nullable?: boolean }> = [];
  if (values instanceof Float64Array) {
    if (/int/i.test(series.dtype) && values.every((v) => Number.isSafeInteger(v))) {
      schema.push({ name, type: 'INT64', repetition_type: 'REQUIRED' });
      columnData.push({ name, data: BigInt64Array.from(values, (v) => BigInt(v)), encoding: 'DELTA_BINARY_PACKED', nullable: false });
    } else {
      schema.push({ name, type: 'DOUBLE', repetition_type: 'REQUIRED' });
      columnData.push({ name, data: values, ...(dictionaryUnsafe(values) ? { encoding: 'PLAIN' as const } : {}), nullable: false });
    }
  } else if (values instanceof Uint8Array) {
    schema.push({ name, type: 'BOOLEAN', repetition_type: 'REQUIRED' });
    columnData.push({ name, data: Array.from(values, (v) => v !== 0), nullable: false });
  } else {
    schema.push({ name, type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8', logical_type: { type: 'STRING' } });
    columnData.push({ name, data: values as (string | null)[], nullable: true });
  }
  const index = series.index;
  const field = indexFieldName(series);
  if (index.kind === 'datetime') {
    if (!index.values.every((v) => Number.isSafeInteger(v))) throw new MetaseriesError('UNSUPPORTED', `Timestamps of ${show(series.name)} are not whole microseconds`);
    const halves = toInt64Halves(index.values, 1000);
    schema.push({ name: field, type: 'INT64', repetition_type: 'REQUIRED', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: index.tz !== null, unit: 'NANOS' } });
    columnData.push({ name: field, data: new BigInt64Array(halves.buffer, halves.byteOffset, index.length), encoding: 'DELTA_BINARY_PACKED', nullable: false });
  } else if (index.kind === 'numeric') {
    if (index.dtype === 'int64') {
      schema.push({ name: field, type: 'INT64', repetition_type: 'REQUIRED' });
      columnData.push({ name: field, data: BigInt64Array.from(index.values, (v) => BigInt(v)), encoding: 'DELTA_BINARY_PACKED', nullable: false });
    } else {
      schema.push({ name: field, type: 'DOUBLE', repetition_type: 'REQUIRED' });
      columnData.push({ name: field, data: index.values, encoding: 'PLAIN', nullable: false });
    }
  } else if (index.kind === 'string') {
    schema.push({ name: field, type: 'BYTE_ARRAY', repetition_type: 'REQUIRED', converted_type: 'UTF8', logical_type: { type: 'STRING' } });
    columnData.push({ name: field, data: [...index.values], nullable: false });
  }
  schema[0] = { name: 'schema', num_children: schema.length - 1 };
  const bytes = parquetWriteBuffer({
    columnData, schema, codec: 'ZSTD', compressors: { ZSTD: (input: Uint8Array) => z.compress(input, ZSTD_LEVEL) },
    rowGroupSize: Math.max(1, series.length), kvMetadata: kv, createdBy: 'metaseries (hyparquet-writer)',
  });
  return [new Uint8Array(bytes)];
}

/**
 * Read a segment file back (our reader; ZSTD pages through the wasm decoder). A segment
 * file is small (≤ 65,536 points, one row group) and read whole, so it is loaded in one
 * read rather than footer, header and chunks separately.
 */
export async function decodeSegmentFile(path: string, layout: Record<string, unknown>): Promise<Series> {
  const file = await SeriesFile.load(path);
  try {
    const dtype = typeof layout.dtype === 'string' ? layout.dtype : null;
    return await file.read(0, file.rowGroups.length, dtype);
  } finally {
    await file.close();
  }
}
