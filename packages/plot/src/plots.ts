import { type Dataset, parseTsName, ProcessingType, type Signal, type TimeSeries } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';
import { Figure, type Subplot, type Trace } from './figure.js';
import { COLORWAY, styleOf } from './styles.js';
import { readTraceData, type TimeInput } from './trace-data.js';

export interface PlotOptions {
  title?: string;
  /** y axis title (dataset plots: the middle word, default `Values`). */
  yAxis?: string;
  xAxis?: string;
  /** Inclusive bounds; ISO text may be a partial period (`"2014"`, `"2014-07"`). */
  start?: TimeInput | null;
  end?: TimeInput | null;
  /** Plot width in px (default 900): also the number of columns big series are decimated to. */
  width?: number;
  /** Height of one row in px (default 400, as meteaudata's subplots). */
  rowHeight?: number;
}

export interface TimeSeriesPlotOptions extends PlotOptions {
  /** Legend entry (default: the ts part of the name, `RAW#1`). */
  legendName?: string;
}

const DEFAULT_WIDTH = 900;
const DEFAULT_ROW_HEIGHT = 400;

function signalPart(name: string): string {
  try {
    return parseTsName(name).signal || '<No signal>';
  } catch {
    return '<No signal>';
  }
}

/** The `unit` parameter of the latest TRANSFORMATION step (normalised series), if any. */
function transformationUnit(ts: TimeSeries): string | null {
  let unit: string | null = null;
  for (const step of ts.processingSteps) {
    if (step.type !== ProcessingType.TRANSFORMATION) continue;
    const u = step.parameters?.get('unit');
    if (u !== undefined && u !== null) unit = String(u);
  }
  return unit;
}

function checkOptions(options: PlotOptions): { width: number; rowHeight: number } {
  const width = options.width ?? DEFAULT_WIDTH;
  const rowHeight = options.rowHeight ?? DEFAULT_ROW_HEIGHT;
  if (!Number.isInteger(width) || width < 50 || width > 10_000) throw invalidInput(`Plot width must be an integer between 50 and 10000 px, got ${show(width)}`);
  if (!Number.isInteger(rowHeight) || rowHeight < 50 || rowHeight > 10_000) throw invalidInput(`Plot rowHeight must be an integer between 50 and 10000 px, got ${show(rowHeight)}`);
  return { width, rowHeight };
}

async function makeTrace(ts: TimeSeries, name: string, options: PlotOptions, width: number, colorIndex: number): Promise<Trace> {
  const style = styleOf(ts);
  const data = await readTraceData(ts, { start: options.start ?? null, end: options.end ?? null, columns: width, markersOnly: style.mode === 'markers' });
  return { ...data, name, seriesName: ts.name, symbol: style.symbol, mode: style.mode, color: COLORWAY[colorIndex % COLORWAY.length]! };
}

function timeTitle(base: string, trace: Trace): string {
  return trace.xType === 'time' && trace.timeZone ? `${base} (${trace.timeZone})` : base;
}

/**
 * meteaudata's `TimeSeries.plot`: one trace styled by the last processing step,
 * prediction series shifted by their step distance, optional start/end.
 * @example const fig = await plotTimeSeries(signal.get('A#1_RAW#1')); await fig.save('raw.html');
 */
export async function plotTimeSeries(ts: TimeSeries, options: TimeSeriesPlotOptions = {}): Promise<Figure> {
  const { width, rowHeight } = checkOptions(options);
  const signal = signalPart(ts.name);
  let legend = options.legendName;
  if (legend === undefined) {
    try {
      legend = `${parseTsName(ts.name).base}#${parseTsName(ts.name).number}`;
    } catch {
      legend = ts.name;
    }
  }
  const trace = await makeTrace(ts, legend, options, width, 0);
  const unit = transformationUnit(ts);
  return new Figure({
    title: options.title ?? `Time series plot of ${signal}`,
    subplots: [{ xTitle: options.xAxis ?? timeTitle(unit ? `Time (${unit})` : 'Time', trace), yTitle: options.yAxis ?? `${signal} values`, traces: [trace] }],
    sharedX: false,
    width,
    rowHeight,
  });
}

/**
 * meteaudata's `Signal.plot`: the named series (default: all) on one figure, or one row
 * per kind of index when they differ (datetime vs normalised vs other).
 * @example const fig = await plotSignal(signal, ['A#1_RAW#1', 'A#1_SMOOTH#1']);
 */
export async function plotSignal(signal: Signal, tsNames?: readonly string[] | null, options: PlotOptions = {}): Promise<Figure> {
  const { width, rowHeight } = checkOptions(options);
  const names = tsNames ?? signal.allTimeSeries;
  const groups = new Map<string, { unit: string | null; traces: Trace[] }>();
  let colour = 0;
  for (const name of names) {
    const ts = signal.get(name);
    const unit = transformationUnit(ts);
    const key = ts.indexMetadata.type === 'DatetimeIndex' ? 'DatetimeIndex' : unit ? `Normalized(${unit})` : ts.indexMetadata.type;
    const group = groups.get(key) ?? { unit: key === 'DatetimeIndex' ? null : unit, traces: [] };
    group.traces.push(await makeTrace(ts, name, options, width, colour++));
    groups.set(key, group);
  }
  const yTitle = options.yAxis ?? `${signal.name} (${signal.units})`;
  const subplots: Subplot[] = [...groups.values()].map((g) => ({
    xTitle: options.xAxis ?? (g.traces[0] ? timeTitle(g.unit ? `Time (${g.unit})` : 'Time', g.traces[0]) : 'Time'),
    yTitle,
    traces: g.traces,
  }));
  if (subplots.length === 0) subplots.push({ xTitle: options.xAxis ?? 'Time', yTitle, traces: [] });
  return new Figure({ title: options.title ?? `Time series plot of ${signal.name}`, subplots, sharedX: false, width, rowHeight });
}

/**
 * meteaudata's `Dataset.plot`: one row per signal sharing the time axis; `tsNames`
 * picks series across signals (default: every series of each signal).
 * @example const fig = await plotDataset(dataset, ['A#1', 'B#1'], ['A#1_RAW#1', 'B#1_RAW#1']);
 */
export async function plotDataset(dataset: Dataset, signalNames?: readonly string[] | null, tsNames?: readonly string[] | null, options: PlotOptions = {}): Promise<Figure> {
  const { width, rowHeight } = checkOptions(options);
  const signals = (signalNames ?? dataset.allSignals).map((n) => dataset.get(n));
  if (tsNames) {
    const known = new Set(signals.flatMap((s) => s.allTimeSeries));
    for (const n of tsNames) if (!known.has(n)) throw invalidInput(`Time series ${show(n)} is not in the plotted signals [${signals.map((s) => s.name).join(', ')}]`);
  }
  const subplots: Subplot[] = [];
  let colour = 0;
  for (const signal of signals) {
    const names = tsNames ? signal.allTimeSeries.filter((n) => tsNames.includes(n)) : signal.allTimeSeries;
    const traces: Trace[] = [];
    for (const name of names) traces.push(await makeTrace(signal.get(name), name, options, width, colour++));
    subplots.push({
      xTitle: options.xAxis ?? (traces[0] ? timeTitle('Time', traces[0]) : 'Time'),
      yTitle: `${signal.name} ${options.yAxis ?? 'Values'} (${signal.units})`,
      traces,
    });
  }
  return new Figure({ title: options.title ?? `Time series plots of dataset ${dataset.name}`, subplots, sharedX: true, width, rowHeight });
}
