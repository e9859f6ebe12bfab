/**
 * Archives written by meteaudata 0.12.1 on pandas 3 (test/fixtures/pandas3, made by
 * scripts/gen_pandas3_fixtures.py), read without Python. Pins the bug of issue 12: a
 * pandas 3 archive loaded with `indexMetadata.dtype` `datetime64[us]` while the series
 * said `datetime64[ns]`, and `process()` then recorded `ns`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatetimeIndex, loadSignal, saveSignal } from '@metaseries/core';
import { pandasTimestampText, readZip } from '@metaseries/core/backend-kit';
import { resample } from '@metaseries/processing';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'pandas3');
interface Expected { pandas: string; signal: string; series: Record<string, { index_dtype: string; values_dtype: string; freq: string | null; index: string[]; values: (number | string | null)[] }> }
const expected = (name: string): Expected => JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
const made: string[] = [];
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

describe('archives written on pandas 3', () => {
  it('load with the dtype pandas 3 had (datetime64[us, zone]) in the metadata and the series alike', async () => {
    const exp = expected('paris_us');
    expect(exp.pandas).toMatch(/^3\./);
    const signal = await loadSignal(join(FIXTURES, 'paris_us', `${exp.signal}.zip`));
    for (const [name, e] of Object.entries(exp.series)) {
      const ts = signal.get(name);
      expect(ts.indexMetadata.dtype, name).toBe(e.index_dtype);
      expect(ts.series.index.dtype, name).toBe(e.index_dtype);
      expect(ts.valuesDtype).toBe(e.values_dtype);
      const index = ts.series.index as DatetimeIndex;
      expect(index.freqstr).toBe(e.freq);
      expect(Array.from(index.values, (us) => pandasTimestampText(us, index.tz))).toEqual(e.index);
      expect(Array.from(ts.series.values as Float64Array, (v) => (Number.isNaN(v) ? null : v))).toEqual(e.values);
    }
  });

  it('process() records the unit that was read, and a re-save keeps it', async () => {
    const exp = expected('paris_us');
    const signal = await loadSignal(join(FIXTURES, 'paris_us', `${exp.signal}.zip`));
    await signal.process(['Paris#1_RAW#1'], resample('3h'));
    const out = signal.get('Paris#1_RESAMPLED#2');
    expect(out.indexMetadata.dtype).toBe('datetime64[us, Europe/Paris]');
    expect(out.series.index.dtype).toBe('datetime64[us, Europe/Paris]');
    const dir = mkdtempSync(join(tmpdir(), 'ms-pandas3-'));
    made.push(dir);
    const yaml = (await readZip(await saveSignal(signal, dir))).get('Paris#1_metadata.yaml')!.toString();
    expect(yaml.match(/dtype: datetime64\[us, Europe\/Paris\]/g)?.length).toBe(3);
    expect(yaml).not.toContain('datetime64[ns');
  });

  it("reads pandas 3's str dtype for text, keeping the label", async () => {
    const exp = expected('text_str');
    const signal = await loadSignal(join(FIXTURES, 'text_str', `${exp.signal}.zip`));
    const [name, e] = Object.entries(exp.series)[0]!;
    const ts = signal.get(name);
    expect(ts.valuesDtype).toBe('str');
    expect(ts.series.dtype).toBe('str');
    expect(ts.series.values).toEqual(e.values);
    expect(ts.series.index.dtype).toBe('datetime64[us]');
  });
});
