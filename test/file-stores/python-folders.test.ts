/**
 * Issue 12 reading bugs on folders the real Python meteaudata 0.12.1 wrote
 * (fixtures from scripts/gen_store_fixtures.py; no Python needed here).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, Dataset } from '@metaseries/core';
import '@metaseries/storage-parquet';
import '@metaseries/storage-polars';
import { SeriesFile } from '@metaseries/storage-parquet';
import { ROOT } from '../support/python.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'python-stores');
const temps: string[] = [];
afterAll(() => { for (const t of temps) rmSync(t, { recursive: true, force: true }); });

/** A private copy, so opening (which tidies) never touches the committed fixture. */
function copy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `metaseries-pyfolder-${name}-`));
  temps.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

describe('issue 12: Python-written Parquet and folders', () => {
  it('pyarrow dictionary page is not reported as truncated (100,000-point PandasDiskAdapter file)', async () => {
    const file = await SeriesFile.open(join(FIXTURES, 'pandas-disk', 'store_COD#1_RAW#1.parquet'));
    try {
      expect(file.numRows).toBe(100_000);
      const s = await file.read(0, file.rowGroups.length);
      expect(s.length).toBe(100_000);
      expect(Number.isNaN((s.values as Float64Array)[5])).toBe(true);
    } finally { await file.close(); }
  });

  for (const kind of ['parquet', 'polars'] as const) {
    const folder = kind === 'parquet' ? 'pandas-disk' : 'polars';
    it(`Dataset.fromBackend opens a Python ${folder === 'polars' ? 'PolarsAdapter' : 'PandasDiskAdapter'} folder with flattened keys (${kind}:)`, async () => {
      const store = await createBackend(`${kind}:${copy(folder)}`);
      try {
        expect(await store.listKeys('store/')).toEqual(['store/COD#1/RAW#1', 'store/COD#1/RESAMPLED#1']);
        const ds = await Dataset.fromBackend(store, 'store');
        const sig = ds.signals.get('COD#1') ?? [...ds.signals.values()][0]!;
        const names = [...sig.timeSeries.keys()].sort();
        expect(names).toEqual(['COD#1_RAW#1', 'COD#1_RESAMPLED#1']);
        const raw = sig.timeSeries.get('COD#1_RAW#1')!;
        await raw.load();
        expect(raw.series.length).toBe(folder === 'polars' ? 2_000 : 100_000);
        expect(raw.series.datetimeIndex().tz).toBe('UTC');
        expect(sig.timeSeries.get('COD#1_RESAMPLED#1')!.processingSteps.map((s) => s.type)).toEqual(['resampling']);
      } finally { await store.close(); }
    });
  }
});
