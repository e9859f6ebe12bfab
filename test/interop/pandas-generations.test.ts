/**
 * The Python-compatibility formatters and archives at real sizes, against the real
 * Python on both pandas generations (pandas 2.3.3 in .venv, the newest pandas 3 in
 * .venv-pandas3; scripts/python-venv.mjs makes both):
 * - pandas timestamp text: every text we write names the same instant for pandas, and
 *   is the text pandas writes (except local mean time, where pandas 3 writes
 *   `+00:09:21`, which no pandas reads back: we write `+00:09` with its wall clock);
 * - frequency aliases: what we write, every pandas reads as the same offset;
 * - dtype names as pandas prints them;
 * - archives of 100,000+ points per series with a zone, NaN and a processed chain, both ways.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type DatetimeIndex, loadSignal, saveSignal, Series, Signal,
} from '@metaseries/core';
import {
  datetimeDtype, formatFrequency, pandasTimestampText, parseFrequency,
} from '@metaseries/core/backend-kit';
import { linearInterpolation, resample } from '@metaseries/processing';
import { PYTHONS, pythonAvailable, pythonJson, skipReason } from '../support/python.js';
import { tempDirs } from '../support/temp.js';

const tmp = tempDirs('ms-pandas-gen-');

const ZONES = ['UTC', 'Europe/Paris', 'America/Toronto', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC-05:00'];

/** Summary of a loaded signal, computed the same way on both sides. */
interface Summary { len: number; nans: number; sum: number; first: string; last: string }

const PY_SUMMARY = `
import json, math, sys, warnings
warnings.simplefilter("ignore")
from meteaudata import Signal
def summary(sig):
    out = {}
    for name, ts in sig.time_series.items():
        s = ts.series
        out[name] = {"len": int(len(s)), "nans": int(s.isna().sum()), "sum": float(s.sum()), "first": str(s.index[0]), "last": str(s.index[-1])}
    return out
`;

function summarize(signal: Signal): Record<string, Summary> {
  const out: Record<string, Summary> = {};
  for (const name of signal.timeSeries.keys()) {
    const s = signal.get(name).series;
    const v = s.values as Float64Array;
    let nans = 0, sum = 0;
    for (const x of v) { if (x !== x) nans++; else sum += x; }
    const index = s.index as DatetimeIndex;
    const digits = index.values.some((us) => us % 1_000_000 !== 0) ? 6 : 0;
    out[name] = { len: s.length, nans, sum, first: pandasTimestampText(index.values[0]!, index.tz, digits), last: pandasTimestampText(index.values[s.length - 1]!, index.tz, digits) };
  }
  return out;
}

function expectSummaries(got: Record<string, Summary>, want: Record<string, Summary>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, w] of Object.entries(want)) {
    const g = got[name]!;
    expect({ ...g, sum: 0 }, name).toEqual({ ...w, sum: 0 });
    expect(Math.abs(g.sum - w.sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(w.sum)));
  }
}

