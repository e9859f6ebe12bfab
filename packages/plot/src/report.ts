import { writeFile } from 'node:fs/promises';
import { type Dataset, MetaseriesError } from '@metaseries/core';
import { show } from '@metaseries/core/backend-kit';
import { lineage, LineageGraph } from './lineage.js';
import { plotSignal, type PlotOptions } from './plots.js';
import { escapeHtml, htmlPage, vegaScriptTag } from './render.js';
import { summarizeDataset } from './summary.js';

export interface ReportOptions {
  /** Summary depth (see `SummaryOptions.depth`, default 2). */
  depth?: number;
  /** Signals to plot (default: all). */
  signalNames?: readonly string[];
  /** Series to plot and trace (default: all of the plotted signals). */
  tsNames?: readonly string[];
  /** Passed to every plot (start/end, width, rowHeight…). */
  plot?: Omit<PlotOptions, 'title'>;
}

/**
 * Build a self-contained HTML report of a dataset: its summary, one interactive plot per
 * signal and the lineage graph (click a series to see its step). One file, no network.
 * @example await buildReport(dataset)  // the HTML text
 */
export async function buildReport(dataset: Dataset, options: ReportOptions = {}): Promise<string> {
  const signals = (options.signalNames ?? dataset.allSignals).map((n) => dataset.get(n));
  const summary = await summarizeDataset(dataset, { depth: options.depth ?? 2 });
  const sections: string[] = [
    `<h1>Dataset ${escapeHtml(dataset.name)}</h1>`,
    `<section id="summary"><h2>Summary</h2><pre class="ms-summary">${escapeHtml(summary)}</pre></section>`,
    '<section id="plots"><h2>Plots</h2>',
    vegaScriptTag(),
  ];
  let i = 0;
  for (const signal of signals) {
    const names = options.tsNames ? signal.allTimeSeries.filter((n) => options.tsNames!.includes(n)) : signal.allTimeSeries;
    if (names.length === 0) continue;
    const figure = await plotSignal(signal, names, { rowHeight: 280, ...options.plot });
    sections.push(figure.toHtmlFragment(`ms-plot-${i++}`));
  }
  sections.push('</section>');
  const tsNames = options.tsNames ?? signals.flatMap((s) => s.allTimeSeries);
  const traced = lineage(dataset, tsNames);
  const graph = new LineageGraph({ ...traced, title: options.tsNames || options.signalNames ? traced.title : `Lineage of dataset ${dataset.name}` });
  sections.push(`<section id="lineage"><h2>Lineage</h2>${graph.toHtmlFragment('ms-lineage')}</section>`);
  return htmlPage(`Dataset ${dataset.name}`, sections.join('\n'), '<style>.ms-summary{background:#f6f8fa;padding:12px;border-radius:6px;overflow:auto;font-size:12px}</style>');
}

/** Write `buildReport(dataset, options)` to `path`; returns the path. */
export async function saveReport(dataset: Dataset, path: string, options: ReportOptions = {}): Promise<string> {
  const html = await buildReport(dataset, options);
  try {
    await writeFile(path, html);
  } catch (cause) {
    throw new MetaseriesError('IO_ERROR', `Could not write the report to ${show(path)}: ${(cause as Error).message}`, { cause });
  }
  return path;
}
