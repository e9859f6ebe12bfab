/**
 * Regression tests for the file-store defects listed in issue 11, on both file
 * backends in the meteaudata layouts (Python's PandasDiskAdapter / PolarsAdapter
 * folders). Each test is named after the defect it pins.
 */
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, Dataset, MetaseriesError, Series, type SeriesMetadata, Signal, type Storage, TimeSeries } from '@metaseries/core';
import '@metaseries/storage-parquet';
import '@metaseries/storage-polars';

const temps: string[] = [];
afterAll(() => { for (const t of temps) rmSync(t, { recursive: true, force: true }); });
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'metaseries-file-defects-'));
  temps.push(dir);
  return dir;
}

function series(n: number, fill: number, name = 'A#1_RAW#1'): Series {
  return Series.regular('2024-01-01T00:00:00Z', 60e6, new Float64Array(n).fill(fill), { name, tz: 'UTC' });
}
function meta(id: string, s: Series): SeriesMetadata {
  return { ...new TimeSeries({ series: s, createdOn: '2024-03-01T10:00:00' }).metadataDict(), metadata_id: id };
}
async function code(p: Promise<unknown>): Promise<string> {
  try { await p; return 'ok'; } catch (e) { return e instanceof MetaseriesError ? e.code : `raw: ${(e as Error).message}`; }
}

for (const kind of ['parquet', 'polars'] as const) {
  // The meteaudata layouts (Python's folders); the native layout has its own tests.
  const open = (dir: string): Promise<Storage> => createBackend({ kind, dir, layout: 'meteaudata' });

  describe(`${kind}: issue 11 defects`, () => {
    it('colliding keys a_b/c#1/RAW#1 and a/b_c#1/RAW#1 saved concurrently: both survive (50 rounds)', async () => {
      const dir = tempDir();
      const store = await open(dir);
      for (let round = 0; round < 50; round++) {
        const a = series(3 + (round % 5), round), b = series(10 + (round % 7), -round);
        await Promise.all([store.save('a_b/c#1/RAW#1', a, meta(`a${round}`, a)), store.save('a/b_c#1/RAW#1', b, meta(`b${round}`, b))]);
        const [la, lb] = await Promise.all([store.load('a_b/c#1/RAW#1'), store.load('a/b_c#1/RAW#1')]);
        expect([la.metadata.metadata_id, la.series.length, la.series.valueAt(0)]).toEqual([`a${round}`, a.length, round]);
        expect([lb.metadata.metadata_id, lb.series.length, lb.series.valueAt(0)]).toEqual([`b${round}`, b.length, -round]);
      }
      expect(await store.listKeys()).toEqual(['a/b_c#1/RAW#1', 'a_b/c#1/RAW#1']);
      await store.close();
    });

    it('a dataset name starting with "." is listed, and long keys (300 B, 5 KB) save, list and load', async () => {
      const store = await open(tempDir());
      const keys = ['.hidden/A#1/RAW#1', `long/${'x'.repeat(300)}#1/RAW#1`, `huge/${'é'.repeat(2500)}#1/RAW#1`];
      for (const [i, key] of keys.entries()) await store.save(key, series(4, i), meta(`k${i}`, series(4, i)));
      expect(await store.listKeys()).toEqual([...keys].sort());
      for (const [i, key] of keys.entries()) expect((await store.load(key)).metadata.metadata_id).toBe(`k${i}`);
      expect(await store.listKeys('.hidden/')).toEqual(['.hidden/A#1/RAW#1']);
      await store.close();
    });

    it('one invalid sidecar affects one key only: others list/describe/load/save/delete; fromBackend opens; the key can be deleted and overwritten', async () => {
      const dir = tempDir();
      const store = await open(dir);
      const ds = new Dataset({ name: 'ds', description: 'd', owner: 'o', purpose: 'p', project: 'p' });
      ds.useBackend(store, { autoSave: true });
      for (const name of ['A', 'B', 'C']) ds.add(new Signal({ name, data: series(5, 1, 'RAW'), units: 'u' }));
      await ds.saveAll();
      const bad = readdirSync(dir).find((n) => n.startsWith('ds_B') && n.endsWith('_meta.yaml'))!;
      writeFileSync(join(dir, bad), 'metadata_id: [unclosed\n  : : :\n');
      const reopened = await open(dir);
      expect(await reopened.listKeys('ds/')).toContain('ds/A#1/RAW#1');
      expect((await reopened.describe('ds/')).map((d) => d.key)).toContain('ds/C#1/RAW#1');
      expect((await reopened.load('ds/A#1/RAW#1')).series.length).toBe(5);
      await reopened.save('ds/C#1/RAW#1', series(7, 2), meta('c2', series(7, 2)));
      if (kind === 'parquet') {
        // The footer keeps a copy of the metadata: the dataset opens whole.
        const opened = await Dataset.fromBackend(reopened, 'ds');
        expect([...opened.signals.keys()].sort()).toEqual(['A#1', 'B#1', 'C#1']);
      } else {
        // PolarsAdapter files keep metadata only in the sidecar: opening names the damaged file.
        const error = await Dataset.fromBackend(reopened, 'ds').then(() => null, (e: unknown) => e);
        expect((error as MetaseriesError).code).toBe('CORRUPT_DATA');
        expect((error as MetaseriesError).message).toContain(bad);
      }
      // The damaged key: an error naming the file (or, where a footer copy exists, the data), then overwrite and delete work.
      const loaded = await code(reopened.load('ds/B#1/RAW#1'));
      expect(['ok', 'CORRUPT_DATA']).toContain(loaded);
      await reopened.save('ds/B#1/RAW#1', series(2, 9), meta('b2', series(2, 9)));
      expect((await reopened.load('ds/B#1/RAW#1')).metadata.metadata_id).toBe('b2');
      writeFileSync(join(dir, bad), '- not\n- a mapping\n');
      await reopened.delete('ds/B#1/RAW#1');
      expect(await reopened.exists('ds/B#1/RAW#1')).toBe(false);
      await reopened.clear();
      expect(await reopened.listKeys()).toEqual([]);
      await reopened.close();
      await store.close();
    });

    it('one truncated .parquet: Dataset.fromBackend still opens the dataset; only that series reports CORRUPT_DATA naming the file', async () => {
      const dir = tempDir();
      const store = await open(dir);
      const ds = new Dataset({ name: 'ds', description: 'd', owner: 'o', purpose: 'p', project: 'p' });
      ds.useBackend(store, { autoSave: true });
      for (const name of ['A', 'B']) ds.add(new Signal({ name, data: series(500, 1, 'RAW'), units: 'u' }));
      await ds.saveAll();
      const file = readdirSync(dir).find((n) => n.startsWith('ds_B#1_RAW#1') && n.endsWith('.parquet'))!;
      truncateSync(join(dir, file), 200);
      const opened = await Dataset.fromBackend(await open(dir), 'ds');
      const a = opened.signals.get('A#1')!.timeSeries.get('A#1_RAW#1')!;
      await a.load();
      expect(a.series.length).toBe(500);
      const b = opened.signals.get('B#1')!.timeSeries.get('B#1_RAW#1')!;
      const error = await b.load().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(MetaseriesError);
      expect((error as MetaseriesError).code).toBe('CORRUPT_DATA');
      expect((error as MetaseriesError).message).toContain(file);
    });

    it(`createBackend('${kind}:./no/such/dir') is an error naming the path; ?create=true makes the store`, async () => {
      const missing = join(tempDir(), 'no', 'such', 'dir');
      const error = await createBackend(`${kind}:${missing}`).then(() => null, (e: unknown) => e);
      expect((error as MetaseriesError).code).toBe('NOT_FOUND');
      expect((error as MetaseriesError).message).toContain(missing);
      expect(await code(createBackend({ kind, dir: missing }))).toBe('NOT_FOUND');
      const made = await createBackend(`${kind}:${missing}?create=true`);
      await made.save('ds/A#1/RAW#1', series(2, 1), meta('m', series(2, 1)));
      expect(await made.listKeys()).toEqual(['ds/A#1/RAW#1']);
      expect(await code(createBackend(`${kind}:${missing}?creat=true`))).toBe('INVALID_INPUT');
    });

    it('temp files of a dead writer are removed on open; a live writer\'s and foreign files are kept', async () => {
      const dir = tempDir();
      const dead = `.ms-${(2 ** 22 + 12345).toString(36).padStart(7, '0')}-0123456789abcdef.tmp`;
      const live = `.ms-${process.pid.toString(36).padStart(7, '0')}-0123456789abcdef.tmp`;
      for (const name of [dead, live, '.other-app.tmp', 'notes.txt']) writeFileSync(join(dir, name), 'x');
      await open(dir);
      expect(readdirSync(dir).sort()).toEqual([live, '.other-app.tmp', 'notes.txt'].sort());
    });
  });
}

