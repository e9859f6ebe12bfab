/**
 * Every HTML output opened in a real headless Chromium (one launch for the file): no
 * console errors, no network requests (standalone pages), the expected traces/nodes in
 * the DOM, a screenshot in the test's temp folder. PNG outputs decoded and checked.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, Series, Signal } from '@metaseries/core';
import { averageSignals, linearInterpolation, predictFromPreviousPoint, rollingMean } from '@metaseries/processing';
import { lineage, plotDataset, plotSignal } from '@metaseries/plot';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, openFile, SKIP_BROWSER_REASON } from '../../../test/support/browser.js';

const HAS_BROWSER = browserAvailable();
if (!HAS_BROWSER) console.warn(SKIP_BROWSER_REASON);

const dir = mkdtempSync(join(tmpdir(), 'ms-plot-browser-'));
let browser: Browser | undefined;

beforeAll(async () => {
  if (HAS_BROWSER) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function plant(): Promise<Dataset> {
  const wave = (k: number, n = 240) => Float64Array.from({ length: n }, (_, i) => Math.sin(i / 15 + k) * 4 + k + (i === 100 ? Number.NaN : 0));
  const make = (name: string, k: number) => new Signal({ name, units: 'mg/l', data: Series.regular('2024-03-01', 3_600_000_000, wave(k), { name: 'RAW', freq: 'h', tz: 'America/Toronto' }) });
  const ds = new Dataset({ name: 'plant', description: 'browser test', signals: [make('A', 1), make('B', 2)] });
  await ds.get('A#1').process(['A#1_RAW#1'], linearInterpolation());
  await ds.get('A#1').process(['A#1_LIN-INT#1'], predictFromPreviousPoint());
  await ds.process(['A#1_LIN-INT#1', 'B#1_RAW#1'], averageSignals());
  await ds.get('AVERAGE#1').process(['AVERAGE#1_RAW#1'], rollingMean(6));
  return ds;
}

/** Pixels that are not (near-)white. */
function inkedPixels(png: Buffer): { width: number; height: number; inked: number } {
  const img = PNG.sync.read(png);
  let inked = 0;
  for (let i = 0; i < img.data.length; i += 4) if (img.data[i]! < 230 || img.data[i + 1]! < 230 || img.data[i + 2]! < 230) inked++;
  return { width: img.width, height: img.height, inked };
}

describe.skipIf(!HAS_BROWSER)('HTML outputs in headless Chromium', () => {
  it('a signal figure renders one legend entry and one line/marker group per trace, offline, without errors', async () => {
    const ds = await plant();
    const fig = await plotSignal(ds.get('A#1'));
    const path = await fig.save(join(dir, 'signal.html'));
    const { page, errors, requests } = await openFile(browser!, path);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const labels = await page.$$eval('.role-legend-label text', (els) => els.map((e) => e.textContent));
    expect(labels).toEqual(['A#1_RAW#1', 'A#1_LIN-INT#1', 'A#1_PREV-PRED#1']);
    // One path per line trace (LIN-INT and PREV-PRED have lines; RAW is markers only).
    expect(await page.$$eval('.mark-line path', (els) => els.length)).toBe(2);
    expect(await page.$$eval('.mark-symbol path', (els) => els.length)).toBeGreaterThan(3 * 200);
    await page.screenshot({ path: join(dir, 'signal.png') });
    expect(statSync(join(dir, 'signal.png')).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('a dataset figure has one row per signal', async () => {
    const ds = await plant();
    const path = await (await plotDataset(ds)).save(join(dir, 'dataset.html'));
    const { page, errors } = await openFile(browser!, path);
    expect(errors).toEqual([]);
    expect(await page.$$eval('.role-legend-label text', (els) => els.length)).toBe(6);
    expect(await page.$$eval('.role-axis-title text', (els) => els.map((e) => e.textContent).filter((t) => t?.includes('Values')))).toEqual([
      'A#1 Values (mg/l)', 'B#1 Values (mg/l)', 'AVERAGE#1 Values (mg/l)',
    ]);
    await page.screenshot({ path: join(dir, 'dataset.png') });
    await page.close();
  });

  it('the lineage page shows every node and, on click, the step that made it', async () => {
    const graph = lineage(await plant());
    const path = await graph.save(join(dir, 'lineage.html'));
    const { page, errors, requests } = await openFile(browser!, path);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.$$eval('.ms-node', (els) => els.length)).toBe(graph.nodes.length);
    expect(graph.nodes.length).toBe(6);
    expect(await page.$$eval('.ms-edge', (els) => els.length)).toBe(graph.edges.length);
    await page.click('.ms-node[data-id="AVERAGE#1_RAW#1"]');
    const details = await page.textContent('.ms-lineage-details');
    expect(details).toContain('Signal Averaging');
    expect(details).toContain('dimensionality_reduction');
    expect(details).toContain('A#1_LIN-INT#1, B#1_RAW#1');
    await page.click('.ms-node[data-id="AVERAGE#1_ROLLING-MEAN#1"]');
    expect(await page.textContent('.ms-lineage-details')).toMatch(/"window": 6/);
    await page.screenshot({ path: join(dir, 'lineage.png') });
    await page.close();
  });

  it('the dataset report combines summary, a plot per signal and the lineage in one working page', async () => {
    const ds = await plant();
    const path = await ds.saveReport(join(dir, 'report.html'));
    const { page, errors, requests } = await openFile(browser!, path);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.textContent('.ms-summary')).toContain("Signal 'AVERAGE#1' (mg/l)");
    expect(await page.$$eval('.ms-chart svg', (els) => els.length)).toBe(3);
    expect(await page.$$eval('.ms-node', (els) => els.length)).toBe(6);
    await page.click('.ms-node[data-id="A#1_PREV-PRED#1"]');
    expect(await page.textContent('.ms-lineage-details')).toContain('prediction');
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    await page.close();
  });
});

describe('static outputs (no browser)', () => {
  it('PNG figures and lineage are real pictures of the expected size, with ink', async () => {
    const ds = await plant();
    const png = await (await plotSignal(ds.get('AVERAGE#1'), null, { width: 600, rowHeight: 300 })).toPng();
    const f = inkedPixels(png);
    expect(f.width).toBeGreaterThan(600);
    expect(f.height).toBeGreaterThan(300);
    expect(f.inked / (f.width * f.height)).toBeGreaterThan(0.01);
    const g = inkedPixels(lineage(ds).toPng({ scale: 2 }));
    expect(g.inked).toBeGreaterThan(1000);
    const svg = await (await plotSignal(ds.get('A#1'))).toSvg();
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('A#1_LIN-INT#1');
    writeFileSync(join(dir, 'a.svg'), svg);
    expect(readFileSync(join(dir, 'a.svg'), 'utf8')).toContain('font-family');
  });
});
