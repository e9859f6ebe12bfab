/**
 * Interop with the real Python meteaudata 0.12.1 PandasDiskAdapter, both ways:
 * pyarrow/pandas read our files as the same Series (time zone, index kind and name
 * included) and `PandasDiskAdapter.load` returns our data and metadata; we load
 * folders that Python's `Dataset.save_all` wrote.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatetimeIndex, NumericIndex, RangeIndex, Series, type SeriesMetadata, TimeSeries } from '@metaseries/core';
import { formatTimestamp } from '@metaseries/core/backend-kit';
import { openParquet } from '@metaseries/storage-parquet';
import { PYTHONS, pythonAvailable, pythonJson, runPython, skipReason, usePython } from '../support/python.js';
import { tempDir } from '../support/tmp.js';

const H = 3_600_000_000;

function meta(series: Series, extra: Partial<SeriesMetadata> = {}): SeriesMetadata {
  return { ...new TimeSeries({ series, createdOn: '2024-03-01T10:00:00.123456' }).metadataDict(), ...extra };
}

function samples(): Record<string, Series> {
  const dst = Date.UTC(2024, 2, 10, 5) * 1000; // crosses the America/Toronto DST change
  return {
    'ds/CODs#1/RAW#1': new Series({ index: new DatetimeIndex(Float64Array.from({ length: 6 }, (_, i) => dst + i * H), { tz: 'America/Toronto', freq: 'h' }), values: Float64Array.from([1.5, Number.NaN, 3, -0, 1e-300, 6]), name: 'CODs#1_RAW#1' }),
    'ds/CODs#1/NAIVE#1': new Series({ index: new DatetimeIndex(Float64Array.from([Date.UTC(2024, 0, 1) * 1000 + 123456, Date.UTC(2024, 0, 2) * 1000]), { name: 'time' }), values: Float64Array.from([2, 3]), name: 'CODs#1_NAIVE#1' }),
    'ds/CODs#1/RANGE#1': new Series({ index: new RangeIndex(0, 3), values: Float64Array.from([4, 5, 6]), name: 'CODs#1_RANGE#1' }),
    'ds/CODs#1/NORM#1': new Series({ index: new NumericIndex(Float64Array.from([0, 0.5, 1.25]), 'float64'), values: Float64Array.from([7, 8, 9]), name: 'CODs#1_NORM#1' }),
    'ds/CODs#1/COUNT#1': new Series({ index: new DatetimeIndex(Float64Array.from([0, H]), { tz: 'UTC' }), values: Float64Array.from([-(2 ** 53) + 1, 42]), name: 'CODs#1_COUNT#1', dtype: 'int64' }),
    'ds/CODs#1/LABEL#1': new Series({ index: new DatetimeIndex(Float64Array.from([0, H]), { tz: 'Europe/Paris' }), values: ['a', null], name: 'CODs#1_LABEL#1', dtype: 'object' }),
  };
}

interface PyLoaded {
  name: string;
  values: (number | string | null)[];
  dtype: string;
  index: string[];
  index_dtype: string;
  index_name: string | null;
  index_kind: string;
  freq: string | null;
  metadata: Record<string, unknown>;
  raw_index_dtype: string;
  raw_columns: string[];
}

const PY_LOAD = `
import json, sys, math
import pandas as pd
from meteaudata.storage.adapters.pandas_disk import PandasDiskAdapter
a = PandasDiskAdapter(sys.argv[1])
out = {}
def clean(v):
    if v is None or (isinstance(v, float) and math.isnan(v)): return None if not isinstance(v, float) else 'NaN'
    if isinstance(v, float) and math.copysign(1, v) < 0 and v == 0: return '-0'
    return v.item() if hasattr(v, 'item') else v
for key in sys.argv[2:]:
    s, md = a.load(key)
    raw = pd.read_parquet(a.get_data_path(key))
    # pandas 3 reads missing text as NaN (its str dtype); pandas 2 as None: both are missing.
    text = not pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    out[key] = dict(name=s.name, values=[None if text and pd.isna(v) else clean(v) for v in s.tolist()], dtype=str(s.dtype),
        index=[str(v) for v in s.index], index_dtype=str(s.index.dtype), index_name=s.index.name,
        index_kind=type(s.index).__name__, freq=getattr(s.index, 'freqstr', None),
        metadata={k: v for k, v in md.items() if k != '_metaseries'},
        raw_index_dtype=str(raw.index.dtype), raw_columns=[str(c) for c in raw.columns])
print(json.dumps(out, default=str))
`;

for (const side of PYTHONS) {
const HAVE_PYTHON = pythonAvailable(side);
describe.skipIf(!HAVE_PYTHON)(`parquet interop with Python meteaudata on ${side.label}${HAVE_PYTHON ? '' : ` (${skipReason(side)})`}`, () => {
  beforeAll(() => usePython(side));
  it('Python PandasDiskAdapter.load and pandas read what we wrote as the same Series', async () => {
    const dir = tempDir('metaseries-parquet-interop-');
    const store = await openParquet(dir, { layout: 'meteaudata' });
    const data = samples();
    for (const [key, s] of Object.entries(data)) await store.save(key, s, meta(s));
    const got = await pythonJson<Record<string, PyLoaded>>(PY_LOAD, [dir, ...Object.keys(data)]);
    for (const [key, s] of Object.entries(data)) {
      const py = got[key]!;
      expect(py.name, key).toBe(s.name);
      expect(py.raw_columns, key).toEqual([s.name]);
      const expected = Array.from({ length: s.length }, (_, i) => {
        const v = s.valueAt(i);
        return typeof v === 'number' && Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v;
      });
      expect(py.values, key).toEqual(expected);
      const index = s.index;
      if (index.kind === 'datetime') {
        expect(py.index, key).toEqual(Array.from(index.values, (us) => formatTimestamp(us, index.tz, { fractionDigits: us % 1_000_000 === 0 ? 0 : 6 })));
        expect(py.raw_index_dtype, key).toBe(index.tz ? `datetime64[ns, ${index.tz}]` : 'datetime64[ns]');
        expect(py.index_name, key).toBe(index.name);
      } else if (index.kind === 'range') {
        expect(py.index_kind).toBe('RangeIndex');
        expect(py.index).toEqual(['0', '1', '2']);
      } else if (index.kind === 'numeric') {
        expect(py.index).toEqual(['0.0', '0.5', '1.25']);
        expect(py.raw_index_dtype).toBe('float64');
      }
      expect(py.metadata.values_dtype, key).toBe(s.dtype);
      expect(py.metadata.created_on, key).toBe('2024-03-01T10:00:00.123456');
    }
    expect(got['ds/CODs#1/RAW#1']!.freq).toBe('h');
    expect(got['ds/CODs#1/COUNT#1']!.dtype).toBe('int64');
  });

  it('we load a folder that Python meteaudata save_all wrote', async () => {
    const dir = tempDir('metaseries-parquet-from-python-');
    const py = await pythonJson<Record<string, { values: (number | null)[]; index: string[]; tz: string | null }>>(`
import json, sys, math
import numpy as np, pandas as pd
from meteaudata import Dataset, Signal, DataProvenance
from meteaudata.processing_steps.univariate.resample import resample
prov = DataProvenance(source_repository='r', project='p', location='l', equipment='e', parameter='COD', purpose='t', metadata_id='m1')
idx = pd.date_range('2024-03-10 00:00', periods=48, freq='30min', tz='America/Toronto')
s1 = pd.Series(np.arange(48, dtype=float), index=idx, name='RAW')
s1.iloc[3] = np.nan
sig = Signal(input_data=s1, name='CODs', provenance=prov, units='mg/l')
sig.process(['CODs#1_RAW#1'], resample, '1h')
ds = Dataset(name='ds', description='d', owner='o', purpose='p', project='p', signals={'CODs': sig})
ds.use_disk_storage(sys.argv[1])
ds.save_all()
out = {}
for name, ts in sig.time_series.items():
    out[name] = dict(values=[None if math.isnan(v) else v for v in ts.series.tolist()], index=[str(v) for v in ts.series.index], tz=str(ts.series.index.tz))
print(json.dumps(out))
`, [dir]);
    const store = await openParquet(dir, { layout: 'meteaudata' });
    const keys = await store.listKeys();
    // Python's flattened names map back to dataset/signal/ts, as Python's load_all knows them.
    expect(keys).toEqual(['ds/CODs#1/RAW#1', 'ds/CODs#1/RESAMPLED#1']);
    for (const [name, expected] of Object.entries(py)) {
      const key = `ds/CODs#1/${name.slice('CODs#1_'.length)}`;
      // Python's key (with "/") finds the plain Python file under its sanitised name, as Python does.
      const { series, metadata } = await store.load(key);
      expect(series.name).toBe(name);
      const index = series.datetimeIndex();
      expect(index.tz).toBe(expected.tz);
      expect(Array.from(index.values, (us) => formatTimestamp(us, index.tz))).toEqual(expected.index);
      expect(Array.from(series.values as Float64Array, (v) => (Number.isNaN(v) ? null : v))).toEqual(expected.values);
      expect(metadata.values_dtype).toBe('float64');
      expect(Array.isArray(metadata.processing_steps)).toBe(true);
      const ts = TimeSeries.fromStored(series, metadata);
      expect(ts.series.length).toBe(expected.values.length);
    }
    // Range read on a Python-written file (dictionary-encoded, snappy) goes through the general decoder.
    const day = await store.loadRange('ds/CODs#1/RAW#1', { from: '2024-03-10T05:00:00Z', to: Date.parse('2024-03-10T07:00:00Z') });
    expect(day.series.length).toBe(5);
  });

  it('Python yaml.safe_load reads our sidecar with plain types', async () => {
    const dir = tempDir('metaseries-parquet-yaml-');
    const store = await openParquet(dir, { layout: 'meteaudata' });
    const s = samples()['ds/CODs#1/RAW#1']!;
    await store.save('ds/CODs#1/RAW#1', s, meta(s, { metadata_id: 'yes', units_note: '2024-01-01 00:00:00' } as Partial<SeriesMetadata>));
    const out = await runPython(`
import sys, yaml
d = yaml.safe_load(open(sys.argv[1] + '/ds_CODs#1_RAW#1_meta.yaml'))
print(type(d['metadata_id']).__name__, type(d['units_note']).__name__, type(d['created_on']).__name__, d['_metaseries']['key'], sorted(d.keys()) == list(d.keys()))
`, [dir]);
    expect(out.trim()).toBe('str str str ds/CODs#1/RAW#1 True');
  });
});
}
