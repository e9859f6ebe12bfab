import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT } from './support/python.js';
import { tempDir } from './support/tmp.js';

it('npm run demo: the Seattle weather pipeline runs end to end and prints its summary', async () => {
  const dir = tempDir('ms-demo-');
  const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), ['examples/seattle-weather.ts'], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: dir, METASERIES_DEMO_STORE: `sqlite:${join(dir, 'demo.db')}` },
  });
  expect(stdout).toContain("Dataset 'seattle-weather'");
  expect(stdout).toMatch(/temp-max#1 +°C +series=\[temp-max#1_RAW#1, temp-max#1_ROLLING-MEAN#1\] steps=rollingMean loaded=false/);
  expect(stdout).toContain('temp-max#1_RAW#1: 1461 daily points, 2012-01-01 00:00:00 … 2015-12-31 00:00:00');
}, 60_000);
