import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  createBackend, Dataset, FunctionInfo, MetaseriesError, ProcessingStep, ProcessingType, Series, Signal, TimeSeries, type Transform,
} from '@metaseries/core';
import { averageSignals, linearInterpolation, predictFromPreviousPoint, rollingMean } from '@metaseries/processing';
import '@metaseries/storage-sql';
import {
  dependencyGraph, lineage, minMaxDecimate, plotDataset, plotSignal, plotTimeSeries, summarizeDataset, summarizeTimeSeries,
} from '@metaseries/plot';
import { afterAll, describe, expect, it } from 'vitest';

const HOUR = 3_600_000_000;
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'ms-plot-'));
  dirs.push(d);
  return d;
};
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function signal(name: string, values: number[], options: { tz?: string; units?: string } = {}): Signal {
  return new Signal({ name, units: options.units ?? 'mg/l', data: Series.regular('2024-01-01', HOUR, Float64Array.from(values), { name: 'RAW', freq: 'h', tz: options.tz ?? null }) });
}

/** A transform whose one step has the given type (to check every style). */
function typed(type: ProcessingType, suffix: string, parameters: Record<string, unknown> = {}): Transform {
  return (inputs) => inputs.map((s) => ({
    series: s.rename(`${s.name!.split('_')[0]}_${suffix}`),
    steps: [new ProcessingStep({ type, description: 'test', suffix, parameters, inputSeriesNames: [s.name!], functionInfo: new FunctionInfo({ name: `f-${suffix}`, version: '1', author: 't', reference: '-' }) })],
  }));
}

