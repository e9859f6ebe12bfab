"""Golden vectors for `store.query` (issue 13): pandas `resample(every).agg(fn)` on
zoned/naive data around DST changes, with NaN runs and empty buckets.

Run: .venv/bin/python scripts/gen_query_fixtures.py  (deterministic; writes
test/fixtures/query/cases.json). The drift test in test/query.test.ts re-runs it when
the venv exists and compares with the committed file.
"""
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'query' / 'cases.json'
AGGS = ['mean', 'min', 'max', 'sum', 'count', 'first', 'last', 'median', 'std', 'var', 'p95', 'p10']


def series(start, periods, freq, tz, seed, nan_runs=(), drop=()):
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=periods, freq=freq, tz=tz)
    values = np.round(np.cumsum(rng.normal(0, 0.5, periods)) + 20, 2)
    for a, b in nan_runs:
        values[a:b] = np.nan
    s = pd.Series(values, index=idx)
    keep = np.ones(periods, dtype=bool)
    for a, b in drop:
        keep[a:b] = False  # a hole in the data: empty buckets
    return s[keep]


def agg(resampler, name):
    if name.startswith('p'):
        return resampler.quantile(int(name[1:]) / 100)
    return getattr(resampler, name)()


def num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def epoch_us(index):
    # UTC instants for zoned, wall times for naive, as metaseries stores them.
    if index.tz is not None:
        index = index.tz_convert('UTC').tz_localize(None)
    return [int(x) for x in index.as_unit('us').asi8]


CASES = [
    # name, series args, every, query tz (None = the series' own)
    ('zurich-spring-hourly', dict(start='2024-03-30 00:00', periods=300, freq='15min', tz='Europe/Zurich', seed=1, nan_runs=[(40, 52)], drop=[(100, 130)]), '1h', None),
    ('zurich-spring-daily', dict(start='2024-03-28 00:00', periods=600, freq='15min', tz='Europe/Zurich', seed=2, nan_runs=[(10, 200)]), '1D', None),
    ('zurich-autumn-daily', dict(start='2024-10-25 00:00', periods=600, freq='15min', tz='Europe/Zurich', seed=3, drop=[(200, 330)]), '1D', None),
    ('zurich-autumn-6h', dict(start='2024-10-26 00:00', periods=300, freq='10min', tz='Europe/Zurich', seed=4), '6h', None),
    ('newyork-weekly', dict(start='2024-02-25 00:00', periods=800, freq='1h', tz='America/New_York', seed=5, nan_runs=[(100, 110)]), '1W', None),
    ('newyork-monthly', dict(start='2024-01-15 00:00', periods=2500, freq='1h', tz='America/New_York', seed=6, drop=[(800, 1600)]), '1MS', None),
    ('newyork-month-end', dict(start='2024-01-15 00:00', periods=2500, freq='1h', tz='America/New_York', seed=7), 'ME', None),
    ('utc-station-as-newyork-daily', dict(start='2024-03-04 00:00', periods=7 * 24, freq='1h', tz='UTC', seed=8), '1D', 'America/New_York'),
    ('naive-15min', dict(start='2024-05-01 00:00', periods=500, freq='1min', tz=None, seed=9, nan_runs=[(30, 70)], drop=[(200, 260)]), '15min', None),
    ('utc-as-zurich-hourly-dst', dict(start='2024-03-30 20:00', periods=200, freq='5min', tz='UTC', seed=10), '1h', 'Europe/Zurich'),
]


def main():
    out = {'pandas': pd.__version__, 'aggs': AGGS, 'cases': []}
    for name, args, every, qtz in CASES:
        s = series(**args)
        q = s.tz_convert(qtz) if qtz is not None else s
        r = q.resample(every)
        result = {a: agg(r, a) for a in AGGS}
        labels = result['mean'].index
        out['cases'].append({
            'name': name,
            'tz': args['tz'],
            'queryTz': qtz,
            'every': every,
            'index': epoch_us(s.index),
            'values': [num(v) for v in s.to_numpy()],
            'labels': epoch_us(labels),
            'labelText': [str(x) for x in labels],
            'result': {a: [num(v) for v in result[a].to_numpy()] for a in AGGS},
        })
    text = json.dumps(out, indent=None, separators=(',', ':'))
    if len(sys.argv) > 1 and sys.argv[1] == '--stdout':
        print(text)
    else:
        OUT.write_text(text + '\n')


if __name__ == '__main__':
    main()
