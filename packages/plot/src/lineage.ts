import { lineageHtml, lineageHtmlFragment, lineageSvg } from './lineage-render.js';
import { type PngOptions, saveByExtension, svgToPng } from './render.js';
import { type Dataset, parseTsName, type ProcessingStep, type ProcessingType, type Signal, type TimeSeries } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';

/** What a series' last step did — what the lineage page shows when a node is clicked. */
export interface LineageStep {
  function: string;
  version: string;
  author: string;
  reference: string;
  type: ProcessingType;
  description: string;
  suffix: string;
  parameters: Record<string, unknown> | null;
  runDatetime: string;
  stepDistance: number;
  inputs: string[];
}

/** A series in the graph: `raw` (no steps), `processed`, or `external` (named as an input but not in the signal/dataset). */
export interface LineageNode {
  id: string;
  signal: string;
  kind: 'raw' | 'processed' | 'external';
  /** The step that made it (its last step); null for raw and external series. */
  step: LineageStep | null;
  /** Number of steps in its full history. */
  historyLength: number;
  createdOn: string | null;
}

/** "`to` was computed from `from`" by the step `function` of `to`. */
export interface LineageEdge {
  from: string;
  to: string;
  function: string;
  type: ProcessingType;
}

/** meteaudata's `build_dependency_graph` edge format. */
export interface MeteaudataEdge {
  step: string;
  type: ProcessingType;
  origin: string;
  destination: string;
}

export interface LineageGraphData {
  title: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

function stepInfo(step: ProcessingStep): LineageStep {
  return {
    function: step.functionInfo.name,
    version: step.functionInfo.version,
    author: step.functionInfo.author,
    reference: step.functionInfo.reference,
    type: step.type,
    description: step.description,
    suffix: step.suffix,
    parameters: step.parameters ? step.parameters.toDict() : null,
    runDatetime: step.runDatetime,
    stepDistance: step.stepDistance,
    inputs: [...step.inputSeriesNames],
  };
}

function signalOf(name: string): string {
  try {
    return parseTsName(name).signal;
  } catch {
    return '';
  }
}

/**
 * Walk back from `targets` through each series' last step's inputs. `lookup` holds the
 * series that can be resolved (a signal's, or every signal's of a dataset — so steps
 * such as averageSignals link across signals). Each node and edge appears once; a
 * cycle (a step naming its own output) is cut.
 */
export function buildLineage(targets: readonly string[], lookup: ReadonlyMap<string, TimeSeries>, title: string): LineageGraphData {
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const stack = [...targets].reverse();
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (nodes.has(name)) continue;
    const ts = lookup.get(name);
    const last = ts?.processingSteps[ts.processingSteps.length - 1];
    nodes.set(name, {
      id: name,
      signal: signalOf(name),
      kind: !ts ? 'external' : last ? 'processed' : 'raw',
      step: last ? stepInfo(last) : null,
      historyLength: ts?.processingSteps.length ?? 0,
      createdOn: ts?.createdOn ?? null,
    });
    if (!last) continue;
    for (const input of last.inputSeriesNames) {
      if (input === name) continue;
      const key = `${input}\u0000${name}`;
      if (!edges.has(key)) edges.set(key, { from: input, to: name, function: last.functionInfo.name, type: last.type });
      if (!nodes.has(input)) stack.push(input);
    }
  }
  return { title, nodes: [...nodes.values()], edges: [...edges.values()] };
}

function signalLookup(signal: Signal): Map<string, TimeSeries> {
  return new Map(signal.timeSeries);
}

function datasetLookup(dataset: Dataset): Map<string, TimeSeries> {
  const lookup = new Map<string, TimeSeries>();
  for (const signal of dataset.signals.values()) for (const [name, ts] of signal.timeSeries) lookup.set(name, ts);
  return lookup;
}

/**
 * meteaudata's `Signal.build_dependency_graph(ts_name)`: the series and everything it was
 * computed from, as a graph. Inputs from other signals appear as `external` nodes; pass
 * the dataset (or use `dataset.lineage`) to resolve them.
 * @example dependencyGraph(signal, 'A#1_SMOOTH#1').edges // [{ from: 'A#1_RAW#1', to: 'A#1_SMOOTH#1', … }]
 */
export function dependencyGraph(signal: Signal, tsName: string, options: { dataset?: Dataset } = {}): LineageGraph {
  signal.get(tsName);
  const lookup = options.dataset ? datasetLookup(options.dataset) : signalLookup(signal);
  return new LineageGraph(buildLineage([tsName], lookup, `Lineage of ${tsName}`));
}

/**
 * The lineage of a dataset: of the named series (default: every series), across signals.
 * @example lineage(dataset).nodes.length
 */
export function lineage(dataset: Dataset, tsNames?: readonly string[] | null): LineageGraph {
  const lookup = datasetLookup(dataset);
  const targets = tsNames ?? [...lookup.keys()];
  for (const t of targets) if (!lookup.has(t)) throw invalidInput(`Time series ${show(t)} not found in dataset ${show(dataset.name)}`);
  return new LineageGraph(buildLineage(targets, lookup, tsNames ? `Lineage of ${tsNames.join(', ')}` : `Lineage of dataset ${dataset.name}`));
}

/**
 * A lineage graph: nodes (series with the step that made them) and edges (inputs),
 * rendered as an interactive HTML page (click a node to see its step) or SVG/PNG.
 */
export class LineageGraph implements LineageGraphData {
  readonly title: string;
  readonly nodes: LineageNode[];
  readonly edges: LineageEdge[];

  constructor(data: LineageGraphData) {
    this.title = data.title;
    this.nodes = data.nodes;
    this.edges = data.edges;
  }

  node(id: string): LineageNode | undefined {
    return this.nodes.find((n) => n.id === id);
  }

  /** The edge list in meteaudata's `build_dependency_graph` format. */
  toMeteaudataEdges(): MeteaudataEdge[] {
    return this.edges.map((e) => ({ step: e.function, type: e.type, origin: e.from, destination: e.to }));
  }

  toSvg(): string {
    return lineageSvg(this);
  }

  toHtmlFragment(id = 'metaseries-lineage'): string {
    return lineageHtmlFragment(this, id);
  }

  toHtml(): string {
    return lineageHtml(this);
  }

  toPng(options: PngOptions = {}): Buffer {
    return svgToPng(this.toSvg(), options);
  }

  save(path: string): Promise<string> {
    return saveByExtension(path, { html: () => this.toHtml(), svg: async () => this.toSvg(), png: async (o) => this.toPng(o) });
  }
}
