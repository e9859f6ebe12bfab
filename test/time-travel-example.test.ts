import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT } from './support/python.js';

it('examples/append-and-time-travel.ts: appends day by day, snapshots, reprocesses and reads as of the snapshot', async () => {
  const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), ['examples/append-and-time-travel.ts'], { cwd: ROOT });
  expect(stdout).toContain('seattle-hourly/temperature#1/RAW#1: 92 versions (90 appends), now 2183 hourly points');
  expect(stdout).toContain('as of snapshot: temperature#1 series=[temperature#1_RAW#1], 1463 points');
  expect(stdout).toContain('now:            temperature#1 series=[temperature#1_RAW#1, temperature#1_ROLLING-MEAN#1], 2183 points');
  expect(stdout).toMatch(/day 10 first hour: then (-?[\d.]+) °C, now (-?[\d.]+) °C/);
  const [, then, now] = /day 10 first hour: then (-?[\d.]+) °C, now (-?[\d.]+) °C/.exec(stdout)!;
  expect(Number(now) - Number(then)).toBeCloseTo(0.5, 9);
  expect(stdout).toMatch(/keeps 6\n/);
}, 120_000);
