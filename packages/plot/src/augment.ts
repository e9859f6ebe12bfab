/**
 * Importing `@metaseries/plot` adds plotting methods to the core classes, the way
 * importing a storage package registers its backend. The methods only forward to the
 * functions of this package (which work without the import side effect too); TypeScript
 * learns about them through the module augmentation below.
 *
 * @example
 * import '@metaseries/plot';
 * const fig = await signal.plot();            // same as plotSignal(signal)
 * await dataset.saveReport('report.html');    // same as saveReport(dataset, 'report.html')
 */
import { Dataset, Signal, TimeSeries } from '@metaseries/core';
import type { Figure } from './figure.js';
import { dependencyGraph, lineage, type LineageGraph } from './lineage.js';
import { plotDataset, type PlotOptions, plotSignal, plotTimeSeries, type TimeSeriesPlotOptions } from './plots.js';
import { type ReportOptions, saveReport } from './report.js';
import { summarizeDataset, summarizeSignal, summarizeTimeSeries, type SummaryOptions } from './summary.js';

declare module '@metaseries/core' {
  interface TimeSeries {
    /** `plotTimeSeries(this, options)` — available once `@metaseries/plot` is imported. */
    plot(options?: TimeSeriesPlotOptions): Promise<Figure>;
    /** `summarizeTimeSeries(this, options)` — available once `@metaseries/plot` is imported. */
    summary(options?: SummaryOptions): Promise<string>;
  }
  interface Signal {
    /** `plotSignal(this, tsNames, options)` — available once `@metaseries/plot` is imported. */
    plot(tsNames?: readonly string[] | null, options?: PlotOptions): Promise<Figure>;
    /** `dependencyGraph(this, tsName, options)` — available once `@metaseries/plot` is imported. */
    dependencyGraph(tsName: string, options?: { dataset?: Dataset }): LineageGraph;
    /** `summarizeSignal(this, options)` — available once `@metaseries/plot` is imported. */
    summary(options?: SummaryOptions): Promise<string>;
  }
  interface Dataset {
    /** `plotDataset(this, signalNames, tsNames, options)` — available once `@metaseries/plot` is imported. */
    plot(signalNames?: readonly string[] | null, tsNames?: readonly string[] | null, options?: PlotOptions): Promise<Figure>;
    /** `lineage(this, tsNames)` — available once `@metaseries/plot` is imported. */
    lineage(tsNames?: readonly string[] | null): LineageGraph;
    /** `summarizeDataset(this, options)` — available once `@metaseries/plot` is imported. */
    summary(options?: SummaryOptions): Promise<string>;
    /** `saveReport(this, path, options)` — available once `@metaseries/plot` is imported. */
    saveReport(path: string, options?: ReportOptions): Promise<string>;
  }
}

/** Define a method once, non-enumerable like class methods; a second copy of this package leaves the first in place. */
function define<T extends object>(proto: T, name: string, fn: (this: never, ...args: never[]) => unknown): void {
  if (Object.prototype.hasOwnProperty.call(proto, name)) return;
  Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
}

define(TimeSeries.prototype, 'plot', function (this: TimeSeries, options?: TimeSeriesPlotOptions) { return plotTimeSeries(this, options); });
define(TimeSeries.prototype, 'summary', function (this: TimeSeries, options?: SummaryOptions) { return summarizeTimeSeries(this, options); });
define(Signal.prototype, 'plot', function (this: Signal, tsNames?: readonly string[] | null, options?: PlotOptions) { return plotSignal(this, tsNames, options); });
define(Signal.prototype, 'dependencyGraph', function (this: Signal, tsName: string, options?: { dataset?: Dataset }) { return dependencyGraph(this, tsName, options); });
define(Signal.prototype, 'summary', function (this: Signal, options?: SummaryOptions) { return summarizeSignal(this, options); });
define(Dataset.prototype, 'plot', function (this: Dataset, signalNames?: readonly string[] | null, tsNames?: readonly string[] | null, options?: PlotOptions) { return plotDataset(this, signalNames, tsNames, options); });
define(Dataset.prototype, 'lineage', function (this: Dataset, tsNames?: readonly string[] | null) { return lineage(this, tsNames); });
define(Dataset.prototype, 'summary', function (this: Dataset, options?: SummaryOptions) { return summarizeDataset(this, options); });
define(Dataset.prototype, 'saveReport', function (this: Dataset, path: string, options?: ReportOptions) { return saveReport(this, path, options); });
