"""Archives written by Python meteaudata 0.12.1, for the metaseries archive tests.

Usage:
  .venv/bin/python scripts/gen_archive_fixtures.py golden [out_dir]   # small set, committed under test/fixtures/archives
  .venv/bin/python scripts/gen_archive_fixtures.py corpus out_dir     # every case (test time, temp dir)
  .venv/bin/python scripts/gen_archive_fixtures.py describe kind path name   # load with meteaudata, print its view as JSON
  .venv/bin/python scripts/gen_archive_fixtures.py describe-many jobs.json    # the same for a JSON list of [kind, path, name]

Each case writes `<case>/` holding the archive and `<case>/expected.json`: what Python sees
in memory (described *before* saving, since some archives cannot be reloaded by Python).
The clock is fixed (datetime.datetime.now patched), so re-running gives identical files.

View encoding: {"kind": "signal", "name", "units", "provenance", "created_on", "last_updated",
"time_series": {name: {"dtype", "values": [float|null|bool|str], "index": {...}, "steps": [...],
"index_metadata": {...}}}}; datetime index values are epoch microseconds (UTC instants when
zoned, wall-clock-as-UTC when naive).
"""

from __future__ import annotations

import datetime
import json
import math
import os
import shutil
import sys
import warnings

import numpy as np
import pandas as pd

import meteaudata  # noqa: F401
from meteaudata import DataProvenance, Dataset, FunctionInfo, Parameters, ProcessingStep, ProcessingType, Signal, TimeSeries
from meteaudata import linear_interpolation, replace_ranges, resample
from meteaudata.processing_steps.multivariate.average import average_signals

warnings.simplefilter("ignore")

_REAL = datetime.datetime


class _Clock:
    def __init__(self) -> None:
        self.t = _REAL(2024, 3, 1, 10, 0, 0, 123456)

    def now(self, tz=None):  # noqa: ARG002
        self.t = self.t + datetime.timedelta(seconds=1, microseconds=250001)
        if self.t.microsecond == 0:
            self.t += datetime.timedelta(microseconds=1)
        return self.t


CLOCK = _Clock()


class _FakeDatetime(_REAL):
    @classmethod
    def now(cls, tz=None):
        return CLOCK.now(tz)


datetime.datetime = _FakeDatetime  # every meteaudata module calls datetime.datetime.now()
TimeSeries.model_fields["created_on"].default_factory = CLOCK.now
TimeSeries.model_rebuild(force=True)
Dataset.model_fields["created_on"].default_factory = CLOCK.now
Dataset.model_fields["last_updated"].default_factory = CLOCK.now
Dataset.model_rebuild(force=True)


# --------------------------------------------------------------------------- view
def _num(x):
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return None if math.isnan(x) else float(x)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return str(x)


def plain(x):
    """model_dump() → JSON data the way a YAML reader should see it: tuples as lists, numpy scalars as numbers."""
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, float) and math.isnan(x):
        return "NaN"
    if isinstance(x, _REAL):
        return x.isoformat()
    if hasattr(x, "value") and x.__class__.__name__ == "ProcessingType":
        return x.value
    return x


def index_view(idx: pd.Index) -> dict:
    if isinstance(idx, pd.DatetimeIndex):
        return {"kind": "datetime", "tz": None if idx.tz is None else str(idx.tz), "freq": idx.freqstr, "name": idx.name,
                "values": [int(v) for v in idx.as_unit("us").asi8]}
    if isinstance(idx, pd.RangeIndex):
        return {"kind": "range", "start": idx.start, "stop": idx.stop, "step": idx.step, "name": idx.name}
    if pd.api.types.is_numeric_dtype(idx.dtype):
        return {"kind": "numeric", "dtype": str(idx.dtype), "name": idx.name, "values": [_num(v) for v in idx]}
    return {"kind": "string", "name": idx.name, "values": [str(v) for v in idx]}


def ts_view(ts: TimeSeries) -> dict:
    s = ts.series
    vals = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else _num(v) for v in s.tolist()]
    return {
        "dtype": ts.values_dtype,
        "values": vals,
        "index": index_view(s.index),
        "index_metadata": ts.index_metadata.model_dump(mode="json") if ts.index_metadata else None,
        "steps": [plain(st.model_dump()) for st in ts.processing_steps],
    }


def signal_view(sig: Signal) -> dict:
    return {
        "kind": "signal", "name": sig.name, "units": sig.units,
        "provenance": sig.provenance.model_dump(mode="json"),
        "created_on": sig.created_on.isoformat(), "last_updated": sig.last_updated.isoformat(),
        "time_series": {k: ts_view(v) for k, v in sig.time_series.items()},
    }


