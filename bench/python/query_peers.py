"""Peers of bench/query-measure.ts (issue 13): the same queries in pandas (read the
Parquet file + resample) and in DuckDB over the same Parquet files, timed here.

Usage: python query_peers.py <dir> <series count> <month start epoch s> <reps>
<dir> holds keys.f64 / s<i>.f64 written by the TS side (epoch µs keys, values).
Prints one JSON object: {"pandas_hourly_s":…, "duckdb_hourly_s":…, "pandas_daily_s":…, "duckdb_daily_s":…, "…_daily_max_s":…}
The Parquet files (s<i>.parquet) are written once and reused.
"""
import json
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

d, count, month_start, reps = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
keys = np.fromfile(d / 'keys.f64', dtype='<f8').astype('int64')
for i in range(count):
    p = d / f's{i}.parquet'
    if not p.exists():
        v = np.fromfile(d / f's{i}.f64', dtype='<f8')
        pd.DataFrame({'ts': pd.to_datetime(keys, unit='us', utc=True), 'v': v}).to_parquet(p, index=False)

def best(fn):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]

lo = pd.Timestamp(month_start, unit='s', tz='UTC')
hi = lo + pd.DateOffset(months=1)

def pandas_hourly():
    df = pd.read_parquet(d / 's0.parquet', filters=[('ts', '>=', lo), ('ts', '<', hi)])
    s = df.set_index('ts')['v']
    r = s.resample('1h')
    return r.mean(), r.max(), r.quantile(0.95)

def pandas_daily():
    for i in range(count):
        pd.read_parquet(d / f's{i}.parquet').set_index('ts')['v'].resample('1D').mean()

def pandas_daily_max():
    for i in range(count):
        pd.read_parquet(d / f's{i}.parquet').set_index('ts')['v'].resample('1D').max()

# pandas writes nanosecond timestamps (TIMESTAMPTZ_NS in DuckDB 2): cast before comparing with TIMESTAMPTZ literals.
con = duckdb.connect()
con.execute("SET TimeZone='UTC'")
def duckdb_hourly():
    con.execute(f"""SELECT time_bucket(INTERVAL 1 hour, ts::TIMESTAMPTZ) b, avg(v), max(v), quantile_cont(v, 0.95)
      FROM read_parquet('{d / 's0.parquet'}') WHERE ts::TIMESTAMPTZ >= TIMESTAMPTZ '{lo.isoformat()}' AND ts::TIMESTAMPTZ < TIMESTAMPTZ '{hi.isoformat()}' GROUP BY b ORDER BY b""").fetchall()

def duckdb_daily():
    for i in range(count):
        con.execute(f"SELECT time_bucket(INTERVAL 1 day, ts::TIMESTAMPTZ) b, avg(v) FROM read_parquet('{d / f's{i}.parquet'}') GROUP BY b ORDER BY b").fetchall()

def duckdb_daily_max():
    for i in range(count):
        con.execute(f"SELECT time_bucket(INTERVAL 1 day, ts::TIMESTAMPTZ) b, max(v) FROM read_parquet('{d / f's{i}.parquet'}') GROUP BY b ORDER BY b").fetchall()

print(json.dumps({
    'pandas_hourly_s': best(pandas_hourly), 'duckdb_hourly_s': best(duckdb_hourly),
    'pandas_daily_s': best(pandas_daily), 'duckdb_daily_s': best(duckdb_daily),
    'pandas_daily_max_s': best(pandas_daily_max), 'duckdb_daily_max_s': best(duckdb_daily_max),
    'duckdb_threads': con.execute("SELECT current_setting('threads')").fetchone()[0],
    'pandas': pd.__version__, 'duckdb': duckdb.__version__,
}))
