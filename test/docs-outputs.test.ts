import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { ROOT } from './support/python.js';

// Docs examples whose printed values matter run as written, and print what their comments say.
const blocks = /```ts\n([\s\S]*?)```/g;
const tmp = (i: string) => join(ROOT, 'test', `.docs-outputs-${i}.tmp.ts`);
const written: string[] = [];
afterAll(() => Promise.all(written.map((f) => rm(f, { force: true }))));

async function run(i: string, code: string): Promise<unknown[][]> {
  written.push(tmp(i));
  await writeFile(tmp(i), code);
  const logged: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args));
  try {
    await import(tmp(i));
  } finally {
    spy.mockRestore();
  }
  return logged;
}

it('docs/query.md examples run and print what they say', async () => {
  const doc = await readFile(join(ROOT, 'docs', 'query.md'), 'utf8');
  const code = [...doc.matchAll(blocks)].map((m) => m[1]!);
  expect(code.length).toBe(5);
  expect(await run('qd', code[0]!)).toEqual([[['plant: 3 signals']], [['COD#1', 'TSS#1']], [['plant/TSS#1/RAW#1 (24 points, mg/l)']]]);
  const [daily, report, dailyMax] = [await run('q0', code[1]!), await run('q1', code[2]!), await run('q2', code[3]!)];
  expect((daily[0]![0] as Record<string, unknown>).time).toBe('2024-03-10 00:00:00-05:00');
  expect(report[0]).toEqual([743, ['plant/COD#1/RAW#1:mean', 'plant/COD#1/RAW#1:max', 'plant/COD#1/RAW#1:p95']]);
  expect(dailyMax[0]).toEqual([3]);
  expect(await run('q3', code[4]!)).toEqual([['statistics', 604800], ['js', 168]]);
});

it('docs/living-pipelines.md examples run and print what they say', async () => {
  const doc = await readFile(join(ROOT, 'docs', 'living-pipelines.md'), 'utf8');
  const code = [...doc.matchAll(blocks)].map((m) => m[1]!);
  expect(code.length).toBe(4);
  const registry = await run('l0', code[0]!);
  expect(registry[0]).toEqual([{ signal: 'flow#1', name: 'flow#1_SCALED#1', status: 'refreshed', mode: 'incremental', points: 1 }]);
  expect(registry[1]).toEqual([[3.6, 7.2, 14.4]]);
  expect(await run('l1', code[1]!)).toEqual([
    [{ 'plant/COD#1/RAW#1': 'rollup' }, { 'plant/COD#1/RAW#1': ['plant/COD#1/RESAMPLED-MAX#1'] }],
    [[29, 29, 28]],
  ]);
  expect(await run('l2', code[2]!)).toEqual([[['plant/A#1/RAW#1: 720 points']]]);
  expect(await run('l3', code[3]!)).toEqual([[[
    'save plant/A#1/RAW#1 1', 'append plant/A#1/RAW#1 2', 'snapshot before-cleanup 0', 'deleteRange plant/A#1/RAW#1 3', 'prune plant/A#1/RAW#1 1',
  ]]]);
});
