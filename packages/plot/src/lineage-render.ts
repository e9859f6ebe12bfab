import type { LineageGraphData, LineageNode } from './lineage.js';
import { escapeHtml, htmlPage, scriptJson } from './render.js';

/** meteaudata's lineage palette: raw green, external grey, processed series cycling these. */
const RAW = '#2ca02c';
const EXTERNAL = '#adb5bd';
const PROCESSED = ['#1f77b4', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const FONT = 12;
/** DejaVu Sans advance ≈ 0.62 em on average: sizes boxes without measuring text. */
const CHAR_W = FONT * 0.62;
const NODE_H = 44;
const GAP_X = 150;
const GAP_Y = 26;
const MARGIN = 20;
const TITLE_H = 34;

interface Placed {
  node: LineageNode;
  x: number;
  y: number;
  w: number;
  color: string;
}

export interface LineageLayout {
  width: number;
  height: number;
  nodes: Placed[];
  edges: { from: Placed; to: Placed; label: string }[];
}

/**
 * A left-to-right layered layout: a node's layer is the longest path from a source;
 * within a layer nodes are ordered by the mean position of their inputs (two sweeps),
 * which keeps most edges short and uncrossed for pipeline-shaped graphs.
 */
export function layoutLineage(graph: LineageGraphData): LineageLayout {
  const inputs = new Map<string, string[]>();
  for (const e of graph.edges) inputs.set(e.to, [...(inputs.get(e.to) ?? []), e.from]);
  const layer = new Map<string, number>();
  const layerOf = (id: string, seen: Set<string>): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const l = Math.max(-1, ...(inputs.get(id) ?? []).map((i) => layerOf(i, seen))) + 1;
    layer.set(id, l);
    return l;
  };
  for (const n of graph.nodes) layerOf(n.id, new Set());
  // Sources sit just left of their first consumer, not all in the first column.
  for (const n of graph.nodes) {
    if ((inputs.get(n.id) ?? []).length > 0) continue;
    const consumers = graph.edges.filter((e) => e.from === n.id).map((e) => layer.get(e.to)!);
    if (consumers.length > 0) layer.set(n.id, Math.min(...consumers) - 1);
  }
  const layers: LineageNode[][] = [];
  const sorted = [...graph.nodes].sort((a, b) => a.signal.localeCompare(b.signal) || a.id.localeCompare(b.id));
  for (const n of sorted) (layers[layer.get(n.id)!] ??= []).push(n);
  const position = new Map<string, number>();
  for (const l of layers) l?.forEach((n, i) => position.set(n.id, i));
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const l of layers.slice(1)) {
      if (!l) continue;
      const score = (n: LineageNode): number => {
        const ins = inputs.get(n.id) ?? [];
        return ins.length === 0 ? position.get(n.id)! : ins.reduce((s, i) => s + (position.get(i) ?? 0), 0) / ins.length;
      };
      l.sort((a, b) => score(a) - score(b));
      l.forEach((n, i) => position.set(n.id, i));
    }
  }
  const processedOrder = graph.nodes.filter((n) => n.kind === 'processed').map((n) => n.id).sort();
  const colorOf = (n: LineageNode): string =>
    n.kind === 'raw' ? RAW : n.kind === 'external' ? EXTERNAL : PROCESSED[processedOrder.indexOf(n.id) % PROCESSED.length]!;
  // Names are bold (≈10% wider); the second line is smaller.
  const widthOf = (n: LineageNode): number => Math.max(n.id.length * CHAR_W * 1.12, (n.step ? n.step.function.length + n.step.type.length + 3 : 8) * CHAR_W * 0.85, 8 * CHAR_W) + 24;
  const placed = new Map<string, Placed>();
  let x = MARGIN;
  let height = 0;
  for (const l of layers) {
    if (!l) continue;
    const w = Math.max(...l.map(widthOf));
    l.forEach((n, i) => {
      const y = TITLE_H + MARGIN + i * (NODE_H + GAP_Y);
      placed.set(n.id, { node: n, x, y, w, color: colorOf(n) });
      height = Math.max(height, y + NODE_H);
    });
    x += w + GAP_X;
  }
  const width = Math.max(x - GAP_X + MARGIN, 320);
  return {
    width,
    height: Math.max(height + MARGIN, TITLE_H + 2 * MARGIN + NODE_H),
    nodes: [...placed.values()],
    edges: graph.edges.flatMap((e) => {
      const from = placed.get(e.from);
      const to = placed.get(e.to);
      return from && to ? [{ from, to, label: e.function }] : [];
    }),
  };
}

function esc(text: string): string {
  return escapeHtml(text);
}

