import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { ROOT } from './support/python.js';

it('examples/living-pipeline.ts runs: each day refreshes the chain incrementally and retention trims RAW', async () => {
  const logged: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args.join(' ')));
  try {
    await import(join(ROOT, 'examples', 'living-pipeline.ts'));
  } finally {
    spy.mockRestore();
  }
  expect(logged).toHaveLength(7);
  for (const line of logged.slice(0, 6)) {
    expect(line).toMatch(/temperature#1_RESAMPLED#1 \(\+9 incremental\)/);
    expect(line).toMatch(/temperature#1_RESAMPLED-MAX#1 \(\+2 incremental\)/);
  }
  expect(logged[5]).toMatch(/retention removed 24 old RAW points/);
  expect(logged[6]).toBe('RAW keeps 121 hours; the daily-max rollup has 7 days; history unchanged: resample');
});
