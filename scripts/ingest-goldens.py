"""
Goldens for the ingestion tests: what pandas.read_csv makes of files nobody here wrote
(vega-datasets CSVs from node_modules, the TMY3 file of the pvlib wheel fetched by
scripts/fetch-ingest-fixtures.mjs). Writes test/fixtures/ingest/goldens.json, small:
per case the row count, time checksum and, per column, count / sum / first values.

    .venv/bin/python scripts/ingest-goldens.py          # rewrite the goldens
    .venv/bin/python scripts/ingest-goldens.py --check  # exit 1 if they differ
"""
import io, json, math, os, sys
import pandas as pd

# Run as a file or through python -c from the repository root.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) if '__file__' in globals() else os.getcwd()
VEGA = os.path.join(ROOT, 'node_modules', 'vega-datasets', 'data')
TMY3 = os.path.join(ROOT, 'test', 'fixtures', 'downloads', '723170TYA.CSV')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'ingest', 'goldens.json')


def corrupted_seattle():
    """seattle-weather.csv with an extra field on file line 102 and "abc" as temp_max on line 202 (same edit as the TS test)."""
    lines = open(os.path.join(VEGA, 'seattle-weather.csv')).read().split('\n')
    lines[101] += ',extra'
    f = lines[201].split(',')
    f[2] = 'abc'
    lines[201] = ','.join(f)
    return '\n'.join(lines)


def tmy3():
    df = pd.read_csv(TMY3, skiprows=1)
    date = pd.to_datetime(df['Date (MM/DD/YYYY)'], format='%m/%d/%Y')
    hours = df['Time (HH:MM)'].str.split(':').str[0].astype(int)
    index = (date + pd.to_timedelta(hours, unit='h')).dt.tz_localize('Etc/GMT+5')
    return index, df.drop(columns=['Date (MM/DD/YYYY)', 'Time (HH:MM)'])


def from_csv(path_or_buf, time, **kw):
    df = pd.read_csv(path_or_buf, **kw)
    index = pd.to_datetime(df[time], format=kw.pop('_fmt', None)) if time else None
    return index, df.drop(columns=[time])


def case_frames():
    v = lambda name: os.path.join(VEGA, name)
    yield 'seattle-weather', lambda: from_csv(v('seattle-weather.csv'), 'date')
    def seattle_la():
        index, df = from_csv(v('seattle-weather.csv'), 'date')
        return index.dt.tz_localize('America/Los_Angeles'), df
    yield 'seattle-weather-la', seattle_la
    def github():
        df = pd.read_csv(v('github.csv'))
        return pd.to_datetime(df['time'], format='%Y/%m/%d %H:%M:%S'), df.drop(columns=['time'])
    yield 'github', github
    def sp500():
        df = pd.read_csv(v('sp500.csv'))
        return pd.to_datetime(df['date'], format='%b %d %Y'), df.drop(columns=['date'])
    yield 'sp500', sp500
    yield 'seattle-hourly', lambda: from_csv(v('seattle-weather-hourly-normals.csv'), 'date')
    yield 'la-riots', lambda: from_csv(v('la-riots.csv'), 'death_date')
    yield 'us-employment', lambda: from_csv(v('us-employment.csv'), 'month')
    def markers():
        df = pd.read_csv(v('seattle-weather.csv'), na_values=['0.0', 'sun'])
        return pd.to_datetime(df['date']), df.drop(columns=['date'])
    yield 'seattle-missing-markers', markers
    def bad_rows():
        df = pd.read_csv(io.StringIO(corrupted_seattle()), on_bad_lines='skip')
        df['temp_max'] = pd.to_numeric(df['temp_max'], errors='coerce')
        return pd.to_datetime(df['date']), df.drop(columns=['date'])
    yield 'seattle-bad-rows', bad_rows
    if os.path.exists(TMY3):
        yield 'tmy3', tmy3


def epoch_us(index):
    if index.dt.tz is not None:
        index = index.dt.tz_convert('UTC').dt.tz_localize(None)
    return index.astype('datetime64[us]').astype('int64')


def summary(index, df):
    us = epoch_us(index)
    cols = {}
    for name in df.columns:
        s = df[name]
        if pd.api.types.is_numeric_dtype(s):
            x = s.astype('float64')
            cols[name] = {'kind': 'number', 'count': int(x.notna().sum()), 'sum': float(x.sum()), 'first': [None if math.isnan(a) else float(a) for a in x.head(3)]}
        else:
            cols[name] = {'kind': 'text', 'count': int(s.notna().sum()), 'first': [None if (a is None or (isinstance(a, float) and math.isnan(a))) else str(a) for a in s.head(3)]}
    return {
        'rows': int(len(df)),
        'timeSumSeconds': float((us // 1_000_000).sum()),
        'firstUs': int(us.iloc[0]),
        'lastUs': int(us.iloc[-1]),
        'columns': cols,
    }


def main():
    goldens = {'pandas': pd.__version__, 'cases': {name: summary(*make()) for name, make in case_frames()}}
    text = json.dumps(goldens, indent=1) + '\n'
    if '--check' in sys.argv:
        old = json.load(open(OUT))
        new = json.loads(text)
        old.pop('pandas', None); new.pop('pandas', None)
        if old != new:
            print('goldens differ from what pandas makes now', file=sys.stderr)
            sys.exit(1)
        print('goldens match pandas ' + pd.__version__)
        return
    open(OUT, 'w').write(text)
    print(f'wrote {OUT} (pandas {pd.__version__}, {len(goldens["cases"])} cases)')


main()
