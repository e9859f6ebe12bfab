/**
 * Measures the Parquet choices for @metaseries/storage-parquet (issue 6) against the
 * targets: save 1,000,000 points ≤ 0.3 s, load ≤ 0.15 s, a 1-day range read from a
 * 10,000,000-point series ≤ 20 ms. Data: 1-minute timestamps (UTC) + float64 values.
 *
 *   npm run build && npx tsx bench/parquet-measure.ts
 *
 * Part 1 times the candidate libraries on the raw encode/decode (in memory);
 * part 2 times the store as shipped (files, fsync, rename, sidecar). Candidates that
 * are no longer installed are skipped. Figures are recorded in docs/storage-parquet.md.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Series, type SeriesMetadata } from '@metaseries/core';
import { openParquet } from '@metaseries/storage-parquet';

const N = 1_000_000;
const BIG = Number(process.env.BIG ?? 10_000_000);
const MIN = 60_000_000;
const t0 = Date.UTC(2020, 0, 1) * 1000;

function best(times: number[]): string {
  return `${Math.min(...times).toFixed(1)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`;
}
async function timeIt(label: string, fn: () => unknown, reps = 5): Promise<void> {
  const times: number[] = [];
  for (let r = 0; r < reps; r++) { const s = performance.now(); await fn(); times.push(performance.now() - s); }
  console.log(`${label.padEnd(58)} ${best(times)}`);
}

const values = Float64Array.from({ length: N }, (_, i) => Math.sin(i / 100) * 10 + 20);
const micros = Float64Array.from({ length: N }, (_, i) => t0 + i * MIN);
const nanos = BigInt64Array.from(micros, (us) => BigInt(us) * 1000n);

console.log(`--- candidates, ${N.toLocaleString()} points, in memory ---`);
try {
  const arrow = await import('apache-arrow');
  const pw = await import('parquet-wasm');
  const encode = (codec: number) => {
    const tsType = new arrow.TimestampNanosecond('UTC');
    const schema = new arrow.Schema([new arrow.Field('v', new arrow.Float64(), false), new arrow.Field('__index_level_0__', tsType, false)]);
    const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: N, children: [
      arrow.makeData({ type: new arrow.Float64(), length: N, data: values }),
      arrow.makeData({ type: tsType, length: N, data: nanos as unknown as Int32Array }),
    ] }));
    const props = new pw.WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(65_536).build();
    return pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table([batch]), 'stream')), props);
  };
  let bytes = encode(pw.Compression.UNCOMPRESSED);
  await timeIt('parquet-wasm+arrow write (uncompressed)', () => { bytes = encode(pw.Compression.UNCOMPRESSED); });
  await timeIt('parquet-wasm+arrow write (snappy)', () => encode(pw.Compression.SNAPPY));
  await timeIt('parquet-wasm+arrow read whole file → Float64Array', () => {
    const table = arrow.tableFromIPC(pw.readParquet(bytes).intoIPCStream());
    const ts = table.getChild('__index_level_0__')!;
    const out = new Float64Array(table.numRows);
    let o = 0;
    for (const d of ts.data) { const b = d.values as unknown as BigInt64Array; for (let i = 0; i < d.length; i++) out[o++] = Number(b[i]! / 1000n); }
  });
} catch (e) { console.log('parquet-wasm/apache-arrow: skipped', (e as Error).message); }

try {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const { parquetRead } = await import('hyparquet');
  const write = (codec: 'UNCOMPRESSED' | 'SNAPPY') => parquetWriteBuffer({
    columnData: [{ name: 'v', data: values }, { name: '__index_level_0__', data: nanos }],
    schema: [
      { name: 'root', num_children: 2 },
      { name: 'v', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      { name: '__index_level_0__', type: 'INT64', repetition_type: 'REQUIRED', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' } },
    ],
    codec, rowGroupSize: 65_536,
  });
  let buf = write('UNCOMPRESSED');
  await timeIt('hyparquet-writer write (uncompressed)', () => { buf = write('UNCOMPRESSED'); }, 3);
  await timeIt('hyparquet-writer write (snappy)', () => write('SNAPPY'), 3);
  await timeIt('hyparquet read whole file', async () => {
    await parquetRead({ file: buf, parsers: { timestampFromNanoseconds: (v: bigint) => v }, onChunk: () => undefined });
  }, 3);
} catch (e) { console.log('hyparquet: skipped', (e as Error).message); }

console.log('--- the store as shipped (fast PLAIN writer + reader, hyparquet footer/decoder) ---');
const dir = mkdtempSync(join(tmpdir(), 'metaseries-parquet-bench-'));
const store = await openParquet(dir);
const meta: SeriesMetadata = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: null, created_on: '2024-01-01T00:00:00' };
const s = Series.regular(t0 / 1000, MIN, values, { name: 'A#1_RAW#1', tz: 'UTC', freq: 'min' });
await timeIt(`save ${N.toLocaleString()} points (write, fsync, rename ×2)`, () => store.save('ds/A#1/RAW#1', s, meta));
await timeIt(`load ${N.toLocaleString()} points`, () => store.load('ds/A#1/RAW#1'));
const size = statSync(join(dir, 'ds_A#1_RAW#1.parquet')).size;
console.log(`bytes per point: ${(size / N).toFixed(2)} (${size.toLocaleString()} bytes)`);

const big = Series.regular(t0 / 1000, MIN, Float64Array.from({ length: BIG }, (_, i) => i), { name: 'A#1_BIG#1', tz: 'UTC' });
await timeIt(`save ${BIG.toLocaleString()} points`, () => store.save('ds/A#1/BIG#1', big, meta), 2);
let k = 0;
await timeIt('1-day range read from the big series (1,440 points)', async () => {
  const from = t0 + ((k++ * 7919) % (BIG - 2000)) * MIN;
  const got = await store.loadRange('ds/A#1/BIG#1', { from: from / 1000, to: (from + 86_399_000_000) / 1000 });
  if (got.series.length !== 1440) throw new Error(`expected 1440 points, got ${got.series.length}`);
}, 20);
rmSync(dir, { recursive: true, force: true });
