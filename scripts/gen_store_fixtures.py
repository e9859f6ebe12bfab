"""Folders written by the real Python meteaudata 0.12.1, for the fast suite (no Python needed).

Run from the repository root with the interop venv:
    .venv/bin/python scripts/gen_store_fixtures.py
Writes test/fixtures/python-stores/{pandas-disk,polars}/ : a dataset "store" with a
100 000-point COD signal (1-minute, UTC, 0.1-step values so pyarrow writes a
dictionary page first) processed once, saved by PandasDiskAdapter (use_disk_storage /
save_all) and, smaller, by PolarsAdapter (its index_values YAML grows with the length).
"""
import shutil, sys
from pathlib import Path
import numpy as np, pandas as pd
from meteaudata import Dataset, Signal, DataProvenance
from meteaudata.processing_steps.univariate.resample import resample
from meteaudata.storage.adapters.polars_adapter import PolarsAdapter

root = Path('test/fixtures/python-stores')
rng = np.random.default_rng(7)

def dataset(n):
    idx = pd.date_range('2024-01-01', periods=n, freq='min', tz='UTC')
    values = np.round(np.cumsum(rng.integers(-1, 2, n)) * 0.1 + 50, 1)
    raw = pd.Series(values, index=idx, name='RAW')
    raw.iloc[5] = np.nan
    prov = DataProvenance(source_repository='fixture', project='p', location='l', equipment='e', parameter='COD', purpose='t', metadata_id='m1')
    sig = Signal(input_data=raw, name='COD', provenance=prov, units='mg/l')
    sig.process(['COD#1_RAW#1'], resample, '1h')
    return Dataset(name='store', description='fixture', owner='o', purpose='p', project='p', signals={'COD': sig}), sig

for sub in ('pandas-disk', 'polars'):
    shutil.rmtree(root / sub, ignore_errors=True)

ds, _ = dataset(100_000)
ds.use_disk_storage(str(root / 'pandas-disk'))
ds.save_all()

_, sig = dataset(2_000)
a = PolarsAdapter(str(root / 'polars'))
for name, ts in sig.time_series.items():
    a.save(ts.series, 'store/COD#1/' + name.split('_', 1)[1], ts.metadata_dict())
print('pandas', pd.__version__, file=sys.stderr)
