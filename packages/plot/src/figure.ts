import { compileVegaLite, htmlPage, type PngOptions, saveByExtension, svgToPng, vegaChartHtml, vegaScriptTag, vegaToSvg } from './render.js';
import type { MarkerSymbol, TraceMode } from './styles.js';
import { type SpecTarget, toVegaLite } from './vega-spec.js';
import type { TraceData } from './trace-data.js';

/** One line/marker series in a figure (Plotly's `go.Scatter`, as meteaudata builds it). */
export interface Trace extends TraceData {
  /** Legend name (the ts part `RAW#1` for a lone series, the full name in signal and dataset plots). */
  name: string;
  /** Full name of the series it shows. */
  seriesName: string;
  symbol: MarkerSymbol;
  mode: TraceMode;
  color: string;
}

/** One row of a figure, with its own axes. */
export interface Subplot {
  xTitle: string;
  yTitle: string;
  traces: Trace[];
}

/**
 * The data behind a figure: rows of traces with titles — what the renderers draw and
 * what tests check. Render it with `toHtml`, `toSvg`, `toPng` or `save`.
 */
export interface FigureData {
  title: string;
  subplots: Subplot[];
  /** Rows share one x axis (dataset plots), as `make_subplots(shared_xaxes=True)`. */
  sharedX: boolean;
  /** Plot area width in px (also the decimation's column count). */
  width: number;
  /** Height of each row in px. */
  rowHeight: number;
}

/**
 * A figure: its data (rows of traces) and its renderings — a standalone interactive
 * HTML page (Vega runtime inlined, works offline), SVG and PNG made without a browser.
 * @example
 * const fig = await plotSignal(signal);
 * fig.subplots[0].traces.length  // what will be drawn
 * await fig.save('signal.html'); await fig.save('signal.png');
 */
export class Figure implements FigureData {
  readonly title: string;
  readonly subplots: Subplot[];
  readonly sharedX: boolean;
  readonly width: number;
  readonly rowHeight: number;

  constructor(data: FigureData) {
    this.title = data.title;
    this.subplots = data.subplots;
    this.sharedX = data.sharedX;
    this.width = data.width;
    this.rowHeight = data.rowHeight;
  }

  /** Every trace, row after row. */
  get traces(): Trace[] {
    return this.subplots.flatMap((s) => s.traces);
  }

  /** The Vega-Lite spec (interactive: pan/zoom and tooltips; static: bundled font). */
  toVegaLite(target: SpecTarget = 'interactive'): Record<string, unknown> {
    return toVegaLite(this, target);
  }

  /** The chart as an HTML fragment for a page that already includes the Vega runtime. */
  toHtmlFragment(id = 'metaseries-figure'): string {
    return vegaChartHtml(compileVegaLite(this.toVegaLite('interactive')), id);
  }

  /** A standalone page: the Vega runtime and the data inlined, no network needed. */
  toHtml(): string {
    return htmlPage(this.title, `${vegaScriptTag()}\n${this.toHtmlFragment()}`);
  }

  toSvg(): Promise<string> {
    return vegaToSvg(compileVegaLite(this.toVegaLite('static')));
  }

  async toPng(options: PngOptions = {}): Promise<Buffer> {
    return svgToPng(await this.toSvg(), options);
  }

  /** Write `.html`, `.svg` or `.png` (by extension); returns the path. */
  save(path: string): Promise<string> {
    return saveByExtension(path, { html: () => this.toHtml(), svg: () => this.toSvg(), png: (o) => this.toPng(o) });
  }
}
