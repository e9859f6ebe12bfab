import { open, readFile, type FileHandle } from 'node:fs/promises';
import { DatetimeIndex, type Index, MetaseriesError, NumericIndex, RangeIndex, Series, StringIndex, type Values } from '@metaseries/core';
import { storageOf } from '@metaseries/core/backend-kit';
import { type AsyncBuffer, type ColumnData, type ColumnMetaData, type FileMetaData, parquetMetadata, parquetRead, type SchemaElement } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { fromInt64Halves } from './int64.js';
import { zstd } from './zstd.js';
import { decodeChunk } from './compact-read.js';
import type { PandasColumn, PandasMetadata, PandasRangeIndex } from './pandas-meta.js';

const BACKEND = 'parquet';
const FOOTER_GUESS = 64 * 1024;

function corrupt(path: string, why: string, cause?: unknown): MetaseriesError {
  return new MetaseriesError('CORRUPT_DATA', `Parquet file ${JSON.stringify(path)} ${why}`, { backend: BACKEND, cause });
}

/** Raw timestamps stay BigInt in the unit of the file; we convert them in bulk. */
const RAW_PARSERS = {
  timestampFromMilliseconds: (v: bigint) => v,
  timestampFromMicroseconds: (v: bigint) => v,
  timestampFromNanoseconds: (v: bigint) => v,
};

type ValueKind = 'number' | 'int64' | 'bool' | 'string';

interface ColumnSpec {
  field: string;
  element: SchemaElement;
  /** Position among the leaf columns (order of column chunks in each row group). */
  position: number;
}

type IndexSpec =
  | { kind: 'range'; range: PandasRangeIndex }
  | { kind: 'datetime'; column: ColumnSpec; tz: string | null; name: string | null; divisor: number; factor: number }
  | { kind: 'numeric'; column: ColumnSpec; dtype: 'int64' | 'float64'; name: string | null }
  | { kind: 'string'; column: ColumnSpec; name: string | null };

/** Row group bounds: first row, row count, and index min/max (microseconds or numbers) when stored. */
export interface RowGroupInfo {
  start: number;
  rows: number;
  min: number | null;
  max: number | null;
}

/**
 * One Parquet file holding a pandas Series, opened for reading: the footer is
 * parsed once (a single read from the end), then any run of row groups can be
 * decoded without touching the others.
 *
 * @example
 * const file = await SeriesFile.open('store/ds_A#1_RAW#1.parquet');
 * try { const s = await file.read(0, file.rowGroups.length); } finally { await file.close(); }
 */
export class SeriesFile {
  readonly kv: Map<string, string>;
  readonly rowGroups: RowGroupInfo[];
  readonly numRows: number;
  private readonly valueColumn: ColumnSpec;
  private readonly valueName: string | null;
  private readonly valueKind: ValueKind;
  private readonly index: IndexSpec;

