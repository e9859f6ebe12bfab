"""Golden vectors for @metaseries/processing.

Generates inputs and the outputs of pandas and of meteaudata 0.12.1 for every built-in
transform (and pandas' output for the extra aggregations, rolling windows, derivative and
gap detection) over edge cases, and writes one JSON file per function under
test/fixtures/processing/ (or the folder given as the first argument).

Run:  /work/main/.venv/bin/python scripts/gen_processing_fixtures.py [out_dir]

Deterministic: fixed seeds, no clock values (run_datetime and source_code are dropped from
the recorded steps), sorted output, so re-running gives byte-identical files.

Encoding of a series:
  {"name", "dtype", "index": {"kind": "datetime", "values": [epoch microseconds], "tz", "freq", "name"}
                       | {"kind": "numeric", "dtype", "values"} | {"kind": "range", "start", "stop", "step"},
   "values": [float | null (NaN) | bool]}
Datetime index values are UTC instants for a zoned index, wall-clock-as-UTC for a naive one.
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd

if os.environ.get("PYTHONHASHSEED") != "0":
    # set iteration order (average_signals' unit message and unit pick) depends on string hashing
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable, *sys.argv])

import meteaudata  # noqa: E402
from meteaudata import DataProvenance, Signal, linear_interpolation, replace_ranges, resample, subset
from meteaudata.processing_steps.multivariate.average import average_signals
from meteaudata.processing_steps.univariate.normalize_index import normalize_index_to_numeric_delta
from meteaudata.processing_steps.univariate.prediction import predict_from_previous_point

warnings.simplefilter("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "test", "fixtures", "processing")
UNIT = "ns"  # pandas 2 default resolution; fixtures still store epoch microseconds


# --------------------------------------------------------------------------- encoding

def enc_value(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if v is None:
        return None
    f = float(v)
    if math.isnan(f):
        return None
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    return f


def enc_index(idx: pd.Index):
    if isinstance(idx, pd.DatetimeIndex):
        return {
            "kind": "datetime",
            "values": [int(x) for x in idx.as_unit("us").asi8.tolist()],
            "tz": None if idx.tz is None else str(idx.tz),
            "freq": idx.freqstr,
            "name": idx.name,
        }
    if isinstance(idx, pd.RangeIndex):
        return {"kind": "range", "start": idx.start, "stop": idx.stop, "step": idx.step, "name": idx.name}
    if pd.api.types.is_numeric_dtype(idx):
        return {"kind": "numeric", "dtype": str(idx.dtype), "values": [enc_value(x) for x in idx.tolist()], "name": idx.name}
    raise TypeError(f"cannot encode index {type(idx)}")


def enc_series(s: pd.Series):
    return {
        "name": None if s.name is None else str(s.name),
        "dtype": str(s.dtype),
        "index": enc_index(s.index),
        "values": [enc_value(v) for v in s.tolist()],
    }


def enc_step(step):
    d = step.model_dump(mode="json")
    d.pop("run_datetime", None)
    d["function_info"].pop("source_code", None)
    return d


def enc_error(e: BaseException):
    return {"error": {"type": type(e).__name__, "message": str(e)}}


def run(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the error itself is the golden value
        return enc_error(e)


# --------------------------------------------------------------------------- inputs

def dt_index(values, tz=None, freq=None):
    idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(values, dtype="int64"), unit="us"))
    idx = idx.as_unit(UNIT)
    if tz is not None:
        idx = idx.tz_localize("UTC").tz_convert(tz)
    if freq is not None:
        idx = pd.DatetimeIndex(idx, freq=freq)
    return idx


def us(text, tz=None):
    t = pd.Timestamp(text)
    if tz is not None:
        t = t.tz_localize(tz)
    return int(t.as_unit("us")._value)  # `.value` is always nanoseconds


def make_inputs():
    rng = np.random.default_rng(20240229)
    inputs = {}

    # regular 1-minute data with NaN runs (freq kept)
    n = 200
    idx = pd.date_range("2024-01-01 00:00", periods=n, freq="min", unit=UNIT)
    v = np.round(rng.normal(50, 10, n), 6)
    v[[0, 1]] = np.nan
    v[10:15] = np.nan
    v[50] = np.nan
    v[100:131] = np.nan
    v[-3:] = np.nan
    inputs["regular"] = pd.Series(v, index=idx, name="A#1_RAW#1")

    # 1-minute data with a 2-hour hole in the index (no freq), negative values too
    idx = pd.date_range("2024-01-01 23:00", periods=240, freq="min", unit=UNIT)
    idx = idx[(idx < pd.Timestamp("2024-01-02 00:30")) | (idx >= pd.Timestamp("2024-01-02 02:30"))]
    v = np.round(rng.normal(0, 5, len(idx)), 4)
    v[7] = np.nan
    inputs["gaps"] = pd.Series(v, index=pd.DatetimeIndex(idx, freq=None), name="B#1_RAW#1")

    # irregular timestamps with sub-second parts over two days
    steps = rng.integers(1, 1800 * 1_000_000, 240)
    t0 = us("2024-01-01 00:05:17.123456")
    t = t0 + np.cumsum(steps) - steps[0]
    v = rng.normal(7.2, 0.4, len(t))
    v[rng.choice(len(t), 12, replace=False)] = np.nan
    inputs["irregular"] = pd.Series(v, index=dt_index(t), name="pH#1_RAW#1")

    # America/Toronto across the March 2024 change (clocks jump 02:00 → 03:00 on 10 March)
    idx = pd.date_range("2024-03-09 00:00", "2024-03-11 12:00", freq="20min", tz="America/Toronto", unit=UNIT)
    v = np.round(np.arange(len(idx)) * 0.5 + rng.normal(0, 1, len(idx)), 5)
    v[30:34] = np.nan
    inputs["toronto_spring"] = pd.Series(v, index=idx, name="Q#1_RAW#1")

    # America/Toronto across the November 2024 change (01:00–02:00 happens twice on 3 Nov)
    idx = pd.date_range("2024-11-02 00:00", "2024-11-04 06:00", freq="15min", tz="America/Toronto", unit=UNIT)
    v = np.round(100 + np.cumsum(rng.normal(0, 1, len(idx))), 5)
    v[100:104] = np.nan
    inputs["toronto_fall"] = pd.Series(v, index=idx, name="Q#2_RAW#1")

    # six-hourly-ish points over five months: month-end, quarter, year and week bins
    steps = rng.integers(3 * 3600, 9 * 3600, 600) * 1_000_000
    t = us("2023-11-15 07:00") + np.cumsum(steps)
    v = np.round(rng.normal(20, 4, len(t)), 3)
    v[40:60] = np.nan
    inputs["months"] = pd.Series(v, index=dt_index(t), name="T#1_RAW#1")

    # around a leap day, hourly
    idx = pd.date_range("2024-02-25 00:00", "2024-03-03 23:00", freq="h", unit=UNIT)
    v = np.round(np.sin(np.arange(len(idx)) / 5.0) * 10, 8)
    inputs["leap"] = pd.Series(v, index=idx, name="L#1_RAW#1")

    # the reference's example: 10-minute data starting 00:05
    idx = pd.date_range("2024-01-01 00:05", periods=12, freq="10min", unit=UNIT)
    inputs["ten_minutes"] = pd.Series(np.arange(12, dtype="float64") * 1.5, index=idx, name="C#1_RAW#1")

    # interpolation example from the reference: [NaN, 1, NaN, NaN, 4, NaN]
    idx = pd.date_range("2024-01-01", periods=6, freq="min", unit=UNIT)
    inputs["interp_small"] = pd.Series([np.nan, 1, np.nan, np.nan, 4, np.nan], index=idx, name="I#1_RAW#1")

    # [0, NaN, 10] at 0, 1, 10 minutes: positional interpolation gives 5
    inputs["interp_uneven"] = pd.Series([0.0, np.nan, 10.0], index=dt_index([us("2024-01-01 00:00"), us("2024-01-01 00:01"), us("2024-01-01 00:10")]), name="I#2_RAW#1")

    inputs["empty"] = pd.Series(np.array([], dtype="float64"), index=pd.DatetimeIndex([], dtype=f"datetime64[{UNIT}]"), name="E#1_RAW#1")
    inputs["single"] = pd.Series([3.25], index=dt_index([us("2024-05-05 13:37:00")]), name="S#1_RAW#1")
    inputs["all_nan"] = pd.Series(np.full(10, np.nan), index=pd.date_range("2024-01-01 00:00", periods=10, freq="min", unit=UNIT), name="N#1_RAW#1")
    inputs["numeric"] = pd.Series([1.0, 2.0, np.nan, 4.0], index=pd.RangeIndex(0, 4), name="R#1_RAW#1")
    inputs["float_index"] = pd.Series([1.0, 2.0, 3.0], index=pd.Index([0.0, 0.5, 2.25]), name="F#1_RAW#1")
    return inputs


# --------------------------------------------------------------------------- cases

def meteaudata_outputs(result):
    return {"outputs": [{"series": enc_series(s), "steps": [enc_step(st) for st in steps]} for s, steps in result]}


def case(cid, inp, args, pandas_fn=None, mtd_fn=None, extra=None):
    c = {"id": cid, "input": inp, "args": args}
    if extra:
        c.update(extra)
    if pandas_fn is not None:
        r = run(pandas_fn)
        c["pandas"] = r if isinstance(r, dict) and "error" in r else enc_series(r)
    if mtd_fn is not None:
        r = run(mtd_fn)
        c["meteaudata"] = r if isinstance(r, dict) and "error" in r else meteaudata_outputs(r)
    return c


RESAMPLE_FREQS = {
    "regular": ["5min", "30min", "h", "7min", "90s", "D", "2D"],
    "gaps": ["5min", "30min", "h", "D", "2h"],
    "irregular": ["5min", "h", "7min", "D", "W", "W-MON"],
    "toronto_spring": ["30min", "h", "2h", "90min", "D", "W"],
    "toronto_fall": ["30min", "h", "2h", "D", "3h"],
    "months": ["ME", "2ME", "QE", "YE", "MS", "QS", "YS", "W", "W-WED", "2W", "D", "3D", "QE-JAN"],
    "leap": ["D", "ME", "W", "MS", "12h", "2D"],
    "ten_minutes": ["30min", "20min", "h"],
    "empty": ["5min", "D", "ME"],
    "single": ["5min", "D", "ME", "W"],
    "all_nan": ["5min", "h"],
    "numeric": ["5min"],
}
AGGS = ["mean", "min", "max", "sum", "count", "first", "last", "median", "std", "var"]
AGG_CASES = {
    "regular": ["5min", "30min"],
    "gaps": ["30min"],
    "irregular": ["h", "D"],
    "toronto_fall": ["D", "h"],
    "months": ["ME", "W"],
    "empty": ["h"],
    "single": ["h"],
    "all_nan": ["5min"],
}
QUANTILES = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0]


def resample_cases(inputs):
    out = []
    for name, freqs in RESAMPLE_FREQS.items():
        s = inputs[name]
        for f in freqs:
            out.append(case(
                f"{name}/{f}", name, {"frequency": f},
                pandas_fn=lambda s=s, f=f: s.resample(f).mean(),
                mtd_fn=lambda s=s, f=f: resample([s.copy()], f),
            ))
    out.append(case("regular/bad-alias", "regular", {"frequency": "5minutes"},
                    pandas_fn=lambda: inputs["regular"].resample("5minutes").mean()))
    return out


def aggregate_cases(inputs):
    out = []
    for name, freqs in AGG_CASES.items():
        s = inputs[name]
        for f in freqs:
            for agg in AGGS:
                out.append(case(f"{name}/{f}/{agg}", name, {"frequency": f, "aggregation": agg},
                                pandas_fn=lambda s=s, f=f, agg=agg: getattr(s.resample(f), agg)()))
            for q in QUANTILES:
                out.append(case(f"{name}/{f}/percentile-{q}", name, {"frequency": f, "aggregation": "percentile", "q": q},
                                pandas_fn=lambda s=s, f=f, q=q: s.resample(f).quantile(q)))
    return out


def interpolation_cases(inputs):
    names = ["regular", "gaps", "irregular", "toronto_spring", "interp_small", "interp_uneven", "empty", "single", "all_nan", "numeric"]
    return [case(n, n, {}, pandas_fn=lambda s=inputs[n]: s.interpolate(method="linear"),
                 mtd_fn=lambda s=inputs[n]: linear_interpolation([s.copy()])) for n in names]


SUBSETS = [
    ("regular", "2024-01-01 00:10", "2024-01-01 00:20", False),
    ("regular", "2024-01-01", "2024-01-01", False),
    ("regular", "2024-01-01 01", "2024-01-01 01", False),
    ("regular", "2023-12-31", "2024-01-01 00:03:30", False),
    ("irregular", "2024-01-01 12:00", "2024-01-02 03:00:00.5", False),
    ("irregular", "2024-01-02", "2024-01-02", False),
    ("toronto_spring", "2024-03-10", "2024-03-10", False),
    ("toronto_spring", "2024-03-10 01:00", "2024-03-10 03:40", False),
    ("toronto_fall", "2024-11-03 00:30", "2024-11-03 02:00", False),
    ("months", "2024-02", "2024-02", False),
    ("months", "2023", "2023", False),
    ("regular", 5, 20, True),
    ("regular", 0, 1, True),
    ("regular", 150, 1000, True),
    ("regular", -10, None, True),
    ("irregular", 3, 3, True),
    ("empty", "2024-01-01", "2024-01-02", False),
    ("single", "2024-05-05", "2024-05-05", False),
    ("numeric", 0, 2, True),
]


def subset_cases(inputs):
    out = []
    for name, a, b, rank in SUBSETS:
        s = inputs[name]
        cid = f"{name}/{'rank' if rank else 'label'}/{a}..{b}"
        out.append(case(cid, name, {"start_position": a, "end_position": b, "rank_based": rank},
                        pandas_fn=lambda s=s, a=a, b=b, rank=rank: s.iloc[a:b] if rank else s.loc[a:b],
                        mtd_fn=lambda s=s, a=a, b=b, rank=rank: subset([s.copy()], a, b, rank)))
    return out


REPLACES = [
    ("regular", [["2024-01-01 00:20", "2024-01-01 00:25"]], "sensor cleaning", None),
    ("regular", [["2024-01-01 00:20", "2024-01-01 00:25"], ["2024-01-01 02", "2024-01-01 02"]], "calibration", 0.0),
    ("regular", [["2024-01-01 00:20:30", "2024-01-01 00:21:30"]], "between points", -1.5),
    ("toronto_fall", [["2024-11-03 00:30", "2024-11-03 02:30"]], "dst", None),
    ("irregular", [["2024-01-02", "2024-01-02"]], "whole day", 7.0),
    ("numeric", [[1, 2]], "numeric labels", None),
    ("empty", [["2024-01-01", "2024-01-02"]], "nothing", None),
    ("regular", [["2024-01-01 00:20"]], "bad pair", None),
    ("regular", [["2024-01-01 00:20", "2024-01-01 00:21", "2024-01-01 00:22"]], "bad pair", None),
]


def replace_cases(inputs):
    out = []
    for i, (name, pairs, reason, w) in enumerate(REPLACES):
        s = inputs[name]
        filler = np.nan if w is None else w

        def pd_fn(s=s, pairs=pairs, filler=filler):
            c = s.copy()
            for p in pairs:
                if len(p) != 2:
                    raise ValueError(f"Each pair of indices must contain 2 values (start, and end). Instead, received {p}.")
                c.loc[p[0]:p[1]] = filler
            return c

        out.append(case(f"{i:02d}-{name}/{reason}", name, {"index_pairs": pairs, "reason": reason, "replace_with": w},
                        pandas_fn=pd_fn,
                        mtd_fn=lambda s=s, pairs=pairs, reason=reason, filler=filler: replace_ranges([s.copy()], pairs, reason, filler)))
    return out


def prediction_cases(inputs):
    names = ["regular", "toronto_spring", "empty", "single", "numeric"]
    return [case(n, n, {}, mtd_fn=lambda s=inputs[n]: predict_from_previous_point([s.copy()])) for n in names]


NORMALIZE = [
    ("regular", "s", None), ("regular", "min", None), ("regular", "h", "2024-01-01"), ("regular", "D", "2023-12-31 12:00"),
    ("regular", "ms", None), ("regular", "us", None), ("regular", "ns", None), ("regular", "hours", None),
    ("regular", "days", None), ("regular", "minutes", "2024-01-01 00:00:30"), ("regular", "seconds", None),
    ("regular", "milliseconds", None), ("regular", "microseconds", None), ("regular", "nanoseconds", None),
    ("irregular", "s", None), ("irregular", "h", "2024-01-01 00:00:00.25"),
    ("toronto_spring", "h", None), ("toronto_spring", "min", "2024-03-10"), ("toronto_spring", "s", "2024-03-10 00:00:00+00:00"),
    ("regular", "s", "2024-01-01 00:00:00-05:00"),
    ("months", "D", None),
    ("numeric", "s", None), ("float_index", "min", "2024-01-01"),
    ("empty", "s", None), ("empty", "s", "2024-01-01"),
    ("single", "s", None),
    ("regular", "weeks", None), ("regular", "sec", None),
]


def normalize_cases(inputs):
    out = []
    for name, unit, ref in NORMALIZE:
        s = inputs[name]
        out.append(case(f"{name}/{unit}/{ref}", name, {"unit": unit, "reference_time": ref},
                        mtd_fn=lambda s=s, unit=unit, ref=ref: normalize_index_to_numeric_delta([s.copy()], unit=unit, reference_time=ref)))
    return out


def average_inputs(inputs):
    """Signals for average_signals: overlapping, offset and all-NaN series.

    Nanosecond indexes on purpose: pandas 2.3.3's DatetimeIndex.union of microsecond
    indexes that carry a freq returns wrong timestamps (e.g. 1-min ∪ 2-min ranges gives
    3 rows 16h40 apart), which would corrupt the golden outer join.
    """
    rng = np.random.default_rng(7)
    UNIT = "ns"
    idx1 = pd.date_range("2024-01-01 00:00", periods=30, freq="min", unit=UNIT)
    idx2 = pd.date_range("2024-01-01 00:10", periods=30, freq="min", unit=UNIT)
    idx3 = pd.date_range("2024-01-01 00:00", periods=15, freq="2min", unit=UNIT)
    a = pd.Series(np.round(rng.normal(10, 1, 30), 6), index=idx1, name="RAW")
    a.iloc[3:6] = np.nan
    b = pd.Series(np.round(rng.normal(12, 1, 30), 6), index=idx2, name="RAW")
    b.iloc[0:2] = np.nan
    c = pd.Series(np.round(rng.normal(11, 1, 15), 6), index=idx3, name="RAW")
    c.iloc[1:3] = np.nan
    a.iloc[1] = np.nan  # with c[1] (00:02) also NaN → only b? b starts at 00:10, so NaN
    tz1 = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2024-03-10 00:00", periods=3, freq="h", tz="America/Toronto", unit=UNIT), name="RAW")
    tz2 = pd.Series([5.0, np.nan, 7.0, 9.0], index=pd.date_range("2024-03-10 01:00", periods=4, freq="h", tz="America/Toronto", unit=UNIT), name="RAW")
    return {"A": (a, "mg/L"), "B": (b, "mg/L"), "C": (c, "mg/L"), "D": (c.copy(), "g/m3"), "TZ1": (tz1, "m3/h"), "TZ2": (tz2, "m3/h"),
            "E": (inputs["empty"].rename("RAW").set_axis(inputs["empty"].index.as_unit(UNIT)), "mg/L")}


AVERAGES = [
    (["A", "B"], True), (["A", "B", "C"], True), (["A", "A"], True), (["A", "D"], True), (["A", "D"], False),
    (["TZ1", "TZ2"], True), (["A"], True), (["A", "E"], True),
]


def average_cases(inputs):
    sigs = average_inputs(inputs)
    signal_inputs = {k: {"series": enc_series(s.rename(f"{k}#1_RAW#1")), "units": u} for k, (s, u) in sigs.items()}
    out = []
    for names, check in AVERAGES:
        def mtd(names=names, check=check):
            signals = [Signal(input_data=sigs[n][0].copy(), name=n, units=sigs[n][1], provenance=DataProvenance(parameter=n, location="plant")) for n in names]
            ts_names = [f"{n}#1_RAW#1" for n in names]
            result = average_signals(signals, ts_names, check_units=check)
            sig = result[0]
            [(ts_name, ts)] = list(sig.time_series.items())
            return {"signal": sig.name, "units": sig.units, "provenance": sig.provenance.model_dump(mode="json"),
                    "outputs": [{"series": enc_series(ts.series), "steps": [enc_step(st) for st in ts.processing_steps]}]}

        def pd_fn(names=names):
            frame = pd.concat({f"{n}#1_RAW#1": sigs[n][0] for n in names}, axis=1)
            return frame.mean(axis=1)

        c = {"id": f"{'+'.join(names)}/check_units={check}", "inputs": names, "args": {"check_units": check}}
        r = run(pd_fn)
        c["pandas"] = r if isinstance(r, dict) and "error" in r else enc_series(r)
        c["meteaudata"] = run(mtd)
        out.append(c)
    return {"signals": signal_inputs, "cases": out}


ROLLING = [
    ("regular", 3, None), ("regular", 5, 1), ("regular", 1, None), ("gaps", 4, 2), ("all_nan", 3, None), ("single", 2, None), ("empty", 3, None),
    ("regular", "5min", None), ("regular", "30min", 10), ("gaps", "10min", None), ("irregular", "1h", None), ("irregular", "30min", None),
    ("irregular", "3h", 2), ("toronto_fall", "1h", None), ("toronto_spring", "2h", None), ("single", "5min", None), ("empty", "5min", None),
]


def rolling_cases(inputs):
    out = []
    for name, window, minp in ROLLING:
        s = inputs[name]
        for how in ("mean", "median"):
            out.append(case(f"{name}/{window}/{minp}/{how}", name, {"window": window, "min_periods": minp, "how": how},
                            pandas_fn=lambda s=s, w=window, m=minp, how=how: getattr(s.rolling(w, min_periods=m), how)()))
    return out


def derivative_cases(inputs):
    out = []
    for name in ["regular", "gaps", "irregular", "toronto_spring", "interp_uneven", "empty", "single", "all_nan"]:
        s = inputs[name]

        def fn(s=s):
            dt = s.index.to_series().diff().dt.total_seconds()
            r = s.diff() / dt
            r.index = s.index
            return r.astype("float64").rename(s.name)

        out.append(case(name, name, {}, pandas_fn=fn))
    return out


GAPS = [
    ("gaps", "5min", True), ("gaps", "90min", True), ("gaps", "2h", True), ("regular", "1min", False), ("regular", "1min", True),
    ("regular", "10min", True), ("irregular", "30min", True), ("irregular", "20min", False), ("toronto_fall", "30min", True),
    ("empty", "5min", True), ("single", "5min", True), ("all_nan", "1min", True),
]


def gaps_cases(inputs):
    out = []
    for name, limit, ignore_missing in GAPS:
        s = inputs[name]

        def fn(s=s, limit=limit, ignore_missing=ignore_missing):
            times = pd.Series(s.index, index=s.index)
            if ignore_missing:
                times = times.where(s.notna())
            prev = times.ffill().shift(1)
            flags = (times - prev) > pd.Timedelta(limit)
            return flags.fillna(False).astype(bool).rename(s.name)

        out.append(case(f"{name}/{limit}/{ignore_missing}", name, {"max_gap": limit, "ignore_missing": ignore_missing}, pandas_fn=fn))
    return out


def main():
    inputs = make_inputs()
    os.makedirs(OUT, exist_ok=True)
    meta = {"pandas": pd.__version__, "numpy": np.__version__, "meteaudata": getattr(meteaudata, "__version__", "0.12.1"), "index_unit": UNIT}
    files = {
        "inputs.json": {"meta": meta, "inputs": {k: enc_series(v) for k, v in inputs.items()}},
        "resample.json": {"cases": resample_cases(inputs)},
        "resample-aggregations.json": {"cases": aggregate_cases(inputs)},
        "linear-interpolation.json": {"cases": interpolation_cases(inputs)},
        "subset.json": {"cases": subset_cases(inputs)},
        "replace-ranges.json": {"cases": replace_cases(inputs)},
        "predict-from-previous-point.json": {"cases": prediction_cases(inputs)},
        "normalize-index.json": {"cases": normalize_cases(inputs)},
        "average-signals.json": average_cases(inputs),
        "rolling.json": {"cases": rolling_cases(inputs)},
        "derivative.json": {"cases": derivative_cases(inputs)},
        "gaps.json": {"cases": gaps_cases(inputs)},
    }
    for fname, content in files.items():
        text = json.dumps(content, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
        with open(os.path.join(OUT, fname), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
