"""Golden vectors for the data-quality transforms of @metaseries/processing.

pandas (and scipy for Savitzky-Golay) compute every transform on regular, irregular,
NaN-holed, zoned and duplicated data, on a hand-made day with known faults, and on a real
file nobody here wrote: the Greensboro NC TMY3 weather file that ships inside the pvlib
wheel on PyPI (downloaded with pip into a git-ignored cache, never committed), with faults
injected into one month of its dry-bulb temperature. Writes JSON under
test/fixtures/quality/ (or the folder given as the first argument).

Run:  .venv/bin/python scripts/gen_quality_fixtures.py [out_dir]

Deterministic: fixed seeds, a pinned wheel whose data file is checked by SHA-256, sorted
output. The series encoding is the one of gen_processing_fixtures.py.

Flag codes (bits, int8), as packages/processing/src/flags.ts:
  OUT_OF_RANGE 1, RATE_OF_CHANGE 2, SPIKE 4, FLATLINE 8, STUCK 16, GAP 32, MISSING 64.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import warnings
import zipfile
from functools import reduce

import numpy as np
import pandas as pd
from scipy.signal import savgol_filter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_processing_fixtures import enc_error, enc_series, run  # noqa: E402

warnings.simplefilter("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "test", "fixtures", "quality")
CACHE = os.path.join(ROOT, ".cache", "quality-fixtures")
UNIT = "ns"

PVLIB = "pvlib==0.13.1"
TMY3_MEMBER = "pvlib/data/723170TYA.CSV"
TMY3_SHA256 = "1e96f84638ce98e6b29002bc45a27aa69bb29b0ed0368d3b52b7b1f81610c6c9"

OUT_OF_RANGE, RATE_OF_CHANGE, SPIKE, FLATLINE, STUCK, GAP, MISSING = 1, 2, 4, 8, 16, 32, 64
MAD_SCALE = 1.4826


# --------------------------------------------------------------------------- inputs

def us_index(t_us, tz=None):
    idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(t_us, dtype="int64"), unit="us")).as_unit(UNIT)
    if tz is not None:
        idx = idx.tz_localize("UTC").tz_convert(tz)
    return idx


def us(text):
    return int(pd.Timestamp(text).as_unit("us")._value)


def tmy3_csv() -> bytes:
    """The TMY3 file from the pinned pvlib wheel (pip download, cached), checked by hash."""
    os.makedirs(CACHE, exist_ok=True)
    wheels = [f for f in os.listdir(CACHE) if f.startswith("pvlib-") and f.endswith(".whl")]
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", PVLIB, "--no-deps", "--only-binary=:all:",
                        "--disable-pip-version-check", "--quiet", "-d", CACHE], check=True)
        wheels = [f for f in os.listdir(CACHE) if f.startswith("pvlib-") and f.endswith(".whl")]
    with zipfile.ZipFile(os.path.join(CACHE, sorted(wheels)[0])) as z:
        data = z.read(TMY3_MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != TMY3_SHA256:
        raise SystemExit(f"{TMY3_MEMBER} has SHA-256 {digest}, expected {TMY3_SHA256}")
    return data


def tmy3_july():
    """July dry-bulb temperature (°C, hourly), on one coerced year as pvlib's read_tmy3(coerce_year=...).

    TMY3 hours run 01:00..24:00 (hour-ending); 24:00 is midnight of the next day.
    """
    raw = pd.read_csv(io.BytesIO(tmy3_csv()), skiprows=1)
    date = pd.to_datetime(raw["Date (MM/DD/YYYY)"], format="%m/%d/%Y")
    hour = raw["Time (HH:MM)"].str.slice(0, 2).astype(int)
    t = pd.to_datetime(dict(year=2023, month=date.dt.month, day=date.dt.day)) + pd.to_timedelta(hour, unit="h")
    s = pd.Series(raw["Dry-bulb (C)"].to_numpy(dtype="float64"), index=pd.DatetimeIndex(t).as_unit(UNIT), name="T#1_RAW#1")
    s = s[(s.index >= "2023-07-01 01:00") & (s.index <= "2023-08-01 00:00")]
    clean = s.copy()
    v = s.to_numpy().copy()
    v[100] = v[100] + 18.0            # a spike
    v[300:307] = v[300]               # a 6-hour flatline (7 identical readings)
    v[500:505] = [-45.0, -47.5, -46.0, -48.0, -44.5]  # an out-of-range run (sensor unplugged)
    v[600:604] = np.nan               # a 4-hour hole
    s = pd.Series(v, index=s.index, name=s.name)
    # a duplicated timestamp: the logger wrote hour 200 twice, the second time a bit later
    dup = pd.Series([v[200] + 0.3], index=s.index[200:201], name=s.name)
    s = pd.concat([s.iloc[:201], dup, s.iloc[201:]])
    return s, clean


def make_inputs():
    rng = np.random.default_rng(20251125)
    inputs = {}

    n = 300
    idx = pd.date_range("2024-01-01 00:00", periods=n, freq="min", unit=UNIT)
    v = np.round(rng.normal(50, 10, n), 6)
    v[[0, 1]] = np.nan
    v[10:15] = np.nan
    v[120:160] = np.nan
    v[-2:] = np.nan
    inputs["regular"] = pd.Series(v, index=idx, name="A#1_RAW#1")

    # smooth, complete, regular: Savitzky-Golay's home ground
    x = np.arange(400)
    inputs["smooth"] = pd.Series(np.round(np.sin(x / 17.0) * 5 + rng.normal(0, 0.3, 400), 6),
                                 index=pd.date_range("2024-02-01", periods=400, freq="5min", unit=UNIT), name="S#1_RAW#1")

    steps = rng.integers(1, 900 * 1_000_000, 300)
    t = us("2024-01-01 00:05:17.123456") + np.cumsum(steps) - steps[0]
    v = np.round(rng.normal(7.2, 0.4, len(t)), 5)
    v[rng.choice(len(t), 15, replace=False)] = np.nan
    inputs["irregular"] = pd.Series(v, index=us_index(t), name="pH#1_RAW#1")

    # America/Toronto across the November 2024 change (01:00-02:00 happens twice on 3 Nov)
    idx = pd.date_range("2024-11-02 12:00", "2024-11-04 06:00", freq="15min", tz="America/Toronto", unit=UNIT)
    v = np.round(100 + np.cumsum(rng.normal(0, 1, len(idx))), 5)
    v[60:64] = np.nan
    inputs["zoned"] = pd.Series(v, index=idx, name="Q#1_RAW#1")

    # sorted, with repeated timestamps (pairs and a triple), some NaN among the repeats
    base = us("2024-03-01 00:00") + np.arange(120) * 60_000_000
    t = np.sort(np.concatenate([base, base[[5, 5, 20, 47, 90]]]))
    v = np.round(rng.normal(3, 1, len(t)), 4)
    v[[21, 60]] = np.nan
    inputs["duplicated"] = pd.Series(v, index=us_index(t), name="D#1_RAW#1")

    # unsorted, with repeats: what a logger replaying its buffer writes
    order = rng.permutation(len(t))
    inputs["shuffled"] = pd.Series(v[order], index=us_index(t[order]), name="D#2_RAW#1")

    # one day at 1 minute with known faults
    idx = pd.date_range("2024-06-01", periods=1440, freq="min", unit=UNIT)
    x = np.arange(1440)
    v = np.round(20 + 5 * np.sin(x / 1440 * 2 * np.pi) + rng.normal(0, 0.2, 1440), 4)
    v[300] = 60.0                     # a spike
    v[600:721] = v[600]               # a 2-hour flatline: 121 equal readings, 10:00..12:00
    v[900:915] = np.round(np.linspace(130, 140, 15), 4)  # an out-of-range run
    v[1000:1030] = np.nan             # a 30-minute hole
    s = pd.Series(v, index=idx, name="F#1_RAW#1")
    dup = pd.Series([v[200]], index=idx[200:201], name=s.name)  # a duplicated timestamp
    inputs["faults"] = pd.concat([s.iloc[:201], dup, s.iloc[201:]])

    tmy, _ = tmy3_july()
    inputs["tmy3"] = tmy

    inputs["empty"] = pd.Series(np.array([], dtype="float64"), index=pd.DatetimeIndex([], dtype=f"datetime64[{UNIT}]"), name="E#1_RAW#1")
    inputs["single"] = pd.Series([3.25], index=us_index([us("2024-05-05 13:37:00")]), name="S#2_RAW#1")
    inputs["all_nan"] = pd.Series(np.full(10, np.nan), index=pd.date_range("2024-01-01", periods=10, freq="min", unit=UNIT), name="N#1_RAW#1")
    return inputs


# --------------------------------------------------------------------------- helpers

def case(cid, inp, args, fn, same_index=True):
    """One golden case. With `same_index`, the output's index must be the input's, and only
    its name, dtype and values are stored (the test checks the index is the input's)."""
    r = run(fn)
    if isinstance(r, dict) and "error" in r:
        return {"id": cid, "input": inp, "args": args, "pandas": r}
    if not same_index:
        return {"id": cid, "input": inp, "args": args, "pandas": enc_series(r)}
    e = enc_series(r)
    del e["index"]
    if e["dtype"] == "int8":
        e["values"] = [int(x) for x in e["values"]]
    return {"id": cid, "input": inp, "args": args, "pandas": e}


def flags_series(s, hit):
    v = s.to_numpy()
    codes = np.where(np.isnan(v), MISSING, hit).astype("int8")
    return pd.Series(codes, index=s.index, name=s.name)


def t_us(s):
    return s.index.as_unit("us").asi8


def runs(same):
    """Run id per position: a new run wherever `same` is False."""
    return np.cumsum(~same)


# --------------------------------------------------------------------------- pandas definitions

def range_flags(s, lo, hi):
    v = s.to_numpy()
    with np.errstate(invalid="ignore"):
        hit = ((v < (-np.inf if lo is None else lo)) | (v > (np.inf if hi is None else hi))) * OUT_OF_RANGE
    return flags_series(s, hit)


def rate_flags(s, max_per_second):
    v, t = s.to_numpy(), s.index.asi8  # nanoseconds
    ok = ~np.isnan(v)
    d = pd.Series(v[ok], index=s.index[ok])
    secs = d.index.to_series().diff().dt.total_seconds().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.abs(np.diff(d.to_numpy(), prepend=np.nan) / secs)
    hit = np.zeros(len(v), dtype="int64")
    hit[np.flatnonzero(ok)] = (rate > max_per_second) * RATE_OF_CHANGE
    del t
    return flags_series(s, hit)


def spike_flags(s, window, k, center, minp):
    m = s.rolling(window, center=center, min_periods=minp).median()
    d = (s - m).abs()
    mad = d.rolling(window, center=center, min_periods=minp).median()
    return flags_series(s, (d > k * MAD_SCALE * mad).to_numpy() * SPIKE)


def flatline_flags(s, window, tol):
    v = s.to_numpy()
    same = np.zeros(len(v), dtype=bool)
    with np.errstate(invalid="ignore"):
        same[1:] = np.abs(np.diff(v)) <= tol
    rid = runs(same)
    if isinstance(window, int):
        size = pd.Series(rid).groupby(rid).transform("size").to_numpy()
        long = size >= window
    else:
        tt = pd.Series(t_us(s))
        dur = tt.groupby(rid).transform("max") - tt.groupby(rid).transform("min")
        long = dur.to_numpy() >= pd.Timedelta(window).value // 1000
    return flags_series(s, long * FLATLINE)


def stuck_flags(s, min_repeats, values):
    v = s.to_numpy()
    same = np.zeros(len(v), dtype=bool)
    same[1:] = v[1:] == v[:-1]
    rid = runs(same)
    size = pd.Series(rid).groupby(rid).transform("size").to_numpy()
    hit = size >= min_repeats
    if values is not None:
        hit &= np.isin(v, values)
    return flags_series(s, hit * STUCK)


def gap_flags(s, max_gap):
    times = pd.Series(s.index, index=range(len(s))).where(~np.isnan(s.to_numpy()))
    prev = times.ffill().shift(1)
    hit = ((times - prev) > pd.Timedelta(max_gap)).fillna(False).to_numpy()
    return flags_series(s, hit * GAP)


CHECKS = {
    "range": lambda s, a: range_flags(s, a.get("min"), a.get("max")),
    "rate": lambda s, a: rate_flags(s, a["maxPerSecond"]),
    "spike": lambda s, a: spike_flags(s, a["window"], a.get("k", 3), a.get("center", False), a.get("minPeriods")),
    "flatline": lambda s, a: flatline_flags(s, a["window"], a.get("tolerance", 0)),
    "stuck": lambda s, a: stuck_flags(s, a["minRepeats"], a.get("values")),
    "gap": lambda s, a: gap_flags(s, a["maxGap"]),
}

CHECK_CASES = [
    ("range", {"min": 40, "max": 60}, ["regular", "irregular", "zoned", "duplicated", "empty", "all_nan"]),
    ("range", {"max": 100}, ["faults"]),
    ("range", {"min": -30, "max": 50}, ["tmy3"]),
    ("range", {"min": 7.0}, ["irregular"]),
    ("rate", {"maxPerSecond": 0.2}, ["regular", "zoned", "duplicated", "single", "empty"]),
    ("rate", {"maxPerSecond": 0.0005}, ["irregular"]),
    ("rate", {"maxPerSecond": 0.05}, ["faults"]),
    ("rate", {"maxPerSecond": 0.002}, ["tmy3"]),
    ("spike", {"window": 7, "k": 3}, ["regular", "irregular", "duplicated", "faults", "all_nan", "single"]),
    ("spike", {"window": 9, "k": 3, "center": True}, ["regular", "faults", "tmy3"]),
    ("spike", {"window": 5, "k": 2, "center": True, "minPeriods": 3}, ["regular", "zoned"]),
    ("spike", {"window": "15min", "k": 3}, ["regular", "faults", "duplicated"]),
    ("spike", {"window": "1h", "k": 4}, ["irregular", "zoned"]),
    ("spike", {"window": "12h", "k": 3, "minPeriods": 4}, ["tmy3"]),
    ("flatline", {"window": "2h", "tolerance": 0}, ["faults", "regular"]),
    ("flatline", {"window": "90min", "tolerance": 0.5}, ["faults", "zoned"]),
    ("flatline", {"window": 5, "tolerance": 0.3}, ["regular", "irregular", "duplicated"]),
    ("flatline", {"window": "5h", "tolerance": 0.05}, ["tmy3"]),
    ("flatline", {"window": 3, "tolerance": 0.2}, ["tmy3"]),
    ("stuck", {"minRepeats": 3}, ["faults", "tmy3", "duplicated"]),
    ("stuck", {"minRepeats": 2}, ["regular", "zoned", "tmy3"]),
    ("stuck", {"minRepeats": 2, "values": [-45.0, 25.0, 26.1]}, ["tmy3"]),
    ("gap", {"maxGap": "5min"}, ["regular", "faults", "duplicated"]),
    ("gap", {"maxGap": "20min"}, ["irregular", "zoned"]),
    ("gap", {"maxGap": "1h"}, ["tmy3", "empty", "single", "all_nan"]),
]


def check_cases(inputs):
    out = []
    for check, args, names in CHECK_CASES:
        for name in names:
            s = inputs[name]
            out.append(case(f"{check}/{name}/{json.dumps(args, sort_keys=True)}", name, {"check": check, **args},
                            lambda s=s, check=check, args=args: CHECKS[check](s, args)))
    return out


def combined_cases(inputs):
    """combineFlags (bitwise OR) of several checks and the quality report read from the result."""
    suites = {
        "faults": [("range", {"max": 100}), ("rate", {"maxPerSecond": 0.05}), ("spike", {"window": 9, "k": 3, "center": True}),
                   ("flatline", {"window": "2h", "tolerance": 0}), ("stuck", {"minRepeats": 3}), ("gap", {"maxGap": "5min"})],
        "tmy3": [("range", {"min": -30, "max": 50}), ("rate", {"maxPerSecond": 0.002}), ("spike", {"window": 9, "k": 3, "center": True}),
                 ("flatline", {"window": "5h", "tolerance": 0.05}), ("gap", {"maxGap": "1h"})],
        "zoned": [("range", {"min": 90, "max": 110}), ("spike", {"window": "1h", "k": 4}), ("gap", {"maxGap": "20min"})],
    }
    out = []
    for name, checks in suites.items():
        s = inputs[name]
        flags = [CHECKS[c](s, a) for c, a in checks]
        combined = pd.Series(reduce(np.bitwise_or, [f.to_numpy() for f in flags]).astype("int8"), index=s.index, name=s.name)
        codes = combined.to_numpy().astype(int) | np.where(s.isna(), MISSING, 0)
        names = {"OUT_OF_RANGE": 1, "RATE_OF_CHANGE": 2, "SPIKE": 4, "FLATLINE": 8, "STUCK": 16, "GAP": 32, "MISSING": 64}
        counts = {"OK": int((codes == 0).sum()), **{k: int(((codes & b) != 0).sum()) for k, b in names.items()}}
        day = pd.Series(s.index.date, index=range(len(s)))
        per_day = []
        for d, pos in day.groupby(day, sort=True).groups.items():
            c = codes[np.asarray(pos)]
            flags_of_day = {k: int(((c & b) != 0).sum()) for k, b in names.items() if ((c & b) != 0).any()}
            per_day.append({"day": str(d), "points": int(len(c)), "ok": int((c == 0).sum()), "flags": flags_of_day})
        valid = s.dropna()
        vt = valid.index
        steps_us = np.diff(vt.as_unit("us").asi8)
        typical = np.median(steps_us[steps_us > 0]) if (steps_us > 0).any() else 0
        gaps = [(i, (vt[i + 1] - vt[i]).total_seconds()) for i in range(len(vt) - 1) if steps_us[i] > typical]
        gaps.sort(key=lambda g: (-g[1], g[0]))
        longest = [{"from": vt[i].isoformat(sep=" "), "to": vt[i + 1].isoformat(sep=" "), "seconds": sec} for i, sec in gaps[:5]]
        out.append({"id": name, "input": name, "checks": [{"check": c, **a} for c, a in checks],
                    "combined": [int(x) for x in combined.to_numpy()],
                    "report": {"points": int(len(s)), "counts": counts, "perDay": per_day, "longestGaps": longest}})
    return out


ROLLING_STATS = ["min", "max", "sum", "std", "count", "median", "mean", "var"]
ROLLING = [
    ("regular", 5, None, False), ("regular", 4, 2, False), ("regular", 5, None, True), ("regular", 6, 1, True), ("regular", 1, None, False),
    ("regular", "7min", None, False), ("regular", "30min", 10, False), ("regular", 25, 0, False),
    ("irregular", "1h", None, False), ("irregular", "20min", 2, False), ("irregular", 3, None, False),
    ("zoned", "2h", None, False), ("zoned", 8, 4, True),
    ("duplicated", 3, None, False), ("duplicated", "3min", None, False),
    ("tmy3", "6h", None, False), ("tmy3", 24, 12, True),
    ("empty", 3, None, False), ("single", "5min", None, False), ("all_nan", 3, 0, False), ("all_nan", "2min", None, False),
]


def rolling_cases(inputs):
    out = []
    for name, window, minp, center in ROLLING:
        s = inputs[name]
        for how in ROLLING_STATS:
            out.append(case(f"{name}/{window}/{minp}/{'center' if center else 'trailing'}/{how}", name,
                            {"window": window, "min_periods": minp, "center": center, "how": how},
                            lambda s=s, w=window, m=minp, c=center, how=how: getattr(s.rolling(w, min_periods=m, center=c), how)()))
    return out


EWM = [
    {"span": 10}, {"span": 3, "adjust": False}, {"halflife": 4}, {"halflife": 2.5, "adjust": False},
    {"alpha": 0.3}, {"alpha": 0.8, "adjust": False, "ignoreNa": True}, {"com": 2, "ignoreNa": True}, {"span": 5, "minPeriods": 3},
]


def ewm_cases(inputs):
    out = []
    for name in ["regular", "irregular", "zoned", "duplicated", "tmy3", "empty", "single", "all_nan"]:
        s = inputs[name]
        for a in EWM:
            kw = {k: a[k] for k in ("span", "halflife", "alpha", "com") if k in a}
            kw.update(adjust=a.get("adjust", True), ignore_na=a.get("ignoreNa", False), min_periods=a.get("minPeriods", 0))
            out.append(case(f"{name}/{json.dumps(a, sort_keys=True)}", name, a, lambda s=s, kw=kw: s.ewm(**kw).mean()))
    return out


SAVGOL = [("smooth", 5, 2), ("smooth", 11, 3), ("smooth", 21, 4), ("smooth", 7, 0), ("smooth", 9, 1), ("smooth", 31, 6),
          ("tmy3_filled", 7, 2), ("tmy3_filled", 25, 3), ("zoned_filled", 9, 2), ("single", 1, 0)]


def savgol_cases(inputs):
    out = []
    for name, w, p in SAVGOL:
        s = inputs[name]
        out.append(case(f"{name}/{w}/{p}", name, {"windowLength": w, "polyorder": p},
                        lambda s=s, w=w, p=p: pd.Series(savgol_filter(s.to_numpy(), w, p), index=s.index, name=s.name)))
    return out


def order_cases(inputs):
    out = []
    for name in ["shuffled", "duplicated", "regular", "zoned", "empty", "tmy3"]:
        s = inputs[name]
        out.append(case(f"sort/{name}", name, {"op": "sort"}, lambda s=s: s.sort_index(kind="stable"), False))
        for keep in ("first", "last"):
            out.append(case(f"dedupe-{keep}/{name}", name, {"op": "dedupe", "keep": keep}, lambda s=s, keep=keep: s[~s.index.duplicated(keep=keep)], False))
        out.append(case(f"dedupe-mean/{name}", name, {"op": "dedupe", "keep": "mean"}, lambda s=s: s.groupby(level=0, sort=False).mean(), False))
    return out


def main():
    inputs = make_inputs()
    # complete versions for Savitzky-Golay, which needs gap-free regular data
    inputs["tmy3_filled"] = tmy3_july()[1].rename("T#2_RAW#1")
    inputs["zoned_filled"] = inputs["zoned"].interpolate().rename("Q#2_RAW#1")
    os.makedirs(OUT, exist_ok=True)
    meta = {"pandas": pd.__version__, "numpy": np.__version__, "scipy": __import__("scipy").__version__,
            "tmy3": f"{TMY3_MEMBER} from the {PVLIB} wheel (sha256 {TMY3_SHA256[:16]}...), July dry-bulb, injected faults"}
    files = {
        "inputs.json": {"meta": meta, "inputs": {k: enc_series(v) for k, v in inputs.items()}},
        "checks.json": {"cases": check_cases(inputs)},
        "combined.json": {"cases": combined_cases(inputs)},
        "rolling.json": {"cases": rolling_cases(inputs)},
        "ewm.json": {"cases": ewm_cases(inputs)},
        "savgol.json": {"cases": savgol_cases(inputs)},
        "order.json": {"cases": order_cases(inputs)},
    }
    for fname, content in files.items():
        text = json.dumps(content, indent=None, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n"
        with open(os.path.join(OUT, fname), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    # the real-data example of docs/quality-control.md: July dry-bulb with the injected faults
    tmy = inputs["tmy3"]
    with open(os.path.join(OUT, "tmy3-greensboro-july.csv"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("time,dry_bulb_C\n")
        for t, x in zip(tmy.index, tmy.to_numpy()):
            fh.write(f"{t.strftime('%Y-%m-%d %H:%M:%S')},{'' if np.isnan(x) else repr(float(x))}\n")
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    _ = enc_error
    main()
