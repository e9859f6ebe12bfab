/** The ```ts blocks of docs/storage-sql.md run as written and print what their comments say. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../../../test/support/python.js';
import { runTsBlock } from '../../../test/support/run-ts-block.js';

it('docs/storage-sql.md: every ts block runs; printed values match the comments', async () => {
  const doc = await readFile(join(ROOT, 'docs', 'storage-sql.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThan(0);
  for (const [i, code] of blocks.entries()) {
    const logged = await runTsBlock(code, join(ROOT, 'test', `.docs-storage-sql-${i}.tmp.ts`));
    // `console.log(a, b); // x y` → the printed values, as the comment shows them.
    const expected = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!.trim());
    expect(logged.map((args) => args.map((a) => (Array.isArray(a) ? `[ ${a.map((x) => `'${String(x)}'`).join(', ')} ]` : String(a))).join(' '))).toEqual(expected);
  }
});
