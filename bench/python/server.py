"""Python side of `npm run bench`: a long-lived process that times meteaudata 0.12.1.

Reads one JSON command per line on stdin, answers one JSON line on stdout:
{"s": seconds (time.perf_counter), "rss_mb": peak RSS so far, ...}. Values come from the
float64 file written by bench/workload.ts so both sides work on the same numbers.
"""
import json
import os
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd
from meteaudata import DataProvenance, Dataset, Signal, linear_interpolation, resample
from meteaudata.storage import StorageConfig, create_backend

warnings.simplefilter("ignore")
VALUES = None
T0 = pd.Timestamp("2020-01-01", tz="UTC")


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_series(n=None):
    v = VALUES if n is None else VALUES[:n]
    idx = pd.date_range(T0, periods=len(v), freq="min")
    return pd.Series(v.copy(), index=idx, name="RAW")


def make_signal(n=None, name="X"):
    return Signal(input_data=raw_series(n), name=name, units="u", provenance=DataProvenance(parameter="x"))


def workload_dataset(n=None):
    sig = make_signal(n)
    sig.process(["X#1_RAW#1"], resample, "5min")
    sig.process(["X#1_RAW#1"], linear_interpolation)
    return Dataset(name="bench", description="bench", owner="bench", purpose="bench", project="bench", signals={"X#1": sig})


def backend_config(kind, target):
    if kind == "pandas-memory":
        return StorageConfig.for_pandas_memory()
    if kind == "pandas-disk":
        return StorageConfig.for_pandas_disk(target)
    if kind == "polars":
        return StorageConfig.for_polars(target)
    return StorageConfig.for_sql(target)


STATE = {}


def run(cmd):
    global VALUES
    op = cmd["op"]
    if op == "init":
        VALUES = np.fromfile(cmd["values"], dtype="<f8")
        return {"n": len(VALUES), "python": sys.version.split()[0]}
    if op == "create":
        t = time.perf_counter()
        make_signal()
        return {"s": time.perf_counter() - t}
    if op in ("resample", "interpolate"):
        sig = make_signal()
        t = time.perf_counter()
        if op == "resample":
            sig.process(["X#1_RAW#1"], resample, "5min")
        else:
            sig.process(["X#1_RAW#1"], linear_interpolation)
        return {"s": time.perf_counter() - t}
    if op == "archive_save":
        ds = STATE.get("ds") or workload_dataset()
        STATE["ds"] = ds
        os.makedirs(cmd["dir"], exist_ok=True)
        t = time.perf_counter()
        ds.save(cmd["dir"])
        return {"s": time.perf_counter() - t, "bytes": os.path.getsize(os.path.join(cmd["dir"], "bench.zip"))}
    if op == "archive_load":
        t = time.perf_counter()
        Dataset.load(cmd["path"], "bench")
        return {"s": time.perf_counter() - t}
    if op == "backend_save":
        n = cmd.get("n")
        ds = workload_dataset(n) if n else (STATE.get("ds") or workload_dataset())
        backend = create_backend(backend_config(cmd["kind"], cmd["target"]))
        ds.set_backend(backend)
        t = time.perf_counter()
        ds.save_all()
        s = time.perf_counter() - t
        STATE["saved"] = (ds, backend)
        return {"s": s}
    if op == "backend_load":
        ds, backend = STATE["saved"]
        t = time.perf_counter()
        if cmd["kind"] == "polars":
            # PolarsAdapter.load returns polars data without the index: load_all cannot use it.
            for key in backend.list_keys():
                backend.load(key)
        else:
            ds.load_all()
        return {"s": time.perf_counter() - t}
    if op == "range_prepare":
        backend = create_backend(backend_config(cmd["kind"], cmd["target"]))
        idx = pd.date_range(T0, periods=cmd["n"], freq="min")
        vals = np.resize(VALUES, cmd["n"])
        s = pd.Series(vals, index=idx, name="X#1_RAW#1")
        ts = make_signal(10).time_series["X#1_RAW#1"]
        t = time.perf_counter()
        backend.save(s, "bench/X#1/RAW#1", ts.metadata_dict())
        STATE["range"] = backend
        return {"s": time.perf_counter() - t}
    if op == "range_read":
        backend = STATE["range"]
        start = pd.Timestamp(cmd["from"], tz="UTC")
        t = time.perf_counter()
        series, _meta = backend.load("bench/X#1/RAW#1")
        if cmd["kind"] == "polars":
            # polars data comes back without its index: slice by position, the best it offers.
            i0 = int((start - T0) / pd.Timedelta("1min"))
            part = series[i0:i0 + 1440]
        else:
            part = series[start:start + pd.Timedelta("1D") - pd.Timedelta("1us")]
        s = time.perf_counter() - t
        return {"s": s, "points": len(part)}
    if op == "lazy_save":
        backend = create_backend(backend_config("pandas-disk", cmd["target"]))
        sigs = {}
        for i in range(10):
            sig = make_signal(name=f"S{i}")
            sigs[sig.name] = sig
        ds = Dataset(name="lazy", description="d", owner="o", purpose="p", project="p", signals=sigs)
        ds.set_backend(backend)
        ds.save_all()
        return {"s": 0}
    if op == "lazy_read":
        # Python has no lazy read: rebuild the dataset, load_all, then slice one day from each.
        backend = create_backend(backend_config("pandas-disk", cmd["target"]))
        t = time.perf_counter()
        sigs = {}
        for i in range(10):
            sig = Signal(input_data=pd.Series([1.0], index=pd.date_range(T0, periods=1, freq="min"), name="RAW"), name=f"S{i}", units="u", provenance=DataProvenance(parameter="x"))
            sigs[sig.name] = sig
        ds = Dataset(name="lazy", description="d", owner="o", purpose="p", project="p", signals=sigs)
        ds.set_backend(backend)
        ds.load_all()
        start = pd.Timestamp(cmd["from"], tz="UTC")
        days = [ts.series[start:start + pd.Timedelta("1D") - pd.Timedelta("1us")] for sig in ds.signals.values() for ts in sig.time_series.values()]
        return {"s": time.perf_counter() - t, "points": sum(len(d) for d in days)}
    raise ValueError(f"unknown op {op!r}")


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            out = run(json.loads(line))
        except Exception as e:  # report, keep serving
            out = {"error": f"{type(e).__name__}: {e}"[:500]}
        out["rss_mb"] = rss_mb()
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