describe('polars: one process, read and stream during saves', () => {
  it('a read during a save never returns old metadata with new data; saves that commit report success', async () => {
    const store = await createBackend({ kind: 'polars', dir: tempDir(), layout: 'meteaudata' });
    const key = 'ds/A#1/RAW#1';
    await store.save(key, series(1000, 0), meta('gen-0', series(1000, 0)));
    let stop = false, loads = 0;
    const reader = (async () => {
      while (!stop) {
        const { series: s, metadata } = await store.load(key);
        const gen = s.valueAt(0) as number;
        expect(metadata.metadata_id).toBe(`gen-${gen}`);
        expect(s.length).toBe(1000 + (gen % 3) * 500);
        loads++;
      }
    })();
    for (let gen = 1; gen <= 60; gen++) {
      const s = series(1000 + (gen % 3) * 500, gen);
      await store.save(key, s, meta(`gen-${gen}`, s));
    }
    stop = true;
    await reader;
    expect(loads).toBeGreaterThan(10);
  });

  it('streaming a key while the same process saves it never crashes and never mixes versions', async () => {
    const store = await createBackend({ kind: 'polars', dir: tempDir(), layout: 'meteaudata' });
    const key = 'ds/A#1/RAW#1';
    await store.save(key, series(20_000, 0), meta('gen-0', series(20_000, 0)));
    const writes = (async () => {
      for (let gen = 1; gen <= 15; gen++) {
        const s = series(20_000 - gen * 500, gen);
        await store.save(key, s, meta(`gen-${gen}`, s));
      }
    })();
    for (let round = 0; round < 15; round++) {
      const seen = new Set<number>();
      let total = 0;
      for await (const chunk of store.stream(key, { chunkSize: 1000 })) {
        for (const v of chunk.values as Float64Array) seen.add(v);
        total += chunk.length;
      }
      expect(seen.size).toBe(1);
      const gen = [...seen][0]!;
      expect(total).toBe(gen === 0 ? 20_000 : 20_000 - gen * 500);
    }
    await writes;
  });
});
