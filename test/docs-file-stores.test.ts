import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './support/python.js';
import { runTsBlock } from './support/run-ts-block.js';

/** Run the doc's single ts block as a module; return what it logged. */
async function run(doc: string): Promise<unknown[][]> {
  const text = await readFile(join(ROOT, 'docs', doc), 'utf8');
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBe(1);
  return runTsBlock(blocks[0]!, join(ROOT, 'test', `.docs-${doc}.tmp.ts`));
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
