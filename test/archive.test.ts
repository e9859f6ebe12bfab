/**
 * meteaudata archives without Python: the codecs (float repr, pandas CSV, PyYAML-exact
 * YAML), the golden archives Python wrote (test/fixtures/archives, made by
 * scripts/gen_archive_fixtures.py with a fixed clock), and the safety rules.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import {
  loadDataset, loadSignal, MetaseriesError, saveDataset, saveSignal, Series, Signal,
} from '@metaseries/core';
import {
  dumpYaml, parseArchiveYaml, parseSeriesCsv, pyFloatRepr, readZip, seriesToCsv,
} from '@metaseries/core/backend-kit';
import { datasetView, signalView } from './support/archive-view.js';
import { tempDir } from './support/tmp.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'archives');
const tmp = () => tempDir('ms-archive-');

function fixture(name: string): { path: string; expected: { kind: string; name: string; view: unknown } } {
  const dir = join(FIXTURES, name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  return { path: join(dir, `${expected.name}.zip`), expected };
}

async function expectCorrupt(p: Promise<unknown>, ...fragments: string[]): Promise<MetaseriesError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(MetaseriesError);
  expect((e as MetaseriesError).code).toBe('CORRUPT_DATA');
  for (const f of fragments) expect((e as MetaseriesError).message).toContain(f);
  return e as MetaseriesError;
}

function zipOf(entries: Record<string, string | Buffer>, compress = true): Promise<Buffer> {
  return new Promise((resolve) => {
    const z = new yazl.ZipFile();
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
    for (const [n, d] of Object.entries(entries)) z.addBuffer(Buffer.from(d), n, { compress });
    z.end();
  });
}

describe('codecs', () => {
  it('writes floats as Python repr', () => {
    const cases: [number, string][] = [[1, '1.0'], [0.1, '0.1'], [1e-5, '1e-05'], [1e16, '1e+16'], [1e15, '1000000000000000.0'], [-0, '-0.0'],
      [Infinity, 'inf'], [-Infinity, '-inf'], [1 / 3, '0.3333333333333333'], [0.0001, '0.0001'], [1.5e-300, '1.5e-300'], [5e-324, '5e-324'], [123456789.125, '123456789.125']];
    for (const [x, text] of cases) expect(pyFloatRepr(x)).toBe(text);
  });

  it('writes CSV exactly as pandas Series.to_csv', () => {
    const day = 86_400_000;
    const s = Series.fromTimes([0, day, 2 * day, 3 * day, 4 * day, 5 * day], [1, NaN, 1e-5, 1e16, -0, Infinity], { name: 'x', tz: null });
    expect(seriesToCsv(s)).toBe(',x\n1970-01-01,1.0\n1970-01-02,\n1970-01-03,1e-05\n1970-01-04,1e+16\n1970-01-05,-0.0\n1970-01-06,inf\n');
    const frac = Series.fromTimes(['2020-01-01 00:00:00.5', '2020-01-01 00:00:01'], [1, 2], { name: 'x', tz: 'America/Toronto' });
    expect(seriesToCsv(frac)).toBe(',x\n2020-01-01 00:00:00.500-05:00,1.0\n2020-01-01 00:00:01.000-05:00,2.0\n');
    const dst = Series.fromTimes(['2020-03-08 01:00', '2020-03-08 03:00'], [1, 2], { name: 'x', tz: 'America/Toronto' });
    expect(seriesToCsv(dst)).toBe(',x\n2020-03-08 01:00:00-05:00,1.0\n2020-03-08 03:00:00-04:00,2.0\n');
    expect(seriesToCsv(Series.fromValues(['a,b', 'c"d', null, 'e\nf'], { name: 'x', dtype: 'object' }))).toBe(',x\n0,"a,b"\n1,"c""d"\n2,\n3,"e\nf"\n');
    expect(seriesToCsv(Series.fromValues([true, false], { name: 'x' }))).toBe(',x\n0,True\n1,False\n');
    expect(seriesToCsv(Series.fromNumbers([0.5, 1e-5], [1.5, 2.5], { name: 'x' }), { separator: ';', indexHeader: ['Time', 'h'], valueHeader: ['Temp', '°C'] }))
      .toBe('Time;Temp\nh;°C\n0.5;1.5\n1e-05;2.5\n');
  });

  it('reads CSV leniently and reports the entry and line of bad rows', () => {
    const p = parseSeriesCsv('Time;Temp\r\nh;C\r\n2020-03-08 01:00:00-05:00;1.5\r\n2020-03-08 03:00:00-04:00;\r\n', { entry: 'a.csv', keyKind: 'datetime', tz: 'America/Toronto', valuesDtype: 'float64', headerRows: 2 });
    expect(p.separator).toBe(';');
    expect(p.header).toEqual([['Time', 'Temp'], ['h', 'C']]);
    expect(Array.from(p.keys as Float64Array)).toEqual([Date.UTC(2020, 2, 8, 6) * 1000, Date.UTC(2020, 2, 8, 7) * 1000]);
    expect(Array.from(p.values as Float64Array)).toEqual([1.5, NaN]);
    const q = parseSeriesCsv(',x\n0,"a ""q"",\nb"\n1,\n', { entry: 'b.csv', keyKind: 'int', valuesDtype: 'object' });
    expect(q.values).toEqual(['a "q",\nb', null]);
    expect(() => parseSeriesCsv(',x\n2020-01-01,1.0\n2020-01-02,abc\n', { entry: 'c.csv', keyKind: 'datetime', valuesDtype: 'float64' }))
      .toThrow(/"c\.csv", line 3: value "abc"/);
  });

  it('dumps YAML as PyYAML does (quoting, escaping, folding)', () => {
    expect(dumpYaml({ b: 'x: y', a: [1, 'yes', '0.1', '', null, true, 0.5, 1e-5, NaN], c: {}, d: [] }))
      .toBe("a:\n- 1\n- 'yes'\n- '0.1'\n- ''\n- null\n- true\n- 0.5\n- 1.0e-05\n- .nan\nb: 'x: y'\nc: {}\nd: []\n");
    expect(dumpYaml({ units: '°C', when: '2024-03-01T10:00:00.123456', pairs: [['a', 'b']] })).toBe("pairs:\n- - a\n  - b\nunits: \"\\xB0C\"\nwhen: '2024-03-01T10:00:00.123456'\n");
    expect(dumpYaml({ a: { b: { steps: [{ description: 'A simple processing function that resamples a series to a given frequency' }] } } }))
      .toBe('a:\n  b:\n    steps:\n    - description: A simple processing function that resamples a series to a given\n        frequency\n');
  });

  it('reads python/tuple and numpy scalar tags', () => {
    const doc = parseArchiveYaml(readFileSync(join(FIXTURES, 'tagged', 'expected.json'), 'utf8').length > 0
      ? 'a: !!python/tuple [1, 2]\nb: !!python/object/apply:numpy._core.multiarray.scalar\n- !!python/object/apply:numpy.dtype\n  args: [f8, false, true]\n  state: !!python/tuple [3, <, null, null, null, -1, -1, 0]\n- !!binary |\n  AAAAAAAA+D8=\n'
      : '', 'x.yaml');
    expect(doc).toEqual({ a: [1, 2], b: 1.5 });
  });
});

describe('golden archives written by Python meteaudata 0.12.1', () => {
  for (const name of readdirSync(FIXTURES)) {
    it(`loads ${name} equal to what Python saw`, async () => {
      const { path, expected } = fixture(name);
      const obj = expected.kind === 'signal' ? await loadSignal(path) : await loadDataset(path);
      const view = expected.kind === 'signal' ? signalView(obj as Signal) : datasetView(obj as never);
      expect(isDeepStrictEqual(view, expected.view)).toBe(true);
      if (!isDeepStrictEqual(view, expected.view)) expect(view).toEqual(expected.view);
    });
  }

  for (const name of ['basic', 'dataset', 'tz_dst', 'multiheader_semicolon']) {
    it(`re-saves ${name} with the same bytes in every YAML and CSV entry`, async () => {
      const { path, expected } = fixture(name);
      const out = tmp();
      const options = name === 'multiheader_semicolon' ? { separator: ';', outputIndexName: ['Time', 'UTC'], outputValueNames: 'auto' as const } : {};
      const written = expected.kind === 'signal' ? await saveSignal(await loadSignal(path), out, options) : await saveDataset(await loadDataset(path), out, options);
      const [orig, mine] = [await readZip(path), await readZip(written)];
      expect([...mine.keys()].sort()).toEqual([...orig.keys()].sort());
      for (const [entry, data] of orig) expect(mine.get(entry)!.toString('utf8'), entry).toBe(data.toString('utf8'));
    });
  }

  it('writes plain YAML for archives Python itself cannot reload (tags), keeping every value', async () => {
    const { path } = fixture('tagged');
    const out = tmp();
    const written = await saveSignal(await loadSignal(path), out);
    const yaml = (await readZip(written)).get('Tagged#1_metadata.yaml')!.toString('utf8');
    expect(yaml).not.toContain('!!');
    expect(yaml).toContain('shape:\n');
    expect(signalView(await loadSignal(written))).toEqual(signalView(await loadSignal(path)));
  });
});

describe('archive layout and options', () => {
  const signal = () => {
    const s = new Signal({
      name: 'CODs', units: 'mg/l', createdOn: '2024-03-01T10:00:00.123456',
      data: Series.fromTimes(['2024-01-01 00:00', '2024-01-01 00:06'], [1.5, NaN], { name: 'RAW', freq: '6min' }),
    });
    s.lastUpdated = '2024-03-01T10:00:00'; // legal isoformat that Python's strict parser refuses
    return s;
  };

  it('writes a deflated signal zip, a folder, and a stored dataset zip; loads them without a name', async () => {
    const out = tmp();
    const s = signal();
    const zipPath = await saveSignal(s, out);
    expect(zipPath).toBe(join(out, 'CODs#1.zip'));
    expect([...(await readZip(zipPath)).keys()]).toEqual(['CODs#1_metadata.yaml', 'CODs#1_data/CODs#1_RAW#1.csv']);
    expect(readFileSync(zipPath).readUInt16LE(8)).toBe(8); // deflate
    await saveSignal(s, out, { zip: false });
    await saveSignal(s, out, { zip: false }); // Python fails on the second save; we replace atomically
    expect(readdirSync(out).sort()).toEqual(['CODs#1.zip', 'CODs#1_data', 'CODs#1_metadata.yaml']);
    const loaded = await loadSignal(out);
    expect(loaded.lastUpdated).toBe('2024-03-01T10:00:00.000000');
    expect((await readZip(zipPath)).get('CODs#1_metadata.yaml')!.toString()).toContain("last_updated: '2024-03-01T10:00:00.000000'");
    const { Dataset } = await import('@metaseries/core');
    const ds = new Dataset({ name: 'plant', signals: [s] });
    const dsZip = await saveDataset(ds, out);
    expect([...(await readZip(dsZip)).keys()]).toEqual(['plant_data/CODs#1_metadata.yaml', 'plant_data/CODs#1_data/CODs#1_RAW#1.csv', 'plant_metadata.yaml']);
    expect(readFileSync(dsZip).readUInt16LE(8)).toBe(0); // stored
    expect(signalView((await loadDataset(dsZip)).get('CODs#1'))).toEqual(signalView(await loadSignal(zipPath)));
  });

  it('renames headers without touching the signal (Python appends EXPORT_RENAME steps in memory)', async () => {
    const out = tmp();
    const s = signal();
    const before = s.get('CODs#1_RAW#1').processingSteps.length;
    const zipPath = await saveSignal(s, out, { outputValueNames: 'auto', outputIndexName: 'timestamp' });
    expect((await readZip(zipPath)).get('CODs#1_data/CODs#1_RAW#1.csv')!.toString()).toBe('timestamp,CODs#1_RAW#1\n,mg/l\n2024-01-01 00:00:00,1.5\n2024-01-01 00:06:00,\n');
    expect(s.get('CODs#1_RAW#1').processingSteps.length).toBe(before);
    expect(Array.from((await loadSignal(zipPath)).get('CODs#1_RAW#1').series.values as Float64Array)).toEqual([1.5, NaN]);
    await expect(saveSignal(s, out, { outputValueNames: ['a', 'b'] })).rejects.toThrow(/Expected 1, got 2/);
  });
});

describe('safety', () => {
  it('rejects zip-slip entries, naming them, and writes nothing', async () => {
    const dir = tmp();
    const good = await zipOf({ 'xx/evil.txt': 'x', 'S#1_metadata.yaml': 'name: S#1\n' });
    const evil = Buffer.from(good.toString('latin1').replaceAll('xx/evil.txt', '../evil.txt'), 'latin1');
    writeFileSync(join(dir, 'S#1.zip'), evil);
    await expectCorrupt(loadSignal(join(dir, 'S#1.zip')), '../evil.txt', 'zip-slip');
    expect(readdirSync(dir)).toEqual(['S#1.zip']);
    expect(existsSync(join(dir, '..', 'evil.txt'))).toBe(false);
  });

  it('fails with CORRUPT_DATA on a truncated zip, corrupt YAML and corrupt CSV, leaving the folder as it was', async () => {
    const dir = tmp();
    const src = fixture('basic').path;
    const bytes = readFileSync(src);
    writeFileSync(join(dir, 'cut.zip'), bytes.subarray(0, bytes.length - 200));
    await expectCorrupt(loadSignal(join(dir, 'cut.zip')), 'cut.zip');
    writeFileSync(join(dir, 'y.zip'), await zipOf({ 'S#1_metadata.yaml': 'name: S#1\ntime_series: [unclosed\n', 'S#1_data/S#1_RAW#1.csv': ',S#1_RAW#1\n' }));
    await expectCorrupt(loadSignal(join(dir, 'y.zip')), 'S#1_metadata.yaml', 'invalid YAML');
    const orig = await readZip(src);
    const entries: Record<string, Buffer> = Object.fromEntries(orig);
    entries['CODs#1_data/CODs#1_RAW#1.csv'] = Buffer.from(orig.get('CODs#1_data/CODs#1_RAW#1.csv')!.toString().replace('\n2024-01-01 00:12:00,', '\n2024-01-01 00:12:00,x'));
    writeFileSync(join(dir, 'c.zip'), await zipOf(entries));
    await expectCorrupt(loadSignal(join(dir, 'c.zip')), 'CODs#1_data/CODs#1_RAW#1.csv', 'line 4');
    expect(readdirSync(dir).sort()).toEqual(['c.zip', 'cut.zip', 'y.zip']);
  });

  it('keeps the previous archive when a save fails, and leaves no temp files', async () => {
    const dir = tmp();
    cpSync(fixture('basic').path, join(dir, 'CODs#1.zip'));
    const before = readFileSync(join(dir, 'CODs#1.zip'));
    const s = await loadSignal(join(dir, 'CODs#1.zip'));
    await expect(saveSignal(s, dir, { separator: '"' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(readFileSync(join(dir, 'CODs#1.zip')).equals(before)).toBe(true);
    await saveSignal(s, dir);
    expect(readdirSync(dir)).toEqual(['CODs#1.zip']);
  });
});
