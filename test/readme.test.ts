import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './support/python.js';
import { runTsBlock } from './support/run-ts-block.js';

it('the README usage example runs as written and prints what its comments say', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const code = /## Usage\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code, 'README has a ```ts block under ## Usage').toBeTruthy();
  const logged = await runTsBlock(code!, join(ROOT, 'test', '.readme-example.tmp.ts'));
  expect(Array.from(logged[0]![0] as Float64Array)).toEqual([41.2, 0, 44]);
  expect(logged[1]![0]).toEqual(['fillWithZero']);
});
