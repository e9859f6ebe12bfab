import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './support/python.js';
import { runTsBlock } from './support/run-ts-block.js';

it('docs/storage.md: every ts block runs and prints what its comments say', async () => {
  const doc = await readFile(join(ROOT, 'docs', 'storage.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBe(1);
  const logged = await runTsBlock(blocks[0]!, join(ROOT, 'test', '.docs-storage-example.tmp.ts'));
  expect(logged[0]![0]).toEqual(['1 save 60', '2 append 120', '3 update 120', '4 deleteRange 100']);
  expect(logged.slice(1, 7).map((l) => l[0])).toEqual([60, 120, 30, 50, 50, 20]);
  expect(logged[7]![0]).toMatchObject({ versionsRemoved: 2 });
});
