"""ArcticDB side of the store workload S(N) in `npm run bench` (bench/store-rows.ts).

A long-lived process: one JSON command per line on stdin, one JSON answer per line on
stdout ({"s": seconds, ...}). Values come from the float64 file the Node side wrote, so
both sides store the same points: N at 1-second spacing from 2020-01-01, then hours
appended from the values that follow. LMDB library in a temp folder.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from arcticdb import Arctic

warnings.simplefilter("ignore")
T0 = pd.Timestamp("2020-01-01")
STATE = {}


def dir_bytes(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def frame(start, n):
    values = STATE["values"][start:start + n]
    index = pd.date_range(T0 + pd.Timedelta(seconds=start), periods=n, freq="s")
    return pd.DataFrame({"v": values}, index=index)


def run(cmd):
    op = cmd["op"]
    if op == "init":
        STATE["values"] = np.fromfile(cmd["values"], dtype="<f8")
        import arcticdb
        return {"arcticdb": arcticdb.__version__, "python": sys.version.split()[0]}
    if op == "write":
        # A fresh LMDB library per write (map_size must cover 10M points and their versions).
        ac = Arctic(f"lmdb://{cmd['dir']}?map_size=8GB")
        lib = ac.get_library("bench", create_if_missing=True)
        df = frame(0, cmd["n"])
        t = time.perf_counter()
        lib.write("S", df)
        s = time.perf_counter() - t
        STATE.update(lib=lib, ac=ac, dir=cmd["dir"], length=cmd["n"])
        return {"s": s}
    lib = STATE["lib"]
    if op == "append":
        df = frame(STATE["length"], cmd["n"])
        t = time.perf_counter()
        lib.append("S", df)
        s = time.perf_counter() - t
        STATE["length"] += cmd["n"]
        return {"s": s}
    if op == "read_day":
        start = T0 + pd.Timedelta(seconds=cmd["from_s"])
        end = start + pd.Timedelta(seconds=86_399)
        t = time.perf_counter()
        n = len(lib.read("S", date_range=(start, end)).data)
        return {"s": time.perf_counter() - t, "points": n}
    if op == "read_all":
        t = time.perf_counter()
        n = len(lib.read("S").data)
        return {"s": time.perf_counter() - t, "points": n}
    if op == "read_asof":
        t = time.perf_counter()
        n = len(lib.read("S", as_of=0).data)
        return {"s": time.perf_counter() - t, "points": n}
    if op == "bytes":
        return {"bytes": dir_bytes(STATE["dir"]), "points": STATE["length"]}
    raise ValueError(f"unknown op {op}")


for line in sys.stdin:
    cmd = json.loads(line)
    try:
        answer = run(cmd)
    except Exception as e:  # noqa: BLE001 - reported to the Node side
        answer = {"error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
