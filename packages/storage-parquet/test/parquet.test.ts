/**
 * @metaseries/storage-parquet beyond the conformance suite: the file layout, key
 * disambiguation, bad input (each a CORRUPT_DATA naming the file, nothing else
 * touched), row-group pruning, and crash safety (kill -9 during a save).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend, DatetimeIndex, MetaseriesError, Series, type SeriesMetadata, type Storage } from '@metaseries/core';
import { fileStem } from '@metaseries/core/backend-kit';
import { openParquet, ParquetBackend, ROW_GROUP_SIZE, SeriesFile } from '@metaseries/storage-parquet';
import { tempDir as sharedTempDir } from '../../../test/support/tmp.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

function tempDir(): string {
  return sharedTempDir('metaseries-parquet-');
}

function meta(extra: Partial<SeriesMetadata> = {}): SeriesMetadata {
  return { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: null, created_on: '2024-03-01T10:00:00', ...extra };
}

function minuteSeries(n: number, name = 'A#1_RAW#1', fill?: number): Series {
  return Series.regular('2024-01-01T00:00:00Z', 60e6, Float64Array.from({ length: n }, (_, i) => fill ?? i), { name, tz: 'UTC' });
}

async function expectCorrupt(p: Promise<unknown>, fileName: string): Promise<void> {
  const error = await p.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(MetaseriesError);
  expect((error as MetaseriesError).code).toBe('CORRUPT_DATA');
  expect((error as MetaseriesError).message).toContain(fileName);
}

describe('layout', () => {
  it('writes the Python pandas-disk names and registers the parquet kind', async () => {
    const dir = tempDir();
    const store = await createBackend({ kind: 'parquet', dir, layout: 'meteaudata' });
    expect(store.kind).toBe('parquet');
    await store.save('ds/A#1/RAW#1', minuteSeries(3), meta());
    expect(readdirSync(dir).sort()).toEqual(['ds_A#1_RAW#1.parquet', 'ds_A#1_RAW#1_meta.yaml']);
    const yaml = readFileSync(join(dir, 'ds_A#1_RAW#1_meta.yaml'), 'utf8');
    expect(yaml).toMatch(/^_metaseries:/m);
    expect(yaml.indexOf('created_on')).toBeLessThan(yaml.indexOf('values_dtype')); // sorted keys, like PyYAML
  });

  it('keeps a_b/c and a/b_c apart: the second gets its hashed file name (core fileStem), recorded in its sidecar', async () => {
    const dir = tempDir();
    const store = await openParquet(dir, { layout: 'meteaudata' });
    await store.save('a_b/c', minuteSeries(2, 'x'), meta({ metadata_id: 'first' }));
    await store.save('a/b_c', minuteSeries(3, 'y'), meta({ metadata_id: 'second' }));
    const hashed = fileStem('a/b_c');
    expect(readdirSync(dir).sort()).toEqual(['a_b_c.parquet', 'a_b_c_meta.yaml', `${hashed}.parquet`, `${hashed}_meta.yaml`].sort());
    expect(await store.listKeys()).toEqual(['a/b_c', 'a_b/c']);
    expect((await store.loadMetadata('a_b/c')).metadata_id).toBe('first');
    expect((await store.load('a/b_c')).series.length).toBe(3);
    await store.delete('a_b/c');
    // The hole left at the Python name does not hide the disambiguated key.
    expect(await store.exists('a/b_c')).toBe(true);
    expect((await store.load('a/b_c')).metadata.metadata_id).toBe('second');
  });

  it('prunes row groups: a range read decodes only the groups it needs', async () => {
    const dir = tempDir();
    const store = await openParquet(dir, { layout: 'meteaudata' });
    const n = ROW_GROUP_SIZE * 3 + 10;
    const s = minuteSeries(n);
    await store.save('ds/A#1/RAW#1', s, meta());
    const file = await SeriesFile.open(join(dir, 'ds_A#1_RAW#1.parquet'));
    expect(file.rowGroups).toHaveLength(4);
    expect(file.rowGroups[1]!.min).toBe(s.index.values[ROW_GROUP_SIZE]);
    await file.close();
    const from = s.index.values[ROW_GROUP_SIZE + 5]!;
    const got = await store.loadRange('ds/A#1/RAW#1', { from: new Date(from / 1000), to: (from + 1439 * 60e6) / 1000 });
    expect(got.series.length).toBe(1440);
    expect(got.series.valueAt(0)).toBe(ROW_GROUP_SIZE + 5);
    const chunks: number[] = [];
    for await (const chunk of store.stream('ds/A#1/RAW#1', { chunkSize: 50_000 })) chunks.push(chunk.length);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(n);
    expect(chunks.slice(0, -1).every((c) => c === 50_000)).toBe(true);
  });

  it('describes entries from the sidecars', async () => {
    const store = await openParquet(tempDir(), { layout: 'meteaudata' });
    await store.save('ds/A#1/RAW#1', minuteSeries(5), meta());
    const [d] = await store.describe('ds/');
    expect(d).toMatchObject({ key: 'ds/A#1/RAW#1', length: 5, dtype: 'float64', first: new Date(Date.UTC(2024, 0, 1)) });
  });
});

describe('bad input', () => {
  async function storeWithOne(): Promise<{ dir: string; store: Storage }> {
    const dir = tempDir();
    const store = await openParquet(dir, { layout: 'meteaudata' });
    await store.save('ds/A#1/RAW#1', minuteSeries(1000), meta());
    return { dir, store };
  }

  it('a path that is a file is not a store', async () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'hello');
    await expect(ParquetBackend.open(file)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not-a-folder') });
  });

  it('truncated Parquet → CORRUPT_DATA naming the file; other entries still load', async () => {
    const { dir, store } = await storeWithOne();
    await store.save('ds/B#1/RAW#1', minuteSeries(10), meta());
    const path = join(dir, 'ds_A#1_RAW#1.parquet');
    truncateSync(path, Math.floor(statSync(path).size / 2));
    await expectCorrupt(store.load('ds/A#1/RAW#1'), 'ds_A#1_RAW#1.parquet');
    expect((await store.load('ds/B#1/RAW#1')).series.length).toBe(10);
  });

  it('garbage bytes and a corrupt footer → CORRUPT_DATA', async () => {
    const { dir, store } = await storeWithOne();
    const path = join(dir, 'ds_A#1_RAW#1.parquet');
    const bytes = readFileSync(path);
    bytes.fill(0x7f, bytes.length - 200, bytes.length - 8); // footer bytes, magic kept
    writeFileSync(path, bytes);
    await expectCorrupt(store.load('ds/A#1/RAW#1'), 'ds_A#1_RAW#1.parquet');
    writeFileSync(path, 'not parquet at all');
    await expectCorrupt(store.load('ds/A#1/RAW#1'), 'ds_A#1_RAW#1.parquet');
  });

  it('a sidecar without its Parquet, and a bare Parquet without sidecar or stamp', async () => {
    const { dir, store } = await storeWithOne();
    writeFileSync(join(dir, 'lonely_meta.yaml'), 'values_dtype: float64\n');
    await expectCorrupt(store.load('lonely'), 'lonely_meta.yaml');
    // A Parquet written by someone else (no sidecar, no stamp in its footer).
    const other = await openParquet(tempDir(), { layout: 'meteaudata' });
    await other.save('bare', minuteSeries(3), meta());
    const bare = readFileSync(join(other.backend instanceof ParquetBackend ? other.backend.dir : '', 'bare.parquet'));
    const stripped = Buffer.from(bare.toString('latin1').replaceAll('metaseries', 'xetaseries'), 'latin1');
    writeFileSync(join(dir, 'bare.parquet'), stripped);
    await expectCorrupt(store.load('bare'), 'bare.parquet');
    expect(await store.listKeys()).toEqual(['ds/A#1/RAW#1']);
  });

  it('a Parquet whose schema is not a series → CORRUPT_DATA', async () => {
    const dir = tempDir();
    const store = await openParquet(dir, { layout: 'meteaudata' });
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    writeFileSync(join(dir, 'frame.parquet'), new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1, 2] }, { name: 'b', data: [3, 4] }] })));
    writeFileSync(join(dir, 'frame_meta.yaml'), 'values_dtype: float64\n');
    await expectCorrupt(store.load('frame'), 'frame.parquet');
  });

  it('clear removes only the store entries and its temp files', async () => {
    const { dir, store } = await storeWithOne();
    writeFileSync(join(dir, 'notes.yaml'), 'mine: true\n');
    writeFileSync(join(dir, 'readme.txt'), 'keep');
    writeFileSync(join(dir, 'orphan_meta.yaml'), 'x: 1\n');
    writeFileSync(join(dir, '.ds_A#1_RAW#1.parquet.lz0-abc123.tmp'), 'half a save');
    await store.clear();
    expect(readdirSync(dir).sort()).toEqual(['notes.yaml', 'orphan_meta.yaml', 'readme.txt']);
  });
});

describe('crash safety', () => {
  const CHILD = `
import { Series } from '@metaseries/core';
import { openParquet } from '@metaseries/storage-parquet';
const store = await openParquet(process.argv[1], { layout: 'meteaudata' });
const n = 300_000;
for (let gen = 1; ; gen++) {
  const s = Series.regular('2024-01-01T00:00:00Z', 60e6, new Float64Array(n).fill(gen), { name: 'A#1_RAW#1', tz: 'UTC' });
  await store.save('ds/A#1/RAW#1', s, { processing_steps: [], index_metadata: null, values_dtype: 'float64', metadata_id: 'gen-' + gen, created_on: '2024-01-01T00:00:00' });
  process.stdout.write('saved ' + gen + '\\n');
}
`;

  it('kill -9 during saves leaves the old or the new version, never a torn pair', async () => {
    const dir = tempDir();
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let saved = 0;
      let err = '';
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      await new Promise<void>((resolveWait, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          saved = Math.max(saved, ...d.toString().trim().split('\n').map((l) => Number(l.split(' ')[1])));
          if (saved >= 2) setTimeout(() => child.kill('SIGKILL'), 5 + Math.random() * 60);
        });
        child.on('exit', () => resolveWait());
        child.on('error', reject);
      });
      expect(saved, err).toBeGreaterThanOrEqual(2);
      const store = await openParquet(dir, { layout: 'meteaudata' });
      const { series, metadata } = await store.load('ds/A#1/RAW#1');
      const gen = series.valueAt(0) as number;
      expect(gen).toBeGreaterThanOrEqual(saved);
      expect((series.values as Float64Array).every((v) => v === gen)).toBe(true);
      expect(metadata.metadata_id).toBe(`gen-${gen}`);
      expect(series.index).toBeInstanceOf(DatetimeIndex);
      expect(await store.listKeys()).toEqual(['ds/A#1/RAW#1']);
      await store.clear();
    }
  });
});
