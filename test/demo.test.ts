import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { browserAvailable, launchBrowser, openFile, SKIP_BROWSER_REASON } from './support/browser.js';
import { ROOT } from './support/python.js';
import { tempDir } from './support/tmp.js';

it('npm run demo: the Seattle weather pipeline runs end to end, prints its summary and writes a working HTML report', async () => {
  const dir = tempDir('ms-demo-');
  {
    const report = join(dir, 'report.html');
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), ['examples/seattle-weather.ts'], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: dir, METASERIES_DEMO_STORE: `sqlite:${join(dir, 'demo.db')}`, METASERIES_DEMO_REPORT: report },
    });
    expect(stdout).toContain("Dataset 'seattle-weather'");
    expect(stdout).toMatch(/temp-max#1 +°C +series=\[temp-max#1_RAW#1, temp-max#1_ROLLING-MEAN#1\] steps=rollingMean loaded=false/);
    expect(stdout).toContain('temp-max#1_RAW#1: 1461 daily points, 2012-01-01 00:00:00 … 2015-12-31 00:00:00');
    expect(stdout).toContain('lineage of temp-max#1_ROLLING-MEAN#1: temp-max#1_RAW#1 → temp-max#1_ROLLING-MEAN#1 (rollingMean)');
    expect(stdout).toContain(`: ${report}`);
    expect(existsSync(report)).toBe(true);
    expect(await readFile(report, 'utf8')).toContain('temp-max#1_ROLLING-MEAN#1: 1461 points, 6 missing');
    if (!browserAvailable()) {
      console.warn(SKIP_BROWSER_REASON);
      return;
    }
    const browser = await launchBrowser();
    try {
      const { page, errors, requests } = await openFile(browser, report);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.$$eval('.ms-chart svg', (els) => els.length)).toBe(4);
      expect(await page.$$eval('.role-legend-label text', (els) => els.length)).toBe(8);
      expect(await page.$$eval('.ms-node', (els) => els.length)).toBe(8);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }
}, 90_000);
