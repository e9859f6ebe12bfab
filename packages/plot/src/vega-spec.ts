import type { FigureData, Subplot, Trace } from './figure.js';
import type { MarkerSymbol } from './styles.js';

/** Vega shapes for Plotly's symbol names (x and star have no built-in vega shape: SVG paths). */
const SHAPES: Record<MarkerSymbol, string> = {
  circle: 'circle',
  'triangle-up': 'triangle-up',
  square: 'square',
  'triangle-left': 'triangle-left',
  'triangle-right': 'triangle-right',
  x: 'M-1,-1L1,1M-1,1L1,-1',
  cross: 'cross',
  star: 'M0,-1L0.29,-0.4L0.95,-0.31L0.47,0.15L0.59,0.81L0,0.5L-0.59,0.81L-0.47,0.15L-0.95,-0.31L-0.29,-0.4Z',
  diamond: 'diamond',
};

export type SpecTarget = 'interactive' | 'static';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** 8 significant digits: exact to the eye at any plot size, half the bytes of full doubles. */
function compact(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(8)) : null;
}

function rows(traces: readonly Trace[]): Json[] {
  const out: Json[] = [];
  traces.forEach((trace, t) => {
    for (let i = 0; i < trace.y.length; i++) {
      const x = trace.x[i]!;
      out.push({ t, x: typeof x === 'number' ? x : String(x), y: compact(trace.y[i]!) });
    }
  });
  return out;
}

function xEncoding(subplot: Subplot, target: SpecTarget, showTitle: boolean): Record<string, Json> {
  const kind = subplot.traces[0]?.xType ?? 'time';
  const title = showTitle ? subplot.xTitle : null;
  if (kind === 'category') return { field: 'x', type: 'nominal', sort: null, title };
  if (kind === 'number') return { field: 'x', type: 'quantitative', scale: { zero: false }, title };
  // Wall-clock times of the data's zone are stored as UTC ms: show them with UTC scales,
  // so the page shows the data's local time whatever the reader's zone.
  return { field: 'x', type: 'temporal', scale: { type: 'utc' }, title, axis: { labelOverlap: true } };
}

function subplotSpec(fig: FigureData, subplot: Subplot, row: number, names: string[], colors: string[], shapes: string[], target: SpecTarget, lastRow: boolean): Record<string, Json> {
  const offset = fig.subplots.slice(0, row).reduce((n, s) => n + s.traces.length, 0);
  const local = subplot.traces.map((_, i) => offset + i);
  const lineIds = local.filter((id) => fig.subplots[row]!.traces[id - offset]!.mode !== 'markers');
  const markerIds = local.filter((id) => fig.subplots[row]!.traces[id - offset]!.mode !== 'lines');
  const data = rows(subplot.traces).map((r) => ({ ...(r as Record<string, Json>), t: ((r as Record<string, number>).t ?? 0) + offset }));
  const xTime = (subplot.traces[0]?.xType ?? 'time') === 'time';
  const tooltip: Json[] = [
    { field: 'name', title: 'series' },
    xTime ? { field: 'x', type: 'temporal', title: 'time', format: '%Y-%m-%d %H:%M:%S', formatType: 'utc' } : { field: 'x', title: 'x' },
    { field: 'y', type: 'quantitative', title: 'value' },
  ];
  const lineLayer: Record<string, Json> = {
    transform: [{ filter: { field: 't', oneOf: lineIds } }],
    mark: { type: 'line', strokeWidth: 1.5, clip: true, invalid: 'break-paths-show-path-domains' },
  };
  const pointLayer: Record<string, Json> = {
    transform: [{ filter: { field: 't', oneOf: markerIds } }, { filter: 'isValid(datum.y)' }],
    mark: { type: 'point', filled: true, size: 18, opacity: 0.9, clip: true },
    encoding: {
      shape: { field: 'name', type: 'nominal', scale: { domain: names, range: shapes }, legend: { title: null, orient: 'right', labelLimit: 320 } },
      ...(target === 'interactive' ? { tooltip } : {}),
    },
  };
  if (target === 'interactive') {
    // Drag to pan, wheel to zoom (x only), double-click to reset.
    lineLayer.params = [{ name: `zoom${row}`, select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }];
  }
  return {
    width: fig.width,
    height: fig.rowHeight,
    data: { values: data },
    transform: [{ calculate: `${JSON.stringify(names)}[datum.t]`, as: 'name' }],
    encoding: {
      x: xEncoding(subplot, target, !fig.sharedX || lastRow),
      y: { field: 'y', type: 'quantitative', title: subplot.yTitle, scale: { zero: false } },
      color: { field: 'name', type: 'nominal', scale: { domain: names, range: colors }, legend: { title: null, orient: 'right', labelLimit: 320 } },
    },
    layer: [lineLayer, pointLayer],
  };
}

/**
 * The figure as a Vega-Lite spec: one layered chart per row (lines, then markers with
 * the trace's symbol), rows stacked, one colour legend. `interactive` adds x pan/zoom
 * and tooltips; `static` uses the bundled font for SVG/PNG.
 */
export function toVegaLite(fig: FigureData, target: SpecTarget = 'interactive'): Record<string, Json> {
  const all = fig.subplots.flatMap((s) => s.traces);
  const names = all.map((t) => t.name);
  if (new Set(names).size !== names.length) {
    // Legend entries must be unique: suffix repeats (same series plotted twice).
    const seen = new Map<string, number>();
    for (let i = 0; i < names.length; i++) {
      const n = seen.get(names[i]!) ?? 0;
      seen.set(names[i]!, n + 1);
      if (n > 0) names[i] = `${names[i]} (${n + 1})`;
    }
  }
  const colors = all.map((t) => t.color);
  const shapes = all.map((t) => SHAPES[t.symbol]);
  const charts = fig.subplots.map((s, i) => subplotSpec(fig, s, i, names, colors, shapes, target, i === fig.subplots.length - 1));
  const base: Record<string, Json> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: fig.title, anchor: 'start', fontSize: 16 },
    background: 'white',
    padding: 10,
    config: {
      view: { stroke: '#e5ecf6' },
      axis: { gridColor: '#e5ecf6', domainColor: '#888', tickColor: '#888', labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11 },
      ...(target === 'static' ? { font: 'DejaVu Sans' } : {}),
    },
  };
  if (charts.length === 1) return { ...base, ...charts[0]! };
  return { ...base, vconcat: charts, spacing: fig.sharedX ? 12 : 40, resolve: { scale: { color: 'shared', shape: 'shared', ...(fig.sharedX ? { x: 'shared' } : {}) } } };
}