for (const side of PYTHONS) {
  const HAVE = pythonAvailable(side);
  const python = side.python;

  describe.skipIf(!HAVE)(`Python compatibility on ${side.label}`, () => {
    it('pandas timestamp text: same instant for pandas always, same text as str(pd.Timestamp) outside local mean time', async () => {
      const cases: { us: number; tz: string; text: string }[] = [];
      for (let i = 0; i < 3000; i++) {
        const tz = ZONES[i % ZONES.length]!;
        // 1850–2100, whole seconds or microseconds.
        let us = Math.floor((-3_786_825_600 + Math.random() * 7_889_000_000)) * 1_000_000;
        if (i % 3 === 0) us += Math.floor(Math.random() * 1_000_000);
        cases.push({ us, tz, text: pandasTimestampText(us, tz) });
      }
      const dir = tmp();
      writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
      const res = await pythonJson<{ same: boolean; instant: boolean; py: string }[]>(`
import json, sys, pandas as pd
out = []
for c in json.load(open(sys.argv[1])):
    tz = c["tz"]
    tz = tz[3:] if tz.startswith("UTC") and len(tz) > 3 else tz
    t = pd.Timestamp(c["us"], unit="us", tz="UTC").tz_convert(tz)
    mine = pd.Timestamp(c["text"])
    out.append({"same": str(t) == c["text"], "instant": mine.value == t.value if mine.unit == t.unit else mine.as_unit("ns").value == t.as_unit("ns").value, "py": str(t)})
print(json.dumps(out))
`, [join(dir, 'cases.json')], { python });
      const wrongInstant = res.map((r, i) => ({ ...r, ...cases[i]! })).filter((r) => !r.instant);
      expect(wrongInstant.slice(0, 5)).toEqual([]);
      // Same text where every zone database agrees (pytz, which pandas 2 uses, has no DST
      // rules past 2037 and older history than ICU); pandas 3 writes local mean time
      // offsets with seconds (`+00:09:21`), which no pandas reads back.
      const agreed = (us: number): boolean => us >= 0 && us < 2_145_916_800_000_000;
      const differs = res.map((r, i) => ({ ...r, ...cases[i]! })).filter((r) => agreed(r.us) && !r.same && !/[+-]\d\d:\d\d:\d\d$/.test(r.py));
      expect(differs.slice(0, 5)).toEqual([]);
    });

    it('local mean time: 1850 Paris is written +00:09 with its wall clock, and names the same instant', async () => {
      const us = Date.UTC(1850, 0, 1, 11, 50, 39) * 1000;
      const text = pandasTimestampText(us, 'Europe/Paris');
      expect(text).toBe('1850-01-01 11:59:39+00:09');
      const res = await pythonJson<[number, string]>(`
import json, sys, pandas as pd
t = pd.Timestamp(sys.argv[1])
print(json.dumps([int(t.value) // 1000, str(pd.Timestamp(int(sys.argv[2]), unit="us", tz="UTC").tz_convert("Europe/Paris"))]))
`, [text, String(us)], { python });
      expect(res[0]).toBe(us);
      // pandas 2 (pytz) writes the same text; pandas 3 (zoneinfo) writes +00:09:21.
      expect(side.id === 'pandas2' ? res[1] === text : res[1] === '1850-01-01 12:00:00+00:09:21').toBe(true);
    });

    it('frequency aliases of both generations are written in a spelling this pandas reads as the same offset', async () => {
      const aliases = ['h', 'H', '15min', '15T', 's', 'S', 'ms', 'L', 'us', 'U', 'D', 'B', 'W', 'W-MON', 'MS', 'ME', 'M', 'QS', 'QE', 'Q', 'QE-NOV', 'YS', 'YE', 'A', 'Y', '2h', '6T'];
      const written = aliases.map((a) => formatFrequency(parseFrequency(a)));
      const res = await pythonJson<(string | null)[]>(`
import json, sys, pandas as pd
from pandas.tseries.frequencies import to_offset
out = []
for a in json.loads(sys.argv[1]):
    try: out.append(to_offset(a).freqstr)
    except Exception: out.append(None)
print(json.dumps(out))
`, [JSON.stringify(written)], { python });
      const bad = written.map((w, i) => [aliases[i], w, res[i]]).filter(([, , py]) => py === null);
      expect(bad).toEqual([]);
      // Reading back what pandas prints gives the same frequency.
      for (let i = 0; i < written.length; i++) expect(formatFrequency(parseFrequency(res[i]!)), aliases[i]).toBe(written[i]);
    });

    it('dtype names are the ones pandas prints', async () => {
      const res = await pythonJson<string[]>(`
import json, pandas as pd
r = []
for unit in ["s", "ms", "us", "ns"]:
    for tz in [None, "UTC", "Europe/Paris"]:
        r.append(str(pd.date_range("2024-01-01", periods=2, freq="h", tz=tz, unit=unit).dtype))
print(json.dumps(r))
`, [], { python });
      const mine: string[] = [];
      for (const unit of ['s', 'ms', 'us', 'ns'] as const) for (const tz of [null, 'UTC', 'Europe/Paris']) mine.push(datetimeDtype(unit, tz));
      expect(mine).toEqual(res);
    });

    it('reads a 100,000-point zoned archive with NaN and a processed chain that Python wrote', async () => {
      // Daily processed series keep Python's save (pandas writes zoned CSV rows slowly) short.
      const dir = tmp();
      const want = await pythonJson<Record<string, Summary>>(`${PY_SUMMARY}
import numpy as np, pandas as pd
from meteaudata import DataProvenance, Signal, resample, linear_interpolation
n = 100_000
idx = pd.date_range("2023-01-01", periods=n, freq="15min", tz="Europe/Paris")
rng = np.random.default_rng(7)
vals = rng.normal(100, 10, n)
vals[::7] = np.nan
sig = Signal(input_data=pd.Series(vals, index=idx, name="RAW"), name="Big", units="mg/l", provenance=DataProvenance(parameter="COD"))
sig.process(["Big#1_RAW#1"], resample, "1D")
sig.process(["Big#1_RESAMPLED#1"], linear_interpolation)
sig.save(sys.argv[1], zip=True)
print(json.dumps(summary(sig)))
`, [dir], { python });
      const loaded = await loadSignal(join(dir, 'Big#1.zip'));
      expect(loaded.get('Big#1_RAW#1').series.length).toBe(100_000);
      expectSummaries(summarize(loaded), want);
    }, 240_000);

    it('writes a 120,000-point archive with NaN and a processed chain that Python loads equal', async () => {
      const n = 120_000;
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = i % 7 === 0 ? Number.NaN : 100 + Math.sin(i / 50) * 10 + i * 1e-5;
      const signal = new Signal({ name: 'Big', units: 'mg/l', data: Series.regular('2023-01-01', 60_000_000, values, { name: 'RAW', tz: 'UTC', freq: 'min' }) });
      await signal.process(['Big#1_RAW#1'], resample('15min'));
      await signal.process(['Big#1_RESAMPLED#1'], linearInterpolation());
      const dir = tmp();
      const path = await saveSignal(signal, dir);
      const got = await pythonJson<Record<string, Summary>>(`${PY_SUMMARY}
sig = Signal.load_from_directory(sys.argv[1], "Big#1")
print(json.dumps(summary(sig)))
`, [path], { python });
      expectSummaries(got, summarize(signal));
    }, 240_000);
  });

  // Declared only when skipping, so a run with Python lists no skip.
  if (!HAVE) {
    describe(`Python compatibility on ${side.label}`, () => {
      it.skip(skipReason(side), () => undefined);
    });
  }
}