/** The graph as a standalone SVG: boxes (name, step function) and labelled arrows. */
export function lineageSvg(graph: LineageGraphData): string {
  const L = layoutLineage(graph);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="ms-lineage-svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="DejaVu Sans, sans-serif" font-size="${FONT}">`);
  out.push('<defs><marker id="ms-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#666"/></marker></defs>');
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${MARGIN}" y="${MARGIN + 8}" font-size="16">${esc(graph.title)}</text>`);
  if (graph.nodes.length === 0) out.push(`<text x="${MARGIN}" y="${TITLE_H + MARGIN + 14}">No dependencies found for this time series.</text>`);
  for (const e of L.edges) {
    const x1 = e.from.x + e.from.w, y1 = e.from.y + NODE_H / 2;
    const x2 = e.to.x, y2 = e.to.y + NODE_H / 2;
    const mx = (x1 + x2) / 2;
    out.push(`<g class="ms-edge" data-from="${esc(e.from.node.id)}" data-to="${esc(e.to.node.id)}"><path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" fill="none" stroke="#888" stroke-width="1.4" marker-end="url(#ms-arrow)"/>`
      + `<text x="${mx}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle" font-size="10" fill="#555">${esc(e.label)}</text></g>`);
  }
  for (const p of L.nodes) {
    const sub = p.node.kind === 'external' ? 'external' : p.node.step ? `${p.node.step.function} · ${p.node.step.type}` : 'raw data';
    out.push(`<g class="ms-node" data-id="${esc(p.node.id)}" tabindex="0" role="button"><rect x="${p.x}" y="${p.y}" width="${p.w}" height="${NODE_H}" rx="8" fill="${p.color}" fill-opacity="0.15" stroke="${p.color}" stroke-width="2"/>`
      + `<text x="${p.x + 12}" y="${p.y + 18}" font-weight="bold">${esc(p.node.id)}</text>`
      + `<text x="${p.x + 12}" y="${p.y + 34}" font-size="10" fill="#444">${esc(sub)}</text></g>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

const PANEL_CSS = `.ms-lineage{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
.ms-lineage-graph{overflow:auto;border:1px solid #e1e4e8;border-radius:6px;max-width:100%}
.ms-lineage .ms-node{cursor:pointer}.ms-lineage .ms-node.selected rect{stroke-width:4}
.ms-lineage-details{min-width:260px;max-width:420px;border:1px solid #e1e4e8;border-radius:6px;padding:8px 12px;font-size:13px}
.ms-lineage-details dt{font-weight:600;margin-top:6px}.ms-lineage-details dd{margin:0 0 0 8px;word-break:break-word}
.ms-lineage-details pre{margin:0;white-space:pre-wrap}`;

/** The interactive graph for a page: SVG plus a details panel filled when a node is clicked. */
export function lineageHtmlFragment(graph: LineageGraphData, id: string): string {
  const details = Object.fromEntries(graph.nodes.map((n) => [n.id, n]));
  return `<style>${PANEL_CSS}</style>
<div class="ms-lineage" id="${esc(id)}"><div class="ms-lineage-graph">${lineageSvg(graph)}</div>
<div class="ms-lineage-details"><em>Click a series to see the step that made it.</em></div></div>
<script>(function () {
  var root = document.getElementById(${scriptJson(id)});
  var nodes = ${scriptJson(details)};
  var panel = root.querySelector('.ms-lineage-details');
  function el(tag, text) { var e = document.createElement(tag); e.textContent = text; return e; }
  function show(id) {
    var n = nodes[id]; if (!n) return;
    root.querySelectorAll('.ms-node').forEach(function (g) { g.classList.toggle('selected', g.getAttribute('data-id') === id); });
    panel.replaceChildren();
    var dl = document.createElement('dl');
    function row(k, v) { dl.appendChild(el('dt', k)); var dd = document.createElement('dd'); if (typeof v === 'string') dd.textContent = v; else dd.appendChild(v); dl.appendChild(dd); }
    panel.appendChild(el('h3', n.id));
    row('Kind', n.kind === 'raw' ? 'raw series (no processing steps)' : n.kind === 'external' ? 'not in this signal/dataset' : 'processed');
    if (n.createdOn) row('Created', n.createdOn);
    if (n.step) {
      var s = n.step;
      row('Function', s.function + ' ' + s.version + (s.author ? ' by ' + s.author : ''));
      row('Type', s.type);
      row('Description', s.description);
      row('Parameters', el('pre', s.parameters === null || Object.keys(s.parameters).length === 0 ? 'none' : JSON.stringify(s.parameters, null, 2)));
      row('Run', s.runDatetime);
      row('Inputs', s.inputs.join(', ') || 'none');
      if (s.stepDistance) row('Step distance', String(s.stepDistance));
      if (s.reference) row('Reference', s.reference);
      row('Steps in history', String(n.historyLength));
    }
    panel.appendChild(dl);
  }
  root.querySelectorAll('.ms-node').forEach(function (g) {
    var id = g.getAttribute('data-id');
    g.addEventListener('click', function () { show(id); });
    g.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') show(id); });
  });
})();</script>`;
}

export function lineageHtml(graph: LineageGraphData): string {
  return htmlPage(graph.title, `<h1>${esc(graph.title)}</h1>\n${lineageHtmlFragment(graph, 'metaseries-lineage')}`);
}