def dataset_view(ds: Dataset) -> dict:
    return {
        "kind": "dataset", "name": ds.name, "description": ds.description, "owner": ds.owner,
        "purpose": ds.purpose, "project": ds.project,
        "created_on": ds.created_on.isoformat(), "last_updated": ds.last_updated.isoformat(),
        "signals": {k: signal_view(v) for k, v in ds.signals.items()},
    }


# --------------------------------------------------------------------------- cases
PROV = DataProvenance(source_repository="metEAUdata README", project="metEAUdata", location="Primary clarifier effluent",
                      equipment="Spectrolyser 12", parameter="Soluble COD", purpose="demo", metadata_id="xyz")


def cod_signal(name="CODs", n=48, freq="6min", tz=None, units="mg/l", start="2024-01-01 00:00") -> Signal:
    rng = np.random.default_rng(7)
    idx = pd.date_range(start, periods=n, freq=freq, tz=tz)
    vals = rng.normal(100, 10, n).round(3)
    vals[[i for i in (3, 4, 10) if i < n]] = np.nan
    return Signal(input_data=pd.Series(vals, index=idx, name="RAW"), name=name, units=units, provenance=PROV)


def processed(sig: Signal) -> Signal:
    raw = sig.all_time_series[0]
    sig.process([raw], resample, "10min")
    sig.process([sig.all_time_series[-1]], linear_interpolation)
    return sig


def custom_step(params: Parameters | None, suffix="CUSTOM") -> ProcessingStep:
    return ProcessingStep(type=ProcessingType.TRANSFORMATION, description="custom step with python-specific parameters",
                          run_datetime=datetime.datetime.now(), requires_calibration=False,
                          function_info=FunctionInfo(name="custom", version="1.0", author="tests", reference="none", source_code="def f(x):\n    return x\n"),
                          parameters=params, suffix=suffix, input_series_names=[])


def tagged_signal() -> Signal:
    """!!python/tuple and numpy scalar tags: safe_load (and Python meteaudata) refuse the YAML."""
    sig = cod_signal("Tagged", n=12)
    raw = sig.all_time_series[0]
    sig.process([raw], replace_ranges, index_pairs=[("2024-01-01 00:06", "2024-01-01 00:12")], reason="bad sensor")
    ts = sig.time_series[sig.all_time_series[-1]]
    ts.processing_steps.append(custom_step(Parameters(window=np.int64(3), alpha=np.float64(0.25), flag=np.bool_(True),
                                                       weights=np.array([0.5, 1.5]), pair=(1, "a"), nested={"t": (2.5, None)})))
    return sig


def signal_case(sig: Signal, **save) -> tuple:
    return ("signal", sig, save)


def cases(full: bool) -> dict:
    c = {}
    c["basic"] = signal_case(processed(cod_signal()))
    c["dataset"] = ("dataset", Dataset(name="plant", description="two sensors", owner="me", purpose="tests", project="pilot",
                                        signals={"a": processed(cod_signal("CODs", units="mg/l")), "b": cod_signal("Flow", units="m3/h", freq="6min")}), {})
    c["tagged"] = signal_case(tagged_signal())
    c["tz_dst"] = signal_case(cod_signal("Temp", n=30, freq="h", tz="America/Toronto", start="2024-03-09 20:00", units="°C"))
    c["multiheader_semicolon"] = signal_case(cod_signal("Level", n=10, units="µg/L"), separator=";", output_index_name=("Time", "UTC"), output_value_names="auto")
    if not full:
        return c
    c["folder"] = signal_case(processed(cod_signal("Folder", n=20)), zip=False)
    c["semicolon"] = signal_case(cod_signal("Semi", n=10), separator=";")
    c["custom_headers"] = signal_case(cod_signal("Named", n=5), output_index_name="timestamp", output_value_names="value")
    c["multiheader_dict"] = signal_case(processed(cod_signal("Multi", n=12)), output_value_names={"Multi#1_RAW#1": ("Raw", "mg/l")})
    sig = cod_signal("Over", n=24)
    sig.process([sig.all_time_series[0]], resample, "30min", overwrite=True)
    c["unnumbered"] = signal_case(sig)
    sig = cod_signal("Late", n=5)
    sig.last_updated = _REAL(2024, 1, 1, 12, 0, 0)
    c["last_updated_no_micro"] = signal_case(sig)
    c["old_aliases"] = signal_case(processed(cod_signal("Old", n=30)))
    c["range_index"] = signal_case(Signal(input_data=pd.Series([1.5, np.nan, 3.25, -0.0], name="RAW"), name="Range", units="unit"))
    c["float_index"] = signal_case(Signal(input_data=pd.Series([1.0, 2.0, 3.0], index=pd.Index([0.0, 0.5, 1e-05], name="hours"), name="RAW"), name="Float"))
    c["non_ascii"] = signal_case(Signal(input_data=pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, freq="D"), name="RAW"),
                                        name="Température", units="°C µg/m³", provenance=DataProvenance(location="Québec — rivière", parameter="T°")))
    c["fractional"] = signal_case(Signal(input_data=pd.Series([1.0, 2.0, 3.0], index=pd.DatetimeIndex(["2024-01-01 00:00:00.5", "2024-01-01 00:00:01", "2024-01-01 00:00:02.000123"]), name="RAW"), name="Frac"))
    c["daily"] = signal_case(cod_signal("Daily", n=10, freq="D"))
    c["utc"] = signal_case(cod_signal("Utc", n=10, freq="15min", tz="UTC"))
    c["ints_bools_strings"] = ("dataset", Dataset(name="types", signals={
        "i": Signal(input_data=pd.Series(np.arange(5, dtype="int64"), index=pd.date_range("2024-01-01", periods=5, freq="h"), name="RAW"), name="Ints"),
        "b": Signal(input_data=pd.Series([True, False, True], index=pd.date_range("2024-01-01", periods=3, freq="h"), name="RAW"), name="Bools"),
        "s": Signal(input_data=pd.Series(["a,b", 'say "hi"', "plain"], index=pd.date_range("2024-01-01", periods=3, freq="h"), name="RAW", dtype=object), name="Strings"),
    }), {})
    avg = Dataset(name="avg", signals={"x": cod_signal("X", n=12), "y": cod_signal("Y", n=12)})
    avg.process(["X#1_RAW#1", "Y#1_RAW#1"], average_signals)
    c["dataset_average"] = ("dataset", avg, {})
    c["empty_default"] = signal_case(Signal())
    return c


