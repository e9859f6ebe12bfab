/**
 * A real headless Chromium for tests that open pages: Debian's `chromium` package
 * (installed by .ci/run; locally `apt-get install chromium`), driven by playwright-core
 * (which downloads no browser). Under `CI` a missing browser is a failure, never a skip.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => Boolean(p));

export const CHROMIUM = CANDIDATES.find((p) => existsSync(p)) ?? null;

export function browserAvailable(): boolean {
  if (!CHROMIUM && process.env.CI) throw new Error(`Browser tests must run in CI but no Chromium was found at ${CANDIDATES.join(', ')} (.ci/run installs Debian's chromium)`);
  return CHROMIUM !== null;
}

export const SKIP_BROWSER_REASON = `Browser tests skipped: no Chromium at ${CANDIDATES.join(', ')} (install it with "apt-get install chromium")`;

export function launchBrowser(): Promise<Browser> {
  // As root (CI, containers) Chromium refuses to start with its sandbox.
  return chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen while loading and using the page. */
  errors: string[];
  /** Requests that left the page (a standalone page must make none). */
  requests: string[];
}

/** Open a local HTML file and wait until every chart on it has rendered. */
export async function openFile(browser: Browser, path: string): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  await page.goto(`file://${path}`);
  // Runs in the page: `globalThis` is its window.
  await page.evaluate(() => Promise.all((globalThis as { metaseriesViews?: Promise<unknown>[] }).metaseriesViews ?? []).then((views) => views.length));
  return { page, errors, requests };
}
