/**
 * @metaseries/plot — plots with meteaudata's semantics (interactive offline HTML, SVG,
 * PNG), lineage graphs, summaries and HTML reports. Importing it also adds `plot`,
 * `summary`, `dependencyGraph`, `lineage` and `saveReport` methods to the core classes.
 */
import './augment.js';

export * from './decimate.js';
export * from './figure.js';
export * from './lineage.js';
export * from './plots.js';
export * from './report.js';
export * from './summary.js';
export { layoutLineage, type LineageLayout } from './lineage-render.js';
export { COLORWAY, type MarkerSymbol, styleOf, type TraceMode, type TraceStyle } from './styles.js';
export type { TimeInput, TraceData, XType } from './trace-data.js';
export type { OutputFormat, PngOptions } from './render.js';
export type { SpecTarget } from './vega-spec.js';
