"""Small archives written by meteaudata 0.12.1 on pandas 3, for the fast suite (no Python needed).

  .venv-pandas3/bin/python scripts/gen_pandas3_fixtures.py [out_dir]

pandas 3 writes what pandas 2 did not: `datetime64[us]` indexes, the `str` dtype for
text, offsets with seconds for local mean time (`+00:09:21`). Each archive comes with
expected.json: what pandas 3 had in memory (dtypes, frequency, values as text).
"""
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd

from meteaudata import DataProvenance, Signal, resample

warnings.simplefilter("ignore")
assert pd.__version__.startswith("3."), f"needs pandas 3, got {pd.__version__}"


def provenance() -> DataProvenance:
    return DataProvenance(source_repository="fixture", project="metaseries", location="lab", equipment="probe", parameter="COD", purpose="test", metadata_id="1")


def write(out: str, name: str, signal: Signal) -> None:
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    signal.save(d, zip=True)
    series = {}
    for ts_name, ts in signal.time_series.items():
        s = ts.series
        series[ts_name] = {
            "index_dtype": str(s.index.dtype),
            "values_dtype": str(s.dtype),
            "freq": getattr(s.index, "freqstr", None),
            "index": [str(v) for v in s.index],
            "values": [None if (isinstance(v, float) and np.isnan(v)) or v is None or v is pd.NA else (float(v) if isinstance(v, (float, np.floating)) else str(v)) for v in s.tolist()],
        }
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"pandas": pd.__version__, "signal": signal.name, "series": series}, f, indent=1, ensure_ascii=False)


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test", "fixtures", "pandas3")
    # Hourly in Paris (microsecond unit by default in pandas 3), with NaN, and a processed series.
    idx = pd.date_range("2024-03-30 20:00", periods=12, freq="h", tz="Europe/Paris")
    raw = pd.Series([1.5, np.nan, 2.25, 3.0, 1e-05, 4.0, 5.0, np.nan, 6.0, 7.0, 8.0, 9.5], index=idx, name="RAW")
    sig = Signal(input_data=raw, name="Paris", units="mg/l", provenance=provenance())
    sig.process(["Paris#1_RAW#1"], resample, "2h")
    write(out, "paris_us", sig)
    # Text values: pandas 3's `str` dtype.
    idx2 = pd.date_range("2024-01-01", periods=3, freq="D")
    text = pd.Series(["low", "high", None], index=idx2, name="RAW")
    write(out, "text_str", Signal(input_data=text, name="State", units="-", provenance=provenance()))
    print("ok")


if __name__ == "__main__":
    main()
