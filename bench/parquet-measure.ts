/**
 * Ad hoc measurement of the Parquet candidates for @metaseries/storage-parquet
 * (issue 6): write and read 1,000,000 points (timestamp[us, UTC] index + float64
 * values) with each library. Run: npx tsx bench/parquet-measure.ts
 * The figures chosen from are recorded in docs/storage-parquet.md.
 */
import { tableFromArrays, tableToIPC, Table as ArrowTable, Schema, Field, Float64, TimestampMicrosecond, makeData, RecordBatch, Struct, vectorFromArray } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetRead, parquetMetadata } from 'hyparquet';

const N = Number(process.env.N ?? 1_000_000);
const t0 = Date.UTC(2020, 0, 1) * 1000;
const us = new BigInt64Array(N);
const vals = new Float64Array(N);
for (let i = 0; i < N; i++) { us[i] = BigInt(t0 + i * 60_000_000); vals[i] = Math.sin(i / 100) * 10 + 20; }

function time<T>(label: string, fn: () => T, reps = 3): T {
  let out!: T; const ts: number[] = [];
  for (let r = 0; r < reps; r++) { const s = performance.now(); out = fn(); ts.push(performance.now() - s); }
  console.log(`${label.padEnd(50)} ${ts.map((t) => t.toFixed(0)).join(' / ')} ms`);
  return out;
}

const kv = [{ key: 'pandas', value: '{}' }];

// parquet-wasm via arrow IPC
const wasmBytes = time('write parquet-wasm (arrow→IPC→wasm, uncompressed)', () => {
  const tsType = new TimestampMicrosecond('UTC');
  const tsData = makeData({ type: tsType, length: N, data: us as unknown as Int32Array });
  const schema = new Schema([new Field('v', new Float64(), true), new Field('__index_level_0__', tsType, true)], new Map([['pandas', '{}']]));
  const valData = makeData({ type: new Float64(), length: N, data: vals });
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: N, children: [valData, tsData] }));
  const table = new ArrowTable([batch]);
  const ipc = tableToIPC(table, 'stream');
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.UNCOMPRESSED).setMaxRowGroupSize(65536).build();
  return pw.writeParquet(pw.Table.fromIPCStream(ipc), props);
});
console.log('  bytes', wasmBytes.length);
const wasmSnappy = time('write parquet-wasm (snappy)', () => {
  const tsType = new TimestampMicrosecond('UTC');
  const schema = new Schema([new Field('v', new Float64(), true), new Field('__index_level_0__', tsType, true)]);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: N, children: [makeData({ type: new Float64(), length: N, data: vals }), makeData({ type: tsType, length: N, data: us as unknown as Int32Array })] }));
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setMaxRowGroupSize(65536).build();
  return pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(new ArrowTable([batch]), 'stream')), props);
});
console.log('  bytes', wasmSnappy.length);

const hyBytes = time('write hyparquet-writer (INT64 ts, uncompressed)', () => new Uint8Array(parquetWriteBuffer({
  columnData: [
    { name: 'v', data: vals, type: 'DOUBLE' },
    { name: '__index_level_0__', data: us, type: 'INT64' },
  ],
  codec: 'UNCOMPRESSED', rowGroupSize: 65536, kvMetadata: kv,
})));
console.log('  bytes', hyBytes.length);
const hyBytesTs = time('write hyparquet-writer (TIMESTAMP logical, snappy)', () => new Uint8Array(parquetWriteBuffer({
  columnData: [
    { name: 'v', data: vals },
    { name: '__index_level_0__', data: us },
  ],
  schema: [
    { name: 'root', num_children: 2 },
    { name: 'v', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    { name: '__index_level_0__', type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } },
  ],
  rowGroupSize: 65536, kvMetadata: kv,
})), 1);
console.log('  bytes', hyBytesTs.length);

// readers
time('read parquet-wasm (whole, → arrow)', () => {
  const t = pw.readParquet(wasmBytes);
  const at = (globalThis as any).__x = t.intoIPCStream();
  const tbl = (require_arrow_from_ipc(at));
  return tbl;
});
function require_arrow_from_ipc(ipc: Uint8Array) {
  // eslint-disable-next-line
  const { tableFromIPC } = arrowMod;
  const tbl = tableFromIPC(ipc);
  const ts = tbl.getChild('__index_level_0__')!;
  const out = new Float64Array(tbl.numRows);
  let o = 0;
  for (const d of ts.data) { const b = d.values as unknown as BigInt64Array; for (let i = 0; i < d.length; i++) out[o++] = Number(b[i]); }
  return out;
}
import * as arrowMod from 'apache-arrow';

async function hyRead(bytes: Uint8Array, rowStart?: number, rowEnd?: number) {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const cols: Record<string, unknown[]> = {};
  await parquetRead({ file, rowStart, rowEnd, onChunk: (c) => { (cols[c.columnName] ??= []).push(c.columnData); }, parsers: { timestampFromMicroseconds: (x: bigint) => Number(x) } as any });
  return cols;
}
for (let r = 0; r < 3; r++) { const s = performance.now(); await hyRead(hyBytes); console.log('read hyparquet (INT64 raw)'.padEnd(50), (performance.now() - s).toFixed(0), 'ms'); }
for (let r = 0; r < 3; r++) { const s = performance.now(); await hyRead(hyBytesTs); console.log('read hyparquet (TIMESTAMP, snappy)'.padEnd(50), (performance.now() - s).toFixed(0), 'ms'); }
for (let r = 0; r < 3; r++) { const s = performance.now(); await hyRead(wasmBytes); console.log('read hyparquet (wasm-written file)'.padEnd(50), (performance.now() - s).toFixed(0), 'ms'); }
void parquetMetadata; void tableFromArrays; void vectorFromArray;