describe('figure data (meteaudata semantics)', () => {
  it('styles follow the last step type: raw = diamond markers, smoothing = lines, gap filling = triangle-up', async () => {
    const s = signal('A', [1, 2, Number.NaN, 4, 5, 6]);
    await s.process(['A#1_RAW#1'], linearInterpolation());
    await s.process(['A#1_LIN-INT#1'], rollingMean(2));
    await s.process(['A#1_RAW#1'], typed(ProcessingType.FAULT_DETECTION, 'FD'));
    await s.process(['A#1_RAW#1'], typed(ProcessingType.FAULT_DIAGNOSIS, 'DIAG'));
    const fig = await plotSignal(s);
    expect(fig.traces.map((t) => [t.name, t.symbol, t.mode])).toEqual([
      ['A#1_RAW#1', 'diamond', 'markers'],
      ['A#1_LIN-INT#1', 'triangle-up', 'lines+markers'],
      ['A#1_ROLLING-MEAN#1', 'circle', 'lines'],
      ['A#1_FD#1', 'x', 'lines+markers'],
      ['A#1_DIAG#1', 'star', 'lines+markers'],
    ]);
    // Plotly's colourway, in order.
    expect(fig.traces.slice(0, 3).map((t) => t.color)).toEqual(['#636efa', '#EF553B', '#00cc96']);
    expect(fig.title).toBe('Time series plot of A#1');
    expect(fig.subplots[0]!.yTitle).toBe('A#1 (mg/l)');
    expect(fig.subplots[0]!.xTitle).toBe('Time');
  });

  it('TimeSeries plot: legend = ts part, titles from the signal part, start/end inclusive (partial periods)', async () => {
    const s = signal('COD', Array.from({ length: 48 }, (_, i) => i));
    const fig = await plotTimeSeries(s.get('COD#1_RAW#1'), { start: '2024-01-01 10:00', end: '2024-01-01' });
    const t = fig.traces[0]!;
    expect(t.name).toBe('RAW#1');
    expect(fig.title).toBe('Time series plot of COD#1');
    expect(fig.subplots[0]!.yTitle).toBe('COD#1 values');
    expect(Array.from(t.y)).toEqual(Array.from({ length: 14 }, (_, i) => i + 10));
    expect(t.x[0]).toBe(Date.UTC(2024, 0, 1, 10));
  });

  it('prediction series are shifted forward by step_distance × frequency', async () => {
    const s = signal('P', [1, 2, 3, 4]);
    await s.process(['P#1_RAW#1'], predictFromPreviousPoint());
    const fig = await plotSignal(s);
    const [raw, pred] = fig.traces;
    expect(pred!.shiftSteps).toBe(1);
    expect(pred!.symbol).toBe('square');
    expect((pred!.x as Float64Array)[0]! - (raw!.x as Float64Array)[0]!).toBe(3_600_000);
  });

  it('zoned series show local wall-clock time and name the zone on the axis', async () => {
    const s = new Signal({ name: 'Z', data: Series.fromTimes(['2024-07-01T00:00:00Z', '2024-07-01T01:00:00Z'], [1, 2], { name: 'RAW', tz: 'Europe/Paris' }) });
    const fig = await plotSignal(s);
    expect(fig.traces[0]!.x[0]).toBe(Date.UTC(2024, 6, 1, 2)); // 02:00 in Paris (UTC+2)
    expect(fig.subplots[0]!.xTitle).toBe('Time (Europe/Paris)');
  });

  it('a signal with a normalised (non-datetime) series gets a second row with "Time (<unit>)"', async () => {
    const s = signal('N', [1, 2, 3]);
    const normalise: Transform = (inputs) => inputs.map((x) => ({
      series: Series.fromNumbers([0, 0.5, 1], x.values as Float64Array, { name: 'N#1_NORM' }),
      steps: [new ProcessingStep({ type: ProcessingType.TRANSFORMATION, description: 'norm', suffix: 'NORM', parameters: { unit: 'cycle' }, inputSeriesNames: [x.name!], functionInfo: new FunctionInfo({ name: 'norm', version: '1', author: 't', reference: '-' }) })],
    }));
    await s.process(['N#1_RAW#1'], normalise);
    const fig = await plotSignal(s);
    expect(fig.subplots.map((r) => [r.xTitle, r.traces.map((t) => t.name)])).toEqual([['Time', ['N#1_RAW#1']], ['Time (cycle)', ['N#1_NORM#1']]]);
    expect(fig.traces[1]!.xType).toBe('number');
  });

  it('dataset plot: one row per signal, shared x, y title "<signal> Values (<units>)"; unknown names are INVALID_INPUT', async () => {
    const ds = new Dataset({ name: 'd', signals: [signal('A', [1, 2]), signal('B', [3, 4], { units: 'm' })] });
    const fig = await plotDataset(ds, null, ['A#1_RAW#1', 'B#1_RAW#1']);
    expect(fig.sharedX).toBe(true);
    expect(fig.title).toBe('Time series plots of dataset d');
    expect(fig.subplots.map((r) => r.yTitle)).toEqual(['A#1 Values (mg/l)', 'B#1 Values (m)']);
    await expect(plotDataset(ds, null, ['C#1_RAW#1'])).rejects.toThrow(/"C#1_RAW#1"/);
    await expect(plotSignal(ds.get('A#1'), ['nope'])).rejects.toBeInstanceOf(MetaseriesError);
    await expect(plotSignal(ds.get('A#1'), null, { width: 10 })).rejects.toThrow(/width/);
  });

  it('the Vega-Lite spec carries one legend entry per trace and the trace symbols', async () => {
    const s = signal('A', [1, 2, 3]);
    await s.process(['A#1_RAW#1'], rollingMean(2));
    const spec = (await plotSignal(s)).toVegaLite() as { encoding: { color: { scale: { domain: string[]; range: string[] } } }; layer: { encoding?: { shape: { scale: { range: string[] } } } }[] };
    expect(spec.encoding.color.scale.domain).toEqual(['A#1_RAW#1', 'A#1_ROLLING-MEAN#1']);
    expect(spec.layer[1]!.encoding!.shape.scale.range).toEqual(['diamond', 'circle']);
  });
});

