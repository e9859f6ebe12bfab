/**
 * One Python-compatibility module (issue 12): every writer that Python reads goes
 * through core's formatters. Pins the bugs of the copies it replaced:
 * - Parquet sidecars were dumped with js-yaml: Python's `safe_load` read the float
 *   `1e21` as the string `'1e+21'` and the string `'1_000'` as the int 1000;
 * - Polars `index_values` wrote `0.00001` where Python writes `1e-05`, and mixed
 *   fraction widths that Python's loader refuses (`unconverted data remains`);
 * - SQL and Polars disagreed on pandas timestamp text (`+00:09:21` vs `+00:09`).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NumericIndex, Series, type SeriesMetadata } from '@metaseries/core';
import { dumpYaml, loadPythonYaml, pandasTimestampText, parsePandasTimestamp, pyFloatRepr } from '@metaseries/core/backend-kit';
import { openParquet } from '@metaseries/storage-parquet';
import { openPolars } from '@metaseries/storage-polars';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('ms-pycompat-');

function meta(series: Series, parameters: Record<string, unknown> = {}): SeriesMetadata {
  return {
    created_on: '2024-01-01T00:00:00', metadata_id: null, values_dtype: series.dtype, index_metadata: null,
    processing_steps: [{
      type: 'other', description: 'd', run_datetime: '2024-01-01T00:00:00', requires_calibration: false,
      function_info: { name: 'f', version: '1', author: 'a', reference: 'r' }, parameters, suffix: 'X', input_series_names: [], step_distance: 0,
    }],
  } as unknown as SeriesMetadata;
}

describe('writers use the PyYAML-exact emitter', () => {
  it('Parquet sidecars write 1e21 as a float and "1_000" as a string, as PyYAML does', async () => {
    const dir = tmp();
    const store = await openParquet(dir, { create: true, layout: 'meteaudata' });
    const s = Series.fromTimes(['2024-01-01 00:00', '2024-01-01 01:00'], [1, 2], { name: 'x', freq: 'h' });
    await store.save('ds/A#1/RAW#1', s, meta(s, { big: 1e21, text: '1_000', tiny: 1e-5 }));
    const sidecar = readdirSync(dir).find((f) => f.endsWith('_meta.yaml'))!;
    const yaml = readFileSync(join(dir, sidecar), 'utf8');
    expect(yaml).toContain('big: 1.0e+21');
    expect(yaml).toContain("text: '1_000'");
    expect(yaml).toContain('tiny: 1.0e-05');
    expect(dumpYaml({ big: 1e21, text: '1_000' })).toBe("big: 1.0e+21\ntext: '1_000'\n");
    await store.close();
  });
});

describe('Polars index_values are written as Python writes str(v)', () => {
  it('floats as repr (1e-05, not 0.00001) and one fraction width per timestamp column', async () => {
    const dir = tmp();
    const store = await openPolars(dir, { create: true, layout: 'meteaudata', pythonIndexValues: true });
    const f = new Series({ index: new NumericIndex(Float64Array.from([1e-5, 0.5, 2]), 'float64'), values: Float64Array.from([1, 2, 3]), name: 'f' });
    await store.save('ds/F#1/RAW#1', f, meta(f));
    const t = Series.fromTimes(['2024-01-01 00:00:00', '2024-01-01 00:00:00.5'], [1, 2], { name: 't' });
    await store.save('ds/T#1/RAW#1', t, meta(t));
    const read = (stem: string): string => readFileSync(join(dir, readdirSync(dir).find((n) => n.startsWith(stem) && n.endsWith('_meta.yaml'))!), 'utf8');
    expect(read('ds_F#1')).toMatch(/index_values:\n- 1e-05\n- '0.5'\n- '2.0'\n/); // PyYAML leaves 1e-05 plain: YAML 1.1 floats need a dot
    expect(read('ds_T#1')).toMatch(/index_values:\n- '2024-01-01 00:00:00.000000'\n- '2024-01-01 00:00:00.500000'\n/);
    await store.close();
  });
});

describe('pandas timestamp text has one home', () => {
  it('writes local mean time as pandas 2 does (+00:09 with a matching wall clock) and reads pandas 3 seconds offsets', () => {
    const us = Date.UTC(1850, 0, 1, 11, 50, 39) * 1000;
    expect(pandasTimestampText(us, 'Europe/Paris')).toBe('1850-01-01 11:59:39+00:09');
    expect(parsePandasTimestamp('1850-01-01 11:59:39+00:09', 'Europe/Paris')).toBe(us);
    expect(parsePandasTimestamp('1850-01-01 12:00:00+00:09:21', 'Europe/Paris')).toBe(us);
    expect(pyFloatRepr(1e-5)).toBe('1e-05');
  });
});

describe('YAML read from stores has the same limits as archives', () => {
  const bomb = (): string => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 30; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    return `${lines.join('\n')}\n`;
  };

  // Parquet's meteaudata layout reads metadata from the file footer (the sidecar is Python's copy), so the sidecar path is Polars'.
  it('a Polars sidecar with an alias bomb is CORRUPT_DATA, and the other keys still load', async () => {
    for (const open of [openPolars]) {
      const dir = tmp();
      const store = await open(dir, { create: true, layout: 'meteaudata' });
      const s = Series.fromTimes(['2024-01-01 00:00', '2024-01-01 01:00'], [1, 2], { name: 'x', freq: 'h' });
      await store.save('ds/A#1/RAW#1', s, meta(s));
      await store.save('ds/B#1/RAW#1', s, meta(s));
      const sidecar = join(dir, readdirSync(dir).find((n) => n.startsWith('ds_A#1') && n.endsWith('_meta.yaml'))!);
      const text = readFileSync(sidecar, 'utf8');
      await store.close();
      writeFileSync(sidecar, text.replace(/^(metaseries_key: .*\n)?/, (m) => `${m}${bomb()}`));
      // Reopened: a store may keep what it wrote in memory; the damage is on disk.
      const again = await open(dir, { layout: 'meteaudata' });
      await expect(again.loadMetadata('ds/A#1/RAW#1'), open.name).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
      expect((await again.load('ds/B#1/RAW#1')).series.length).toBe(2);
      await again.close();
    }
  });

  it('size limits are checked before parsing', () => {
    expect(() => loadPythonYaml('a: 1\n'.repeat(10), 'big.yaml', { maxChars: 20 })).toThrow(/larger than the limit/);
  });
});
