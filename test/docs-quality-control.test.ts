import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { ROOT } from './support/python.js';

/** Every ```ts block of docs/quality-control.md runs as written (from the repository root, as a reader would). */
const doc = await readFile(join(ROOT, 'docs', 'quality-control.md'), 'utf8');
const blocks = [...doc.matchAll(/```ts(?: check)?\n([\s\S]*?)```/g)].map((m) => m[1]!);
const tmp = (i: number): string => join(ROOT, 'test', `.quality-doc-${i}.tmp.ts`);
afterAll(() => Promise.all(blocks.map((_, i) => rm(tmp(i), { force: true }))));

async function run(i: number): Promise<unknown[][]> {
  await writeFile(tmp(i), blocks[i]!);
  const logged: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args));
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    await import(tmp(i));
  } finally {
    process.chdir(cwd);
    spy.mockRestore();
  }
  return logged;
}

it('docs/quality-control.md has its three examples', () => {
  expect(blocks).toHaveLength(3);
});

it('the real-data example prints the report shown in the doc', async () => {
  const logged = await run(0);
  const text = String(logged[0]![0]);
  // the lines the doc shows, verbatim
  for (const line of doc.split('```\n')[2]!.split('\n').filter((l) => l && l !== '…' && !l.startsWith('```'))) {
    expect(text.split('\n'), `doc line: ${line}`).toContain(line);
  }
  expect(logged[1]![0]).toEqual(['DEDUP', 'QC-RANGE']);
});

it('the smoothing example prints what its comments say', async () => {
  const logged = await run(1);
  expect(logged.map((l) => l[0])).toEqual([[1, 3, 3], [Number.NaN, 2, 4, 4], [1, 1.5, 2.75, 2.875], [0.833333, 2.333333, 3, 3.5]]);
});

it('the by-range example prints what its comment says', async () => {
  const logged = await run(2);
  expect(logged[0]).toEqual([2880, false, 1500]);
});
