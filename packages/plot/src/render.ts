import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { MetaseriesError } from '@metaseries/core';
import { invalidInput, show } from '@metaseries/core/backend-kit';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FONT_FAMILY, fontFile, vegaRuntime } from './assets.js';

/** `<`, `>` and `&` escaped so any JSON can sit inside an inline <script>. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Vega-Lite → Vega, done here so pages carry only the Vega runtime. */
export function compileVegaLite(spec: object): vega.Spec {
  try {
    return compile(spec as TopLevelSpec).spec as vega.Spec;
  } catch (cause) {
    throw new MetaseriesError('INVALID_INPUT', `Could not build the chart: ${(cause as Error).message}`, { cause });
  }
}

/**
 * An inline chart for an HTML page: a container and the script that draws it with the
 * Vega runtime (which the page must include once: `vegaScriptTag()`).
 */
export function vegaChartHtml(vegaSpec: vega.Spec, id: string): string {
  return `<div class="ms-chart" id="${id}"></div>
<script>(function () {
  var spec = ${scriptJson(vegaSpec)};
  var view = new vega.View(vega.parse(spec), { renderer: 'svg', container: '#${id}', hover: true });
  window.metaseriesViews = (window.metaseriesViews || []);
  window.metaseriesViews.push(view.runAsync());
})();</script>`;
}

export function vegaScriptTag(): string {
  return `<script>${vegaRuntime()}</script>`;
}

/** A complete standalone page: works offline (the runtime is inlined, no CDN). */
export function htmlPage(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#222}.ms-chart{margin:8px 0}</style>
${head}</head><body>
${body}
</body></html>
`;
}

/** SVG text of a Vega spec, rendered in Node (no browser). */
export async function vegaToSvg(vegaSpec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixel density (default 1; 2 for sharp pictures on HiDPI screens). */
  scale?: number;
}

/** PNG bytes of an SVG, rasterised by resvg with the bundled DejaVu Sans (system fonts ignored, so every machine draws the same). */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 8)) throw invalidInput(`PNG scale must be in (0, 8], got ${show(scale)}`);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: [fontFile()], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  return resvg.render().asPng();
}

export type OutputFormat = 'html' | 'svg' | 'png';

/** The output format of a path by its extension (.html/.htm, .svg, .png). */
export function formatOf(path: string): OutputFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.svg') return 'svg';
  if (ext === '.png') return 'png';
  throw invalidInput(`Cannot tell the output format of ${show(path)}: use a .html, .svg or .png file name`);
}

/** Write an HTML/SVG/PNG by extension, from a renderer per format. */
export async function saveByExtension(path: string, render: { html(): string | Promise<string>; svg(): Promise<string>; png(options?: PngOptions): Promise<Buffer> }): Promise<string> {
  const format = formatOf(path);
  const content = format === 'html' ? await render.html() : format === 'svg' ? await render.svg() : await render.png();
  try {
    await writeFile(path, content);
  } catch (cause) {
    throw new MetaseriesError('IO_ERROR', `Could not write ${show(path)}: ${(cause as Error).message}`, { cause });
  }
  return path;
}
