/**
 * The fast segment reader (compact-read.ts, SeriesFile.load) on the shapes it has fast
 * paths for, each checked bit for bit against what was written:
 * - dictionary pages: bit-packed indices read as 32-bit words (the last values of a run
 *   byte by byte), RLE runs, and dictionaries holding a NaN (copied as 32-bit halves so
 *   its payload stays), ±Inf, subnormals; PLAIN pages for -0 and mixed NaN payloads;
 * - DELTA_BINARY_PACKED: constant steps (miniblock width 0), widths 1…24 read as words,
 *   wider ones, negative deltas (int64 values), and timestamps whose steps are not whole
 *   µs or that are stored in ms or before 1970 (floor to µs, as pandas);
 * - sizes around bit-pack groups, miniblocks (32), blocks (128) and the 65,536-point
 *   segment boundary;
 * - damaged segment files: CORRUPT_DATA naming the file, from both native stores.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetHeader } from 'hyparquet/src/column.js';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { DatetimeIndex, MetaseriesError, Series, type Storage } from '@metaseries/core';
import { fileStem } from '@metaseries/core/backend-kit';
import { openParquet, SeriesFile } from '@metaseries/storage-parquet';
import { openPolarsBackend } from '@metaseries/storage-polars';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/tmp.js';

const T0 = Date.UTC(2024, 0, 1) * 1000;
const META = { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: null, created_on: '2024-03-01T10:00:00' };
const SIZES = [1, 2, 7, 8, 9, 31, 32, 33, 127, 128, 129, 1000, 65_536, 65_541];

function bits(f: ArrayLike<number>): bigint[] {
  const a = Float64Array.from(f as ArrayLike<number>);
  return Array.from(new BigUint64Array(a.buffer));
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A NaN with a payload (not the canonical 0x7ff8000000000000). */
function payloadNaN(payload: bigint): number {
  const b = new BigUint64Array([0x7ff8000000000000n | payload]);
  return new Float64Array(b.buffer)[0]!;
}

/** Values from a small set (so the writer picks a dictionary), in runs of 1…12 (RLE runs ≥ 8 and bit-packed groups). */
function fromSet(n: number, set: readonly number[], seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  const outBits = new BigUint64Array(out.buffer);
  const setBits = new BigUint64Array(Float64Array.from(set).buffer);
  for (let i = 0; i < n;) {
    const k = Math.floor(r() * set.length), run = 1 + Math.floor(r() * 12);
    for (let j = 0; j < run && i < n; j++, i++) outBits[i] = setBits[k]!; // bits, not numbers: NaN payloads kept
  }
  return out;
}

function segmentFiles(dir: string, key: string): string[] {
  const folder = join(dir, 'series', fileStem(key));
  return readdirSync(folder).filter((f) => f.endsWith('.parquet')).map((f) => join(folder, f));
}

async function roundTrip(stores: Array<[string, Storage]>, key: string, series: Series, meta = META): Promise<void> {
  await stores[0]![1].save(key, series, meta);
  for (const [label, store] of stores) {
    const back = (await store.load(key)).series;
    expect(back.length, label).toBe(series.length);
    expect(bits(back.index.values as Float64Array), `${label} keys`).toEqual(bits(series.index.values as Float64Array));
    expect(bits(back.values as Float64Array), `${label} values`).toEqual(bits(series.values as Float64Array));
  }
}

