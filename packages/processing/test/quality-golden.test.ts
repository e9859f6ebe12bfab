import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Series } from '@metaseries/core';
import {
  combineFlagSeries, dedupedSeries, ewmSeries, flatlineFlags, gapCheckFlags, qualityReportOf, rangeFlags, rateOfChangeFlags, rollingSeries,
  savgolSeries, sortedSeries, spikeFlags, stuckFlags, type EwmOptions, type KeepDuplicate, type RollingStatistic, type Window,
} from '@metaseries/processing';
import { PYTHON, pythonAvailable, SKIP_PYTHON_REASON } from '../../../test/support/python.js';
import { decode, expectFixturesCurrent, expectSeries, isError, ROOT, type EncodedSeries, type PyError } from './fixtures.js';

const QUALITY = join(ROOT, 'test', 'fixtures', 'quality');
const load = <T>(file: string): T => JSON.parse(readFileSync(join(QUALITY, file), 'utf8')) as T;
const inputs = load<{ inputs: Record<string, EncodedSeries> }>('inputs.json').inputs;
const input = (name: string): Series => decode(inputs[name]!);

interface Case<A> { id: string; input: string; args: A; pandas: Omit<EncodedSeries, 'index'> | EncodedSeries | PyError }

/** A values-only golden (index = the input's) as a full encoded series. */
function expected(c: Case<unknown>): EncodedSeries {
  const p = c.pandas as EncodedSeries;
  return { ...p, index: p.index ?? inputs[c.input]!.index };
}

describe('sortIndex / removeDuplicates (pandas sort_index(kind="stable"), ~index.duplicated(keep), groupby(level=0, sort=False).mean())', () => {
  for (const c of load<{ cases: Case<{ op: 'sort' | 'dedupe'; keep?: KeepDuplicate }>[] }>('order.json').cases) {
    it(c.id, () => {
      const s = input(c.input);
      const out = c.args.op === 'sort' ? sortedSeries(s) : dedupedSeries(s, c.args.keep);
      expectSeries(out, expected(c), { label: c.id });
    });
  }
});

describe('rolling min/max/sum/std/var/count/mean/median (pandas rolling)', () => {
  for (const c of load<{ cases: Case<{ window: Window; min_periods: number | null; center: boolean; how: RollingStatistic }>[] }>('rolling.json').cases) {
    it(c.id, () => {
      const out = rollingSeries(input(c.input), c.args.window, c.args.how, { minPeriods: c.args.min_periods ?? undefined, center: c.args.center });
      expectSeries(out, expected(c), { label: c.id });
    });
  }
});

describe('ewm (pandas ewm().mean())', () => {
  for (const c of load<{ cases: Case<EwmOptions>[] }>('ewm.json').cases) {
    it(c.id, () => expectSeries(ewmSeries(input(c.input), c.args), expected(c), { label: c.id }));
  }
});

describe('savgol (scipy.signal.savgol_filter, mode interp)', () => {
  for (const c of load<{ cases: Case<{ windowLength: number; polyorder: number }>[] }>('savgol.json').cases) {
    // scipy solves with lstsq and convolves in another order: equal to 1e-9 relative, not bit for bit
    it(c.id, () => expectSeries(savgolSeries(input(c.input), c.args), expected(c), { label: c.id, rel: 1e-9 }));
  }
});

type CheckArgs = { check: string } & Record<string, unknown>;
function flagsOf(s: Series, a: CheckArgs): Float64Array {
  switch (a.check) {
    case 'range': return rangeFlags(s, a as never);
    case 'rate': return rateOfChangeFlags(s, a as never);
    case 'spike': return spikeFlags(s, a as never);
    case 'flatline': return flatlineFlags(s, a as never);
    case 'stuck': return stuckFlags(s, a as never);
    case 'gap': return gapCheckFlags(s, a as never);
    default: throw new Error(`unknown check ${a.check}`);
  }
}

describe('quality checks: flag codes equal the pandas formulations', () => {
  for (const c of load<{ cases: Case<CheckArgs>[] }>('checks.json').cases) {
    it(c.id, () => {
      expect(isError(c.pandas)).toBe(false);
      const s = input(c.input);
      expectSeries(s.withValues(flagsOf(s, c.args), 'int8'), expected(c), { label: c.id });
    });
  }
});