describe('decimation', () => {
  it('keeps first, last, and every column minimum and maximum (property)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 50, maxLength: 2000 }), fc.integer({ min: 1, max: 10 }), (ys, columns) => {
      const x = Float64Array.from(ys, (_, i) => i);
      const y = Float64Array.from(ys);
      const d = minMaxDecimate(x, y, columns);
      const kept = new Set(Array.from(d.x));
      expect(kept.has(0) && kept.has(ys.length - 1)).toBe(true);
      expect(d.x.length).toBeLessThanOrEqual(columns * 4);
      if (d.x.length === ys.length) return;
      const span = ys.length - 1;
      for (let c = 0; c < columns; c++) {
        const idx = x.filter((v) => v >= (span * c) / columns && (c === columns - 1 || v < (span * (c + 1)) / columns));
        if (idx.length === 0) continue;
        const vals = Array.from(idx, (i) => y[i]!);
        const lo = Math.min(...vals), hi = Math.max(...vals);
        expect(Array.from(idx).some((i) => kept.has(i) && y[i] === lo)).toBe(true);
        expect(Array.from(idx).some((i) => kept.has(i) && y[i] === hi)).toBe(true);
      }
      for (let i = 1; i < d.x.length; i++) expect(d.x[i]!).toBeGreaterThan(d.x[i - 1]!);
    }), { numRuns: 200 });
  });

  it('markers-only decimation (keepEnds: false) keeps the global extremes, the ends, ≤ 2 points per column', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 100, maxLength: 3000 }), fc.integer({ min: 1, max: 20 }), (ys, columns) => {
      const x = Float64Array.from(ys, (_, i) => i);
      const d = minMaxDecimate(x, Float64Array.from(ys), columns, { keepEnds: false });
      if (ys.length <= columns * 2) return;
      expect(d.x.length).toBeLessThanOrEqual(columns * 2 + 2);
      expect(d.x[0]).toBe(0);
      expect(d.x[d.x.length - 1]).toBe(ys.length - 1);
      expect(Math.max(...d.y)).toBe(Math.max(...ys));
      expect(Math.min(...d.y)).toBe(Math.min(...ys));
    }), { numRuns: 100 });
  });

  it('a 1M-point spike survives into the figure; NaN-only columns become gaps', async () => {
    const n = 1_000_000;
    const v = new Float64Array(n).fill(1);
    v[654_321] = 99;
    v[123_456] = -50;
    v.fill(Number.NaN, 900_000, 950_000);
    const ts = new TimeSeries({ series: Series.regular('2024-01-01', 1_000_000, v, { name: 'X#1_RAW#1' }) });
    const fig = await plotTimeSeries(ts, { width: 500 });
    const t = fig.traces[0]!;
    expect(t.reduction).toBe('min-max');
    expect(t.sourcePoints).toBe(n);
    expect(t.y.length).toBeLessThanOrEqual(2000);
    expect(Math.max(...Array.from(t.y).filter((y) => !Number.isNaN(y)))).toBe(99);
    expect(Math.min(...Array.from(t.y).filter((y) => !Number.isNaN(y)))).toBe(-50);
    expect(Array.from(t.y).some(Number.isNaN)).toBe(true);
  });

  it('a series stored in SQLite is plotted from min/max aggregates and range reads, never loaded', async () => {
    const dir = tmp();
    const url = `sqlite:${join(dir, 'p.db')}`;
    const n = 20_000;
    const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500));
    v[15_000] = 42;
    const ds = new Dataset({ name: 'big', signals: [new Signal({ name: 'S', data: Series.regular('2024-01-01', 60_000_000, v, { name: 'RAW', freq: 'min' }) })] });
    const store = await createBackend(url);
    ds.useBackend(store);
    await ds.saveAll();
    await store.close();
    const reopened = await Dataset.fromBackend(await createBackend(url), 'big');
    try {
      const ts = reopened.get('S#1').get('S#1_RAW#1');
      const fig = await plotTimeSeries(ts, { width: 300 });
      expect(ts.isLoaded).toBe(false);
      const t = fig.traces[0]!;
      expect(t.reduction).toBe('store-min-max');
      expect(t.sourcePoints).toBe(n);
      expect(Math.max(...t.y)).toBe(42);
      expect(t.y.length).toBeLessThanOrEqual(2 * 301);
      // A small window is a range read of the exact points.
      const week = await plotTimeSeries(ts, { start: '2024-01-01 00:00', end: '2024-01-01 00:09' });
      expect(week.traces[0]!.reduction).toBe('none');
      expect(week.traces[0]!.y.length).toBe(10);
      expect(ts.isLoaded).toBe(false);
      const text = await summarizeTimeSeries(ts);
      expect(text).toContain('points: 20000 — values in the store, not loaded');
      expect(text).toMatch(/values: -1 … 42 \(float64\)/);
      expect(ts.isLoaded).toBe(false);
    } finally {
      await reopened.backend?.close();
    }
  });
});