describe('fast segment reader', () => {
  it('dictionary pages (NaN with a payload, ±Inf, subnormals; runs and bit-packed groups) and PLAIN pages (-0, mixed NaNs), every size around groups, miniblocks and segments, read by parquet and polars stores alike', async () => {
    const dir = tempDir('metaseries-segment-read-');
    const parquet = await openParquet(dir, { layout: 'native', create: true });
    const polars = await openPolarsBackend(dir);
    const stores: Array<[string, Storage]> = [['parquet', parquet], ['polars', polars as unknown as Storage]];
    try {
      const nan = payloadNaN(0x123n);
      const dictionarySet = [1.5, -2.25, Infinity, -Infinity, nan, 1e308, 5e-324, 0.1];
      for (const n of SIZES) {
        const keys = Float64Array.from({ length: n }, (_, i) => T0 + i * 1e6);
        const dict = new Series({ index: new DatetimeIndex(keys, { tz: 'UTC' }), values: fromSet(n, dictionarySet, n), name: 'D' });
        await roundTrip(stores, `d/D${n}#1/RAW#1`, dict);
        const plain = fromSet(n, [...dictionarySet, -0, payloadNaN(0x456n)], n + 1);
        await roundTrip(stores, `d/P${n}#1/RAW#1`, new Series({ index: new DatetimeIndex(keys, { tz: 'UTC' }), values: plain, name: 'P' }));
      }
      // The paths above were taken: a dictionary page whose dictionary holds the NaN, and PLAIN pages.
      const dictFile = await SeriesFile.load(segmentFiles(dir, 'd/D1000#1/RAW#1')[0]!);
      const plainFile = await SeriesFile.load(segmentFiles(dir, 'd/P1000#1/RAW#1')[0]!);
      expect(dictFile.metadata.row_groups[0]!.columns[0]!.meta_data!.encodings).toContain('RLE_DICTIONARY');
      expect(plainFile.metadata.row_groups[0]!.columns[0]!.meta_data!.encodings).not.toContain('RLE_DICTIONARY');
    } finally {
      await polars.close();
      await parquet.close();
    }
  });

  it('DELTA_BINARY_PACKED keys and int64 values: constant steps, every width 0…40, negative deltas, sizes around miniblocks', async () => {
    const dir = tempDir('metaseries-segment-read-dbp-');
    const parquet = await openParquet(dir, { layout: 'native', create: true });
    const polars = await openPolarsBackend(dir);
    const stores: Array<[string, Storage]> = [['parquet', parquet], ['polars', polars as unknown as Storage]];
    try {
      for (const n of [1, 2, 31, 33, 129, 5000]) {
        for (const width of [0, 1, 5, 12, 23, 24, 25, 33, 40]) {
          const r = rng(n * 100 + width);
          const keys = new Float64Array(n), values = new Float64Array(n);
          let t = T0, v = 0;
          for (let i = 0; i < n; i++) {
            // Width 0 keeps a regular 7 µs grid (w = 0 miniblocks); others jitter by up to 2^width µs.
            keys[i] = t += 7 + Math.floor(r() * 2 ** width);
            v += (r() < 0.5 ? -1 : 1) * Math.floor(r() * 2 ** width);
            values[i] = v;
          }
          const series = new Series({ index: new DatetimeIndex(keys, { tz: 'UTC' }), values, name: 'I', dtype: 'int64' });
          await roundTrip(stores, `i/W${width}N${n}#1/RAW#1`, series, { ...META, values_dtype: 'int64' });
        }
      }
      const file = await SeriesFile.load(segmentFiles(dir, 'i/W12N5000#1/RAW#1')[0]!);
      expect(file.metadata.row_groups[0]!.columns.map((c) => c.meta_data!.encodings)).toEqual([['DELTA_BINARY_PACKED'], ['DELTA_BINARY_PACKED']]);
    } finally {
      await polars.close();
      await parquet.close();
    }
  });

  it('timestamps in ns with steps that are not whole µs, in ms, and before 1970 floor to µs (as pandas does)', async () => {
    const dir = tempDir('metaseries-segment-read-units-');
    const cases: Array<{ unit: 'NANOS' | 'MILLIS' | 'MICROS'; raw: (i: number) => bigint; micros: (raw: bigint) => bigint }> = [
      // 1,500 ns steps: remainders carry into the µs every other point (miniblocks of width 0, remainder ≠ 0).
      { unit: 'NANOS', raw: (i) => 1_704_067_200_000_000_123n + BigInt(i) * 1500n, micros: (v) => floorDiv(v, 1000n) },
      // Irregular sub-µs steps (non-zero widths) and negative instants.
      { unit: 'NANOS', raw: (i) => -86_400_000_000_000n + BigInt(i) * 999n + BigInt((i * 7919) % 613), micros: (v) => floorDiv(v, 1000n) },
      { unit: 'MILLIS', raw: (i) => -1_000_000n + BigInt(i) * 250n, micros: (v) => v * 1000n },
      { unit: 'MICROS', raw: (i) => 1_704_067_200_000_000n + BigInt(i * i), micros: (v) => v },
    ];
    for (const [c, { unit, raw, micros }] of cases.entries()) {
      for (const n of [1, 33, 129, 3000]) {
        const ts = BigInt64Array.from({ length: n }, (_, i) => raw(i));
        const values = Float64Array.from({ length: n }, (_, i) => i / 4);
        const bytes = parquetWriteBuffer({
          columnData: [
            { name: 'v', data: values, encoding: 'PLAIN', nullable: false },
            { name: 't', data: ts, encoding: 'DELTA_BINARY_PACKED', nullable: false },
          ],
          schema: [
            { name: 'schema', num_children: 2 },
            { name: 'v', type: 'DOUBLE', repetition_type: 'REQUIRED' },
            { name: 't', type: 'INT64', repetition_type: 'REQUIRED', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit } },
          ],
          kvMetadata: [{ key: 'pandas', value: JSON.stringify({ index_columns: ['t'], columns: [{ name: 'v', field_name: 'v', pandas_type: 'float64', numpy_type: 'float64', metadata: null }, { name: null, field_name: 't', pandas_type: 'datetimetz', numpy_type: 'datetime64[ns]', metadata: { timezone: 'UTC' } }] }) }],
        });
        const path = join(dir, `u${c}-${n}.parquet`);
        writeFileSync(path, new Uint8Array(bytes));
        const file = await SeriesFile.load(path);
        const series = await file.read(0, file.rowGroups.length);
        expect(Array.from(series.index.values as Float64Array), `${unit} case ${c}, ${n} points`).toEqual(Array.from(ts, (v) => Number(micros(v))));
        expect(bits(series.values as Float64Array)).toEqual(bits(values));
      }
    }
  });

  it('damaged segment files (truncated, a zeroed page, a dictionary index past the dictionary) give CORRUPT_DATA naming the file, in both stores', async () => {
    for (const [label, damage] of [
      ['truncated', (b: Uint8Array) => b.subarray(0, b.length >> 1)],
      ['zeroed page', zeroValuePage],
      ['dictionary index past the dictionary', shrinkDictionary],
    ] as const) {
      const dir = tempDir('metaseries-segment-read-damage-');
      const parquet = await openParquet(dir, { layout: 'native', create: true });
      const n = 5000;
      const keys = Float64Array.from({ length: n }, (_, i) => T0 + i * 1e6);
      await parquet.save('x/A#1/RAW#1', new Series({ index: new DatetimeIndex(keys, { tz: 'UTC' }), values: fromSet(n, [1, 2, 3, 4.5], 9), name: 'A' }), META);
      await parquet.close();
      const [file] = segmentFiles(dir, 'x/A#1/RAW#1');
      writeFileSync(file!, damage(readFileSync(file!)));
      for (const open of [() => openParquet(dir), () => openPolarsBackend(dir) as Promise<unknown> as Promise<Storage>]) {
        const store = await open();
        try {
          const error = await store.load('x/A#1/RAW#1').then(() => null, (e: unknown) => e);
          expect(error, label).toBeInstanceOf(MetaseriesError);
          expect((error as MetaseriesError).code, label).toBe('CORRUPT_DATA');
          expect((error as MetaseriesError).message, label).toContain(file!.split('/').pop()!);
        } finally {
          await store.close();
        }
      }
    }
  });
});

