/**
 * Interop with the real Python meteaudata 0.12.1 SQLAdapter on a shared SQLite file,
 * both ways: Python's `SQLAdapter.load` reads what our `meteaudata` layout wrote, and
 * our backend reads what Python's `SQLAdapter.save` wrote (text timestamps, numeric
 * indexes stored as text, `NaN` inside metadata_json).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatetimeIndex, NumericIndex, RangeIndex, Series, type SeriesMetadata, TimeSeries } from '@metaseries/core';
import { openSqlite } from '@metaseries/storage-sql';
import { PYTHONS, pythonAvailable, pythonJson, runPython, skipReason, usePython } from '../support/python.js';
import { tempDir } from '../support/tmp.js';

const H = 3_600_000_000;
const T0 = Date.UTC(2024, 0, 1) * 1000;

function meta(series: Series): SeriesMetadata {
  return new TimeSeries({ series, createdOn: '2024-03-01T10:00:00.123456' }).metadataDict();
}

function samples(): Record<string, Series> {
  return {
    'ds/CODs#1/RAW#1': new Series({ index: new DatetimeIndex(Float64Array.from({ length: 5 }, (_, i) => T0 + i * H), { freq: 'h' }), values: Float64Array.from([1.5, Number.NaN, 3, 1e-300, 6]), name: 'CODs#1_RAW#1' }),
    "ds/CODs#1/UTC'%_;#1": new Series({ index: new DatetimeIndex(Float64Array.from([T0 + 123456, T0 + H, T0 + 5 * H]), { tz: 'UTC' }), values: Float64Array.from([2, 3, 4]), name: 'CODs#1_UTC#1' }),
    'ds/CODs#1/TOR#1': new Series({ index: new DatetimeIndex(Float64Array.from([T0, T0 + H]), { tz: 'America/Toronto' }), values: Float64Array.from([5, 6]), name: 'CODs#1_TOR#1' }),
    'ds/CODs#1/RANGE#1': new Series({ index: new RangeIndex(0, 3), values: Float64Array.from([4, 5, 6]), name: 'CODs#1_RANGE#1' }),
    'ds/CODs#1/NORM#1': new Series({ index: new NumericIndex(Float64Array.from([0, 0.5, 1e16]), 'float64'), values: Float64Array.from([7, 8, 9]), name: 'CODs#1_NORM#1' }),
    'ds/Débit#1/COUNT#1': new Series({ index: new DatetimeIndex(Float64Array.from([T0, T0 + H])), values: Float64Array.from([-(2 ** 53) + 1, 42]), name: 'Débit#1_COUNT#1', dtype: 'int64' }),
  };
}

interface PyLoaded {
  name: string | null;
  values: (number | null)[];
  dtype: string;
  index_type: string;
  index_text: string[];
  index_ns: string[] | null;
  tz: string | null;
  freq: string | null;
  metadata: Record<string, unknown>;
  error?: string;
}

const PY_LOAD = `
import json, sys, math
import pandas as pd
from meteaudata.storage.adapters.sql_adapter import SQLAdapter
a = SQLAdapter('sqlite:///' + sys.argv[1])
out = {'keys': a.list_keys(), 'series': {}}
for key in a.list_keys():
    try:
        s, md = a.load(key)
    except Exception as e:
        out['series'][key] = {'error': repr(e)}
        continue
    idx = s.index
    dt = isinstance(idx, pd.DatetimeIndex)
    out['series'][key] = {
        'name': s.name,
        'values': [None if (isinstance(v, float) and math.isnan(v)) else float(v) for v in s.values],
        'dtype': str(s.dtype),
        'index_type': type(idx).__name__,
        'index_text': [str(v) for v in idx],
        'index_ns': [str(int(v)) for v in idx.as_unit('ns').asi8] if dt else None,  # pandas 3 reads us
        'tz': str(idx.tz) if dt and idx.tz is not None else None,
        'freq': idx.freqstr if dt else None,
        'metadata': md,
    }
print(json.dumps(out, default=str))
`;

const PY_WRITE = `
import sys
import numpy as np
import pandas as pd
from meteaudata import TimeSeries
from meteaudata.storage.adapters.sql_adapter import SQLAdapter
a = SQLAdapter('sqlite:///' + sys.argv[1])
def save(key, s, extra=None):
    md = TimeSeries(series=s).metadata_dict()
    if extra: md.update(extra)
    a.save(s, key, md)
save('py/A#1/RAW#1', pd.Series([1.0, np.nan, 3.0, 4.5], index=pd.date_range('2024-01-01', periods=4, freq='h'), name='A#1_RAW#1'), {'note': float('nan')})
save('py/A#1/UTC#1', pd.Series([1.0, 2.0], index=pd.DatetimeIndex(['2024-01-01 00:00:00.123456', '2024-01-02 00:00:00'], tz='UTC'), name='A#1_UTC#1'))
save('py/A#1/TOR#1', pd.Series([1.0, 2.0], index=pd.DatetimeIndex(['2024-01-01 00:00', '2024-01-01 05:00'], tz='America/Toronto'), name='A#1_TOR#1'))
save('py/A#1/NORM#1', pd.Series([1.0, 2.0, 3.0], index=pd.Index([0.0, 0.5, 1.25]), name='A#1_NORM#1'))
save('py/A#1/RANGE#1', pd.Series([7.0, 8.0], name='A#1_RANGE#1'))
save('py/A#1/INT#1', pd.Series([1, 2, 3], index=pd.date_range('2024-01-01', periods=3, freq='D'), name='A#1_INT#1'))
print('ok')
`;

for (const side of PYTHONS) {
const HAVE_PYTHON = pythonAvailable(side);
describe.skipIf(!HAVE_PYTHON)(`SQL interop with Python meteaudata SQLAdapter on ${side.label}${HAVE_PYTHON ? '' : ` (${skipReason(side)})`}`, () => {
  beforeAll(() => usePython(side));
  it('Python SQLAdapter loads what the meteaudata layout wrote', async () => {
    const dir = tempDir('metaseries-sql-interop-');
    const file = join(dir, 'meteaudata.db');
    const store = await openSqlite(file, { layout: 'meteaudata' });
    const all = samples();
    for (const [key, s] of Object.entries(all)) await store.save(key, s, meta(s));
    await store.close();
    const out = await pythonJson<{ keys: string[]; series: Record<string, PyLoaded> }>(PY_LOAD, [file]);
    expect(out.keys).toEqual(Object.keys(all).sort());
    for (const [key, s] of Object.entries(all)) {
      const py = out.series[key]!;
      expect(py.name).toBe(s.name);
      expect(py.values).toEqual(Array.from(s.values as Float64Array, (v) => (Number.isNaN(v) ? null : v)));
      expect(py.metadata.values_dtype).toBe(s.dtype);
      if (s.index.kind === 'datetime') {
        expect(py.index_type).toBe('DatetimeIndex');
        expect(py.index_ns!.map((ns) => Number(BigInt(ns) / 1000n))).toEqual(Array.from(s.index.values));
        if (s.index.tz === 'UTC') expect(py.tz).toBe('UTC');
        if (s.index.freqstr) expect(py.freq).toBe(s.index.freqstr);
      } else if (s.index.kind === 'range') {
        expect(py.index_type).toBe('RangeIndex');
        expect(py.index_text).toEqual(['0', '1', '2']);
      } else {
        // Python's own bug (§6.5): a non-range numeric index comes back as strings — in pandas' text.
        expect(py.index_text).toEqual(['0.0', '0.5', '1e+16']);
      }
    }
    expect(out.series['ds/CODs#1/TOR#1']!.index_text[0]).toBe('2023-12-31 19:00:00-05:00');
    expect(out.series["ds/CODs#1/UTC'%_;#1"]!.index_text).toEqual(['2024-01-01 00:00:00.123456+00:00', '2024-01-01 01:00:00+00:00', '2024-01-01 05:00:00+00:00']);
  });

  it('reads what Python SQLAdapter wrote', async () => {
    const dir = tempDir('metaseries-sql-interop-');
    const file = join(dir, 'python.db');
    await runPython(PY_WRITE, [file]);
    const store = await openSqlite(file, { layout: 'meteaudata' });
    expect(await store.listKeys('py/')).toEqual(['py/A#1/INT#1', 'py/A#1/NORM#1', 'py/A#1/RANGE#1', 'py/A#1/RAW#1', 'py/A#1/TOR#1', 'py/A#1/UTC#1']);

    const raw = await store.load('py/A#1/RAW#1');
    const rawIndex = raw.series.index as DatetimeIndex;
    expect(rawIndex.kind).toBe('datetime');
    expect(rawIndex.tz).toBeNull();
    expect(rawIndex.freqstr).toBe('h');
    expect(Array.from(rawIndex.values)).toEqual([0, 1, 2, 3].map((i) => T0 + i * H));
    expect(Array.from(raw.series.values as Float64Array)).toEqual([1, Number.NaN, 3, 4.5]);
    expect(raw.series.name).toBe('A#1_RAW#1');
    expect(Number.isNaN(raw.metadata.note as number)).toBe(true); // Python's bare NaN token

    // Python writes str(Timestamp) per row (fraction only where non-zero) and then cannot
    // reload this key itself (pandas infers one format from the first row); we can.
    const utc = (await store.load('py/A#1/UTC#1')).series.index as DatetimeIndex;
    expect(utc.tz).toBe('UTC');
    expect(Array.from(utc.values)).toEqual([T0 + 123456, T0 + 24 * H]);

    const tor = (await store.load('py/A#1/TOR#1')).series.index as DatetimeIndex;
    expect(tor.tz).toBe('America/Toronto');
    expect(Array.from(tor.values)).toEqual([T0 + 5 * H, T0 + 10 * H]);

    const norm = (await store.load('py/A#1/NORM#1')).series;
    expect(norm.index.kind).toBe('numeric');
    expect(Array.from(norm.index.values as Float64Array)).toEqual([0, 0.5, 1.25]);

    const range = (await store.load('py/A#1/RANGE#1')).series;
    expect(range.index.kind).toBe('range');
    expect(range.length).toBe(2);

    const ints = (await store.load('py/A#1/INT#1')).series;
    expect(ints.dtype).toBe('int64');
    expect(Array.from(ints.values as Float64Array)).toEqual([1, 2, 3]);
    expect((ints.index as DatetimeIndex).freqstr).toBe('D');

    // And Python reads it back after we overwrite one of its keys.
    const replaced = new Series({ index: new DatetimeIndex(Float64Array.from([T0, T0 + H]), { freq: 'h' }), values: Float64Array.from([10, 20]), name: 'A#1_RAW#1' });
    await store.save('py/A#1/RAW#1', replaced, { ...raw.metadata, note: Number.NaN });
    await store.close();
    // Python's json.dumps writes the bare NaN token we stored back in metadata_json.
    const text = await runPython(PY_LOAD, [file]);
    expect(text).toContain('"note": NaN');
    const out = JSON.parse(text.replace(/"note": NaN/g, '"note": "NaN"')) as { series: Record<string, PyLoaded> };
    expect(out.series['py/A#1/UTC#1']!.error).toMatch(/match format/);
    expect(out.series['py/A#1/RAW#1']!.values).toEqual([10, 20]);
    expect(out.series['py/A#1/RAW#1']!.index_text).toEqual(['2024-01-01 00:00:00', '2024-01-01 01:00:00']);
  });
});
}
