import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { ROOT } from './support/python.js';

const temps: string[] = [];
afterAll(async () => { for (const t of temps) await rm(t, { force: true }); });

/** Run the doc's single ts block as a module; return what it logged. */
async function run(doc: string): Promise<unknown[][]> {
  const text = await readFile(join(ROOT, 'docs', doc), 'utf8');
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBe(1);
  const tmp = join(ROOT, 'test', `.docs-${doc}.tmp.ts`);
  temps.push(tmp);
  await writeFile(tmp, blocks[0]!);
  const logged: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args));
  try { await import(tmp); } finally { spy.mockRestore(); }
  return logged;
}

it('docs/storage-parquet.md: its ts block runs and prints what it says', async () => {
  const logged = await run('storage-parquet.md');
  expect(logged[0]![0]).toEqual(['1 save 60', '2 append 120']);
  expect(logged[1]![0]).toBe(60);
});

it('docs/storage-polars.md: its ts block runs; the parquet engine reads the polars-written folder', async () => {
  const logged = await run('storage-polars.md');
  expect(logged.map((l) => l[0])).toEqual([60, 1440]);
});
