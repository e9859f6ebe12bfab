import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { ROOT } from './support/python.js';

it('examples/living-pipeline.ts runs: each day refreshes the chain incrementally, retention trims RAW, watch reports each change', async () => {
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
    // The change events of the day: RAW appended, the two resampled series (rollups) refreshed.
    expect(line).toMatch(/store events append ×1, .*rollup ×2/);
  }
  expect(logged[3]).not.toMatch(/deleteRange|prune/);
  expect(logged[5]).toMatch(/store events append ×1, deleteRange ×1, prune ×\d+, rollup ×2/);
  expect(logged[5]).toMatch(/retention removed 24 old RAW points/);
  expect(logged[6]).toBe('RAW keeps 121 hours; the daily-max rollup has 7 days; history unchanged: resample');
});