interface CombinedCase {
  id: string;
  input: string;
  checks: CheckArgs[];
  combined: number[];
  report: { points: number; counts: Record<string, number>; perDay: unknown[]; longestGaps: { from: string; to: string; seconds: number }[] };
}

describe('combineFlags and qualityReport on known faults and the TMY3 file', () => {
  for (const c of load<{ cases: CombinedCase[] }>('combined.json').cases) {
    it(c.id, () => {
      const s = input(c.input);
      const flags = c.checks.map((a) => s.withValues(flagsOf(s, a), 'int8'));
      const combined = combineFlagSeries(flags);
      expect(Array.from(combined.values as Float64Array)).toEqual(c.combined);
      const r = qualityReportOf(s, combined);
      expect(r.points).toBe(c.report.points);
      expect(r.counts).toEqual(c.report.counts);
      expect(r.perDay).toEqual(c.report.perDay);
      expect(r.longestGaps.map((g) => g.seconds)).toEqual(c.report.longestGaps.map((g) => g.seconds));
      // pandas writes the whole-second instants the same way (no fraction), zone offset included
      expect(r.longestGaps.map((g) => [g.from, g.to])).toEqual(c.report.longestGaps.map((g) => [g.from, g.to]));
    });
  }

  it('the hand-made day: each injected fault is found by its check', () => {
    const s = input('faults');
    const at = (text: string): number => (s.index.values as Float64Array).indexOf(Date.parse(`${text}Z`) * 1000);
    expect(spikeFlags(s, { window: 9, center: true })[at('2024-06-01T05:00:00')]).toBe(4);
    const flat = flatlineFlags(s, { window: '2h' });
    expect(flat.filter((x) => x === 8).length).toBe(121);
    expect(rangeFlags(s, { max: 100 }).filter((x) => x === 1).length).toBe(15);
    expect(dedupedSeries(s).length).toBe(s.length - 1);
  });
});

describe('the TMY3 month (a real file, faults injected by the fixture script)', () => {
  const s = input('tmy3');
  const t = s.index.values as Float64Array;
  const at = (text: string): number => t.indexOf(Date.parse(`${text}Z`) * 1000);
  const hits = (f: Float64Array, code: number): number[] => [...f.keys()].filter((i) => (f[i]! & code) !== 0);

  it('each injected fault is found by its check', () => {
    // positions shift by one after the duplicated 07-09 09:00
    expect(hits(rangeFlags(s, { min: -30, max: 50 }), 1)).toEqual([501, 502, 503, 504, 505]);
    expect(spikeFlags(s, { window: '6h', k: 5 })[at('2023-07-05T05:00:00')]).toBe(4);
    expect(rateOfChangeFlags(s, { maxPerSecond: 0.002 })[at('2023-07-05T05:00:00')]).toBe(2);
    const stuck = hits(stuckFlags(s, { minRepeats: 7 }), 16).filter((i) => i > 290 && i < 320); // real still nights are stuck too
    expect(stuck).toEqual(expect.arrayContaining([301, 302, 303, 304, 305, 306, 307])); // (the real 12:00 reading already equals 13:00)
    expect([301, 302, 303, 304, 305, 306, 307].map((i) => new Date(t[i]! / 1000).toISOString().slice(0, 16))).toEqual(
      ['13T13:00', '13T14:00', '13T15:00', '13T16:00', '13T17:00', '13T18:00', '13T19:00'].map((x) => `2023-07-${x}`),
    );
    expect(hits(gapCheckFlags(s, { maxGap: '1h' }), 32)).toEqual([at('2023-07-26T05:00:00')]);
    expect(hits(gapCheckFlags(s, { maxGap: '1h' }), 64)).toHaveLength(4);
    expect(s.length - dedupedSeries(s).length).toBe(1);
  });
});

describe.skipIf(!pythonAvailable())('quality golden vectors are current (regenerated with pandas + scipy + the pvlib TMY3 file)', () => {
  it('scripts/gen_quality_fixtures.py reproduces test/fixtures/quality byte for byte', () => {
    expectFixturesCurrent(PYTHON, 'gen_quality_fixtures.py', QUALITY, 300_000);
  }, 320_000);
});
if (!pythonAvailable()) describe.skip(SKIP_PYTHON_REASON, () => { it('skipped', () => {}); });