describe('lineage', () => {
  async function chain(): Promise<Dataset> {
    const ds = new Dataset({ name: 'plant', signals: [signal('A', [1, Number.NaN, 3, 4]), signal('B', [2, 2, 2, 2])] });
    await ds.get('A#1').process(['A#1_RAW#1'], linearInterpolation());
    await ds.process(['A#1_LIN-INT#1', 'B#1_RAW#1'], averageSignals());
    await ds.get('AVERAGE#1').process(['AVERAGE#1_RAW#1'], rollingMean(2));
    return ds;
  }

  it('dataset.lineage links a multi-signal chain through averageSignals', async () => {
    const ds = await chain();
    const g = lineage(ds);
    expect(g.edges.map((e) => `${e.from} -> ${e.to} (${e.function})`).sort()).toEqual([
      'A#1_LIN-INT#1 -> AVERAGE#1_RAW#1 (Signal Averaging)',
      'A#1_RAW#1 -> A#1_LIN-INT#1 (linear interpolation)',
      'AVERAGE#1_RAW#1 -> AVERAGE#1_ROLLING-MEAN#1 (rolling_mean)',
      'B#1_RAW#1 -> AVERAGE#1_RAW#1 (Signal Averaging)',
    ]);
    expect(g.nodes).toHaveLength(5);
    expect(g.node('B#1_RAW#1')!.kind).toBe('raw');
    const avg = g.node('AVERAGE#1_RAW#1')!;
    expect(avg.kind).toBe('processed');
    expect(avg.step).toMatchObject({ function: 'Signal Averaging', type: 'dimensionality_reduction', inputs: ['A#1_LIN-INT#1', 'B#1_RAW#1'] });
    expect(g.toMeteaudataEdges()).toContainEqual({ step: 'rolling_mean', type: 'smoothing', origin: 'AVERAGE#1_RAW#1', destination: 'AVERAGE#1_ROLLING-MEAN#1' });
    // Only the ancestors of the named series.
    expect(lineage(ds, ['A#1_LIN-INT#1']).nodes.map((n) => n.id).sort()).toEqual(['A#1_LIN-INT#1', 'A#1_RAW#1']);
  });

  it('signal.dependencyGraph shows other signals\' inputs as external unless given the dataset', async () => {
    const ds = await chain();
    const avg = ds.get('AVERAGE#1');
    expect(dependencyGraph(avg, 'AVERAGE#1_ROLLING-MEAN#1').nodes.filter((n) => n.kind === 'external').map((n) => n.id).sort()).toEqual(['A#1_LIN-INT#1', 'B#1_RAW#1']);
    expect(avg.dependencyGraph('AVERAGE#1_ROLLING-MEAN#1', { dataset: ds }).nodes).toHaveLength(5);
    expect(() => avg.dependencyGraph('nope')).toThrow(MetaseriesError);
  });

  it('the SVG has one node group per series and one arrow per edge', async () => {
    const svg = lineage(await chain()).toSvg();
    expect(svg.match(/class="ms-node"/g)).toHaveLength(5);
    expect(svg.match(/class="ms-edge"/g)).toHaveLength(4);
  });
});

describe('summaries and methods added by the import', () => {
  it('summary text: counts, ranges, units, provenance, last steps', async () => {
    const ds = new Dataset({ name: 'plant', owner: 'me', signals: [signal('A', [1, Number.NaN, 3])] });
    ds.get('A#1').provenance = ds.get('A#1').provenance.with({ location: 'outlet' });
    await ds.get('A#1').process(['A#1_RAW#1'], linearInterpolation());
    const text = await summarizeDataset(ds);
    expect(text).toContain("Dataset 'plant'");
    expect(text).toContain('owner: me');
    expect(text).toContain("Signal 'A#1' (mg/l)");
    expect(text).toContain('location="outlet"');
    expect(text).toContain('A#1_RAW#1: 3 points, 1 missing, 2024-01-01 00:00:00 → 2024-01-01 02:00:00, values 1 … 3; raw data');
    expect(text).toContain('A#1_LIN-INT#1: 3 points, 2024-01-01 00:00:00 → 2024-01-01 02:00:00, values 1 … 3; 1 step, last: gap_filling by linear interpolation');
    expect(await ds.summary({ depth: 1 })).toContain('- A#1 (mg/l): A#1_RAW#1, A#1_LIN-INT#1');
    const ts = await ds.get('A#1').get('A#1_LIN-INT#1').summary();
    expect(ts).toMatch(/1\. gap_filling · linear interpolation .* from \[A#1_RAW#1\]/);
  });

  it('plot/summary/lineage/saveReport are methods once the package is imported (non-enumerable)', async () => {
    const ds = new Dataset({ name: 'd', signals: [signal('A', [1, 2])] });
    expect((await ds.get('A#1').plot()).traces).toHaveLength(1);
    expect((await ds.get('A#1').get('A#1_RAW#1').plot()).traces[0]!.name).toBe('RAW#1');
    expect((await ds.plot()).subplots).toHaveLength(1);
    expect(ds.lineage().nodes).toHaveLength(1);
    expect(Object.keys(Signal.prototype)).not.toContain('plot');
    const path = join(tmp(), 'r.html');
    expect(await ds.saveReport(path)).toBe(path);
  });

  it('bad output paths are refused by extension', async () => {
    const fig = await plotSignal(signal('A', [1]));
    await expect(fig.save(join(tmp(), 'x.jpg'))).rejects.toThrow(/\.html, \.svg or \.png/);
  });
});
