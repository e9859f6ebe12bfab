/**
 * Ingestion against pandas.read_csv on files nobody here wrote: vega-datasets CSVs and
 * the TMY3 file of the pvlib wheel (fetched by scripts/fetch-ingest-fixtures.mjs). The
 * goldens (test/fixtures/ingest/goldens.json) are written by scripts/ingest-goldens.py;
 * with the Python venv present, one test re-runs pandas and checks they are current.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MISSING, ingest, type IngestOptions, type IngestSource } from '@metaseries/core';
import { describe, expect, it } from 'vitest';
import { PYTHON, pythonAvailable, ROOT, runPython, SKIP_PYTHON_REASON } from './support/python.js';

interface ColumnGolden { kind: 'number' | 'text'; count: number; sum?: number; first: (number | string | null)[] }
interface CaseGolden { rows: number; timeSumSeconds: number; firstUs: number; lastUs: number; columns: Record<string, ColumnGolden> }
const goldens = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/ingest/goldens.json'), 'utf8')) as { cases: Record<string, CaseGolden> };
const VEGA = join(ROOT, 'node_modules/vega-datasets/data');
const TMY3 = join(ROOT, 'test/fixtures/downloads/723170TYA.CSV');

/** The same edit as corrupted_seattle() in scripts/ingest-goldens.py. */
function corruptedSeattle(): string {
  const lines = readFileSync(join(VEGA, 'seattle-weather.csv'), 'utf8').split('\n');
  lines[101] += ',extra';
  const f = lines[201]!.split(',');
  f[2] = 'abc';
  lines[201] = f.join(',');
  return lines.join('\n');
}

const cases: Record<string, { source: () => IngestSource; options: IngestOptions; detected?: Record<string, unknown> }> = {
  'seattle-weather': { source: () => ({ path: join(VEGA, 'seattle-weather.csv') }), options: {}, detected: { delimiter: ',', timeColumn: 'date', timeFormat: 'iso', timezone: null, skipRows: 0, headerRows: 1 } },
  'seattle-weather-la': { source: () => ({ path: join(VEGA, 'seattle-weather.csv') }), options: { timezone: 'America/Los_Angeles' }, detected: { timezone: 'America/Los_Angeles' } },
  github: { source: () => ({ path: join(VEGA, 'github.csv') }), options: {}, detected: { timeColumn: 'time', timeFormat: 'iso' } },
  sp500: { source: () => ({ path: join(VEGA, 'sp500.csv') }), options: {}, detected: { timeFormat: 'month-name' } },
  'seattle-hourly': { source: () => ({ path: join(VEGA, 'seattle-weather-hourly-normals.csv') }), options: {} },
  'la-riots': { source: () => ({ path: join(VEGA, 'la-riots.csv') }), options: {}, detected: { timeColumn: 'death_date' } },
  'us-employment': { source: () => ({ path: join(VEGA, 'us-employment.csv') }), options: {}, detected: { timeColumn: 'month' } },
  'seattle-missing-markers': { source: () => ({ path: join(VEGA, 'seattle-weather.csv') }), options: { missing: [...DEFAULT_MISSING, '0.0', 'sun'] } },
  'seattle-bad-rows': { source: () => ({ text: corruptedSeattle() }), options: { onBadRow: 'nan', name: 'seattle-bad.csv' } },
  tmy3: { source: () => ({ path: TMY3 }), options: { timezone: '-05:00', dayFirst: false }, detected: { skipRows: 1, headerRows: 1, timeColumn: ['Date (MM/DD/YYYY)', 'Time (HH:MM)'], timeFormat: 'mdy', dayFirst: false } },
};

function closeTo(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('ingest matches pandas.read_csv', () => {
  for (const [name, c] of Object.entries(cases)) {
    const needsTmy3 = name === 'tmy3' && !existsSync(TMY3);
    if (needsTmy3 && process.env.CI) throw new Error(`${TMY3} is missing: CI must run scripts/fetch-ingest-fixtures.mjs`);
    it.skipIf(needsTmy3)(needsTmy3 ? `${name} (skipped: run node scripts/fetch-ingest-fixtures.mjs)` : name, async () => {
      const golden = goldens.cases[name]!;
      expect(golden, `golden for ${name}`).toBeDefined();
      const result = await ingest(c.source(), c.options);
      if (c.detected) expect(result.detected).toMatchObject(c.detected);
      expect(result.rows).toBe(golden.rows);
      const columns = Object.keys(result.detected.columns);
      expect(columns).toEqual(Object.keys(golden.columns).filter((k) => columns.includes(k)));
      expect(columns.length).toBe(Object.keys(golden.columns).length);
      const first = result.dataset.signals.get(result.signals[0]!)!;
      const times = (await [...first.timeSeries.values()][0]!.load()).index.values as Float64Array;
      expect(times[0]).toBe(golden.firstUs);
      expect(times[times.length - 1]).toBe(golden.lastUs);
      let sum = 0;
      for (const t of times) sum += Math.floor(t / 1e6);
      expect(sum).toBe(golden.timeSumSeconds);
      for (const [i, column] of columns.entries()) {
        const g = golden.columns[column]!;
        const series = await [...result.dataset.signals.get(result.signals[i]!)!.timeSeries.values()][0]!.load();
        expect(result.detected.columns[column], column).toBe(g.kind === 'number' ? 'float64' : 'str');
        const values = Array.from(series.values as ArrayLike<number | string | null>);
        const present = values.filter((v) => v !== null && !(typeof v === 'number' && Number.isNaN(v)));
        expect(present.length, `${name}: non-missing count of ${column}`).toBe(g.count);
        expect(values.slice(0, 3).map((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v)), column).toEqual(g.first);
        if (g.kind === 'number') {
          const s = (present as number[]).reduce((a, b) => a + b, 0);
          expect(closeTo(s, g.sum!), `${name}: sum of ${column}: ${s} vs pandas ${g.sum}`).toBe(true);
        }
      }
      if (name === 'seattle-bad-rows') {
        expect(result.badRows.count).toBe(2);
        expect(result.badRows.first).toEqual([
          { line: 102, column: 'weather', text: '2012-04-10,0.0,17.8,8.9,3.2,rain,extra', reason: 'expected 6 fields, got 7' },
          { line: 202, column: 'temp_max', text: 'abc', reason: 'is not a number' },
        ]);
      }
    });
  }

  it.skipIf(!pythonAvailable())(pythonAvailable() ? 'the goldens are what pandas makes today' : SKIP_PYTHON_REASON, async () => {
    expect(PYTHON).toBeTruthy();
    const out = await runPython(readFileSync(join(ROOT, 'scripts/ingest-goldens.py'), 'utf8'), ['--check']);
    expect(out).toContain('goldens match pandas');
  });
});