  private constructor(readonly path: string, private readonly source: ByteSource, readonly size: number, readonly metadata: FileMetaData) {
    this.kv = new Map((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value ?? '']));
    const leaves = metadata.schema.slice(1);
    if (metadata.schema[0]?.num_children !== leaves.length || leaves.some((e) => e.num_children)) throw corrupt(path, 'has a nested schema: not a pandas Series');
    const byField = new Map(leaves.map((element, position) => [element.name, { field: element.name, element, position }]));
    let pandas: PandasMetadata | null = null;
    const pandasText = this.kv.get('pandas');
    if (pandasText !== undefined) {
      try { pandas = JSON.parse(pandasText) as PandasMetadata; } catch (cause) { throw corrupt(path, 'has invalid "pandas" metadata JSON', cause); }
    }
    const indexColumns = pandas?.index_columns ?? [];
    if (indexColumns.length > 1) throw corrupt(path, `has a ${indexColumns.length}-level MultiIndex: not a Series`);
    const indexField = typeof indexColumns[0] === 'string' ? indexColumns[0] : null;
    const values = leaves.filter((e) => e.name !== indexField);
    if (values.length !== 1) throw corrupt(path, `has ${values.length} value columns (${values.map((e) => JSON.stringify(e.name)).join(', ')}): a Series file has exactly one`);
    this.valueColumn = byField.get(values[0]!.name)!;
    const describe = (field: string): PandasColumn | undefined => pandas?.columns?.find((c) => c.field_name === field);
    const valueMeta = describe(this.valueColumn.field);
    this.valueName = pandas ? (valueMeta?.name == null ? null : String(valueMeta.name)) : this.valueColumn.field;
    this.valueKind = valueKindOf(path, this.valueColumn.element);
    this.index = this.indexSpec(indexColumns[0], indexField === null ? undefined : byField.get(indexField), indexField === null ? undefined : describe(indexField));
    this.numRows = Number(metadata.num_rows);
    let start = 0;
    this.rowGroups = metadata.row_groups.map((rg) => {
      const rows = Number(rg.num_rows);
      const info: RowGroupInfo = { start, rows, min: null, max: null };
      start += rows;
      if (this.index.kind !== 'range' && this.index.kind !== 'string') {
        const stats = rg.columns[this.index.column.position]?.meta_data?.statistics;
        const lo = stats?.min_value ?? stats?.min, hi = stats?.max_value ?? stats?.max;
        if (lo != null && hi != null) { info.min = this.indexKey(lo); info.max = this.indexKey(hi); }
      }
      return info;
    });
    if (start !== this.numRows) throw corrupt(path, `row groups hold ${start} rows but the footer says ${this.numRows}`);
  }

  /** Open and parse the footer; CORRUPT_DATA naming the file when it is not a Parquet Series. */
  static async open(path: string): Promise<SeriesFile> {
    let handle: FileHandle;
    try { handle = await open(path, 'r'); } catch (cause) { throw cannotOpen(path, cause); }
    try {
      return await SeriesFile.parse(path, handleSource(handle));
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * The whole file read at once (one open, read and close), then parsed and decoded from
   * memory: for small files read whole — segment files of the native layout — where
   * `open` would read the footer, the header and the chunks separately.
   */
  static async load(path: string): Promise<SeriesFile> {
    let bytes: Buffer;
    try { bytes = await readFile(path); } catch (cause) { throw cannotOpen(path, cause); }
    return SeriesFile.parse(path, bytesSource(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  }

  private static async parse(path: string, source: ByteSource): Promise<SeriesFile> {
    const size = await source.size();
    if (size < 12) throw corrupt(path, `is truncated (${size} bytes)`);
    let tail = await source.read(Math.max(0, size - FOOTER_GUESS), size);
    const magic = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
    if (magic.toString('latin1', tail.byteLength - 4) !== 'PAR1') throw corrupt(path, 'is truncated or not Parquet (no PAR1 footer)');
    const head = await source.read(0, 4);
    if (Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1') !== 'PAR1') throw corrupt(path, 'is not Parquet (no PAR1 header)');
    const footerLength = new DataView(tail.buffer, tail.byteOffset).getUint32(tail.byteLength - 8, true);
    if (footerLength + 12 > size) throw corrupt(path, `is truncated (footer of ${footerLength} bytes in a ${size}-byte file)`);
    if (footerLength + 8 > tail.byteLength) tail = await source.read(size - footerLength - 8, size);
    let metadata: FileMetaData;
    try { metadata = parquetMetadata(tail, { parsers: RAW_PARSERS }); } catch (cause) { throw corrupt(path, 'has an unreadable footer', cause); }
    for (const rg of metadata.row_groups) for (const c of rg.columns) {
      const m = c.meta_data;
      if (!m) continue;
      // A chunk starts at its dictionary page when it has one (pyarrow writes one first)
      // and total_compressed_size counts from there.
      const dictionary = m.dictionary_page_offset === undefined ? Infinity : Number(m.dictionary_page_offset);
      const start = Math.min(Number(m.data_page_offset), dictionary);
      if (start + Number(m.total_compressed_size) > size) throw corrupt(path, 'is truncated (a column chunk lies past the end of the file)');
    }
    return new SeriesFile(path, source, size, metadata);
  }

  close(): Promise<void> {
    return this.source.close();
  }

  /** The index key a statistic stands for (microseconds for datetime). */
  private indexKey(raw: unknown): number {
    const index = this.index;
    if (index.kind === 'datetime') return bigToMicros(BigInt(raw as bigint | number), index.divisor, index.factor);
    return Number(raw);
  }

  private indexSpec(entry: string | PandasRangeIndex | undefined, column: ColumnSpec | undefined, meta: PandasColumn | undefined): IndexSpec {
    if (entry === undefined) return { kind: 'range', range: { kind: 'range', name: null, start: 0, stop: Number(this.metadata.num_rows), step: 1 } };
    if (typeof entry !== 'string') {
      if (entry.kind !== 'range' || ![entry.start, entry.stop, entry.step].every(Number.isSafeInteger)) throw corrupt(this.path, `has an unsupported pandas index ${JSON.stringify(entry)}`);
      return { kind: 'range', range: entry };
    }
    if (!column) throw corrupt(this.path, `names index column ${JSON.stringify(entry)} that is not in the schema`);
    const name = meta?.name == null ? null : String(meta.name);
    const element = column.element;
    const logical = element.logical_type;
    if (logical?.type === 'TIMESTAMP' || element.converted_type === 'TIMESTAMP_MILLIS' || element.converted_type === 'TIMESTAMP_MICROS') {
      const unit = logical?.type === 'TIMESTAMP' ? logical.unit : element.converted_type === 'TIMESTAMP_MILLIS' ? 'MILLIS' : 'MICROS';
      const utc = logical?.type === 'TIMESTAMP' ? logical.isAdjustedToUTC : true;
      const tzMeta = meta?.metadata && typeof meta.metadata.timezone === 'string' ? meta.metadata.timezone : null;
      const tz = tzMeta ?? (utc && meta?.pandas_type !== 'datetime' ? 'UTC' : null);
      return { kind: 'datetime', column, tz, name, divisor: unit === 'NANOS' ? 1000 : 1, factor: unit === 'MILLIS' ? 1000 : 1 };
    }
    if (element.type === 'INT64' || element.type === 'INT32') return { kind: 'numeric', column, dtype: 'int64', name };
    if (element.type === 'DOUBLE' || element.type === 'FLOAT') return { kind: 'numeric', column, dtype: 'float64', name };
    if (element.type === 'BYTE_ARRAY') return { kind: 'string', column, name };
    throw corrupt(this.path, `has an index column ${JSON.stringify(column.field)} of unsupported type ${element.type}`);
  }

  /** The dtype of the value column, preferring what the writer recorded when it fits the storage. */
  valueDtype(preferred: string | null): string {
    const natural = this.valueKind === 'int64' ? 'int64' : this.valueKind === 'number' ? 'float64' : this.valueKind === 'bool' ? 'bool' : 'object';
    const storage = this.valueKind === 'int64' ? 'number' : this.valueKind;
    if (preferred && storageOf(preferred) === storage) return preferred;
    return natural;
  }

  /** Decode row groups [from, to) into one Series. */
  async read(from: number, to: number, dtype: string | null = null): Promise<Series> {
    const groups = this.rowGroups.slice(from, to);
    const rowStart = groups[0]?.start ?? 0;
    const rows = groups.reduce((n, g) => n + g.rows, 0);
    const fast = groups.length > 0 && groups.every((_, i) => this.fastGroup(from + i));
    let valuesOut: Values, indexOut: Float64Array | (string | null)[] | null = null;
    try {
      if (fast) [valuesOut, indexOut] = await this.readFast(from, to, rows);
      else {
        const compact = await this.readCompact(from, to, rows);
        [valuesOut, indexOut] = compact ?? await this.readGeneral(rowStart, rowStart + rows);
      }
    } catch (cause) {
      if (cause instanceof MetaseriesError) throw cause;
      throw corrupt(this.path, `cannot be decoded (${(cause as Error).message})`, cause);
    }
    return new Series({ index: this.buildIndex(indexOut, rowStart, rows), values: valuesOut, name: this.valueName, dtype: this.valueDtype(dtype) });
  }

  private buildIndex(keys: Float64Array | (string | null)[] | null, rowStart: number, rows: number): Index {
    const index = this.index;
    switch (index.kind) {
      case 'range': {
        const r = index.range;
        return new RangeIndex(r.start, r.stop, r.step, r.name).slice(rowStart, rowStart + rows);
      }
      case 'datetime': return new DatetimeIndex(keys as Float64Array, { tz: index.tz, name: index.name });
      case 'numeric': return new NumericIndex(keys as Float64Array, index.dtype, index.name);
      case 'string': return new StringIndex((keys as (string | null)[]).map((k) => k ?? ''), index.name);
    }
  }

  /** Whether a row group is in the layout our writer makes: PLAIN, uncompressed, one page, no nulls. */
  private fastGroup(g: number): boolean {
    const rg = this.metadata.row_groups[g]!;
    return rg.columns.every((c, position) => {
      const m = c.meta_data;
      const element = this.metadata.schema[position + 1]!;
      return m !== undefined && m.codec === 'UNCOMPRESSED' && (m.type === 'DOUBLE' || m.type === 'INT64') && element.repetition_type === 'REQUIRED'
        && m.dictionary_page_offset === undefined && m.encodings.every((e) => e === 'PLAIN' || e === 'RLE' || e === 'BIT_PACKED');
    });
  }

  private async readFast(from: number, to: number, rows: number): Promise<[Float64Array, Float64Array | null]> {
    const chunks = this.metadata.row_groups.slice(from, to).flatMap((rg) => rg.columns.map((c) => c.meta_data!));
    const begin = Math.min(...chunks.map((m) => Number(m.data_page_offset)));
    const end = Math.max(...chunks.map((m) => Number(m.data_page_offset) + Number(m.total_compressed_size)));
    const bytes = await this.source.read(begin, end);
    const values = new Float64Array(rows);
    const keys = this.index.kind === 'range' ? null : new Float64Array(rows);
    let row = 0;
    for (let g = from; g < to; g++) {
      const rg = this.metadata.row_groups[g]!;
      const n = Number(rg.num_rows);
      for (let position = 0; position < rg.columns.length; position++) {
        const m = rg.columns[position]!.meta_data!;
        const at = Number(m.data_page_offset) - begin;
        const reader = { view: new DataView(bytes.buffer, bytes.byteOffset + at, Number(m.total_compressed_size)), offset: 0 };
        const header = parquetHeader(reader);
        if (header.type !== 'DATA_PAGE' || header.data_page_header?.encoding !== 'PLAIN' || header.data_page_header.num_values !== n
          || reader.offset + header.compressed_page_size !== Number(m.total_compressed_size) || header.compressed_page_size !== n * 8) {
          // A file in another single-page layout: decode it the general way.
          const [v, k] = await this.readGeneral(this.rowGroups[from]!.start, this.rowGroups[from]!.start + rows);
          return [v as Float64Array, k as Float64Array | null];
        }
        const page = bytes.subarray(at + reader.offset, at + reader.offset + n * 8);
        const isValue = position === this.valueColumn.position;
        const out = (isValue ? values : keys);
        if (!out) continue;
        const target = out.subarray(row, row + n);
        if (m.type === 'DOUBLE') new Uint8Array(target.buffer, target.byteOffset, n * 8).set(page);
        else {
          const halves = new Int32Array(n * 2);
          new Uint8Array(halves.buffer).set(page);
          const index = this.index;
          fromInt64Halves(halves, !isValue && index.kind === 'datetime' ? index.divisor : 1, target);
          if (!isValue && index.kind === 'datetime' && index.factor !== 1) for (let i = 0; i < n; i++) target[i] = target[i]! * index.factor;
        }
      }
      row += n;
    }
    return [values, keys];
  }

  /** Our segment files (ZSTD, dictionary, DELTA_BINARY_PACKED) decoded straight into typed arrays; null when the shape is not that. */
  private async readCompact(from: number, to: number, rows: number): Promise<[Float64Array, Float64Array | null] | null> {
    if (this.valueKind !== 'number' && this.valueKind !== 'int64') return null;
    const index = this.index;
    if (index.kind === 'string') return null;
    const groups = this.metadata.row_groups.slice(from, to);
    const chunkStart = (m: ColumnMetaData): number => Math.min(Number(m.data_page_offset), m.dictionary_page_offset === undefined ? Infinity : Number(m.dictionary_page_offset));
    const metas = groups.flatMap((rg) => rg.columns.map((c) => c.meta_data));
    if (groups.length === 0 || metas.some((m) => m === undefined)) return null;
    for (let position = 0; position < (groups[0]?.columns.length ?? 0); position++) if (this.metadata.schema[position + 1]?.repetition_type !== 'REQUIRED') return null;
    const z = metas.some((m) => m!.codec === 'ZSTD') ? await zstd() : null;
    const begin = Math.min(...metas.map((m) => chunkStart(m!)));
    const end = Math.max(...metas.map((m) => chunkStart(m!) + Number(m!.total_compressed_size)));
    const bytes = await this.source.read(begin, end);
    // Not zero-filled: decodeChunk writes every row or fails (and these arrays are dropped).
    const values = unfilled(rows);
    const keys = index.kind === 'range' ? null : unfilled(rows);
    let row = 0;
    for (const rg of groups) {
      const n = Number(rg.num_rows);
      for (let position = 0; position < rg.columns.length; position++) {
        const m = rg.columns[position]!.meta_data!;
        const isValue = position === this.valueColumn.position;
        const out = isValue ? values : keys;
        if (!out) continue;
        const divisor = !isValue && index.kind === 'datetime' ? index.divisor : 1;
        const factor = !isValue && index.kind === 'datetime' ? index.factor : 1;
        const at = chunkStart(m) - begin;
        const chunk = bytes.subarray(at, at + Number(m.total_compressed_size));
        if (!decodeChunk(chunk, m, n, divisor, factor, out, row, z ? (input) => z.decompress(input) : null)) return null;
      }
      row += n;
    }
    return [values, keys];
  }

  private async readGeneral(rowStart: number, rowEnd: number): Promise<[Values, Float64Array | (string | null)[] | null]> {
    const rows = rowEnd - rowStart;
    const source = this.source;
    const file: AsyncBuffer = { byteLength: this.size, slice: async (s, e) => { const b = await source.read(s, e ?? this.size); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer; } };
    const raw = new Map<string, unknown[]>();
    const valueField = this.valueColumn.field;
    const indexField = this.index.kind === 'range' ? null : this.index.column.field;
    for (const f of [valueField, indexField]) if (f !== null) raw.set(f, new Array(rows));
    const z = this.metadata.row_groups.some((rg) => rg.columns.some((c) => c.meta_data?.codec === 'ZSTD')) ? await zstd() : null;
    await parquetRead({
      file, metadata: this.metadata, rowStart, rowEnd, parsers: RAW_PARSERS,
      ...(z ? { compressors: { ZSTD: (input: Uint8Array) => z.decompress(input) } } : {}),
      columns: indexField === null ? [valueField] : [valueField, indexField],
      onChunk: (chunk: ColumnData) => {
        const out = raw.get(chunk.columnName);
        if (!out) return;
        const data = chunk.columnData as ArrayLike<unknown>;
        for (let i = 0; i < data.length; i++) {
          const r = chunk.rowStart + i - rowStart;
          if (r >= 0 && r < rows) out[r] = data[i];
        }
      },
    });
    const rawValues = raw.get(valueField)!;
    let values: Values;
    if (this.valueKind === 'bool') values = Uint8Array.from(rawValues, (v) => (v ? 1 : 0));
    else if (this.valueKind === 'string') values = rawValues.map((v) => (v == null ? null : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v)));
    else values = Float64Array.from(rawValues, (v) => (v == null ? Number.NaN : Number(v)));
    let keys: Float64Array | (string | null)[] | null = null;
    const index = this.index;
    if (index.kind === 'datetime') keys = Float64Array.from(raw.get(index.column.field)!, (v) => (v == null ? Number.NaN : bigToMicros(BigInt(v as bigint | number), index.divisor, index.factor)));
    else if (index.kind === 'numeric') keys = Float64Array.from(raw.get(index.column.field)!, (v) => (v == null ? Number.NaN : Number(v)));
    else if (index.kind === 'string') keys = raw.get(index.column.field)!.map((v) => (v == null ? null : String(v)));
    return [values, keys];
  }
}

function valueKindOf(path: string, element: SchemaElement): ValueKind {
  const logical = element.logical_type?.type;
  if (logical === 'TIMESTAMP' || logical === 'DATE' || logical === 'TIME') throw corrupt(path, `has a ${logical} value column ${JSON.stringify(element.name)}: metaseries stores numeric, boolean or text values`);
  switch (element.type) {
    case 'DOUBLE': case 'FLOAT': return 'number';
    case 'INT64': case 'INT32': return 'int64';
    case 'BOOLEAN': return 'bool';
    case 'BYTE_ARRAY': return 'string';
    default: throw corrupt(path, `has a value column ${JSON.stringify(element.name)} of unsupported type ${element.type}`);
  }
}

/** floor(v / divisor) * factor for a BigInt timestamp, as a number. */
function bigToMicros(v: bigint, divisor: number, factor: number): number {
  if (divisor === 1) return Number(v) * factor;
  const d = BigInt(divisor);
  let q = v / d;
  if (v % d < 0n) q -= 1n;
  return Number(q) * factor;
}

/**
 * A Float64Array on memory that is not zeroed (Buffer.allocUnsafeSlow: its own
 * ArrayBuffer, never the shared pool). Zeroing two fresh arrays per segment was a tenth of
 * a segment read's CPU; only for arrays the caller fills completely.
 */
function unfilled(n: number): Float64Array {
  const b = Buffer.allocUnsafeSlow(n * 8);
  return new Float64Array(b.buffer, b.byteOffset, n);
}

/** Where a SeriesFile's bytes come from: an open file (read by ranges) or the whole file in memory. */
interface ByteSource {
  size(): Promise<number>;
  /** Bytes [start, end), fewer when the file is shorter; a view for in-memory files (no copy). */
  read(start: number, end: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

function handleSource(handle: FileHandle): ByteSource {
  return { size: async () => (await handle.stat()).size, read: (start, end) => readAt(handle, start, end), close: () => handle.close() };
}

function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: async () => bytes.byteLength,
    read: async (start, end) => bytes.subarray(Math.min(start, bytes.byteLength), Math.min(Math.max(start, end), bytes.byteLength)),
    close: async () => undefined,
  };
}

function cannotOpen(path: string, cause: unknown): MetaseriesError {
  const code = (cause as NodeJS.ErrnoException).code;
  return new MetaseriesError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `Cannot open Parquet file ${JSON.stringify(path)}`, { backend: BACKEND, cause });
}

async function readAt(handle: FileHandle, start: number, end: number): Promise<Uint8Array> {
  const length = Math.max(0, end - start);
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, start + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, done);
}
