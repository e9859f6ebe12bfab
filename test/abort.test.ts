/**
 * Cancelling long work at 10%, 50% and 90%: saveAll, convert and ingest stop between
 * two units of work, say what they completed, and leave the store consistent — what
 * was stored before is intact, every key that is there reads whole (verifyStore).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert, verifyStore } from '@metaseries/cli';
import { createBackend, Dataset, ingest, MetaseriesError, Series, Signal, type Storage } from '@metaseries/core';
import '@metaseries/storage-sql';
import '@metaseries/storage-parquet';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'metaseries-abort-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIGNALS = 20;
const POINTS = 20_000;

function plant(name: string, offset = 0): Dataset {
  const signals: Signal[] = [];
  for (let s = 0; s < SIGNALS; s++) {
    const values = new Float64Array(POINTS).map((_, i) => i + s + offset);
    signals.push(new Signal({ name: `S${s}`, units: 'mg/l', data: Series.regular('2024-01-01T00:00:00Z', 60_000_000, values, { name: 'RAW', tz: 'UTC' }) }));
  }
  return new Dataset({ name, signals });
}

/** Run `work` with a signal that fires once progress reaches `fraction`; return the ABORTED error. */
async function abortAt(fraction: number, work: (options: { signal: AbortSignal; onProgress: (p: { done: number; total: number | null }) => void }) => Promise<unknown>): Promise<MetaseriesError> {
  const controller = new AbortController();
  try {
    await work({ signal: controller.signal, onProgress: (p) => { if (p.total && p.done / p.total >= fraction) controller.abort(); } });
  } catch (e) {
    expect(e).toBeInstanceOf(MetaseriesError);
    expect((e as MetaseriesError).code).toBe('ABORTED');
    return e as MetaseriesError;
  }
  throw new Error(`not aborted at ${fraction}`);
}

async function consistent(store: Storage): Promise<void> {
  const report = await verifyStore(store);
  expect(report.damaged).toEqual([]);
}

async function sumOf(store: Storage, key: string): Promise<number> {
  const values = (await store.load(key)).series.values as Float64Array;
  return values.reduce((a, b) => a + b, 0);
}

describe.each([0.1, 0.5, 0.9])('cancel at %d', (fraction) => {
  it('saveAll: one commit, so a cancel writes nothing; the previous dataset is intact', async () => {
    const store = await createBackend(`sqlite:${join(dir, `save-${fraction}.db`)}`);
    const before = plant('before');
    before.useBackend(store);
    await before.saveAll();
    const beforeSum = await sumOf(store, 'before/S3#1/RAW#1');
    const ds = plant('plant');
    ds.useBackend(store);
    const e = await abortAt(fraction, (o) => ds.saveAll(o));
    // Storage v2: the series and the catalog of one saveAll commit together, so a cancel before the commit writes nothing.
    expect(e.message).toContain(`0 of ${SIGNALS} series saved (nothing written`);
    expect((await store.listKeys('plant/')).length).toBe(0);
    expect(await store.exists('plant/__metaseries__')).toBe(false);
    expect(await sumOf(store, 'before/S3#1/RAW#1')).toBe(beforeSum);
    await consistent(store);
    await store.close();
  });

  it('Dataset.fromBackend with values: reports series loaded, cancels between them, changes nothing', async () => {
    const store = await createBackend(`sqlite:${join(dir, `load-${fraction}.db`)}`);
    const ds = plant('plant');
    ds.useBackend(store);
    await ds.saveAll();
    const seen: string[] = [];
    const whole = await Dataset.fromBackend(store, 'plant', { values: true, onProgress: (p) => { if (p.unit === 'series') seen.push(p.key!); } });
    expect(seen.length).toBe(SIGNALS);
    expect(whole.allSignals.length).toBe(SIGNALS);
    const e = await abortAt(fraction, (o) => Dataset.fromBackend(store, 'plant', { values: true, ...o }));
    expect(e.message).toMatch(/series loaded|signals attached/);
    expect((await store.listKeys('plant/')).length).toBe(SIGNALS);
    await consistent(store);
    await store.close();
  });

  it('convert: stops between keys, the destination is consistent, a second run resumes', async () => {
    const src = await createBackend(`sqlite:${join(dir, 'convert-src.db')}`);
    if ((await src.listKeys()).length === 0) {
      const ds = plant('plant');
      ds.useBackend(src);
      await ds.saveAll();
    }
    const dst = await createBackend(`parquet:${join(dir, `convert-dst-${fraction}`)}?create=true`);
    const e = await abortAt(fraction, (o) => convert(src, dst, o));
    expect(e.message).toMatch(/\d+ keys copied/);
    const copied = (await dst.listKeys()).length;
    expect(copied).toBe(Math.ceil(fraction * (SIGNALS)));
    await consistent(dst);
    const report = await convert(src, dst);
    expect(report.skipped.length).toBe(copied);
    expect(report.copied.length).toBe(SIGNALS - copied);
    await consistent(dst);
    await dst.close();
    await src.close();
  });

  it('ingest: nothing of the file is stored, other data intact', async () => {
    const file = join(dir, 'long.csv');
    if (fraction === 0.1) {
      const rows: string[] = ['time,a,b'];
      for (let i = 0; i < 300_000; i++) rows.push(`${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${i},${i * 0.5}`);
      writeFileSync(file, `${rows.join('\n')}\n`);
    }
    const store = await createBackend(`sqlite:${join(dir, `ingest-${fraction}.db`)}`);
    await ingest({ text: 'time,a\n2024-01-01,1\n' }, { dataset: 'other', store });
    const e = await abortAt(fraction, (o) => ingest({ path: file }, { dataset: 'long', store, ...o }));
    expect(e.message).toMatch(/bytes read, nothing stored/);
    expect(await store.listKeys('long/')).toEqual([]);
    expect(await store.listKeys('other/')).toEqual(['other/a#1/RAW#1']);
    await consistent(store);
    await store.close();
  });
});
