/** The ```ts blocks of docs/storage-sql.md run as written and print what their comments say. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const written: string[] = [];
afterAll(async () => { for (const f of written) await rm(f, { force: true }); });

it('docs/storage-sql.md: every ts block runs; printed values match the comments', async () => {
  const doc = await readFile(join(ROOT, 'docs', 'storage-sql.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThan(0);
  for (const [i, code] of blocks.entries()) {
    const file = join(ROOT, 'test', `.docs-storage-sql-${i}.tmp.ts`);
    written.push(file);
    await writeFile(file, code);
    const logged: unknown[][] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args));
    try {
      await import(file);
    } finally {
      spy.mockRestore();
    }
    // `console.log(a, b); // x y` → the printed values, as the comment shows them.
    const expected = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!.trim());
    expect(logged.map((args) => args.map((a) => (Array.isArray(a) ? `[ ${a.map((x) => `'${String(x)}'`).join(', ')} ]` : String(a))).join(' '))).toEqual(expected);
  }
});