/** The value column's data page (after the dictionary page at byte 4) zeroed past its first bytes: zstd no longer reads it. */
function zeroValuePage(b: Uint8Array): Uint8Array {
  const c = Uint8Array.from(b); // a copy at offset 0 (a Buffer's slice is a view into a pool)
  const reader = { view: new DataView(c.buffer, 4), offset: 0 };
  const dictionary = parquetHeader(reader);
  reader.offset += dictionary.compressed_page_size;
  const data = parquetHeader(reader);
  expect(data.type).toBe('DATA_PAGE_V2');
  c.fill(0, 4 + reader.offset, 4 + reader.offset + data.compressed_page_size);
  return c;
}

/**
 * The dictionary page header (uncompressed, at byte 4) of a segment whose dictionary holds
 * 4 values rewritten to say 2: data pages then index past it. The byte edited is the
 * thrift field `num_values` (field 1, i32: 0x15, zigzag 4 = 0x08 → 2 = 0x04).
 */
function shrinkDictionary(b: Uint8Array): Uint8Array {
  const c = Uint8Array.from(b); // a copy at offset 0 (a Buffer's slice is a view into a pool)
  const before = parquetHeader({ view: new DataView(c.buffer, 4), offset: 0 });
  expect(before.type).toBe('DICTIONARY_PAGE');
  expect(before.dictionary_page_header?.num_values).toBe(4);
  let at = -1;
  for (let i = 4; i < 4 + 40; i++) if (c[i] === 0x15 && c[i + 1] === 0x08) { at = i + 1; break; }
  c[at] = 0x04;
  expect(parquetHeader({ view: new DataView(c.buffer, 4), offset: 0 }).dictionary_page_header?.num_values).toBe(2);
  return c;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}