def write_case(out: str, key: str, kind: str, obj, save: dict) -> None:
    d = os.path.join(out, key)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    view = signal_view(obj) if kind == "signal" else dataset_view(obj)
    if kind == "signal":
        obj.save(d, **save)
    else:
        obj.save(d, **save)
    _fix_zip_times(d)
    if key == "old_aliases":
        # what pandas < 2.2 wrote: `6T`, `10T`
        path = os.path.join(d, f"{obj.name}.zip")
        import zipfile
        with zipfile.ZipFile(path) as z:
            items = [(i, z.read(i.filename)) for i in z.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in items:
                if info.filename.endswith(".yaml"):
                    data = data.replace(b"\n      frequency: 6min\n", b"\n      frequency: 6T\n").replace(b"\n      frequency: 10min\n", b"\n      frequency: 10T\n")
                z.writestr(info, data)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"kind": kind, "name": obj.name, "save": {k: v for k, v in save.items()}, "view": view}, f, indent=1, sort_keys=True, ensure_ascii=False)


def _fix_zip_times(d: str) -> None:
    """Same bytes on every run: entry timestamps pinned (content, order and compression kept)."""
    import zipfile
    for f in os.listdir(d):
        if not f.endswith(".zip"):
            continue
        path = os.path.join(d, f)
        with zipfile.ZipFile(path) as z:
            items = [(i, z.read(i.filename)) for i in z.infolist()]
        with zipfile.ZipFile(path, "w") as z:
            for info, data in items:
                info.date_time = (2024, 3, 1, 10, 0, 0)
                z.writestr(info, data, compress_type=info.compress_type)


def describe(kind: str, path: str, name: str) -> None:
    obj = Signal.load_from_directory(path, name) if kind == "signal" else Dataset.load(path, name)
    print(json.dumps(signal_view(obj) if kind == "signal" else dataset_view(obj), ensure_ascii=False))


def describe_many(jobs_file: str) -> None:
    """Describe many archives in one process (importing pandas and meteaudata once):
    a JSON list of [kind, path, name] in, a JSON list of views (or {"error": text}) out."""
    out = []
    for kind, path, name in json.load(open(jobs_file, encoding="utf-8")):
        try:
            obj = Signal.load_from_directory(path, name) if kind == "signal" else Dataset.load(path, name)
            out.append(signal_view(obj) if kind == "signal" else dataset_view(obj))
        except Exception as e:  # noqa: BLE001 - reported to the test, which names the case
            out.append({"error": f"{type(e).__name__}: {e}"})
    print(json.dumps(out, ensure_ascii=False))


def main() -> None:
    mode = sys.argv[1]
    if mode == "describe":
        describe(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    if mode == "describe-many":
        describe_many(sys.argv[2])
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "test", "fixtures", "archives")
    os.makedirs(out, exist_ok=True)
    for key, (kind, obj, save) in cases(mode == "corpus").items():
        write_case(out, key, kind, obj, save)
    print("ok")


if __name__ == "__main__":
    main()
